import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/store/port.js';
import { memoryStore } from '../../src/store/memory.js';
import { openFileStore } from '../../src/store/file.js';
import { openEsdbStore } from '../../src/store/esdb.js';
import { startEsdbTestServer } from './esdb-server.js';

/** Every store adapter the contract runs against; each `make` gives a fresh empty store. */
export interface StoreFactory {
  readonly name: string;
  readonly make: () => Promise<{ store: Store; cleanup: () => Promise<void> }>;
}

export const tempDir = (prefix = 'tack-test-'): Promise<string> => mkdtemp(join(tmpdir(), prefix));
/** The EventStoreDB adapter through the real client against a fresh in-process test server. */
const esdbGrpc = (batchAppend: boolean) => async () => {
  const server = await startEsdbTestServer({ batchAppend });
  return { store: await openEsdbStore(server.url), cleanup: () => server.stop() };
};

export const storeFactories: StoreFactory[] = [
  {
    name: 'file',
    make: async () => {
      const dir = await tempDir();
      return { store: await openFileStore(join(dir, '.tack'), { create: true }), cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  { name: 'memory', make: async () => ({ store: memoryStore(), cleanup: async () => {} }) },
  // Client 6.x appends through BatchAppend when the server advertises it, through Append otherwise: cover both.
  { name: 'esdb-grpc', make: esdbGrpc(true) },
  { name: 'esdb-grpc-append', make: esdbGrpc(false) },
];
