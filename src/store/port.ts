import type * as E from 'fp-ts/lib/Either.js';
import type { EventOf, TackEvent } from '../domain/events.js';
import type { AttemptJob } from '../domain/attempt-job.js';

/**
 * The event-store port. Streams are append-only sequences of events with 0-based revisions.
 * Every adapter (file, memory, EventStoreDB) passes the same contract suite (test/store-contract.ts).
 */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface RecordedEvent {
  readonly stream: string;
  readonly revision: number;
  readonly event: TackEvent;
}

export interface ReadOptions {
  /** First revision to read (inclusive); backwards reads start here and go down. Default: start (or end backwards). */
  readonly from?: number;
  readonly direction?: 'forwards' | 'backwards';
  readonly maxCount?: number;
}

export interface AppendResult {
  /** Revision of the last event in the stream after the append. */
  readonly nextExpectedRevision: number;
}

export interface EventStore {
  /** A human-readable name of where the store lives (a folder or a URL without credentials). */
  readonly location: string;
  /**
   * Append atomically at an expected revision. A retry of the same event ids at the same expected
   * revision is a no-op that returns the same result.
   */
  append(stream: string, events: readonly TackEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Read a stream; a stream that does not exist reads as empty. */
  read(stream: string, options?: ReadOptions): Promise<RecordedEvent[]>;
  /** Revision of the last event, or -1 for a missing stream. */
  head(stream: string): Promise<number>;
  /** Every stream that holds at least one event, sorted by name. */
  listStreams(): Promise<string[]>;
  close(): Promise<void>;
}

/** Content-addressed storage for large payloads (full traces, cassettes), keyed by sha256 hex. */
export interface BlobStore {
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes, checked against their hash; null when absent; CorruptStoreError when they do not match. */
  get(hash: string): Promise<Buffer | null>;
  has(hash: string): Promise<boolean>;
  list(): Promise<string[]>;
}

export interface Store {
  readonly events: EventStore;
  readonly blobs: BlobStore;
  /** Attempt jobs shared by worker processes; only a store on a server that several machines reach offers it. */
  readonly work?: WorkQueue;
  close(): Promise<void>;
}

/** How the worker group treats jobs; fixed when the group is created. */
export interface WorkGroupSettings {
  /** A job not acknowledged within this time is delivered again. */
  readonly jobTimeoutMs: number;
  /** Deliveries after the first before a job is parked. */
  readonly maxRetries: number;
}

/** One delivery of a job to a worker. */
export interface JobDelivery {
  readonly jobId: string;
  /** The job, or why it cannot be read. */
  readonly job: E.Either<string, AttemptJob>;
  /** How many times it was delivered before this one. */
  readonly retryCount: number;
  ack(): Promise<void>;
  /** `retry`: deliver it again (it is parked once its retries are spent); `park`: set it aside with the reason. */
  nack(action: 'retry' | 'park', reason: string): Promise<void>;
}

/** A job set aside after failing, with the reason. */
export interface ParkedJob {
  readonly jobId: string;
  readonly job: AttemptJob | null;
  readonly reason: string;
  readonly at: string;
}

export interface WorkerConnection {
  readonly name: string;
  readonly from: string;
  readonly inFlight: number;
  readonly jobsTaken: number;
}

export interface WorkInfo {
  readonly stream: string;
  readonly group: string;
  readonly settings: WorkGroupSettings & { readonly strategy: string };
  readonly workers: readonly WorkerConnection[];
  readonly inFlight: number;
  readonly parked: number;
}

export interface JobConsumer {
  /** Settles when the consumer stops: resolves after stop(), rejects when the connection is lost. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * A queue of attempt jobs with competing consumers: each job goes to one worker at a time, comes back when
 * that worker does not acknowledge it in time, and is parked with its reason when it keeps failing. Results
 * are TraceObserved events stored once per attempt id.
 */
export interface WorkQueue {
  readonly location: string;
  /** Create the worker group unless it exists; answers the group's settings (an existing group keeps its own). */
  ensureGroup(settings: WorkGroupSettings): Promise<WorkGroupSettings>;
  /** Queue jobs; answers their job ids, fresh for every call. */
  enqueue(jobs: readonly AttemptJob[]): Promise<string[]>;
  /** The TraceObserved stored for an attempt, or null. */
  result(attemptId: string): Promise<EventOf<'TraceObserved'> | null>;
  /** Store an attempt's TraceObserved unless the attempt already has one (`duplicate`: the first one stays). */
  storeResult(event: EventOf<'TraceObserved'>): Promise<'stored' | 'duplicate'>;
  /** The position of the last parked job so far (-1: none), to ask `parked` for only what comes after. */
  parkedHead(): Promise<number>;
  /** Jobs parked after position `after` (-1: all), and the position to ask from next. */
  parked(after: number): Promise<{ readonly jobs: readonly ParkedJob[]; readonly last: number }>;
  /** Take jobs as one competing consumer, at most `capacity` at a time. */
  consume(options: { readonly name: string; readonly capacity: number; readonly onJob: (delivery: JobDelivery) => void }): Promise<JobConsumer>;
  /** The group's workers and counts, or null before any group exists. */
  info(): Promise<WorkInfo | null>;
}

export class StoreError extends Error {
  override readonly name: string = 'StoreError';
}

/** The stream moved on since the writer read it: optimistic concurrency said no. */
export class ConflictError extends StoreError {
  override readonly name = 'ConflictError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number,
  ) {
    super(
      `conflict on ${stream}: expected ${expected === 'no_stream' ? 'no stream' : `revision ${expected}`}, ` +
        `but it is ${actual < 0 ? 'missing' : `at revision ${actual}`}; another writer got there first, run the command again`,
    );
  }
}

/** A stored record fails its checks; the message names the stream and revision. */
export class CorruptStoreError extends StoreError {
  override readonly name = 'CorruptStoreError';
}

/** The store cannot be reached or opened. */
export class StoreUnavailableError extends StoreError {
  override readonly name = 'StoreUnavailableError';
}

/** Stream naming shared by every adapter: all branches in one category (`branch-`). */
export const branchStream = (branch: string): string => `branch-${branch}`;
export const IDS_STREAM = 'ids';
export const branchOfStream = (stream: string): string | null => (stream.startsWith('branch-') ? stream.slice(7) : null);
