/**
 * A writer process for race tests: it prepares a person's edit on a branch, says "ready", waits for
 * "go" on stdin, then appends at the revision it read. Prints "ok" or the conflict message.
 */
import { createInterface } from 'node:readline';
import { humanEdit } from '../../src/domain/decide.js';
import { appendDecision, decided, loadBranch, mintIds } from '../../src/app/history.js';
import { openFileStore } from '../../src/store/file.js';
import { ConflictError } from '../../src/store/port.js';

const [dir, branch, text] = process.argv.slice(2);
const store = await openFileStore(dir);
const ctx = { actor: 'human:race', correlationId: '00000000-0000-4000-8000-000000000001' };
const loaded = await loadBranch(store.events, branch);
const [ruleId] = await mintIds(store.events, 'rule', 1, ctx);
const [proposalId] = await mintIds(store.events, 'proposal', 1, ctx);
const drafts = decided(humanEdit(loaded.state, proposalId, { op: 'AddRule', rule: { id: ruleId, section: 'general', text } }, 'race'));
process.stdout.write('ready\n');
const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  if (line.trim() !== 'go') continue;
  try {
    await appendDecision(store, branch, loaded.ownHead, drafts, ctx);
    process.stdout.write('ok\n');
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    process.stdout.write(`conflict: ${e.message}\n`);
  }
  break;
}
rl.close();
