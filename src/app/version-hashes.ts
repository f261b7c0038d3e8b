import type { EventStore } from '../store/port.js';
import { listBranches, loadBranch } from './history.js';

/** `branch@version -> harness hash` for every version of every branch: what two copies of a history must share. */
export const versionHashes = async (events: EventStore): Promise<Map<string, string>> => {
  const out = new Map<string, string>();
  for (const b of await listBranches(events)) {
    const { state } = await loadBranch(events, b);
    for (const v of state.versions) out.set(`${b}@${v.version}`, v.harnessHash);
  }
  return out;
};
