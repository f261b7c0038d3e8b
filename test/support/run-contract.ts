import { storeContract } from './store-contract.js';
import type { StoreFactory } from './store-factories.js';

/** How one store did on the contract: null when every case passed, else the first case that failed. */
export interface ContractResult {
  readonly store: string;
  readonly failure: { readonly caseName: string; readonly message: string } | null;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0];

/** Run every contract case on a fresh store from the factory, stopping at the first failure. */
export const runContract = async (factory: StoreFactory): Promise<ContractResult> => {
  for (const c of storeContract) {
    try {
      const { store, cleanup } = await factory.make();
      try {
        await c.run(store);
      } finally {
        await store.close();
        await cleanup();
      }
    } catch (err) {
      return { store: factory.name, failure: { caseName: c.name, message: messageOf(err) } };
    }
  }
  return { store: factory.name, failure: null };
};

/** `contract: NAME PASS`, or `contract: NAME FAIL: case: message`. */
export const contractLine = (r: ContractResult): string =>
  r.failure === null ? `contract: ${r.store} PASS` : `contract: ${r.store} FAIL: ${r.failure.caseName}: ${r.failure.message}`;
