import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import OpenAI from 'openai';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { minimalHarness, runAttempt, type AttemptResult, type DriverHarness, type ExecutedCall } from './support/driver.js';
import { FIXTURES, taskDir } from './support/fixtures.js';

let server: SimServer;
let client: OpenAI;
before(async () => {
  server = await startSimServer({ suites: [FIXTURES] });
  client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
});
after(() => server.stop());

const attempt = (persona: string, task: string, seed: number, harness: DriverHarness = minimalHarness()): Promise<AttemptResult> =>
  runAttempt({ client, model: `sim:${persona}`, taskDir: taskDir(task), seed, harness });

const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

/** The first seed whose attempt under the harness fails, with that attempt. */
const firstFailure = async (persona: string, task: string, harness = minimalHarness()): Promise<{ seed: number; result: AttemptResult }> => {
  for (const seed of SEEDS) {
    const result = await attempt(persona, task, seed, harness);
    if (!result.passed) return { seed, result };
  }
  assert.fail(`sim:${persona} never failed ${task} in ${SEEDS.length} seeds`);
};

const commandOf = (c: ExecutedCall): string => (typeof c.args?.command === 'string' ? c.args.command : '');
const bashCalls = (r: AttemptResult) => r.calls.filter((c) => c.name === 'bash');
const isReadOnly = (c: ExecutedCall) => c.name === 'read_file' || c.name === 'list_dir' || (c.name === 'bash' && /^(ls|cat|find|head|wc|stat|file|ps|env|which|df|uname|id|pwd)\b/.test(commandOf(c)));

/** The longest run of the same bash command failing again and again. */
const identicalFailingRun = (r: AttemptResult): { command: string; length: number } => {
  let best = { command: '', length: 0 };
  let run = { command: '', length: 0 };
  for (const c of bashCalls(r)) {
    const failed = c.exitCode !== 0;
    run = failed && commandOf(c) === run.command ? { command: run.command, length: run.length + 1 } : failed ? { command: commandOf(c), length: 1 } : { command: '', length: 0 };
    if (run.length > best.length) best = run;
  }
  return best;
};

describe('sim:steady', () => {
  it('completes every fixture task with a fresh shell per call, and runs the checks', async () => {
    for (const task of readdirSync(FIXTURES)) {
      const r = await attempt('steady', task, 1);
      assert.ok(r.passed, `${task}: ${r.verifierOutput}`);
      assert.ok(r.finished, `${task} ends with finish`);
      assert.ok(bashCalls(r).some((c) => /\btest\b|grep -q/.test(commandOf(c))), `${task}: a check ran`);
    }
  });
});

describe('sim:repeater', () => {
  const PITFALL = '/app/bin/summarise.sh > /app/summary.txt';

  it('runs the pitfall first, repeats it while it fails, then deletes files and finishes', async () => {
    const failures: AttemptResult[] = [];
    for (const seed of SEEDS) {
      const r = await attempt('repeater', 'run-report', seed);
      if (!r.passed) failures.push(r);
    }
    assert.ok(failures.length >= SEEDS.length / 2, `fails most attempts (${failures.length}/${SEEDS.length})`);
    for (const r of failures) {
      const firstWork = bashCalls(r).find((c) => !isReadOnly(c))!;
      assert.equal(commandOf(firstWork), PITFALL);
      const run = identicalFailingRun(r);
      assert.ok(run.length >= 3, `three or more identical failing commands in a row (got ${run.length})`);
      assert.equal(run.command, PITFALL);
      const removed = r.calls.findIndex((c) => commandOf(c) === 'rm -rf /app/summary.txt');
      assert.ok(removed > r.calls.map(commandOf).lastIndexOf(PITFALL), 'deleted the output it took for broken, after the repeats');
      assert.equal(r.calls[r.calls.length - 1].name, 'finish');
    }
  });

  it('changes approach when a duplicate is refused, in any wording', async () => {
    const { seed } = await firstFailure('repeater', 'run-report');
    for (const message of [
      'Refusing to run an identical command again: it failed already. Try a different approach.',
      'Blocked: you already ran exactly this and it did not work. Do something else instead.',
    ]) {
      const r = await attempt('repeater', 'run-report', seed, minimalHarness({ duplicateGuard: { allowedRepeats: 1, message } }));
      assert.ok(r.passed, r.verifierOutput);
      const refused = r.calls.findIndex((c) => c.result === message);
      assert.ok(refused > 0, 'the guard refused a repeat');
      assert.match(commandOf(r.calls[refused + 1]), /chmod \+x/, 'the next command is the real fix');
    }
  });

  it('recreates a missing artifact when told to', async () => {
    const { seed, result } = await firstFailure('repeater', 'stamp-build');
    assert.ok(identicalFailingRun(result).length >= 3);
    const told = await attempt('repeater', 'stamp-build', seed, minimalHarness({ missingArtifact: { message: 'Something you need is not there. Recreate the missing file now.' } }));
    assert.ok(told.passed, told.verifierOutput);
  });

  it('heeds a system-prompt rule against repeats only some of the time', async () => {
    const rule = minimalHarness({ system: `${minimalHarness().system}\n- Never retry the exact same command with the same parameters; change approach.` });
    let plain = 0;
    let ruled = 0;
    const seeds = Array.from({ length: 20 }, (_, i) => 100 + i);
    for (const seed of seeds) {
      if ((await attempt('repeater', 'run-report', seed)).passed) plain++;
      if ((await attempt('repeater', 'run-report', seed, rule)).passed) ruled++;
    }
    assert.ok(ruled > plain, `the rule helps (${ruled} vs ${plain} of ${seeds.length})`);
    assert.ok(ruled < seeds.length, `but not always (${ruled} of ${seeds.length})`);
  });
});

describe('sim:prober', () => {
  it('probes read-only past the step budget and never creates the output', async () => {
    const { result } = await firstFailure('prober', 'count-words');
    assert.equal(result.calls.length, 40, 'ran out of steps');
    assert.equal(result.finished, false);
    const streak = result.calls.findIndex((c) => !isReadOnly(c));
    assert.ok(streak === -1 || streak >= 30, `a long read-only streak from the start (${streak})`);
    assert.ok(!result.calls.some((c) => c.name === 'write_file' || />\s*\/app\/tally\.txt/.test(commandOf(c))), 'tally.txt was never written');
  });

  it('acts when told to stop exploring, in different phrasings, and not on an unrelated message', async () => {
    const { seed } = await firstFailure('prober', 'count-words');
    for (const message of ['Enough looking around. Start making the change now.', 'You have spent long enough investigating; stop and write the output file immediately.']) {
      const r = await attempt('prober', 'count-words', seed, minimalHarness({ inject: [{ afterCalls: 5, message }] }));
      assert.ok(r.passed, `"${message}": ${r.verifierOutput}`);
      assert.ok(r.calls.length < 20);
    }
    const unrelated = await attempt('prober', 'count-words', seed, minimalHarness({ inject: [{ afterCalls: 5, message: 'FYI: the coffee machine on floor 3 is broken.' }] }));
    assert.equal(unrelated.passed, false);
    assert.equal(unrelated.calls.length, 40);
  });

  it('probes for a different length with each seed, and the same seed gives the same attempt', async () => {
    const streaks = new Set<number>();
    for (const seed of SEEDS.slice(0, 8)) {
      const r = await attempt('prober', 'release-env', seed);
      streaks.add(r.calls.findIndex((c) => !isReadOnly(c)));
    }
    assert.ok(streaks.size >= 3, `streak lengths vary: ${[...streaks].join(', ')}`);
    const a = await attempt('prober', 'release-env', 5);
    const b = await attempt('prober', 'release-env', 5);
    assert.deepEqual(a.calls.map((c) => [c.name, c.args]), b.calls.map((c) => [c.name, c.args]));
  });
});

describe('sim:forgetful', () => {
  it('sets environment in one call and relies on it in the next: fails with a fresh shell, works with a persistent one', async () => {
    const { seed, result } = await firstFailure('forgetful', 'release-env');
    const envOnly = bashCalls(result).findIndex((c) => commandOf(c).split('\n').every((l) => /^(set -e|cd |export )/.test(l)));
    assert.ok(envOnly >= 0, 'a call that only sets environment');
    assert.match(commandOf(bashCalls(result)[envOnly]), /export RELEASE=1\.4\.0/);
    const make = bashCalls(result).slice(envOnly + 1).find((c) => /\bmake\b/.test(commandOf(c)))!;
    assert.doesNotMatch(commandOf(make), /RELEASE/, 'make runs without the export');
    assert.notEqual(make.exitCode, 0);
    const persistent = await attempt('forgetful', 'release-env', seed, minimalHarness({ session: 'persistent' }));
    assert.ok(persistent.passed, persistent.verifierOutput);
  });

  it('finishes its draft without checking, and runs the check and fixes it when pushed back', async () => {
    const check = 'test "$(cat /app/value.txt)" =';
    const { seed, result } = await firstFailure('forgetful', 'inventory-total');
    assert.ok(bashCalls(result).some((c) => commandOf(c).startsWith("awk -F, 'NR > 1")), 'wrote the draft');
    assert.ok(!bashCalls(result).some((c) => commandOf(c).includes(check)), 'never ran the check');
    assert.equal(result.calls[result.calls.length - 1].name, 'finish');
    const message = 'Hold on: before you wrap up, run the checks on your result and fix whatever fails.';
    const pushed = await attempt('forgetful', 'inventory-total', seed, minimalHarness({ preCompletionCheck: { maxRounds: 2, message } }));
    assert.ok(pushed.passed, pushed.verifierOutput);
    const checked = bashCalls(pushed).findIndex((c) => commandOf(c).includes(check));
    assert.ok(checked >= 0, 'ran the check after the push-back');
    assert.ok(bashCalls(pushed).slice(checked).some((c) => commandOf(c).includes('csv.DictReader')), 'then applied the real step');
  });
});

describe('capability limits', () => {
  it('a task beyond a persona fails whatever the harness, while steady passes it', async () => {
    const everything = minimalHarness({
      session: 'persistent',
      preCompletionCheck: { maxRounds: 2, message: 'Before finishing, run your checks and fix what fails.' },
      duplicateGuard: { allowedRepeats: 1, message: 'Do not repeat that exact command; change approach.' },
      missingArtifact: { message: 'A needed file is missing: recreate it now.' },
    });
    for (const seed of [1, 2, 3]) {
      assert.equal((await attempt('forgetful', 'payments-over', seed)).passed, false);
      assert.equal((await attempt('forgetful', 'payments-over', seed, everything)).passed, false);
      assert.equal((await attempt('steady', 'payments-over', seed)).passed, true);
    }
  });
});
