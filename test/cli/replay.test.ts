import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bash, finish, startScriptedLlm } from '../support/scripted-llm.js';
import { PROJECT, tackAsync } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';

const MINI = join(PROJECT, 'suites', 'mini');

describe('tack run --record / --replay', () => {
  it('a recorded run replays from cassettes alone, with the model server gone, to identical TraceObserved data', async () => {
    const solution = readFileSync(join(MINI, 'csv-total', 'solution', 'solve.sh'), 'utf8').split('\n').find((l) => l.startsWith('python3 -c'))!;
    const script = [bash('ls /app'), bash(solution), bash('cat /app/paid_total.txt'), finish('done'), bash('ls /app'), bash('cat /app/orders.csv | head -3'), finish('gave up')];
    const llm = await startScriptedLlm(script);
    const dir = await tempDir();
    assert.equal((await tackAsync(dir, ['init', '--model', 'scripted', '--base-url', llm.baseUrl])).code, 0);
    const rec = await tackAsync(dir, ['run', '--suite', MINI, '--task', 'csv-total', 'clean-names', '--concurrency', '1', '--record', '--json']);
    assert.ok(rec.code === 0 || rec.code === 100, rec.stderr);
    const run = JSON.parse(rec.stdout);
    assert.match(run.runId, /^[0-9a-f-]{36}$/);
    await llm.close();
    const requestsBefore = llm.requests.length;

    const replay = await tackAsync(dir, ['run', '--suite', MINI, '--task', 'csv-total', 'clean-names', '--concurrency', '1', '--replay', run.runId, '--json']);
    assert.equal(replay.code, 0, replay.stderr + replay.stdout);
    const r = JSON.parse(replay.stdout);
    assert.equal(r.attempts, 2);
    assert.equal(r.matched, 2);
    assert.equal(r.firstDifference, null);
    assert.equal(llm.requests.length, requestsBefore);
    const traces = JSON.parse((await tackAsync(dir, ['traces', '--json'])).stdout).traces;
    assert.equal(traces.length, 2, 'a replay adds no events');
  });

  it('an unknown run id is one clear line', async () => {
    const dir = await tempDir();
    assert.equal((await tackAsync(dir, ['init', '--model', 'm'])).code, 0);
    const r = await tackAsync(dir, ['run', '--suite', MINI, '--replay', '00000000-0000-4000-8000-000000000000']);
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /^tack: no recorded run 00000000-0000-4000-8000-000000000000 on main/);
  });
});
