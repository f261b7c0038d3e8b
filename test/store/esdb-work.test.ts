import { describe, it, before, after } from 'node:test';
import { randomBytes } from 'node:crypto';
import { openEsdbStore } from '../../src/store/esdb.js';
import { startEsdbTestServer, type EsdbTestServer } from '../support/esdb-server.js';
import { workContract } from '../support/work-contract.js';

describe('work queue contract on the EventStoreDB test server (npm run test:esdb runs it on a real one)', () => {
  let server: EsdbTestServer;
  before(async () => {
    server = await startEsdbTestServer({ batchAppend: true });
  });
  after(async () => server.stop());
  for (const c of workContract)
    it(c.name, { timeout: 30_000 }, async () => {
      const store = await openEsdbStore(server.url, { prefix: `tackwork${randomBytes(6).toString('hex')}` });
      try {
        await c.run(store, store.work!);
      } finally {
        await store.close();
      }
    });
});
