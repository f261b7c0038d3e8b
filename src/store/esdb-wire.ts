import { createHash } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  FORWARDS,
  NO_STREAM,
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
  jsonEvent,
  type AppendExpectedRevision,
  type EventData,
  type JSONType,
  type ReadRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { decodeEvent, type TackEvent } from '../domain/events.js';
import { CorruptStoreError, StoreError, StoreUnavailableError, type ExpectedRevision, type RecordedEvent } from './port.js';

/**
 * What the EventStoreDB adapters share: stream naming under one prefix, the client with its deadline and
 * error mapping, and how tack's envelope maps to an EventStoreDB event and back. The event and blob stores
 * live in esdb.ts, the workers' job queue in esdb-work.ts.
 */

export const DEFAULT_STREAM_PREFIX = 'tack';
export const DEFAULT_DEADLINE_MS = 5_000;

const SHA256_HEX = /^[0-9a-f]{64}$/;

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
  /** The workers' job queue: one stream every `tack evolve --workers` appends attempt jobs to. */
  get jobs(): string {
    return `${this.prefix}jobs`;
  }
  /** Where a worker stores an attempt's TraceObserved, once (category `<prefix>attempt`). */
  attempt(attemptId: string): string {
    return `${this.prefix}attempt-${attemptId}`;
  }
  /** The EventStoreDB stream for a port stream; names that would collide with the adapter's own streams are refused. */
  events(stream: string): string {
    if (StreamNaming.reserved(stream)) throw new StoreError(`stream name "${stream}" is reserved by the EventStoreDB store`);
    return this.prefix + stream;
  }
  /** The port stream an EventStoreDB stream holds, or null for a name outside this prefix or one of the adapter's own. */
  portStream(name: string): string | null {
    if (!name.startsWith(this.prefix)) return null;
    const rest = name.slice(this.prefix.length);
    return StreamNaming.reserved(rest) ? null : rest;
  }
  private static reserved(rest: string): boolean {
    return rest === '' || rest === 'index' || rest === 'blobindex' || rest === 'jobs' || rest.startsWith('blob-') || rest.startsWith('attempt-');
  }
  blobHash(name: string): string | null {
    const p = `${this.prefix}blob-`;
    return name.startsWith(p) && SHA256_HEX.test(name.slice(p.length)) ? name.slice(p.length) : null;
  }
}

/** A URL without its `user:password@` part, fit for messages. */
export const redactCredentials = (url: string): string => url.replace(/^([a-z+]+:\/\/)[^@/?]*@/i, '$1');

export const firstLine = (s: string): string => s.split('\n')[0].trim();

/** A gRPC error's message without its status prefix and resolver notes: `14 UNAVAILABLE: No connection ... Resolution note: `. */
export const grpcReason = (message: string): string =>
  firstLine(message)
    .replace(/^\d+ [A-Z_]+: /, '')
    .replace(/\.?\s*Resolution note:.*$/, '');

/** A version-5-shaped UUID derived from a name, for event ids that must be the same on every retry. */
export const nameUuid = (name: string): string => {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
};

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const toRevision = (r: bigint, where: string): number => {
  if (r > BigInt(Number.MAX_SAFE_INTEGER)) throw new CorruptStoreError(`${where}: revision ${r} is beyond what tack can count`);
  return Number(r);
};

/** Map tasks over items with at most `limit` in flight, keeping order. */
export const mapLimited = async <T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> => {
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

export type AppendOutcome = { readonly kind: 'ok'; readonly next: bigint } | { readonly kind: 'conflict'; readonly actual: bigint };

const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** The client plus the deadline and error mapping every call goes through. */
export class EsdbConnection {
  constructor(
    readonly client: EventStoreDBClient,
    readonly location: string,
    readonly deadlineMs: number,
  ) {}

  unavailable(reason: string): StoreUnavailableError {
    return new StoreUnavailableError(`EventStoreDB at ${this.location} is unavailable: ${reason}`);
  }

  /** Any client error as tack's: unavailable, denied, too large, or a one-line failure of `what`. */
  failure(err: unknown, what: string): Error {
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

/** Connection strings without an explicit `defaultDeadline` get ours, so the client's own calls fail as fast. */
export const withDefaultDeadline = (url: string, deadlineMs: number): string =>
  /[?&]defaultDeadline=/i.test(url) ? url : `${url}${url.includes('?') ? '&' : '?'}defaultDeadline=${deadlineMs}`;

export const expectedOf = (e: ExpectedRevision): AppendExpectedRevision =>
  e === 'no_stream' ? NO_STREAM : e === 'any' ? ANY : BigInt(e);

/** Tack's envelope as an EventStoreDB event: correlation and causation under their reserved metadata keys. */
export const toEventData = (e: TackEvent): EventData => {
  const { correlationId, causationId, ...rest } = e.metadata;
  const metadata = causationId === null ? { ...rest, $correlationId: correlationId } : { ...rest, $correlationId: correlationId, $causationId: causationId };
  return jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata });
};

/** An EventStoreDB event written by toEventData, back as tack's envelope, checked by its codec. */
export const decodeRecorded = (stream: string, resolved: ResolvedEvent, location: string): RecordedEvent => {
  const e = resolved.event;
  if (!e) throw new CorruptStoreError(`${stream} in ${location}: a read returned a link without its event`);
  const revision = toRevision(e.revision, stream);
  const where = `${stream}@${revision} in ${location}`;
  if (!e.isJson || !isRecord(e.metadata)) throw new CorruptStoreError(`${where}: event ${e.id} is not a JSON tack event`);
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e.metadata)) if (!k.startsWith('$')) metadata[k] = v;
  metadata.correlationId = e.metadata.$correlationId;
  metadata.causationId = e.metadata.$causationId ?? null;
  const decoded = decodeEvent({ stream, revision }, { id: e.id, type: e.type, data: e.data, metadata });
  if (decoded._tag === 'Left') throw new CorruptStoreError(`${decoded.left} (in ${location})`);
  return { stream, revision, event: decoded.right };
};
