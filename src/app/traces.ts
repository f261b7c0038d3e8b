import type { EventOf } from '../domain/events.js';
import type { AtifTrajectory } from '../agent/atif.js';
import { decodeTrajectory } from '../agent/atif.js';
import { branchStream, type Store } from '../store/port.js';
import { listBranches } from './history.js';
import { TackError } from './errors.js';

/** Traces as the store keeps them: TraceObserved events (a branch's own evidence) and their blobs. */
export const branchTraces = async (store: Store, branch: string): Promise<EventOf<'TraceObserved'>[]> =>
  (await store.events.read(branchStream(branch))).map((r) => r.event).filter((e): e is EventOf<'TraceObserved'> => e.type === 'TraceObserved');

/** Find a trace by id or unique prefix, in any branch. */
export const findTrace = async (store: Store, id: string): Promise<{ branch: string; event: EventOf<'TraceObserved'> }> => {
  if (!/^t-[0-9a-f]{4,64}$/.test(id)) throw new TackError(`"${id}" is not a trace id (t-<hex>, see tack traces)`);
  const found: { branch: string; event: EventOf<'TraceObserved'> }[] = [];
  for (const b of await listBranches(store.events)) {
    for (const e of await branchTraces(store, b)) if (e.data.traceId.startsWith(id) && !found.some((f) => f.event.data.traceId === e.data.traceId)) found.push({ branch: b, event: e });
  }
  if (found.length === 0) throw new TackError(`no trace ${id} in this store`);
  if (found.length > 1) throw new TackError(`trace id ${id} is ambiguous: ${found.slice(0, 3).map((f) => f.event.data.traceId).join(', ')}...`);
  return found[0];
};

export const loadTrajectory = async (store: Store, traceBlob: string): Promise<AtifTrajectory> => {
  const bytes = await store.blobs.get(traceBlob);
  if (!bytes) throw new TackError(`trace blob ${traceBlob} is missing from the store`);
  const t = decodeTrajectory(bytes);
  if (t._tag === 'Left') throw new TackError(`trace blob ${traceBlob}: ${t.left}`);
  return t.right;
};
