import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/store/port.js';
import { memoryStore } from '../../src/store/memory.js';
import { openFileStore } from '../../src/store/file.js';

/** Every store adapter the contract runs against; each `make` gives a fresh empty store. */
export interface StoreFactory {
  readonly name: string;
  readonly make: () => Promise<{ store: Store; cleanup: () => Promise<void> }>;
}

export const tempDir = (prefix = 'tack-test-'): Promise<string> => mkdtemp(join(tmpdir(), prefix));

export const storeFactories: StoreFactory[] = [
  {
    name: 'file',
    make: async () => {
      const dir = await tempDir();
      return { store: await openFileStore(join(dir, '.tack'), { create: true }), cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  { name: 'memory', make: async () => ({ store: memoryStore(), cleanup: async () => {} }) },
];
