// The store contract and the work queue contract against a real EventStoreDB / KurrentDB server, opt-in:
// TACK_ESDB_URL names it (e.g. esdb://localhost:2113?tls=false; the work queue needs a user that may create
// persistent subscriptions and read their parked streams, an admin). Each case gets its own random stream
// prefix, so it runs on a server that already holds data and leaves other streams alone (it leaves a worker
// group per case behind). Without the variable it skips, exit 0.
import { randomBytes } from 'node:crypto';
import { openEsdbStore, redactCredentials } from '../src/store/esdb.js';
import { contractLine, runContract } from '../test/support/run-contract.js';
import { runWorkContract } from '../test/support/work-contract.js';

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
  const work = await runWorkContract(url);
  console.log(work === null ? 'work queue contract: esdb PASS' : `work queue contract: esdb FAIL: ${work.caseName}: ${work.message}`);
  process.exitCode = result.failure === null && work === null ? 0 : 1;
}
