import { decodeEvent } from '../domain/events.js';
import { branchOfStream, CorruptStoreError, IDS_STREAM, type Store } from '../store/port.js';
import { FileEventStore } from '../store/file.js';
import { loadBranch } from './history.js';
import { TackError } from './errors.js';

export interface StoreReport {
  readonly streams: number;
  readonly events: number;
  readonly branches: number;
  readonly versions: number;
  readonly blobs: number;
  readonly tornBytes: number;
}

/**
 * Recheck the whole store: every record's hash and chain (file store), every event against its
 * codec, every branch's fold (versions, hashes, decisions), every blob against its hash.
 * Throws CorruptStoreError/TackError naming the first bad place.
 */
export const verifyStore = async (store: Store): Promise<StoreReport> => {
  let tornBytes = 0;
  let events = 0;
  const streams = await store.events.listStreams();
  if (store.events instanceof FileEventStore) {
    const r = await store.events.verify();
    tornBytes = r.tornBytes;
    events = r.events;
  } else {
    for (const s of streams) {
      for (const rec of await store.events.read(s)) {
        const d = decodeEvent({ stream: s, revision: rec.revision }, rec.event);
        if (d._tag === 'Left') throw new CorruptStoreError(`store corrupt at ${d.left}`);
        events++;
      }
    }
  }
  let branches = 0;
  let versions = 0;
  for (const s of streams) {
    const b = branchOfStream(s);
    if (b !== null) {
      const { state } = await loadBranch(store.events, b);
      branches++;
      versions += state.versions.filter((v) => v.branch === b).length;
    } else if (s !== IDS_STREAM) {
      throw new TackError(`unexpected stream ${s} in the store`);
    }
  }
  const blobs = await store.blobs.list();
  for (const h of blobs) await store.blobs.get(h);
  return { streams: streams.length, events, branches, versions, blobs: blobs.length, tornBytes };
};
