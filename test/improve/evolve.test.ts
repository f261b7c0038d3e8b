import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT, TACK_BIN, tackAsync, type CliResult } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';
import { loadSuite } from '../../src/tasks/index.js';
import { openFileStore } from '../../src/store/file.js';
import { verifyStore } from '../../src/app/verify.js';
import { loadBranch } from '../../src/app/history.js';
import { reuseKey } from '../../src/app/run-suite.js';

const CORE = join(PROJECT, 'suites', 'core');
const MINI = join(PROJECT, 'suites', 'mini');

const ok = async (cwd: string, args: string[]): Promise<CliResult> => {
  const r = await tackAsync(cwd, args);
  assert.ok(r.code === 0 || r.code === 100, `tack ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
};

/** The test-split pass rate of a branch's head, from the attempts evolve scored (3 per task). */
const testRate = async (cwd: string, branch: string): Promise<number> => {
  const head = JSON.parse((await ok(cwd, ['show', branch, '--json'])).stdout).harnessHash;
  return testRateOf(cwd, branch, head);
};
const testRateOf = async (cwd: string, branch: string, harnessHash: string): Promise<number> => {
  const traces = JSON.parse((await ok(cwd, ['traces', '--branch', branch, '--json'])).stdout).traces.filter(
    (t: { split: string; harnessHash: string }) => t.split === 'test' && t.harnessHash === harnessHash,
  );
  assert.equal(traces.length, 16 * 3, `test split of ${branch} at ${harnessHash.slice(0, 12)} scored ${traces.length} times`);
  return traces.filter((t: { outcome: { passed: boolean } }) => t.outcome.passed).length / traces.length;
};

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));

describe('tack evolve on sim:repeater (reduced setting: 1 iteration, 1 attempt on opt and gate, 3 candidates)', () => {
  let dir: string;
  let before0: number;
  let after: number;
  let randomAfter: number;
  before(async () => {
    // The random ablation evolves on a second branch of the same store, after the model proposer:
    // its baseline attempts (same harness, model, tasks and seeds) are then reused from main's, as
    // evolve reuses any experiment already run in the store, instead of run a second time.
    dir = await tempDir();
    await ok(dir, ['init', '--model', 'sim:repeater']);
    await ok(dir, ['branch', 'rnd', '--from', 'main', '--model', 'sim:repeater']);
    const start = JSON.parse((await ok(dir, ['show', 'main', '--json'])).stdout).harnessHash;
    assert.equal(JSON.parse((await ok(dir, ['show', 'rnd', '--json'])).stdout).harnessHash, start, 'both start from the same harness');
    const budget = ['--suite', CORE, '--iterations', '1', '--attempts', '1', '--candidates', '3', '--test-attempts', '3'];
    await ok(dir, ['evolve', '--branch', 'main', ...budget]);
    await ok(dir, ['evolve', '--branch', 'rnd', '--proposer', 'random', ...budget]);
    before0 = await testRateOf(dir, 'main', start);
    assert.equal(await testRateOf(dir, 'rnd', start), before0, 'the same baseline on both branches');
    after = await testRate(dir, 'main');
    randomAfter = await testRate(dir, 'rnd');
  });

  it('raises the test-split pass rate to at least 1.33x, more than the random proposer at the same budget', () => {
    assert.ok(after >= 1.33 * before0, `test split ${before0.toFixed(3)} -> ${after.toFixed(3)}`);
    assert.ok(after > randomAfter, `model ${after.toFixed(3)} vs random ${randomAfter.toFixed(3)}`);
  });

  it('through an accepted edit that answers the repeater weakness, traceable with tack why', async () => {
    const shown = JSON.parse((await ok(dir, ['show', 'main', '--json'])).stdout);
    const answering = shown.harness.policies.find((p: { kind: string }) => ['DuplicateCommandGuard', 'MissingArtifactRecovery'].includes(p.kind));
    assert.ok(answering, `no policy answering repeats in ${JSON.stringify(shown.harness.policies)}`);
    const why = (await ok(dir, ['why', answering.id])).stdout;
    assert.match(why, /proposal E\d+ \(model, by tack:evolve/);
    assert.match(why, /weakness W\d+: \w+ \/ \w+ \/ \w+ \(support \d+\)/);
    assert.match(why, /trace t-[0-9a-f]+: task \S+ \(opt, attempt \d\) failed/);
    assert.match(why, /step \d+: /);
    assert.match(why, /validation: regression gate, 1 attempts per task, verdict pass/);
    assert.match(why, /split +baseline +candidate/);
    assert.match(why, /predictions: fixes hit/);
  });

  it('no gate-split or test-split task id or instruction appears in any mining or proposal prompt', async () => {
    const suite = loadSuite(CORE);
    const hidden = suite.tasks.filter((t) => t.split === 'gate' || t.split === 'test');
    let prompts = 0;
    for (const f of filesUnder(join(dir, '.tack', 'blobs'))) {
      const text = readFileSync(f, 'utf8');
      if (!text.includes('"tack.cassette-response"') || !/Role: (trace-classifier|harness-proposer)/.test(text)) continue;
      prompts++;
      const request = JSON.parse(text).request as { messages: { content: string | null }[] };
      const body = request.messages.map((m) => m.content ?? '').join('\n');
      for (const t of hidden) {
        assert.ok(!body.includes(t.id), `${t.split} task ${t.id} appears in a role prompt (${f})`);
        assert.ok(!body.includes(t.instruction.trim().slice(0, 80)), `${t.split} task ${t.id}'s instruction appears in a role prompt`);
      }
    }
    assert.ok(prompts >= 2, `only ${prompts} role prompts were recorded`);
  });

  it('the history verifies and every decision is an event', async () => {
    const store = await openFileStore(join(dir, '.tack'));
    await verifyStore(store);
    const { state } = await loadBranch(store.events, 'main');
    assert.ok([...state.proposals.values()].some((p) => p.status === 'committed'));
    assert.ok([...state.proposals.values()].every((p) => p.status !== 'proposed'), 'a proposal was left undecided');
  });
});

describe('tack evolve killed mid-iteration', () => {
  it('resumes: completes the iteration without re-running recorded attempts or deciding a proposal twice', async () => {
    const dir = await tempDir();
    await ok(dir, ['init', '--model', 'sim:repeater']);
    const args = [TACK_BIN, 'evolve', '--suite', MINI, '--iterations', '1', '--attempts', '2', '--candidates', '2', '--test-attempts', '1'];
    const child = spawn(process.execPath, args, { cwd: dir, stdio: 'ignore' });
    const storeDir = join(dir, '.tack');
    const traces = async () => (await loadBranch((await openFileStore(storeDir)).events, 'main')).lineage.filter((e) => e.event.type === 'TraceObserved').length;
    const deadline = Date.now() + 120_000;
    while ((await traces()) < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const beforeResume = await traces();
    assert.ok(beforeResume >= 5, 'the run was killed before it recorded anything');
    await ok(dir, args.slice(1));
    const store = await openFileStore(storeDir);
    await verifyStore(store);
    const { lineage } = await loadBranch(store.events, 'main');
    const observed = lineage.filter((e) => e.event.type === 'TraceObserved').map((e) => (e.event as { data: { harnessHash: string; model: { id: string }; taskHash: string; seed: number } }).data);
    const keys = observed.map((d) => reuseKey(d.harnessHash, d.model as never, d.taskHash, d.seed));
    assert.equal(new Set(keys).size, keys.length, 'an attempt was run twice');
    const ends = lineage.filter((e) => e.event.type === 'IterationEnded');
    assert.equal(ends.length, 1);
    const starts = lineage.filter((e) => e.event.type === 'IterationStarted');
    assert.equal(starts.length, 1, 'the resumed run started a new iteration instead of finishing the open one');
    const decisions = lineage.filter((e) => e.event.type === 'EditAccepted' || e.event.type === 'EditRejected').map((e) => (e.event.data as { proposalId: string }).proposalId);
    assert.equal(new Set(decisions).size, decisions.length, 'a proposal was decided twice');
  });
});
