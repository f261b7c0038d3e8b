import { checkEvent, type TackEvent } from '../domain/events.js';
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
import { isIdempotentRetry, readWindow } from './shared.js';

/** An in-memory store for tests: the reference the other adapters are compared with. */
export class MemoryEventStore implements EventStore {
  readonly location = 'memory';
  private readonly streams = new Map<string, TackEvent[]>();

  async append(stream: string, events: readonly TackEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    for (const e of events) {
      const c = checkEvent(e);
      if (c._tag === 'Left') throw new StoreError(`refusing to append to ${stream}: ${c.left}`);
    }
    const cur = this.streams.get(stream) ?? [];
    const head = cur.length - 1;
    if (expected !== 'any' && isIdempotentRetry(cur, events, expected)) {
      return { nextExpectedRevision: (expected === 'no_stream' ? -1 : expected) + events.length };
    }
    if (expected === 'no_stream' ? head !== -1 : expected !== 'any' && expected !== head) {
      throw new ConflictError(stream, expected, head);
    }
    if (events.length === 0) return { nextExpectedRevision: head };
    this.streams.set(stream, [...cur, ...events.map((e) => structuredClone(e))]);
    return { nextExpectedRevision: head + events.length };
  }

  async read(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    const cur = this.streams.get(stream) ?? [];
    return readWindow(cur.length, options).map((revision) => ({ stream, revision, event: structuredClone(cur[revision]) }));
  }

  async head(stream: string): Promise<number> {
    return (this.streams.get(stream)?.length ?? 0) - 1;
  }

  async listStreams(): Promise<string[]> {
    return [...this.streams.entries()]
      .filter(([, es]) => es.length > 0)
      .map(([s]) => s)
      .sort();
  }

  async close(): Promise<void> {}
}

export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();
  async put(bytes: Uint8Array): Promise<string> {
    const h = sha256(bytes);
    if (!this.blobs.has(h)) this.blobs.set(h, Buffer.from(bytes));
    return h;
  }
  async get(hash: string): Promise<Buffer | null> {
    const b = this.blobs.get(hash);
    if (!b) return null;
    if (sha256(b) !== hash) throw new CorruptStoreError(`blob ${hash} is corrupt: its content does not match its hash`);
    return Buffer.from(b);
  }
  async has(hash: string): Promise<boolean> {
    return this.blobs.has(hash);
  }
  async list(): Promise<string[]> {
    return [...this.blobs.keys()].sort();
  }
}

export const memoryStore = (): Store => {
  const events = new MemoryEventStore();
  const blobs = new MemoryBlobStore();
  return { events, blobs, close: () => events.close() };
};
