/**
 * A writer process for race tests, for many rounds. Per line `prepare TEXT` on stdin it prepares a
 * person's edit adding the rule TEXT on the branch, as the branch is now, and says "ready"; on `go`
 * it appends at the revision it read and prints "ok" or the conflict message. `exit` (or the end of
 * stdin) ends it.
 */
import { createInterface } from 'node:readline';
import { humanEdit } from '../../src/domain/decide.js';
import { appendDecision, decided, loadBranch, mintIds } from '../../src/app/history.js';
import { openFileStore } from '../../src/store/file.js';
import { ConflictError } from '../../src/store/port.js';

const [dir, branch] = process.argv.slice(2);
const store = await openFileStore(dir);
const ctx = { actor: 'human:race', correlationId: '00000000-0000-4000-8000-000000000001' };
let prepared: (() => Promise<void>) | null = null;
const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  const [word, ...rest] = line.trim().split(' ');
  if (word === 'prepare') {
    const loaded = await loadBranch(store.events, branch);
    const [ruleId] = await mintIds(store.events, 'rule', 1, ctx);
    const [proposalId] = await mintIds(store.events, 'proposal', 1, ctx);
    const drafts = decided(humanEdit(loaded.state, proposalId, { op: 'AddRule', rule: { id: ruleId, section: 'general', text: rest.join(' ') } }, 'race'));
    prepared = () => appendDecision(store, branch, loaded.ownHead, drafts, ctx).then(() => undefined);
    process.stdout.write('ready\n');
  } else if (word === 'go' && prepared) {
    try {
      await prepared();
      process.stdout.write('ok\n');
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      process.stdout.write(`conflict: ${e.message}\n`);
    }
    prepared = null;
  } else if (word === 'exit') break;
}
rl.close();
