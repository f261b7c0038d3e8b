// The store contract against a real EventStoreDB / KurrentDB server, opt-in: TACK_ESDB_URL names it
// (e.g. esdb://localhost:2113?tls=false). Each case gets its own random stream prefix, so it runs on a
// server that already holds data and leaves other streams alone. Without the variable it skips, exit 0.
import { randomBytes } from 'node:crypto';
import { openEsdbStore, redactCredentials } from '../src/store/esdb.js';
import { contractLine, runContract } from '../test/support/run-contract.js';

const url = process.env.TACK_ESDB_URL;
if (!url) {
  console.log('test:esdb: skipped: TACK_ESDB_URL is not set (e.g. TACK_ESDB_URL=esdb://localhost:2113?tls=false); see docs/esdb.md');
} else {
  console.log(`test:esdb: running the store contract against ${redactCredentials(url)}`);
  const result = await runContract({
    name: 'esdb',
    make: async () => ({
      store: await openEsdbStore(url, { prefix: `tacktest${randomBytes(6).toString('hex')}` }),
      cleanup: async () => {},
    }),
  });
  console.log(contractLine(result));
  process.exitCode = result.failure === null ? 0 : 1;
}
