import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sha256 } from '../domain/canonical.js';
import { checkEvent, decodeEvent, type TackEvent } from '../domain/events.js';
import {
  ConflictError,
  CorruptStoreError,
  StoreError,
  StoreUnavailableError,
  type AppendResult,
  type BlobStore,
  type EventStore,
  type ExpectedRevision,
  type ReadOptions,
  type RecordedEvent,
  type Store,
} from './port.js';
import { isIdempotentRetry, readWindow } from './shared.js';
import { withLock } from './lock.js';

/**
 * The embedded file store (`.tack/`): one append-only JSON-lines file per stream.
 *
 * A line is `{"rev":R,"batch":[i,n],"prev":"<hash>","event":{...},"hash":"<hash>"}` where `hash` is
 * the sha256 of the line's own text before `,"hash":`, and `prev` is the previous line's hash, so
 * the records form a chain and any changed byte is caught. `batch` marks the i-th of n records
 * written together: a batch is one write and one fsync, and a batch that did not reach the disk
 * whole (a torn write) is cut back, by the lock holder only, to the last complete batch. Readers
 * ignore such a tail. A complete line that fails its checks is corruption, never cut.
 */
export const GENESIS = '0'.repeat(64);
const HASH_SUFFIX_LEN = ',"hash":"'.length + 64 + '"}'.length;
const FORMAT = { format: 'tack-file-store', version: 1 };

interface ParsedRecord {
  readonly rev: number;
  readonly batch: readonly [number, number];
  readonly prev: string;
  readonly hash: string;
  readonly event: unknown;
  /** Byte offset just past this record's newline. */
  readonly end: number;
}

interface StreamScan {
  /** The records of whole batches (empty when a visitor took them). */
  readonly records: ParsedRecord[];
  /** How many records of whole batches were read. */
  readonly count: number;
  /** Bytes of whole batches; anything after is a torn tail. */
  readonly goodBytes: number;
  readonly totalBytes: number;
}

export const encodeRecord = (rev: number, batch: readonly [number, number], prev: string, event: unknown): string => {
  const body = `{"rev":${rev},"batch":[${batch[0]},${batch[1]}],"prev":"${prev}","event":${JSON.stringify(event)}`;
  return `${body},"hash":"${sha256(body)}"}\n`;
};

const corrupt = (stream: string, rev: number, what: string) =>
  new CorruptStoreError(`store corrupt at ${stream}@${rev}: ${what}; run \`tack verify\` (nothing after it can be trusted)`);

/** Where a scan resumes: just after the last whole batch of a stream already checked. */
export interface ScanPoint {
  readonly offset: number;
  readonly rev: number;
  readonly prev: string;
}
export const START: ScanPoint = { offset: 0, rev: 0, prev: GENESIS };

/**
 * Check one complete line as the record at `rev` following `prev`; returns its parsed fields or
 * throws a CorruptStoreError naming the stream and revision.
 */
const checkLine = (stream: string, buf: Buffer, start: number, end: number, rev: number, prev: string) => {
  if (end - start < HASH_SUFFIX_LEN + 2) throw corrupt(stream, rev, 'record too short');
  const cut = end - HASH_SUFFIX_LEN;
  const suffix = buf.toString('latin1', cut, end);
  if (!suffix.startsWith(',"hash":"') || !suffix.endsWith('"}')) throw corrupt(stream, rev, 'record is not in the store format');
  const hash = suffix.slice(9, 73);
  // Hash the bytes as stored: no string round trip, so no byte can change unnoticed.
  if (sha256(buf.subarray(start, cut)) !== hash) throw corrupt(stream, rev, 'record hash does not match its content');
  let rec: { rev: unknown; batch: unknown; prev: unknown; event: unknown };
  try {
    rec = JSON.parse(buf.toString('utf8', start, end));
  } catch {
    throw corrupt(stream, rev, 'record is not valid JSON');
  }
  if (rec.rev !== rev) throw corrupt(stream, rev, `record says revision ${String(rec.rev)}`);
  if (rec.prev !== prev) throw corrupt(stream, rev, 'chain broken: previous hash does not match');
  const b = rec.batch;
  if (!Array.isArray(b) || b.length !== 2 || !Number.isInteger(b[0]) || !Number.isInteger(b[1]) || b[0] < 0 || b[0] >= b[1])
    throw corrupt(stream, rev, 'bad batch marker');
  return { hash, batch: [b[0], b[1]] as const, event: rec.event };
};

/**
 * Parse and check a stream file's bytes from a scan point. Stops at the first bad complete record
 * with a CorruptStoreError naming the stream and revision. An unterminated tail is a torn write
 * (reported through goodBytes < totalBytes) only if it could be a prefix of a record; a whole record
 * followed by anything but its newline is a changed byte, i.e. corruption.
 */
export const scanStream = (stream: string, buf: Buffer, from: ScanPoint = START, visit?: (r: ParsedRecord) => void): StreamScan => {
  const records: ParsedRecord[] = [];
  // Records of the batch being read; they count only once the batch is whole.
  let batch: ParsedRecord[] = [];
  let count = 0;
  let pos = from.offset;
  let prev = from.prev;
  let goodBytes = from.offset;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    const rev = from.rev + count + batch.length;
    if (nl < 0) {
      const n = buf.length;
      // A whole record followed by one byte that is not its newline: a changed byte, not a torn write.
      if (n - pos > 3 && buf[n - 3] === 0x22 && buf[n - 2] === 0x7d) {
        checkLine(stream, buf, pos, n - 1, rev, prev);
        throw corrupt(stream, rev, 'record terminator changed');
      }
      break;
    }
    const rec = checkLine(stream, buf, pos, nl, rev, prev);
    const [index, size] = rec.batch;
    if (index !== batch.length || (index > 0 && size !== batch[0].batch[1])) throw corrupt(stream, rev, 'batch sequence broken');
    batch.push({ rev, batch: rec.batch, prev, hash: rec.hash, event: rec.event, end: nl + 1 });
    prev = rec.hash;
    pos = nl + 1;
    if (index === size - 1) {
      goodBytes = pos;
      count += batch.length;
      if (visit) batch.forEach(visit);
      else for (const r of batch) records.push(r);
      batch = [];
    }
  }
  return { records, goodBytes, totalBytes: buf.length, count };
};

const fsyncDir = (dir: string) => {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

export class FileEventStore implements EventStore {
  private readonly streamsDir: string;
  private readonly lockPath: string;

  constructor(readonly location: string) {
    this.streamsDir = join(location, 'streams');
    this.lockPath = join(location, 'lock');
  }

  private pathOf(stream: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(stream)) throw new StoreError(`invalid stream name "${stream}"`);
    return join(this.streamsDir, `${stream}.jsonl`);
  }

  private scan(stream: string): StreamScan {
    let buf: Buffer;
    try {
      buf = readFileSync(this.pathOf(stream));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], goodBytes: 0, totalBytes: 0, count: 0 };
      throw e;
    }
    return scanStream(stream, buf);
  }

  /** Where each stream's checked prefix ends, so a long-lived writer reads only what is new. */
  private readonly tails = new Map<string, { ino: number; point: ScanPoint }>();

  /** The stream as a writer needs it (from an open fd): records after the cached point, where whole batches end. */
  private scanTail(stream: string, fd: number): { base: ScanPoint; scan: StreamScan; ino: number } {
    const st = fstatSync(fd);
    const cached = this.tails.get(stream);
    const base = cached && cached.ino === st.ino && st.size >= cached.point.offset ? cached.point : START;
    const buf = Buffer.alloc(st.size - base.offset);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, base.offset + off);
      if (n === 0) break;
      off += n;
    }
    const scan = scanStream(stream, buf.subarray(0, off), { offset: 0, rev: base.rev, prev: base.prev });
    this.tails.set(stream, { ino: st.ino, point: base });
    return { base, scan, ino: st.ino };
  }

  async append(stream: string, events: readonly TackEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    for (const e of events) {
      const c = checkEvent(e);
      if (c._tag === 'Left') throw new StoreError(`refusing to append to ${stream}: ${c.left}`);
    }
    const path = this.pathOf(stream);
    return withLock(this.lockPath, () => {
      const created = !existsSync(path);
      const fd = openSync(path, 'a+');
      try {
        return this.appendLocked(stream, fd, events, expected, created);
      } finally {
        closeSync(fd);
      }
    });
  }

  private appendLocked(stream: string, fd: number, events: readonly TackEvent[], expected: ExpectedRevision, created: boolean): AppendResult {
    const { base, scan, ino } = this.scanTail(stream, fd);
    const head = base.rev + scan.records.length - 1;
    if (expected !== 'any' && events.length > 0) {
      const start = expected === 'no_stream' ? 0 : expected + 1;
      // A retry of events already stored is a no-op (the EventStoreDB idempotency rule).
      if (start <= head) {
        const all = start >= base.rev ? null : this.scan(stream).records;
        const stored = all ?? scan.records;
        const offset = all ? 0 : base.rev;
        const ids = stored.map((r) => (r.event as { id: string }).id);
        const padded = [...new Array<string>(offset).fill(''), ...ids].map((id) => ({ id }));
        if (isIdempotentRetry(padded, events, expected)) return { nextExpectedRevision: start - 1 + events.length };
      }
    }
    if (expected === 'no_stream' ? head !== -1 : expected !== 'any' && expected !== head) {
      throw new ConflictError(stream, expected, head);
    }
    if (events.length === 0) return { nextExpectedRevision: head };
    let prev = scan.records.length > 0 ? scan.records[scan.records.length - 1].hash : base.prev;
    let text = '';
    events.forEach((e, i) => {
      const line = encodeRecord(head + 1 + i, [i, events.length], prev, e);
      prev = line.slice(line.length - 67, line.length - 3);
      text += line;
    });
    const goodEnd = base.offset + scan.goodBytes;
    // Only the lock holder repairs a torn tail, and only the tail.
    if (scan.goodBytes < scan.totalBytes) ftruncateSync(fd, goodEnd);
    const bytes = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off, null);
    fdatasyncSync(fd);
    this.tails.set(stream, { ino, point: { offset: goodEnd + bytes.length, rev: head + 1 + events.length, prev } });
    if (created) fsyncDir(this.streamsDir);
    return { nextExpectedRevision: head + events.length };
  }

  /**
   * Decoded streams of this process, keyed by the file's identity (inode, size, change time): a
   * long-lived process (the loop, a query after the store is open) rereads only a changed file.
   */
  private readonly decoded = new Map<string, { key: string; events: RecordedEvent[] }>();

  private decodedStream(stream: string): RecordedEvent[] {
    const path = this.pathOf(stream);
    let key: string;
    try {
      const st = statSync(path, { bigint: true });
      key = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const hit = this.decoded.get(stream);
    if (hit && hit.key === key) return hit.events;
    const events = this.scan(stream).records.map((r) => {
      const d = decodeEvent({ stream, revision: r.rev }, r.event);
      if (d._tag === 'Left') throw new CorruptStoreError(`store corrupt at ${d.left}`);
      return { stream, revision: r.rev, event: d.right };
    });
    this.decoded.set(stream, { key, events });
    return events;
  }

  async read(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    const events = this.decodedStream(stream);
    if (options.from === undefined && options.maxCount === undefined && (options.direction ?? 'forwards') === 'forwards') return events.slice();
    return readWindow(events.length, options).map((i) => events[i]);
  }

  /**
   * Visit every event of a stream in order, checked and decoded, without keeping them: how a fold
   * that needs only the resulting state reads a long history.
   */
  async forEach(stream: string, visit: (e: RecordedEvent) => void): Promise<void> {
    let buf: Buffer;
    try {
      buf = readFileSync(this.pathOf(stream));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    scanStream(stream, buf, START, (r) => {
      const d = decodeEvent({ stream, revision: r.rev }, r.event);
      if (d._tag === 'Left') throw new CorruptStoreError(`store corrupt at ${d.left}`);
      visit({ stream, revision: r.rev, event: d.right });
    });
  }

  /** The first event of a stream, reading only its first batch. */
  async first(stream: string): Promise<RecordedEvent | null> {
    let fd: number;
    try {
      fd = openSync(this.pathOf(stream), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    try {
      let size = 64 * 1024;
      while (true) {
        const buf = Buffer.alloc(size);
        const n = readSync(fd, buf, 0, size, 0);
        const chunk = buf.subarray(0, n);
        // Scan whole lines only; the first complete batch is all we need.
        const end = chunk.lastIndexOf(10) + 1;
        const scan = scanStream(stream, chunk.subarray(0, end));
        if (scan.records.length > 0) {
          const r = scan.records[0];
          const d = decodeEvent({ stream, revision: 0 }, r.event);
          if (d._tag === 'Left') throw new CorruptStoreError(`store corrupt at ${d.left}`);
          return { stream, revision: 0, event: d.right };
        }
        if (n < size) return null;
        size *= 4;
      }
    } finally {
      closeSync(fd);
    }
  }

  async head(stream: string): Promise<number> {
    return this.scan(stream).records.length - 1;
  }

  async listStreams(): Promise<string[]> {
    return readdirSync(this.streamsDir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => f.slice(0, -6))
      .filter((s) => statSync(join(this.streamsDir, `${s}.jsonl`)).size > 0)
      .sort();
  }

  /** Recheck every record of every stream (hashes, chain, batches, event codecs). */
  async verify(): Promise<VerifyReport> {
    const streams = readdirSync(this.streamsDir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => f.slice(0, -6))
      .sort();
    let events = 0;
    let tornBytes = 0;
    for (const s of streams) {
      const scan = this.scan(s);
      scan.records.forEach((r) => {
        const d = decodeEvent({ stream: s, revision: r.rev }, r.event);
        if (d._tag === 'Left') throw new CorruptStoreError(`store corrupt at ${d.left}`);
      });
      events += scan.records.length;
      tornBytes += scan.totalBytes - scan.goodBytes;
    }
    return { streams: streams.length, events, tornBytes };
  }

  async close(): Promise<void> {}
}

export interface VerifyReport {
  readonly streams: number;
  readonly events: number;
  /** Bytes of an unacknowledged torn tail, cut by the next writer. */
  readonly tornBytes: number;
}

export class FileBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new StoreError(`invalid blob hash "${hash}"`);
    return join(this.dir, hash.slice(0, 2), hash.slice(2));
  }

  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes);
    const path = this.pathOf(hash);
    if (existsSync(path)) return hash;
    const sub = join(this.dir, hash.slice(0, 2));
    mkdirSync(sub, { recursive: true });
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    fsyncDir(sub);
    return hash;
  }

  async get(hash: string): Promise<Buffer | null> {
    let b: Buffer;
    try {
      b = readFileSync(this.pathOf(hash));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    if (sha256(b) !== hash) throw new CorruptStoreError(`blob ${hash} is corrupt: its content does not match its hash`);
    return b;
  }

  async has(hash: string): Promise<boolean> {
    return existsSync(this.pathOf(hash));
  }

  async list(): Promise<string[]> {
    if (!existsSync(this.dir)) return [];
    const out: string[] = [];
    for (const sub of readdirSync(this.dir).sort()) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const f of readdirSync(join(this.dir, sub)).sort()) if (/^[0-9a-f]{62}$/.test(f)) out.push(sub + f);
    }
    return out;
  }
}

export interface FileStore extends Store {
  readonly events: FileEventStore;
  readonly blobs: FileBlobStore;
}

/**
 * Open the file store in `dir`. With `create`, an empty folder becomes a store; otherwise a
 * missing store is an error that says how to make one.
 */
export const openFileStore = async (dir: string, options: { create?: boolean } = {}): Promise<FileStore> => {
  const marker = join(dir, 'store.json');
  if (!existsSync(marker)) {
    if (!options.create) throw new StoreUnavailableError(`no tack store at ${dir} (run \`tack init\` first, or pass --store)`);
    mkdirSync(join(dir, 'streams'), { recursive: true });
    mkdirSync(join(dir, 'blobs'), { recursive: true });
    const tmp = marker + '.tmp';
    writeFileSync(tmp, JSON.stringify(FORMAT) + '\n');
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, marker);
    fsyncDir(dir);
  } else {
    let fmt: unknown;
    try {
      fmt = JSON.parse(readFileSync(marker, 'utf8'));
    } catch {
      throw new StoreUnavailableError(`${marker} is not a tack store marker (unreadable JSON)`);
    }
    const f = fmt as { format?: unknown; version?: unknown };
    if (f.format !== FORMAT.format || f.version !== FORMAT.version)
      throw new StoreUnavailableError(`${marker}: not a tack file store of version ${FORMAT.version}`);
    mkdirSync(join(dir, 'streams'), { recursive: true });
    mkdirSync(join(dir, 'blobs'), { recursive: true });
  }
  const events = new FileEventStore(dir);
  const blobs = new FileBlobStore(join(dir, 'blobs'));
  return { events, blobs, close: () => events.close() };
};

