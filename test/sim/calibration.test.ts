import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROJECT, tackAsync } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';

/**
 * The personas through tack itself (tack run, the sandbox, the real openai client, the sim server
 * started for the run) on suites/core's test split, 3 attempts per task: the ceiling holds, the
 * faulty personas fail in character, the policy answering each weakness (with wording chosen here,
 * not the catalog default) lifts it by 20 points or more, and a harmful budget makes things worse.
 */
const CORE = join(PROJECT, 'suites', 'core');

interface Trace {
  traceId: string;
  outcome: { passed: boolean };
  features: Record<string, number | boolean | string>;
}

const run = async (dir: string, branch: string) => {
  const r = await tackAsync(dir, ['run', '--branch', branch, '--suite', CORE, '--split', 'test', '--attempts', '3', '--json']);
  assert.ok(r.code === 0 || r.code === 100, r.stderr);
  const j = JSON.parse(r.stdout);
  return j.totals.passes / j.totals.attempts;
};

const edit = async (dir: string, branch: string, args: string[]) => {
  const r = await tackAsync(dir, ['edit', ...args, '--branch', branch, '--why', 'calibration']);
  assert.equal(r.code, 0, r.stderr);
};

describe('simulated personas on suites/core (test split, 3 attempts per task)', () => {
  let dir: string;
  const rates = new Map<string, number>();
  before(async () => {
    dir = await tempDir();
    assert.equal((await tackAsync(dir, ['init', '--model', 'sim:steady'])).code, 0);
    const branches: [string, string, string[][]][] = [
      ['steady', 'sim:steady', []],
      ['prober', 'sim:prober', []],
      ['repeater', 'sim:repeater', []],
      ['forgetful', 'sim:forgetful', []],
      ['prober-fixed', 'sim:prober', [['set-policy', '--kind', 'ExplorationLimit', '--params', '{"maxReadOnlySteps":5,"message":"You have looked around enough: act now and write the outputs the task needs."}']]],
      ['repeater-fixed', 'sim:repeater', [['set-policy', '--kind', 'DuplicateCommandGuard', '--params', '{"allowedRepeats":1,"message":"Refused: that identical command already failed. Change your approach instead of repeating it."}']]],
      ['forgetful-fixed', 'sim:forgetful', [['set-policy', '--kind', 'PreCompletionCheck', '--params', '{"maxRounds":3,"message":"Hold on: verify your result before you finish. Run the checks and fix what fails."}']]],
      ['repeater-harmed', 'sim:repeater', [['set-policy', '--kind', 'ToolCallBudget', '--params', '{"maxCalls":5,"action":"stop","message":"Tool budget exhausted."}']]],
    ];
    for (const [name, model, edits] of branches) {
      assert.equal((await tackAsync(dir, ['branch', name, '--from', 'main', '--model', model])).code, 0);
      for (const e of edits) await edit(dir, name, e);
    }
    // Three runs at once: one run keeps the 2 cores only about two-thirds busy. A branch's results
    // depend on its harness, model and seeds alone, not on what runs beside it.
    const queue = branches.map(([name]) => name);
    await Promise.all(
      [1, 2, 3].map(async () => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) rates.set(name, await run(dir, name));
      }),
    );
  });

  it('sim:steady passes at least 90% and each faulty persona at most 60%', () => {
    assert.ok(rates.get('steady')! >= 0.9, `steady ${rates.get('steady')}`);
    for (const p of ['prober', 'repeater', 'forgetful']) assert.ok(rates.get(p)! <= 0.6, `${p} ${rates.get(p)}`);
  });

  it("the faulty personas fail in character: their failed traces show their pattern", async () => {
    const traces = async (b: string): Promise<Trace[]> =>
      JSON.parse((await tackAsync(dir, ['traces', '--branch', b, '--failed', '--json'])).stdout).traces;
    const share = (ts: Trace[], f: (t: Trace) => boolean) => ts.filter(f).length / Math.max(1, ts.length);
    const num = (t: Trace, k: string) => (typeof t.features[k] === 'number' ? (t.features[k] as number) : 0);
    const repeats = share(await traces('repeater'), (t) => num(t, 'maxIdenticalFailingRun') >= 3);
    assert.ok(repeats >= 0.5, `only ${repeats} of repeater's failures repeat an identical failing command 3+ times`);
    const probes = share(await traces('prober'), (t) => num(t, 'longestReadOnlyStreak') >= 8);
    assert.ok(probes >= 0.5, `only ${probes} of prober's failures have a long read-only streak`);
    const forgets = share(await traces('forgetful'), (t) => t.features.finishedWithoutCheck === true || t.features.envSetThenMissing === true || num(t, 'envLostCalls') > 0);
    assert.ok(forgets >= 0.5, `only ${forgets} of forgetful's failures lose environment or skip the check`);
  });

  it('the policy answering each weakness lifts its persona by at least 20 points', () => {
    for (const p of ['prober', 'repeater', 'forgetful']) {
      const lift = rates.get(`${p}-fixed`)! - rates.get(p)!;
      assert.ok(lift >= 0.2, `${p}: ${rates.get(p)} -> ${rates.get(`${p}-fixed`)}`);
    }
  });

  it('a harmful policy (a budget of 5 tool calls) makes it worse', () => {
    assert.ok(rates.get('repeater-harmed')! < rates.get('repeater')!, `repeater ${rates.get('repeater')} -> harmed ${rates.get('repeater-harmed')}`);
  });
});
