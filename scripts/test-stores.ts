// Runs the store contract against every store in test/support/store-factories.ts and prints one line per
// store: `contract: NAME PASS` or `contract: NAME FAIL: case: message`. Exits non-zero on any failure.
import { storeFactories } from '../test/support/store-factories.js';
import { contractLine, runContract } from '../test/support/run-contract.js';

let failed = false;
for (const factory of storeFactories) {
  const result = await runContract(factory);
  console.log(contractLine(result));
  failed ||= result.failure !== null;
}
process.exitCode = failed ? 1 : 0;
