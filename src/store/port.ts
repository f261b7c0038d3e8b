import type { TackEvent } from '../domain/events.js';

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
  close(): Promise<void>;
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
