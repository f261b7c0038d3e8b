import { ANY, END, NO_STREAM, START, EventStoreDBClient, binaryEvent, jsonEvent, type ReadRevision, type ResolvedEvent } from '@eventstore/db-client';
import { checkEvent } from '../domain/events.js';
import type { TackEvent } from '../domain/events.js';
import { sha256 } from '../domain/canonical.js';
import {
  ConflictError,
  CorruptStoreError,
  StoreError,
  type AppendResult,
  type BlobStore,
  type EventStore,
  type ExpectedRevision,
  type ReadOptions,
  type RecordedEvent,
  type Store,
} from './port.js';
import {
  DEFAULT_DEADLINE_MS,
  EsdbConnection,
  StreamNaming,
  decodeRecorded,
  expectedOf,
  firstLine,
  isRecord,
  mapLimited,
  nameUuid,
  redactCredentials,
  toEventData,
  toRevision,
  withDefaultDeadline,
} from './esdb-wire.js';
import { EsdbWorkQueue } from './esdb-work.js';

export { DEFAULT_DEADLINE_MS, DEFAULT_STREAM_PREFIX, StreamNaming, redactCredentials } from './esdb-wire.js';

/**
 * The EventStoreDB (KurrentDB) adapter, through @eventstore/db-client 6.x over gRPC.
 *
 * Stream naming: every EventStoreDB stream this adapter touches starts with a prefix (default `tack`) that
 * contains no `-`, put in front of the port's stream name. EventStoreDB's `$by_category` projection takes the
 * part of a name before the first `-` as its category, so the port's `branch-<name>` becomes
 * `tackbranch-<name>` and every branch lands in the one category `tackbranch` ($ce-tackbranch). The other
 * streams have no `-` of their own or a category apart: `tackids`, `tackindex`, `tackblobindex`, and one
 * `tackblob-<sha256>` per blob (category `tackblob`). A different prefix keeps several tack histories apart on
 * one server.
 *
 * Listing without `$all` rights: `tackindex` records each stream name before its first append (and
 * `tackblobindex` each blob stream). An index entry and the stream's first events cannot be written
 * atomically, so the index is written FIRST and reconciled on read:
 * - the append after the index entry fails or never happens: the entry names a stream with no events, and
 *   listing drops it (it checks every entry against the real stream);
 * - an index entry lost anyway (index stream truncated, or a stream created by other means): the next time a
 *   writer appends to that stream it finds the name missing from the index it loaded and records it again.
 * Entries are deduplicated on read, so a repeated entry (two writers creating the same stream) is harmless.
 *
 * Events keep their ids as EventStoreDB event ids, so a retry at the same expected revision is not stored
 * twice. The envelope's correlation and causation go to the reserved metadata keys `$correlationId` and
 * `$causationId` (absent when there is no cause); the rest of tack's metadata is kept as is.
 *
 * Blobs are binary events of at most 512 KiB each (one append per chunk keeps every append under the server's
 * 1 MiB MaxAppendSize), with `{ index, count, size }` in their metadata and ids derived from (hash, index), so
 * an interrupted put resumes and two writers of the same blob converge. A blob is present only when all its
 * chunks are; its bytes are checked against the hash on every get.
 *
 * Every call has a deadline: a server that is down or does not answer gives StoreUnavailableError naming
 * the URL (without credentials) within `deadlineMs`, instead of hanging.
 */

export const BLOB_CHUNK_BYTES = 512 * 1024;

export interface EsdbStoreOptions {
  /** Put in front of every stream name; letters, digits and `_` only (no `-`, which would move the category). */
  readonly prefix?: string;
  /** How long a call may wait for an answer before the server counts as unavailable. */
  readonly deadlineMs?: number;
}

const INDEX_ENTRY = 'TackStreamIndexed';
const BLOB_CHUNK = 'TackBlobChunk';
const SHA256_HEX = /^[0-9a-f]{64}$/;
const PARALLEL_READS = 16;

/**
 * The names recorded in one index stream. Loaded once per process when first needed; a name is appended when
 * a writer is about to create (or append to) a stream the loaded index does not name.
 */
class StreamIndex {
  private known: Promise<Set<string>> | null = null;

  constructor(
    private readonly conn: EsdbConnection,
    private readonly stream: string,
  ) {}

  /** Every distinct name in the index, in the order first recorded. */
  async names(): Promise<string[]> {
    const events = await this.conn.read(this.stream, START, false, Number.MAX_SAFE_INTEGER);
    const names = new Set<string>();
    for (const { event } of events) {
      const data = event?.data;
      if (!event || event.type !== INDEX_ENTRY || !isRecord(data) || typeof data.stream !== 'string')
        throw new CorruptStoreError(`${this.stream}@${event?.revision ?? '?'} in ${this.conn.location} is not a ${INDEX_ENTRY} event`);
      names.add(data.stream);
    }
    this.known = Promise.resolve(names);
    return [...names];
  }

  async record(name: string): Promise<void> {
    if (!this.known) this.known = this.names().then((n) => new Set(n));
    let known: Set<string>;
    try {
      known = await this.known;
    } catch (err) {
      this.known = null;
      throw err;
    }
    if (known.has(name)) return;
    const entry = jsonEvent({ id: nameUuid(`${this.stream}/${name}`), type: INDEX_ENTRY, data: { stream: name } });
    await this.conn.append(this.stream, [entry], ANY);
    known.add(name);
  }
}


export class EsdbEventStore implements EventStore {
  readonly location: string;

  constructor(
    private readonly conn: EsdbConnection,
    private readonly naming: StreamNaming,
    private readonly index: StreamIndex,
  ) {
    this.location = conn.location;
  }

  async append(stream: string, events: readonly TackEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const name = this.naming.events(stream);
    for (const e of events) {
      const c = checkEvent(e);
      if (c._tag === 'Left') throw new StoreError(`refusing to append to ${stream}: ${c.left}`);
    }
    if (events.length === 0) {
      const head = await this.head(stream);
      const holds = expected === 'any' || (expected === 'no_stream' ? head === -1 : expected === head);
      if (!holds) throw new ConflictError(stream, expected, head);
      return { nextExpectedRevision: head };
    }
    await this.index.record(name);
    const outcome = await this.conn.append(name, events.map(toEventData), expectedOf(expected));
    if (outcome.kind === 'conflict') throw new ConflictError(stream, expected, toRevision(outcome.actual, stream));
    return { nextExpectedRevision: toRevision(outcome.next, stream) };
  }

  async read(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    const name = this.naming.events(stream);
    const backwards = options.direction === 'backwards';
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (maxCount <= 0 || (backwards && options.from !== undefined && options.from < 0)) return [];
    const from: ReadRevision = options.from === undefined ? (backwards ? END : START) : BigInt(Math.max(0, options.from));
    const events = await this.conn.read(name, from, backwards, maxCount);
    return events.map((e) => decodeRecorded(stream, e, this.location));
  }

  async head(stream: string): Promise<number> {
    const [last] = await this.conn.read(this.naming.events(stream), END, true, 1);
    return last?.event ? toRevision(last.event.revision, stream) : -1;
  }

  async listStreams(): Promise<string[]> {
    const streams = (await this.index.names()).flatMap((n) => {
      const s = this.naming.portStream(n);
      return s === null ? [] : [s];
    });
    const heads = await mapLimited(streams, PARALLEL_READS, (s) => this.head(s));
    return streams.filter((_, i) => heads[i] >= 0).sort();
  }

  async close(): Promise<void> {
    await this.conn.dispose();
  }
}

interface ChunkLayout {
  readonly index: number;
  readonly count: number;
  readonly size: number;
}

const chunkCount = (size: number): number => Math.max(1, Math.ceil(size / BLOB_CHUNK_BYTES));

export class EsdbBlobStore implements BlobStore {
  constructor(
    private readonly conn: EsdbConnection,
    private readonly naming: StreamNaming,
    private readonly index: StreamIndex,
  ) {}

  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes);
    const stream = this.naming.blob(hash);
    const count = chunkCount(bytes.length);
    const last = await this.lastChunk(hash);
    if (last && (last.count !== count || last.size !== bytes.length))
      throw new CorruptStoreError(`${stream} in ${this.conn.location} holds chunks of a blob of another size`);
    await this.index.record(stream);
    if (last?.index === count - 1) return hash;
    for (let i = last ? last.index + 1 : 0; i < count; i++) {
      const chunk = binaryEvent({
        id: nameUuid(`${stream}/${i}`),
        type: BLOB_CHUNK,
        data: bytes.subarray(i * BLOB_CHUNK_BYTES, (i + 1) * BLOB_CHUNK_BYTES),
        metadata: { index: i, count, size: bytes.length },
      });
      const outcome = await this.conn.append(stream, [chunk], i === 0 ? NO_STREAM : BigInt(i - 1));
      if (outcome.kind === 'conflict') throw new CorruptStoreError(`${stream} in ${this.conn.location} holds events that are not chunk ${i} of this blob`);
    }
    return hash;
  }

  async get(hash: string): Promise<Buffer | null> {
    if (!SHA256_HEX.test(hash)) return null;
    const stream = this.naming.blob(hash);
    const events = await this.conn.read(stream, START, false, Number.MAX_SAFE_INTEGER);
    if (events.length === 0) return null;
    const chunks = events.map((e, i) => this.chunkOf(stream, e, i));
    const { count } = chunks[0];
    if (chunks.length < count) return null;
    if (chunks.length > count) throw new CorruptStoreError(`blob ${hash} in ${this.conn.location} is corrupt: ${stream} holds more chunks than its ${count}`);
    const bytes = Buffer.concat(chunks.map((c) => c.data));
    if (sha256(bytes) !== hash) throw new CorruptStoreError(`blob ${hash} in ${this.conn.location} is corrupt: its content does not match its hash`);
    return bytes;
  }

  async has(hash: string): Promise<boolean> {
    if (!SHA256_HEX.test(hash)) return false;
    const last = await this.lastChunk(hash);
    return last !== null && last.index === last.count - 1;
  }

  async list(): Promise<string[]> {
    const hashes = (await this.index.names()).flatMap((n) => {
      const h = this.naming.blobHash(n);
      return h === null ? [] : [h];
    });
    const present = await mapLimited(hashes, PARALLEL_READS, (h) => this.has(h));
    return hashes.filter((_, i) => present[i]).sort();
  }

  private async lastChunk(hash: string): Promise<ChunkLayout | null> {
    const stream = this.naming.blob(hash);
    const [last] = await this.conn.read(stream, END, true, 1);
    return last ? this.chunkOf(stream, last, null) : null;
  }

  /** A chunk event's layout and bytes; `position` (when known) must match its index. */
  private chunkOf(stream: string, resolved: ResolvedEvent, position: number | null): ChunkLayout & { readonly data: Uint8Array } {
    const e = resolved.event;
    const m = e?.metadata;
    const valid =
      e !== undefined &&
      e.type === BLOB_CHUNK &&
      !e.isJson &&
      e.data instanceof Uint8Array &&
      isRecord(m) &&
      Number.isSafeInteger(m.index) &&
      Number.isSafeInteger(m.count) &&
      Number.isSafeInteger(m.size) &&
      (position === null || m.index === position);
    if (!valid) throw new CorruptStoreError(`${stream}@${e?.revision ?? '?'} in ${this.conn.location} is not a valid blob chunk`);
    return { index: m.index as number, count: m.count as number, size: m.size as number, data: e.data as Uint8Array };
  }
}

/**
 * Open the store at `esdb://host:port?tls=false` (any @eventstore/db-client 6.x connection string). Checks
 * the server answers before returning: down or unreachable is a StoreUnavailableError naming the URL.
 */
export const openEsdbStore = async (url: string, options: EsdbStoreOptions = {}): Promise<Store> => {
  const location = redactCredentials(url);
  const naming = new StreamNaming(options.prefix);
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(withDefaultDeadline(url, deadlineMs));
  } catch (err) {
    const reason = err instanceof Error ? firstLine(err.message).split(url).join(location) : String(err);
    throw new StoreError(`invalid EventStoreDB URL ${location}: ${reason}`);
  }
  const conn = new EsdbConnection(client, location, deadlineMs);
  try {
    await conn.read(naming.index, END, true, 1);
  } catch (err) {
    await conn.dispose();
    throw err;
  }
  const events = new EsdbEventStore(conn, naming, new StreamIndex(conn, naming.index));
  const blobs = new EsdbBlobStore(conn, naming, new StreamIndex(conn, naming.blobIndex));
  return { events, blobs, work: new EsdbWorkQueue(conn, naming, url), close: () => events.close() };
};
