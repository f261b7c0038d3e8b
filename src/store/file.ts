import {
  closeSync,
  constants,
  existsSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
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
import { sameFile, StoreLock } from './lock.js';
import { HASH_SUFFIX_LEN, hashMatches, hasHashSuffix } from './record-hash.js';
import { ReadAhead } from './read-ahead.js';

/**
 * The embedded file store (`.tack/`): one JSON-lines file per stream, preallocated.
 *
 * A line is `{"rev":R,"batch":[i,n],"prev":"<hash>","event":{...},"hash":"<hash>"}` where `hash` is
 * the sha256 of the line's own text before `,"hash":`, and `prev` is the previous line's hash, so
 * the records form a chain and any changed byte is caught. `batch` marks the i-th of n records
 * written together: a batch is one write and one fdatasync. Past the records the file holds NUL
 * bytes laid down ahead of appends (see tornShape). A batch that did not reach the disk whole (a
 * torn write) is ignored by readers and cleared, by the lock holder only, before the next batch is
 * written where it was. A complete line that fails its checks is corruption, never cut.
 */
export const GENESIS = '0'.repeat(64);
/** Version 2 preallocates stream files (see tornShape); it reads version 1 stores, and marks them 2. */
const FORMAT = { format: 'tack-file-store', version: 2 };

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
  /** File offset where whole batches end; anything after is a torn tail or preallocated NUL bytes. */
  readonly goodBytes: number;
  /** How far the bytes of a torn tail reach (goodBytes when there is none): the next writer clears them first. */
  readonly dirtyEnd: number;
  /** The file's size, as the scan found its end. */
  readonly fileEnd: number;
}

/** A record's line; `pad` is JSON whitespace after the event, inside the hash (see encodeBatch). */
export const encodeRecord = (rev: number, batch: readonly [number, number], prev: string, event: unknown, pad = ''): string => {
  const body = `{"rev":${rev},"batch":[${batch[0]},${batch[1]}],"prev":"${prev}","event":${JSON.stringify(event)}${pad}`;
  return `${body},"hash":"${sha256(body)}"}\n`;
};

/** The hash a record's line ends with. */
const hashOf = (line: string): string => line.slice(line.length - 67, line.length - 3);

/**
 * The lines of a batch written at file offset `at` after the record hashed `prev`, and its last
 * hash. A batch that would end one byte past a sector boundary, or one byte short of one, gets a
 * space in its last record (see tornShape).
 */
export const encodeBatch = (rev: number, prev: string, events: readonly unknown[], at: number): { bytes: Buffer; prev: string } => {
  const prevs: string[] = [];
  const lines = events.map((e, i) => {
    prevs.push(prev);
    const line = encodeRecord(rev + i, [i, events.length], prev, e);
    prev = hashOf(line);
    return line;
  });
  let bytes = Buffer.from(lines.join(''), 'utf8');
  const r = (at + bytes.length) % SECTOR;
  if (events.length > 0 && (r === 1 || r === SECTOR - 1)) {
    const last = events.length - 1;
    lines[last] = encodeRecord(rev + last, [last, events.length], prevs[last], events[last], ' ');
    prev = hashOf(lines[last]);
    bytes = Buffer.from(lines.join(''), 'utf8');
  }
  return { bytes, prev };
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
   * The end of the stream: `partial` is the unterminated rest of a line at file offset `at`, cut at
   * the first NUL byte when there is one; then `rest` holds the bytes read from that NUL on (the
   * rest of the file is `src`'s).
   *
   * Without a NUL (a file written before stream files were preallocated, or one a writer was
   * extending): the tail is a torn write, and ignored, unless it is a whole record followed by
   * anything but its newline, a changed byte.
   *
   * With a NUL: what follows must be what a write that did not finish leaves in a preallocated
   * file (tornShape). Anything else throws a TailAnomaly, as does a whole record ended by a NUL
   * instead of its newline: a reader without the lock may have seen a write in progress, and looks
   * again under the lock; for the lock holder (or a buffer) it is corruption.
   */
  end(src: Source, partial: Buffer, at: number, rest: Buffer | null): StreamScan {
    const n = partial.length;
    let dirtyEnd = at + n;
    let fileEnd = at + n;
    const wholeRecord = (upto: number) => {
      try {
        checkLine(this.stream, partial, 0, upto, this.rev, this.prevText());
        return true;
      } catch {
        return false;
      }
    };
    if (!rest) {
      if (n > 3 && partial[n - 3] === 0x22 && partial[n - 2] === 0x7d && wholeRecord(n - 1)) throw corrupt(this.stream, this.rev, 'record terminator changed');
    } else {
      const shape = tornShape(src, this.goodOffset, at + n, n > 0 ? partial[n - 1] : 0x0a, rest);
      if (shape === null) {
        const what =
          n > 2 && partial[n - 2] === 0x22 && partial[n - 1] === 0x7d && wholeRecord(n)
            ? 'record terminator changed'
            : at + n === this.goodOffset && !startsRecord(src, at + n + 1)
              ? 'bytes past the end of its records changed'
              : 'a record holds a NUL byte';
        throw new TailAnomaly(corrupt(this.stream, this.rev, what), this.result(dirtyEnd, fileEnd));
      }
      dirtyEnd = shape.dirtyEnd;
      fileEnd = shape.fileEnd;
    }
    return this.result(dirtyEnd, fileEnd);
  }

  private result(dirtyEnd: number, fileEnd: number): StreamScan {
    const prev = this.batch.length > 0 ? this.goodPrev.toString('latin1') : this.prevText();
    const point = { offset: this.goodOffset, rev: this.goodRev, prev };
    return { records: this.records, knownHolds: this.knownHolds, point, goodBytes: point.offset, dirtyEnd: Math.max(dirtyEnd, point.offset), fileEnd };
  }
}

/** Whether the byte at `pos` is not NUL: after a NUL where a batch would start, a record goes on. */
const startsRecord = (src: Source, pos: number): boolean => {
  const b = Buffer.alloc(1);
  return src.read(b, pos) === 1 && b[0] !== 0;
};

/**
 * A scan found the stream's end not as a write leaves it: `error` says where. `scan` holds what came
 * before (up to its point), so a reader can look again from there, under the lock, once any write
 * in progress has finished.
 */
class TailAnomaly extends Error {
  constructor(
    readonly error: CorruptStoreError,
    readonly scan: StreamScan,
  ) {
    super(error.message);
  }
}

/** Run a scan whose findings are final (the lock holder's, or a buffer's): a TailAnomaly is corruption. */
const definitive = <A>(f: () => A): A => {
  try {
    return f();
  } catch (e) {
    throw e instanceof TailAnomaly ? e.error : e;
  }
};

/** Where a scan reads a stream's bytes: the file, or a buffer holding it. */
interface Source {
  /** The size when known (the file's when the scan began), to size reads. */
  readonly size?: number;
  /** Copy the bytes at file offset `pos` into `into`; how many (0 at the end). */
  read(into: Buffer, pos: number): number;
}

/**
 * Stream files are preallocated: a writer fills the file ahead of its records with NUL bytes, so
 * that most appends overwrite bytes already on disk and the file's size (metadata the journal
 * would have to commit with each fdatasync) seldom changes. JSON text never holds a NUL byte, so
 * the first NUL after a whole batch is where the records end.
 *
 * A write that did not finish (a crash, or a SIGKILL between two pages of one write) leaves whole
 * sectors unwritten, that is still NUL: runs of NUL that start on a sector boundary (or where the
 * write began) and end on one. A changed byte cannot look like that: a NUL inside a record is a run
 * of one byte, and a batch never ends one byte past a sector boundary (nor one byte short of one,
 * for the batch after it) so that a record's changed last newline is never a whole lost sector
 * either: the writer pads such a batch's last record with a space (encodeBatch).
 */
const SECTOR = 512;
const ZEROS = Buffer.alloc(64 << 10);

/** Whether buf holds only NUL bytes (compared a block at a time, in C++). */
const allNul = (buf: Buffer): boolean => {
  for (let i = 0; i < buf.length; i += ZEROS.length) {
    const n = Math.min(ZEROS.length, buf.length - i);
    if (buf.compare(ZEROS, 0, n, i, i + n) !== 0) return false;
  }
  return true;
};

/**
 * Whether the bytes of `src` from `z` (a NUL) to the end are what a torn write at `good` (where the
 * whole batches end) leaves: then how far its bytes reach (the next writer clears them first) and
 * where the file ends; otherwise null. `before` is the byte before `z`; `head` holds the bytes from
 * `z` on that the caller read already.
 */
const tornShape = (src: Source, good: number, z: number, before: number, head: Buffer): { dirtyEnd: number; fileEnd: number } | null => {
  let inRun = true;
  let runStart = z;
  let runAfter = before;
  let prev = before;
  let holes = false;
  let dirtyEnd = z;
  let pos = z;
  let buf: Buffer | null = null;
  for (let block = head; block.length > 0; ) {
    const n = block.length;
    if (inRun && allNul(block)) {
      prev = 0;
    } else {
      for (let i = 0; i < n; i++) {
        const b = block[i];
        const p = pos + i;
        if (b === 0) {
          if (!inRun) {
            inRun = true;
            runStart = p;
            runAfter = prev;
          }
        } else {
          if (inRun) {
            // A hole inside what the write reached: whole sectors, or from where the write began.
            if (!((runStart % SECTOR === 0 || runStart === good) && p % SECTOR === 0)) return null;
            holes = true;
            inRun = false;
          }
          dirtyEnd = p + 1;
        }
        prev = b;
      }
    }
    pos += n;
    buf ??= Buffer.allocUnsafe(ZEROS.length);
    block = buf.subarray(0, src.read(buf, pos));
  }
  // The file's last run: unwritten from a sector boundary or from the write's start, or after the
  // newline that ends a write whose earlier sectors were lost.
  const ok = inRun ? runStart % SECTOR === 0 || runStart === good || (runAfter === 0x0a && holes) : holes;
  return ok ? { dirtyEnd, fileEnd: pos } : null;
};

/** Check a stream's bytes (buf holds the file from `from.offset`); findings are final. */
export const scanStream = (stream: string, buf: Buffer, from: ScanPoint = START, visit?: RecordVisitor): StreamScan =>
  definitive(() =>
    scanSource(stream, { size: from.offset + buf.length, read: (into, pos) => (pos - from.offset >= buf.length ? 0 : buf.copy(into, 0, pos - from.offset)) }, from, visit),
  );

/** Read size for scans: few reads, and each chunk is parsed while it is in cache. */
const CHUNK = 1 << 20;
/** From this many bytes on, a scan has a worker thread read ahead and check hashes (below, starting it costs more than it saves). */
const READ_AHEAD_FROM = 8 << 20;

/**
 * Check a stream from a scan point, chunk by chunk: a long history is never held in memory whole.
 * Lines are read up to the first NUL byte, where the records end (see tornShape). `ahead`, when
 * given, is a worker reading and hashing the first chunks a step ahead.
 */
const scanSource = (stream: string, src: Source, from: ScanPoint, visit?: RecordVisitor, known?: ScanPoint, ahead?: ReadAhead | null): StreamScan => {
  const scanner = new Scanner(stream, from, visit, known);
  let at = from.offset;
  if (ahead) {
    try {
      for (let c = ahead.next(); c; c = ahead.next()) {
        if (!('lines' in c)) {
          // The worker stopped at the end of whole lines, before a NUL or the file's end: read the rest here.
          at = c.at;
          break;
        }
        scanner.lines(c.bytes.subarray(0, c.lines), 0, c.at, c.bad);
        at = c.at + c.lines;
        ahead.release();
      }
      // The worker failed or fell silent: read on here.
    } finally {
      ahead.close();
    }
  }
  // Sized to what is there; a writer (who does not look at the size, see scanTail) reads what
  // usually holds the rest of a stream after its last look: new batches and the preallocated bytes.
  let buf = Buffer.allocUnsafe(src.size === undefined ? 128 << 10 : Math.max(256, Math.min(CHUNK, src.size - at)));
  let have = 0;
  while (true) {
    if (have === buf.length) {
      // A line longer than the buffer.
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    const n = src.read(buf.subarray(have), at + have);
    if (n === 0) return scanner.end(src, buf.subarray(0, have), at, null);
    const filled = buf.subarray(0, have + n);
    const z = filled.indexOf(0, have);
    const lines = z < 0 ? filled : filled.subarray(0, z);
    const used = scanner.lines(lines, 0, at);
    if (z >= 0) return scanner.end(src, Buffer.from(filled.subarray(used, z)), at + used, filled.subarray(z));
    filled.copyWithin(0, used);
    have = filled.length - used;
    at += used;
  }
};

/**
 * Check a stream file from an open fd (of `path`); a long one is read and hashed a step ahead by a
 * worker thread. `sized`: look at the file's size first (to size reads, and to decide on the worker).
 * A writer does not: measured here (Linux 6.18), a stat of the file before a write made that write's
 * fdatasync cost half as much again (likely the multigrain timestamps of Linux 6.13 and later: a
 * look at a file's times makes its next change take a fine-grained time).
 */
const scanFile = (stream: string, fd: number, path: string, from: ScanPoint, visit?: RecordVisitor, known?: ScanPoint, sized = true): StreamScan => {
  const st = sized ? fstatSync(fd) : null;
  const src: Source = { size: st?.size, read: (into, pos) => readSync(fd, into, 0, into.length, pos) };
  const ahead = st && st.size - from.offset >= READ_AHEAD_FROM ? ReadAhead.start(path, st.ino, from.offset) : null;
  return scanSource(stream, src, from, visit, known, ahead);
};

/** A stored event checked by its codecs, or a CorruptStoreError naming where and what. */
const storedEvent = (stream: string, revision: number, raw: unknown): TackEvent => {
  if (isReadableEvent(raw)) return raw;
  const d = decodeEvent({ stream, revision }, raw);
  if (d._tag === 'Left') throw new CorruptStoreError(`store corrupt at ${d.left}`);
  return d.right;
};

/** Whether no record starts at file offset `at` of `path`: the file ends there, or a NUL byte follows. */
const recordsEndAt = (path: string, at: number): boolean => {
  const fd = openSync(path, 'r');
  try {
    return !startsRecord({ read: (into, pos) => readSync(fd, into, 0, into.length, pos) }, at);
  } finally {
    closeSync(fd);
  }
};

/** Write all of `bytes` at file offset `at`. */
const writeAt = (fd: number, bytes: Buffer, at: number): void => {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off, at + off);
};

/**
 * The size a stream file is grown to when a batch ending at `end` does not fit: half as much again
 * (at least 4 KiB, at most 1 MiB more), in whole pages: the fewer times a file grows, the fewer
 * appends pay for a journal commit.
 */
const preallocateTo = (end: number): number => {
  const page = 4096;
  const ahead = Math.min(1 << 20, Math.max(4 << 10, end >> 1));
  return Math.ceil((end + ahead) / page) * page;
};

const fsyncDir = (dir: string) => {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/** How many stream files a store keeps open for writing; past this the longest unused is closed. */
const HELD_STREAMS = 32;

/**
 * The files a store keeps open between appends: its lock and the streams it wrote. Opening and
 * closing both per append cost about a third of an append's own work (fdatasync aside: a CPU
 * profile gave 7 of about 20 µs). Each append checks, under the lock, that a held stream's path
 * still names the file (lock.sameFile).
 */
class HeldFiles {
  readonly streams = new Map<string, number>();

  constructor(readonly lock: StoreLock) {}

  /** The stream file at `path`, open for writing; called with the lock held. */
  writable(stream: string, path: string): number {
    const held = this.streams.get(stream);
    if (held !== undefined) {
      this.streams.delete(stream);
      if (sameFile(held, path)) {
        this.streams.set(stream, held);
        return held;
      }
      closeSync(held);
    }
    // Read-write without O_APPEND: a batch is written at the end of the records, inside the preallocated bytes.
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
    if (this.streams.size >= HELD_STREAMS) {
      const [oldest, old] = this.streams.entries().next().value as [string, number];
      this.streams.delete(oldest);
      closeSync(old);
    }
    this.streams.set(stream, fd);
    return fd;
  }

  close(): void {
    for (const fd of this.streams.values()) closeSync(fd);
    this.streams.clear();
    this.lock.close();
  }
}

/** A store dropped without close() lets its files go when it is collected. */
const unclosed = new FinalizationRegistry<HeldFiles>((files) => files.close());

export class FileEventStore implements EventStore {
  private readonly streamsDir: string;
  private readonly files: HeldFiles;

  constructor(readonly location: string) {
    this.streamsDir = join(location, 'streams');
    this.files = new HeldFiles(new StoreLock(join(location, 'lock')));
    unclosed.register(this, this.files);
  }

  private pathOf(stream: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(stream)) throw new StoreError(`invalid stream name "${stream}"`);
    return join(this.streamsDir, `${stream}.jsonl`);
  }

  /**
   * Check a whole stream; a missing stream is empty. `known`: see Scanner. Without the lock, a
   * stream's end that is not as a finished or torn write leaves it is looked at again under the
   * readers' lock, where no write is in progress; `locked` (the writer's own scans) makes it final.
   */
  private scan(stream: string, visit?: RecordVisitor, known?: ScanPoint, locked = false): StreamScan {
    const path = this.pathOf(stream);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], knownHolds: false, point: START, goodBytes: 0, dirtyEnd: 0, fileEnd: 0 };
      throw e;
    }
    try {
      if (locked) return definitive(() => scanFile(stream, fd, path, START, visit, known));
      try {
        return scanFile(stream, fd, path, START, visit, known);
      } catch (e) {
        if (!(e instanceof TailAnomaly)) throw e;
        const first = e.scan;
        const rest = this.files.lock.run(() => definitive(() => scanFile(stream, fd, path, first.point, visit, known)), { shared: true });
        return { ...rest, records: [...first.records, ...rest.records], knownHolds: first.knownHolds || rest.knownHolds };
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Where each stream's checked prefix ends, so a long-lived writer reads only what is new. */
  private readonly tails = new Map<string, { point: ScanPoint; fileEnd: number }>();

  /**
   * The stream as a writer needs it (from an open fd, under the lock): records after the cached
   * point, where whole batches end, the file's size. No look at the file's size or times (see
   * scanFile).
   *
   * The cached point is where this process last found or left the stream's end. It holds when the
   * record before it still ends with the hash this process saw (a file replaced since is read from
   * its start). When the byte there is still NUL, nothing was written since: any write, whole or
   * cut short by a kill, starts there (a crash of the machine would have ended this process too),
   * so one read of 68 bytes is the whole look.
   */
  private scanTail(stream: string, fd: number): { base: ScanPoint; scan: StreamScan } {
    const cached = this.tails.get(stream);
    let base = START;
    if (cached) {
      const { point } = cached;
      const b = Buffer.allocUnsafe(68);
      const n = point.offset >= 67 ? readSync(fd, b, 0, 68, point.offset - 67) : 0;
      if (n >= 67 && b.toString('latin1', 0, 67) === `${point.prev}"}\n`) {
        base = point;
        if (n === 67 || b[67] === 0) {
          const fileEnd = n === 67 ? point.offset : cached.fileEnd;
          return { base, scan: { records: [], knownHolds: false, point, goodBytes: point.offset, dirtyEnd: point.offset, fileEnd } };
        }
      }
    }
    const scan = definitive(() => scanFile(stream, fd, this.pathOf(stream), base, undefined, undefined, false));
    // Cached only when nothing of a torn write is left past the records (a writer clears it first).
    if (scan.dirtyEnd === scan.goodBytes) this.tails.set(stream, { point: scan.point, fileEnd: scan.fileEnd });
    return { base, scan };
  }

  async append(stream: string, events: readonly TackEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    for (const e of events) {
      const c = checkEvent(e);
      if (c._tag === 'Left') throw new StoreError(`refusing to append to ${stream}: ${c.left}`);
    }
    const path = this.pathOf(stream);
    return this.files.lock.run(() => this.appendLocked(stream, this.files.writable(stream, path), events, expected));
  }

  private appendLocked(stream: string, fd: number, events: readonly TackEvent[], expected: ExpectedRevision): AppendResult {
    const { base, scan } = this.scanTail(stream, fd);
    const head = scan.point.rev - 1;
    if (expected !== 'any' && events.length > 0) {
      const start = expected === 'no_stream' ? 0 : expected + 1;
      // A retry of events already stored is a no-op (the EventStoreDB idempotency rule).
      if (start <= head) {
        const all = start >= base.rev ? null : this.scan(stream, undefined, undefined, true).records;
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
    const good = scan.goodBytes;
    const { bytes, prev } = encodeBatch(head + 1, scan.point.prev, events, good);
    // Only the lock holder repairs a torn tail, and only the tail: its bytes become NUL again, durably,
    // before a batch is written over them (a crash during this batch then leaves only its own bytes).
    if (scan.dirtyEnd > good) {
      writeAt(fd, Buffer.alloc(scan.dirtyEnd - good), good);
      fdatasyncSync(fd);
    }
    const end = good + bytes.length;
    // Past the preallocated bytes: the file grows by more than the batch, so the next appends do not.
    const fileEnd = end <= scan.fileEnd ? scan.fileEnd : preallocateTo(end);
    writeAt(fd, fileEnd === scan.fileEnd ? bytes : Buffer.concat([bytes, Buffer.alloc(fileEnd - end)]), good);
    fdatasyncSync(fd);
    this.tails.set(stream, { point: { offset: end, rev: head + 1 + events.length, prev }, fileEnd });
    // A stream's first batch: its name must be durable too (an empty file left by a crash is a first batch again).
    if (good === 0) fsyncDir(this.streamsDir);
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
    // A batch written within the clock tick of the last one leaves size and times alike (the file is
    // preallocated): a look at the byte where the records ended tells.
    if (hit && hit.key === key && recordsEndAt(path, hit.point.offset)) return hit.events;
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
        const nul = buf.subarray(0, n).indexOf(0);
        const chunk = buf.subarray(0, nul < 0 ? n : nul);
        // Scan whole lines only, up to where the records end; the first complete batch is all we need.
        const end = chunk.lastIndexOf(10) + 1;
        const scan = scanStream(stream, chunk.subarray(0, end));
        if (scan.records.length > 0) {
          return { stream, revision: 0, event: storedEvent(stream, 0, scan.records[0].event) };
        }
        // No whole batch before the records end: the full check decides (an empty stream, a torn
        // write, or a changed byte).
        if (nul >= 0 || n < size) {
          const [record] = this.scan(stream).records;
          return record ? { stream, revision: 0, event: storedEvent(stream, 0, record.event) } : null;
        }
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
      tornBytes += scan.dirtyEnd - scan.goodBytes;
    }
    return { streams: streams.length, events, tornBytes };
  }

  /** Let go of the files held open for appends (a later append opens them again). */
  async close(): Promise<void> {
    this.files.close();
  }
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
    writeMarker(dir);
  } else {
    let fmt: unknown;
    try {
      fmt = JSON.parse(readFileSync(marker, 'utf8'));
    } catch {
      throw new StoreUnavailableError(`${marker} is not a tack store marker (unreadable JSON)`);
    }
    const f = fmt as { format?: unknown; version?: unknown };
    if (f.format !== FORMAT.format || (f.version !== FORMAT.version && f.version !== 1))
      throw new StoreUnavailableError(`${marker}: not a tack file store of version ${FORMAT.version} (or 1)`);
    mkdirSync(join(dir, 'streams'), { recursive: true });
    mkdirSync(join(dir, 'blobs'), { recursive: true });
    // Version 1 files are version 2 files that were never preallocated: the store is marked 2 before
    // this version writes NUL bytes that version 1 would not read.
    if (f.version === 1) writeMarker(dir);
  }
  const events = new FileEventStore(dir);
  const blobs = new FileBlobStore(join(dir, 'blobs'));
  return { events, blobs, close: () => events.close() };
};

/** Write the store's marker durably: a whole file renamed into place. */
const writeMarker = (dir: string): void => {
  const marker = join(dir, 'store.json');
  const tmp = marker + '.tmp';
  writeFileSync(tmp, JSON.stringify(FORMAT) + '\n');
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, marker);
  fsyncDir(dir);
};
