import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROJECT, tackAsync } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';

const MINI = join(PROJECT, 'suites', 'mini');

describe('tack cherry-pick', () => {
  it("takes the repeater's accepted edit to the forgetful branch and decides it on forgetful's own evidence", async () => {
    const dir = await tempDir();
    const ok = async (args: string[], codes = [0]) => {
      const r = await tackAsync(dir, args);
      assert.ok(codes.includes(r.code), `tack ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    };
    await ok(['init', '--model', 'sim:steady']);
    await ok(['branch', 'repeater', '--from', 'main', '--model', 'sim:repeater']);
    await ok(['branch', 'forgetful', '--from', 'main', '--model', 'sim:forgetful']);
    const added = JSON.parse(await ok(['edit', 'set-policy', '--branch', 'repeater', '--kind', 'DuplicateCommandGuard', '--why', 'repeats', '--json']));
    const r = JSON.parse(await ok(['cherry-pick', added.proposalId, '--onto', 'forgetful', '--suite', MINI, '--attempts', '2', '--json'], [0, 100]));
    assert.equal(r.from, 'repeater');
    assert.notEqual(r.proposalId, added.proposalId);
    const proposed = (await ok(['events', '--branch', 'forgetful', '--type', 'EditProposed'])).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(proposed.length, 1);
    assert.equal(proposed[0].data.source, 'cherry-pick');
    assert.deepEqual(proposed[0].data.origin, { branch: 'repeater', proposalId: added.proposalId });
    assert.notEqual(proposed[0].data.edit.policy.id, added.edit.policy.id, 'the target got an id of its own');
    const decision = (await ok(['events', '--branch', 'forgetful'])).trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.type === 'EditAccepted' || e.type === 'EditRejected');
    assert.equal(decision.data.validation.kind, 'gated');
    assert.equal(decision.data.validation.verdict, r.verdict);
    const traces = JSON.parse(await ok(['traces', '--branch', 'forgetful', '--json'])).traces;
    assert.ok(traces.length >= 8);
    assert.ok(traces.every((t: { model: { id: string } }) => t.model.id === 'sim:forgetful'), 'evidence from another model was used');
    assert.equal(JSON.parse(await ok(['traces', '--branch', 'repeater', '--json'])).traces.length, 0);
    if (r.verdict === 'pass') assert.match(await ok(['why', proposed[0].data.edit.policy.id, '--branch', 'forgetful']), /cherry-picked from repeater proposal E\d+/);
  });
});
