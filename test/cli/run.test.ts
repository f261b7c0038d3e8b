import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { validateAtif } from '../../src/agent/atif.js';
import { bash, finish, startScriptedLlm, type ScriptedLlm } from '../support/scripted-llm.js';
import { PROJECT, tackAsync } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';

const MINI = join(PROJECT, 'suites', 'mini');
const CORE = join(PROJECT, 'suites', 'core');
const SECRET = 'sk-test-4f1c9a-DO-NOT-STORE';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));

const ok = async (cwd: string, args: string[], env: Record<string, string> = {}) => {
  const r = await tackAsync(cwd, args, env);
  assert.ok(r.code === 0 || r.code === 100, `tack ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
};

describe('tack run with a model over HTTP', () => {
  let llm: ScriptedLlm;
  let dir: string;
  let run: { tasks: { taskId: string; passes: number; attempts: number; traceIds: string[] }[] };
  before(async () => {
    const solution = readFileSync(join(MINI, 'csv-total', 'solution', 'solve.sh'), 'utf8').split('\n').find((l) => l.startsWith('python3 -c'))!;
    llm = await startScriptedLlm([bash('head -n 3 /app/orders.csv'), bash(solution), bash('cat /app/paid_total.txt'), finish('wrote the total')]);
    dir = await tempDir();
    await ok(dir, ['init', '--model', 'scripted-model', '--base-url', llm.baseUrl]);
    const r = await ok(dir, ['run', '--suite', MINI, '--task', 'csv-total', '--json'], { TACK_API_KEY: SECRET });
    run = JSON.parse(r.stdout);
  });
  after(async () => llm.close());

  it('runs the agent through the real openai client and passes the task', () => {
    assert.equal(run.tasks.length, 1);
    assert.equal(run.tasks[0].passes, 1);
    assert.equal(llm.requests.length, 4);
    assert.equal(llm.requests[0].headers.authorization, `Bearer ${SECRET}`);
    assert.equal(typeof llm.requests[0].body.seed, 'number');
  });

  it('records a TraceObserved per attempt and lists it in tack traces', async () => {
    const traces = JSON.parse((await ok(dir, ['traces', '--json'])).stdout).traces;
    assert.equal(traces.length, 1);
    assert.equal(traces[0].traceId, run.tasks[0].traceIds[0]);
    assert.equal(traces[0].taskId, 'csv-total');
    assert.equal(traces[0].outcome.passed, true);
    assert.equal(traces[0].steps, 4);
    assert.equal(traces[0].usage.modelCalls, 4);
    assert.match(traces[0].taskHash, /^[0-9a-f]{64}$/);
    assert.equal((await ok(dir, ['traces', '--failed'])).stdout.trim(), '(no failed traces on main)');
  });

  it('tack trace shows the steps and tack trace export is valid ATIF v1.4', async () => {
    const id = run.tasks[0].traceIds[0];
    const text = (await ok(dir, ['trace', id.slice(0, 12)])).stdout;
    assert.match(text, /task csv-total/);
    assert.match(text, /cat \/app\/paid_total\.txt/);
    const atif = JSON.parse((await ok(dir, ['trace', 'export', id])).stdout);
    assert.deepEqual(validateAtif(atif), []);
    assert.equal(atif.schema_version, 'ATIF-v1.4');
    const calls = atif.steps.flatMap((s: { tool_calls?: { function_name: string }[] }) => s.tool_calls ?? []);
    assert.deepEqual(
      calls.map((c: { function_name: string }) => c.function_name),
      ['bash', 'bash', 'bash', 'finish'],
    );
  });

  it('the API key appears nowhere in the store, events or blobs', () => {
    const files = filesUnder(join(dir, '.tack'));
    assert.ok(files.some((f) => f.includes('blobs')), 'no blobs were written');
    for (const f of files) assert.ok(!readFileSync(f).includes(SECRET), `${f} holds the API key`);
  });
});

describe('reference agents make the verifiers honest', () => {
  for (const [name, suite] of [
    ['mini', MINI],
    ['core', CORE],
  ] as const) {
    it(`suites/${name}: the oracle passes every task and the null agent fails every task`, async () => {
      const dir = await tempDir();
      await ok(dir, ['init', '--model', 'none']);
      const [oracle, none] = await Promise.all(
        (['oracle', 'null'] as const).map(async (agent) => JSON.parse((await ok(dir, ['run', '--agent', agent, '--suite', suite, '--json'])).stdout)),
      );
      assert.ok(oracle.tasks.length >= (name === 'core' ? 36 : 6));
      for (const t of oracle.tasks) assert.equal(t.passes, t.attempts, `oracle fails ${t.taskId}`);
      for (const t of none.tasks) assert.equal(t.passes, 0, `null passes ${t.taskId}`);
      assert.deepEqual(JSON.parse((await ok(dir, ['traces', '--json'])).stdout).traces, [], 'reference agents are not recorded as model evidence');
    });
  }
});
