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
import { checkEvent, decodeEvent, isReadableEvent, type TackEvent } from '../domain/events.js';
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
import { HASH_SUFFIX_LEN, hashMatches, hasHashSuffix } from './record-hash.js';
import { ReadAhead } from './read-ahead.js';

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
const FORMAT = { format: 'tack-file-store', version: 1 };

interface ParsedRecord {
  readonly rev: number;
  readonly event: unknown;
}

interface StreamScan {
  /** The records of whole batches (empty when a visitor took them). */
  readonly records: ParsedRecord[];
  /** With a `known` point: whether the chain led to the same record there (the prefix is unchanged). */
  readonly knownHolds: boolean;
  /** Where the whole batches end: a scan resumes here. */
  readonly point: ScanPoint;
  /** File offset where whole batches end; anything after is a torn tail. */
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

/** What Scanner.encoded returns for a line not spelt as encodeRecord writes it. */
const NOT_ENCODED = Symbol('not encoded');

interface Checked {
  readonly index: number;
  readonly size: number;
  readonly event: unknown;
}

/**
 * Check one complete line as the record at `rev` following `prev`; returns its parsed fields or
 * throws a CorruptStoreError naming the stream and revision. Accepts any JSON spelling of a record.
 * `hashOk` is the hash check when a worker made it already.
 */
const checkLine = (stream: string, buf: Buffer, start: number, end: number, rev: number, prev: string, hashOk?: boolean): Checked => {
  if (end - start < HASH_SUFFIX_LEN + 2) throw corrupt(stream, rev, 'record too short');
  if (!hasHashSuffix(buf, start, end)) throw corrupt(stream, rev, 'record is not in the store format');
  if (!(hashOk ?? hashMatches(buf, start, end))) throw corrupt(stream, rev, 'record hash does not match its content');
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
  return { index: b[0], size: b[1], event: rec.event };
};

const ascii = (s: string) => Buffer.from(s, 'latin1');
const REV_AT = ascii('{"rev":');
const BATCH_AT = ascii(',"batch":[');
const PREV_AT = ascii('],"prev":"');
const EVENT_AT = ascii('","event":');

/** Whether buf[i..] starts with the bytes what[from, from + n) (a loop: short runs cost less than a call into C++). */
const sameBytes = (buf: Buffer, i: number, what: Buffer, from: number, n: number): boolean => {
  for (let k = 0; k < n; k++) if (buf[i + k] !== what[from + k]) return false;
  return true;
};

/**
 * Sees each record of whole batches, in order, with its revision and its event as parsed (undefined
 * for a record before the scan's `known` point: checked, but not parsed again).
 */
export type RecordVisitor = (rev: number, event: unknown) => void;

/**
 * Reads a stream's lines in order from a scan point, chunk by chunk, and checks each as checkLine
 * does. Stops at the first bad complete record with a CorruptStoreError naming the stream and
 * revision. Records count once their whole batch is read; they go to `visit`, or are kept.
 */
class Scanner {
  readonly records: ParsedRecord[] = [];
  /** Events of the batch being read: they count only once it is whole. */
  private readonly batch: unknown[] = [];
  private batchSize = 0;
  private rev: number;
  /** The previous line's hash: its stored bytes, at prevBuf[prevAt..]. */
  private prevBuf: Buffer = Buffer.alloc(64);
  private prevAt = 0;
  /** Where the whole batches end; goodPrev is kept only while a batch of several records is open. */
  private goodOffset: number;
  private goodRev: number;
  private readonly goodPrev = Buffer.alloc(64);
  /** Fields of the line just read by `encoded`. */
  private index = 0;
  private size = 0;
  private next = 0;
  private readonly visit: RecordVisitor;
  private knownHolds = false;

  /**
   * `known`, when given, is a point this process reached before by a full check of the same file:
   * records before it are checked (hashes, chain, batches) but their events are not parsed, and the
   * scan tells whether the chain led to the same record there (then the records before it are the
   * very ones read before, byte for byte).
   */
  constructor(
    private readonly stream: string,
    from: ScanPoint,
    visit?: RecordVisitor,
    private readonly known?: ScanPoint,
  ) {
    this.rev = from.rev;
    this.prevBuf.write(from.prev, 'latin1');
    this.goodOffset = from.offset;
    this.goodRev = from.rev;
    this.visit = visit ?? ((rev, event) => this.records.push({ rev, event }));
  }

  private prevText(): string {
    return this.prevBuf.toString('latin1', this.prevAt, this.prevAt + 64);
  }

  /**
   * Check the newline-terminated lines of `buf` from `pos` (`at` is the file offset of buf[0]);
   * returns the position just past the last newline. `badHash` is a worker's hash check of these
   * lines (the index of the first line whose hash does not match, or -1); without it, lines are
   * hashed here.
   */
  lines(buf: Buffer, pos: number, at: number, badHash?: number): number {
    for (let index = 0; pos < buf.length; index++) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      this.line(buf, pos, nl, at, badHash === undefined ? undefined : index !== badHash);
      pos = nl + 1;
    }
    if (this.prevBuf === buf) {
      // The chunk's buffer is reused for the next one: keep the last hash.
      this.prevBuf = Buffer.from(buf.subarray(this.prevAt, this.prevAt + 64));
      this.prevAt = 0;
    }
    return pos;
  }

  /** A small decimal integer spelt as encodeRecord spells it (no sign, no leading zero) at buf[i..], or -1. */
  private digits(buf: Buffer, i: number, limit: number): number {
    let j = i;
    let value = 0;
    while (j < limit && j - i < 15 && buf[j] >= 0x30 && buf[j] <= 0x39) value = value * 10 + (buf[j++] - 0x30);
    this.next = j;
    return j === i || (buf[i] === 0x30 && j - i > 1) ? -1 : value;
  }

  /**
   * The check of checkLine for a line exactly as encodeRecord writes it: the envelope's fields read
   * from the bytes (into index and size), only the event parsed as JSON. NOT_ENCODED for any other
   * spelling, and checkLine decides.
   */
  private encoded(buf: Buffer, start: number, end: number, rev: number, hashOk?: boolean): unknown {
    const cut = end - HASH_SUFFIX_LEN;
    if (!hasHashSuffix(buf, start, end) || !sameBytes(buf, start, REV_AT, 0, REV_AT.length)) return NOT_ENCODED;
    if (this.digits(buf, start + REV_AT.length, cut) !== rev || !sameBytes(buf, this.next, BATCH_AT, 0, BATCH_AT.length)) return NOT_ENCODED;
    this.index = this.digits(buf, this.next + BATCH_AT.length, cut);
    if (this.index < 0 || buf[this.next] !== 0x2c) return NOT_ENCODED;
    this.size = this.digits(buf, this.next + 1, cut);
    if (this.size <= this.index || !sameBytes(buf, this.next, PREV_AT, 0, PREV_AT.length)) return NOT_ENCODED;
    const p = this.next + PREV_AT.length;
    if (p + 64 + EVENT_AT.length > cut || !sameBytes(buf, p, this.prevBuf, this.prevAt, 64) || !sameBytes(buf, p + 64, EVENT_AT, 0, EVENT_AT.length))
      return NOT_ENCODED;
    if (!(hashOk ?? hashMatches(buf, start, end))) return NOT_ENCODED;
    if (this.known && rev < this.known.rev) return undefined;
    try {
      return JSON.parse(buf.toString('utf8', p + 64 + EVENT_AT.length, cut));
    } catch {
      return NOT_ENCODED;
    }
  }

  private line(buf: Buffer, start: number, end: number, at: number, hashOk?: boolean): void {
    const rev = this.rev;
    let event = this.encoded(buf, start, end, rev, hashOk);
    if (event === NOT_ENCODED) {
      const rec = checkLine(this.stream, buf, start, end, rev, this.prevText(), hashOk);
      this.index = rec.index;
      this.size = rec.size;
      event = rec.event;
    }
    const { index, size } = this;
    if (index !== this.batch.length || (index > 0 && size !== this.batchSize)) throw corrupt(this.stream, rev, 'batch sequence broken');
    if (index === 0 && size > 1) this.prevBuf.copy(this.goodPrev, 0, this.prevAt, this.prevAt + 64);
    this.prevBuf = buf;
    this.prevAt = end - 66;
    this.rev++;
    if (this.known && this.rev === this.known.rev) this.knownHolds = this.prevText() === this.known.prev;
    if (size === 1) {
      this.goodOffset = at + end + 1;
      this.goodRev = this.rev;
      this.visit(rev, event);
      return;
    }
    this.batchSize = size;
    this.batch.push(event);
    if (index === size - 1) {
      this.goodOffset = at + end + 1;
      this.goodRev = this.rev;
      for (let i = 0; i < size; i++) this.visit(rev - index + i, this.batch[i]);
      this.batch.length = 0;
    }
  }

  /**
   * The unterminated end of the stream, buf[pos..] (`at` is the file offset of buf[0]): a torn
   * write, and ignored, if it could be a prefix of a record; a whole record followed by anything
   * but its newline is a changed byte.
   */
  end(buf: Buffer, pos: number, at: number): StreamScan {
    const n = buf.length;
    if (n - pos > 3 && buf[n - 3] === 0x22 && buf[n - 2] === 0x7d) {
      checkLine(this.stream, buf, pos, n - 1, this.rev, this.prevText());
      throw corrupt(this.stream, this.rev, 'record terminator changed');
    }
    const prev = this.batch.length > 0 ? this.goodPrev.toString('latin1') : this.prevText();
    const point = { offset: this.goodOffset, rev: this.goodRev, prev };
    return { records: this.records, knownHolds: this.knownHolds, point, goodBytes: point.offset, totalBytes: at + n };
  }
}

/** Check a stream's bytes (buf holds the file from `from.offset`). */
export const scanStream = (stream: string, buf: Buffer, from: ScanPoint = START, visit?: RecordVisitor): StreamScan => {
  const scanner = new Scanner(stream, from, visit);
  const pos = scanner.lines(buf, 0, from.offset);
  return scanner.end(buf, pos, from.offset);
};

/** Read size for scans: few reads, and each chunk is parsed while it is in cache. */
const CHUNK = 1 << 20;
/** From this many bytes on, a scan has a worker thread read ahead and check hashes (below, starting it costs more than it saves). */
const READ_AHEAD_FROM = 8 << 20;

/**
 * Check a stream file from an open fd (of `path`), chunk by chunk from a scan point: a long history
 * is never held in memory whole. A long one is read and hashed a step ahead by a worker thread.
 */
const scanFile = (stream: string, fd: number, path: string, from: ScanPoint, visit?: RecordVisitor, known?: ScanPoint): StreamScan => {
  const scanner = new Scanner(stream, from, visit, known);
  let at = from.offset;
  const st = fstatSync(fd);
  const ahead = st.size - at >= READ_AHEAD_FROM ? ReadAhead.start(path, st.ino, at) : null;
  if (ahead) {
    try {
      for (let c = ahead.next(); c; c = ahead.next()) {
        if (!('lines' in c)) return scanner.end(c.tail, 0, c.at);
        scanner.lines(c.bytes.subarray(0, c.lines), 0, c.at, c.bad);
        at = c.at + c.lines;
        ahead.release();
      }
      // The worker failed or fell silent: read on here.
    } finally {
      ahead.close();
    }
  }
  // Sized to what is there: a writer's look at a stream's tail reads a few bytes, or none.
  let buf = Buffer.allocUnsafe(Math.max(256, Math.min(CHUNK, st.size - at)));
  let have = 0;
  while (true) {
    if (have === buf.length) {
      // A line longer than the buffer.
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    const n = readSync(fd, buf, have, buf.length - have, at + have);
    if (n === 0) break;
    const filled = buf.subarray(0, have + n);
    const used = scanner.lines(filled, 0, at);
    filled.copyWithin(0, used);
    have = filled.length - used;
    at += used;
  }
  return scanner.end(buf.subarray(0, have), 0, at);
};

/** A stored event checked by its codecs, or a CorruptStoreError naming where and what. */
const storedEvent = (stream: string, revision: number, raw: unknown): TackEvent => {
  if (isReadableEvent(raw)) return raw;
  const d = decodeEvent({ stream, revision }, raw);
  if (d._tag === 'Left') throw new CorruptStoreError(`store corrupt at ${d.left}`);
  return d.right;
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

  /** Check a whole stream; a missing stream is empty. `known`: see Scanner. */
  private scan(stream: string, visit?: RecordVisitor, known?: ScanPoint): StreamScan {
    let fd: number;
    try {
      fd = openSync(this.pathOf(stream), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], knownHolds: false, point: START, goodBytes: 0, totalBytes: 0 };
      throw e;
    }
    try {
      return scanFile(stream, fd, this.pathOf(stream), START, visit, known);
    } finally {
      closeSync(fd);
    }
  }

  /** Where each stream's checked prefix ends, so a long-lived writer reads only what is new. */
  private readonly tails = new Map<string, { ino: number; point: ScanPoint }>();

  /** The stream as a writer needs it (from an open fd): records after the cached point, where whole batches end. */
  private scanTail(stream: string, fd: number): { base: ScanPoint; scan: StreamScan; ino: number } {
    const st = fstatSync(fd);
    const cached = this.tails.get(stream);
    const base = cached && cached.ino === st.ino && st.size >= cached.point.offset ? cached.point : START;
    // Nothing written since this process last wrote or read it: nothing to read.
    const scan =
      base.offset === st.size && base !== START
        ? { records: [], knownHolds: false, point: base, goodBytes: base.offset, totalBytes: st.size }
        : scanFile(stream, fd, this.pathOf(stream), base);
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
      const fd = openSync(path, 'a+');
      try {
        return this.appendLocked(stream, fd, events, expected);
      } finally {
        closeSync(fd);
      }
    });
  }

  private appendLocked(stream: string, fd: number, events: readonly TackEvent[], expected: ExpectedRevision): AppendResult {
    const { base, scan, ino } = this.scanTail(stream, fd);
    const head = scan.point.rev - 1;
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
    let prev = scan.point.prev;
    let text = '';
    events.forEach((e, i) => {
      const line = encodeRecord(head + 1 + i, [i, events.length], prev, e);
      prev = line.slice(line.length - 67, line.length - 3);
      text += line;
    });
    const goodEnd = scan.goodBytes;
    // Only the lock holder repairs a torn tail, and only the tail.
    if (scan.goodBytes < scan.totalBytes) ftruncateSync(fd, goodEnd);
    const bytes = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off, null);
    fdatasyncSync(fd);
    this.tails.set(stream, { ino, point: { offset: goodEnd + bytes.length, rev: head + 1 + events.length, prev } });
    // A stream's first batch: its name must be durable too (an empty file left by a crash is a first batch again).
    if (goodEnd === 0) fsyncDir(this.streamsDir);
    return { nextExpectedRevision: head + events.length };
  }

  /**
   * Decoded streams of this process, keyed by the file's identity (inode, size, change time): a
   * long-lived process (the loop, a query after the store is open) rereads only a changed file.
   */
  private readonly decoded = new Map<string, { ino: bigint; key: string; events: RecordedEvent[]; point: ScanPoint }>();

  private decodedStream(stream: string): RecordedEvent[] {
    const path = this.pathOf(stream);
    let ino: bigint;
    let key: string;
    try {
      const st = statSync(path, { bigint: true });
      ino = st.ino;
      key = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const hit = this.decoded.get(stream);
    if (hit && hit.key === key) return hit.events;
    // A changed file is checked again whole. Where the chain still leads to the record this process
    // read last time, everything before it is those same bytes: their events are not parsed again
    // but reused, the very same objects, so that folds kept of them can go on from there.
    const read = (known?: { events: RecordedEvent[]; point: ScanPoint }) => {
      const events: RecordedEvent[] = [];
      const scan = this.scan(
        stream,
        (revision, event) =>
          events.push(event === undefined && known ? known.events[revision] : { stream, revision, event: storedEvent(stream, revision, event) }),
        known?.point,
      );
      return { events, scan };
    };
    let r = read(hit && hit.ino === ino && hit.point.rev > 0 ? hit : undefined);
    if (hit && hit.ino === ino && hit.point.rev > 0 && !r.scan.knownHolds) r = read();
    this.decoded.set(stream, { ino, key, events: r.events, point: r.scan.point });
    return r.events;
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
    this.scan(stream, (revision, event) => visit({ stream, revision, event: storedEvent(stream, revision, event) }));
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
          return { stream, revision: 0, event: storedEvent(stream, 0, scan.records[0].event) };
        }
        if (n < size) return null;
        size *= 4;
      }
    } finally {
      closeSync(fd);
    }
  }

  async head(stream: string): Promise<number> {
    return this.scan(stream, () => {}).point.rev - 1;
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
      const scan = this.scan(s, (revision, event) => storedEvent(s, revision, event));
      events += scan.point.rev;
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

