import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Harness, renderSystemPrompt } from '../../src/domain/harness.js';
import { loadGolden } from '../support/golden.js';
import { PROJECT, tackAsync } from '../support/cli.js';

/** report and export over the golden "evolved" history (one iteration: one edit accepted, one rejected). */
describe('tack report and tack export', () => {
  let dir: string;
  before(async () => {
    dir = await loadGolden(join(PROJECT, 'snapshots', 'evolved', 'history.jsonl'));
  });
  const ok = async (args: string[]) => {
    const r = await tackAsync(dir, args);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };

  it('report gives per-version pass rates by split, decided edits, work and prediction hits', async () => {
    const r = JSON.parse(await ok(['report', 'main', '--json']));
    const [v1, v2] = r.versions;
    assert.equal(v1.version, 1);
    assert.deepEqual(v1.rates.opt, { passes: 2, attempts: 4, rate: 0.5 });
    assert.deepEqual(v1.rates.gate, { passes: 1, attempts: 2, rate: 0.5 });
    assert.deepEqual(v1.accepted, ['E1']);
    assert.deepEqual(v1.rejected, ['E2']);
    assert.equal(v1.taskRuns, 6);
    assert.equal(v1.tokens, 6 * (24000 + 1800));
    assert.deepEqual(v1.predictions, { fixesHit: 2, fixesPredicted: 2, risksHit: 1, risksPredicted: 1 });
    assert.equal(v2.version, 2);
    assert.deepEqual(v2.rates, {});
    assert.match(await ok(['report']), /version 1 .*\n {2}opt 50\.0% \(2\/4\) {2}gate 50\.0% \(1\/2\) {2}test -/);
  });

  it('export gives the harness as JSON, as AGENTS.md and as the rendered prompt', async () => {
    const json = JSON.parse(await ok(['export', 'main', '--format', 'json']));
    assert.equal(Harness.decode(json)._tag, 'Right');
    assert.equal(json.policies[0].kind, 'DuplicateCommandGuard');
    const md = await ok(['export', 'main@2', '--format', 'agents-md']);
    assert.match(md, /^# AGENTS\.md/);
    assert.match(md, /## Verification\n\n- Check that your result meets the task before finishing\./);
    assert.match(md, /Never run an identical command that already failed more than 1 time\(s\)/);
    assert.doesNotMatch(await ok(['export', 'main@1', '--format', 'agents-md']), /Runtime policies/);
    assert.equal(await ok(['export', 'evolved-1', '--format', 'prompt']), renderSystemPrompt(json) + '\n');
  });
});
