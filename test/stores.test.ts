import { describe, it } from 'node:test';
import { storeContract } from './support/store-contract.js';
import { storeFactories } from './support/store-factories.js';

for (const factory of storeFactories) {
  describe(`store contract: ${factory.name}`, () => {
    for (const c of storeContract) {
      it(c.name, async () => {
        const { store, cleanup } = await factory.make();
        try {
          await c.run(store);
        } finally {
          await store.close();
          await cleanup();
        }
      });
    }
  });
}
