import { createHash } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  binaryEvent,
  jsonEvent,
  type AppendExpectedRevision,
  type EventData,
  type JSONType,
  type ReadRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { checkEvent, decodeEvent, type TackEvent } from '../domain/events.js';
import { sha256 } from '../domain/canonical.js';
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

export const DEFAULT_STREAM_PREFIX = 'tack';
export const DEFAULT_DEADLINE_MS = 5_000;
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

/** How port stream names and blobs map to EventStoreDB stream names. */
export class StreamNaming {
  constructor(readonly prefix: string = DEFAULT_STREAM_PREFIX) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(prefix))
      throw new StoreError(`invalid EventStoreDB stream prefix "${prefix}": use letters, digits and _ (no "-", no "$")`);
  }
  get index(): string {
    return `${this.prefix}index`;
  }
  get blobIndex(): string {
    return `${this.prefix}blobindex`;
  }
  blob(hash: string): string {
    return `${this.prefix}blob-${hash}`;
  }
  /** The EventStoreDB stream for a port stream; names that would collide with the adapter's own streams are refused. */
  events(stream: string): string {
    if (stream === '' || stream === 'index' || stream === 'blobindex' || stream.startsWith('blob-'))
      throw new StoreError(`stream name "${stream}" is reserved by the EventStoreDB store`);
    return this.prefix + stream;
  }
  /** The port stream an EventStoreDB stream holds, or null for a name outside this prefix or a blob stream. */
  portStream(name: string): string | null {
    if (!name.startsWith(this.prefix)) return null;
    const rest = name.slice(this.prefix.length);
    return rest === '' || rest === 'index' || rest === 'blobindex' || rest.startsWith('blob-') ? null : rest;
  }
  blobHash(name: string): string | null {
    const p = `${this.prefix}blob-`;
    return name.startsWith(p) && SHA256_HEX.test(name.slice(p.length)) ? name.slice(p.length) : null;
  }
}

/** A URL without its `user:password@` part, fit for messages. */
export const redactCredentials = (url: string): string => url.replace(/^([a-z+]+:\/\/)[^@/?]*@/i, '$1');

const firstLine = (s: string): string => s.split('\n')[0].trim();

/** A gRPC error's message without its status prefix and resolver notes: `14 UNAVAILABLE: No connection ... Resolution note: `. */
const grpcReason = (message: string): string =>
  firstLine(message)
    .replace(/^\d+ [A-Z_]+: /, '')
    .replace(/\.?\s*Resolution note:.*$/, '');

/** A version-5-shaped UUID derived from a name, for event ids that must be the same on every retry. */
const nameUuid = (name: string): string => {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const toRevision = (r: bigint, where: string): number => {
  if (r > BigInt(Number.MAX_SAFE_INTEGER)) throw new CorruptStoreError(`${where}: revision ${r} is beyond what tack can count`);
  return Number(r);
};

/** Map tasks over items with at most `limit` in flight, keeping order. */
const mapLimited = async <T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> => {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};

type AppendOutcome = { readonly kind: 'ok'; readonly next: bigint } | { readonly kind: 'conflict'; readonly actual: bigint };

const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** The client plus the deadline and error mapping every call goes through. */
class EsdbConnection {
  constructor(
    private readonly client: EventStoreDBClient,
    readonly location: string,
    private readonly deadlineMs: number,
  ) {}

  private unavailable(reason: string): StoreUnavailableError {
    return new StoreUnavailableError(`EventStoreDB at ${this.location} is unavailable: ${reason}`);
  }

  private failure(err: unknown, what: string): Error {
    if (err instanceof StoreError) return err;
    const code = isRecord(err) && typeof err.code === 'number' ? err.code : undefined;
    const message = err instanceof Error ? grpcReason(err.message) : String(err);
    if (
      err instanceof UnavailableError ||
      err instanceof DeadlineExceededError ||
      err instanceof CancelledError ||
      err instanceof NotLeaderError ||
      code === GRPC_UNAVAILABLE ||
      code === GRPC_DEADLINE_EXCEEDED ||
      code === GRPC_CANCELLED
    )
      return this.unavailable(message);
    if (err instanceof AccessDeniedError)
      return new StoreError(`EventStoreDB at ${this.location} denied ${what}; check the credentials in the store URL`);
    if (err instanceof MaxAppendSizeExceededError)
      return new StoreError(`EventStoreDB at ${this.location} refused ${what}: larger than its maximum append size of ${err.maxAppendSize} bytes`);
    if (err instanceof StreamDeletedError) return new CorruptStoreError(`EventStoreDB at ${this.location}: ${what} failed: the stream was deleted`);
    return new StoreError(`EventStoreDB at ${this.location}: ${what} failed: ${message}`);
  }

  /** Every event of a read; a missing stream reads as empty. Gives up when no answer comes within the deadline. */
  read(stream: string, fromRevision: ReadRevision, backwards: boolean, maxCount: number): Promise<ResolvedEvent[]> {
    return new Promise((resolve, reject) => {
      const out: ResolvedEvent[] = [];
      const reading = this.client.readStream(stream, { fromRevision, direction: backwards ? BACKWARDS : FORWARDS, maxCount });
      const watchdog = setTimeout(() => {
        // Cancelling a call that never started fails too; the read has failed either way.
        reading.cancel().catch(() => undefined);
        reject(this.unavailable(`no answer within ${this.deadlineMs} ms while reading ${stream}`));
      }, this.deadlineMs);
      reading.on('data', (e: ResolvedEvent) => {
        out.push(e);
        watchdog.refresh();
      });
      reading.on('end', () => {
        clearTimeout(watchdog);
        resolve(out);
      });
      reading.on('error', (err: unknown) => {
        clearTimeout(watchdog);
        if (err instanceof StreamNotFoundError) resolve([]);
        else reject(this.failure(err, `reading ${stream}`));
      });
    });
  }

  async append(stream: string, events: EventData[], expectedRevision: AppendExpectedRevision): Promise<AppendOutcome> {
    let watchdog: NodeJS.Timeout | undefined;
    // The BatchAppend path waits on a shared bidirectional stream without a client-side deadline.
    const timeout = new Promise<never>((_, reject) => {
      watchdog = setTimeout(() => reject(this.unavailable(`no answer within ${this.deadlineMs} ms while appending to ${stream}`)), this.deadlineMs);
    });
    try {
      const result = await Promise.race([this.client.appendToStream(stream, events, { expectedRevision, deadline: this.deadlineMs }), timeout]);
      return { kind: 'ok', next: result.nextExpectedRevision };
    } catch (err) {
      if (err instanceof WrongExpectedVersionError)
        return { kind: 'conflict', actual: typeof err.actualVersion === 'bigint' ? err.actualVersion : -1n };
      throw this.failure(err, `appending to ${stream}`);
    } finally {
      clearTimeout(watchdog);
    }
  }

  dispose(): Promise<void> {
    return this.client.dispose();
  }
}

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

const expectedOf = (e: ExpectedRevision): AppendExpectedRevision =>
  e === 'no_stream' ? NO_STREAM : e === 'any' ? ANY : BigInt(e);

/** Tack's envelope as an EventStoreDB event: correlation and causation under their reserved metadata keys. */
const toEventData = (e: TackEvent): EventData => {
  const { correlationId, causationId, ...rest } = e.metadata;
  const metadata = causationId === null ? { ...rest, $correlationId: correlationId } : { ...rest, $correlationId: correlationId, $causationId: causationId };
  return jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata });
};

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
    return events.map((e) => this.decode(stream, e));
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

  private decode(stream: string, resolved: ResolvedEvent): RecordedEvent {
    const e = resolved.event;
    if (!e) throw new CorruptStoreError(`${stream} in ${this.location}: a read returned a link without its event`);
    const revision = toRevision(e.revision, stream);
    const where = `${stream}@${revision} in ${this.location}`;
    if (!e.isJson || !isRecord(e.metadata)) throw new CorruptStoreError(`${where}: event ${e.id} is not a JSON tack event`);
    const metadata: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e.metadata)) if (!k.startsWith('$')) metadata[k] = v;
    metadata.correlationId = e.metadata.$correlationId;
    metadata.causationId = e.metadata.$causationId ?? null;
    const decoded = decodeEvent({ stream, revision }, { id: e.id, type: e.type, data: e.data, metadata });
    if (decoded._tag === 'Left') throw new CorruptStoreError(`${decoded.left} (in ${this.location})`);
    return { stream, revision, event: decoded.right };
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

/** Connection strings without an explicit `defaultDeadline` get ours, so the client's own calls fail as fast. */
const withDefaultDeadline = (url: string, deadlineMs: number): string =>
  /[?&]defaultDeadline=/i.test(url) ? url : `${url}${url.includes('?') ? '&' : '?'}defaultDeadline=${deadlineMs}`;

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
  return { events, blobs, close: () => events.close() };
};
