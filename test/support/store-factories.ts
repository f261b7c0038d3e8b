import type { Store } from '../../src/store/port.js';
import { memoryStore } from '../../src/store/memory.js';
import { openEsdbStore } from '../../src/store/esdb.js';
import { startEsdbTestServer } from './esdb-server.js';

/** Every store adapter the contract runs against; each `make` gives a fresh empty store. */
export interface StoreFactory {
  readonly name: string;
  readonly make: () => Promise<{ store: Store; cleanup: () => Promise<void> }>;
}

/** The EventStoreDB adapter through the real client against a fresh in-process test server. */
const esdbGrpc = (batchAppend: boolean) => async () => {
  const server = await startEsdbTestServer({ batchAppend });
  return { store: await openEsdbStore(server.url), cleanup: () => server.stop() };
};

export const storeFactories: StoreFactory[] = [
  { name: 'memory', make: async () => ({ store: memoryStore(), cleanup: async () => {} }) },
  // Client 6.x appends through BatchAppend when the server advertises it, through Append otherwise: cover both.
  { name: 'esdb-grpc', make: esdbGrpc(true) },
  { name: 'esdb-grpc-append', make: esdbGrpc(false) },
];
