import type { Store } from '../../src/store/port.js';
import { memoryStore } from '../../src/store/memory.js';

/** Every store adapter the contract runs against; each `make` gives a fresh empty store. */
export interface StoreFactory {
  readonly name: string;
  readonly make: () => Promise<{ store: Store; cleanup: () => Promise<void> }>;
}

export const storeFactories: StoreFactory[] = [
  { name: 'memory', make: async () => ({ store: memoryStore(), cleanup: async () => {} }) },
];
