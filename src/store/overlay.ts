import type { TackEvent } from '../domain/events.js';
import { MemoryBlobStore, MemoryEventStore } from './memory.js';
import { StoreError, type AppendResult, type BlobStore, type EventStore, type ExpectedRevision, type ReadOptions, type RecordedEvent, type Store } from './port.js';

/**
 * A scratch layer over a store, for replays: one stream lives in memory (seeded by the caller and
 * appended to by the replayed code); every other stream is read from the store underneath and may not
 * be written. Blobs written go to memory; reads look there first. Nothing reaches the real store.
 */
export class OverlayEventStore implements EventStore {
  readonly location: string;
  private readonly scratch = new MemoryEventStore();

  constructor(
    private readonly base: EventStore,
    private readonly stream: string,
  ) {
    this.location = `${base.location} (replay overlay)`;
  }

  /** Put events into the scratch stream without the checks an append would make of their order. */
  async seed(events: readonly TackEvent[]): Promise<void> {
    if (events.length) await this.scratch.append(this.stream, events, 'any');
  }

  append(stream: string, events: readonly TackEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (stream !== this.stream) throw new StoreError(`a replay does not write to the store (it tried ${stream})`);
    return this.scratch.append(stream, events, expected);
  }
  read(stream: string, options?: ReadOptions): Promise<RecordedEvent[]> {
    return stream === this.stream ? this.scratch.read(stream, options) : this.base.read(stream, options);
  }
  head(stream: string): Promise<number> {
    return stream === this.stream ? this.scratch.head(stream) : this.base.head(stream);
  }
  async listStreams(): Promise<string[]> {
    return [...new Set([...(await this.base.listStreams()), this.stream])].sort();
  }
  async close(): Promise<void> {}
}

export class OverlayBlobStore implements BlobStore {
  readonly scratch = new MemoryBlobStore();
  constructor(private readonly base: BlobStore) {}
  put(bytes: Uint8Array): Promise<string> {
    return this.scratch.put(bytes);
  }
  async get(hash: string): Promise<Buffer | null> {
    return (await this.scratch.get(hash)) ?? this.base.get(hash);
  }
  async has(hash: string): Promise<boolean> {
    return (await this.scratch.has(hash)) || this.base.has(hash);
  }
  async list(): Promise<string[]> {
    return [...new Set([...(await this.base.list()), ...(await this.scratch.list())])].sort();
  }
}

export const overlayStore = (base: Store, stream: string): Store & { events: OverlayEventStore; blobs: OverlayBlobStore } => {
  const events = new OverlayEventStore(base.events, stream);
  const blobs = new OverlayBlobStore(base.blobs);
  return { events, blobs, close: async () => {} };
};
