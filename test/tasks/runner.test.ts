import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { defaultWorkRoot } from '../../src/tasks/environment.js';
import { loadTask } from '../../src/tasks/loader.js';
import { runTasks, seedFor, type AgentFn } from '../../src/tasks/runner.js';
import { oracleAgent } from '../../src/tasks/reference-agents.js';
import { copyFixtures, fixtureTask, hostProcessesWith, tempDir } from './fixtures.js';


describe('runner', () => {
  let cacheDir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  before(async () => {
    ({ dir: cacheDir, cleanup } = await tempDir('runner-cache'));
  });
  after(() => cleanup());

  it('runs N attempts with concurrency 2, each in its own fresh copy of /app', async () => {
    const task = loadTask(fixtureTask('done-file'));
    let running = 0;
    let maxRunning = 0;
    let arrived = 0;
    let releaseBoth: () => void = () => undefined;
    const bothArrived = new Promise<void>((resolve) => (releaseBoth = resolve));
    const seen: { attempt: number; before: string; after: string; seed: number }[] = [];
    const agent: AgentFn = async ({ workspace, attempt, seed }) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      const before = (await workspace.exec('ls /app; cat /app/mark 2>/dev/null || true', { timeoutSec: 10 })).output;
      await workspace.writeFile('/app/mark', `attempt ${attempt}\n`);
      // The first two attempts wait for each other: they can only both arrive if they run together.
      arrived += 1;
      if (arrived === 2) releaseBoth();
      if (arrived <= 2) await bothArrived;
      await workspace.exec('echo done > /app/done.txt', { timeoutSec: 10 });
      const after = (await workspace.readFile('/app/mark')).toString('utf8');
      seen.push({ attempt, before, after, seed });
      running -= 1;
      return { exitReason: 'finished' };
    };
    const events: string[] = [];
    const results = await runTasks({
      tasks: [task],
      attempts: 4,
      concurrency: 2,
      agent,
      cacheDir,
      onProgress: (e) => events.push(e.type === 'attempt_started' ? `start ${e.attempt}` : `finish ${e.result.attempt}`),
    });
    assert.deepEqual(
      results.map((r) => [r.attempt, r.passed, r.exitReason]),
      [0, 1, 2, 3].map((a) => [a, true, 'finished']),
    );
    assert.equal(maxRunning, 2);
    assert.equal(seen.length, 4);
    for (const s of seen) {
      assert.equal(s.before, 'notes.txt\n', `attempt ${s.attempt} started from the prepared /app, untouched by other attempts`);
      assert.equal(s.after, `attempt ${s.attempt}\n`);
      assert.equal(s.seed, seedFor(task.id, s.attempt));
    }
    assert.equal(new Set(results.map((r) => r.seed)).size, 4);
    assert.equal(events.filter((e) => e.startsWith('finish')).length, 4);
  });

  it('makes each attempt copy under the work root (TACK_WORK_DIR, else a tmpfs on /dev/shm, else TMPDIR), removes it after, and sweeps those of dead processes', async () => {
    const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' '));
    const shm = mounts.filter((m) => m[1] === '/dev/shm').pop();
    const shmUsable = shm !== undefined && shm[2] === 'tmpfs' && !shm[3].split(',').some((o) => o === 'noexec' || o === 'ro');
    const expected = shmUsable ? `/dev/shm/tack-attempts-${process.getuid!()}` : join(tmpdir(), 'tack-attempts');
    assert.equal(defaultWorkRoot(), expected);
    const { dir: chosen, cleanup: done } = await tempDir('work-root');
    process.env.TACK_WORK_DIR = chosen;
    try {
      assert.equal(defaultWorkRoot(), chosen);
      // Left by a process that was killed mid-attempt (removed), and by one that still runs (kept).
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
      const stale = `done-file-0-p${dead}-AbC123`;
      const running = `done-file-0-p${process.ppid}-XyZ789`;
      mkdirSync(join(chosen, stale, 'rootfs', 'etc'), { recursive: true });
      mkdirSync(join(chosen, running));
      const during: string[][] = [];
      const agent: AgentFn = async ({ workspace }) => {
        during.push(readdirSync(chosen).filter((n) => n.includes(`-p${process.pid}-`)));
        await workspace.exec('echo done > /app/done.txt', { timeoutSec: 10 });
        return { exitReason: 'finished' };
      };
      const [result] = await runTasks({ tasks: [loadTask(fixtureTask('done-file'))], attempts: 1, concurrency: 1, agent, cacheDir });
      assert.equal(result.passed, true);
      assert.equal(during[0]?.length, 1, 'one attempt folder while the attempt ran');
      assert.match(during[0][0], /^done-file-0-/);
      assert.deepEqual(readdirSync(chosen), [running], 'the attempt folder and the dead process folder are removed after');
    } finally {
      delete process.env.TACK_WORK_DIR;
      await done();
    }
  });

  it('kills a hanging verifier at its timeout, with every process it started', async () => {
    const [result] = await runTasks({ tasks: [loadTask(fixtureTask('hanging-verifier'))], attempts: 1, concurrency: 1, agent: oracleAgent, cacheDir });
    assert.equal(result.verifier?.timedOut, true);
    assert.equal(result.verifier?.rewardSource, 'timeout');
    assert.equal(result.reward, 0);
    assert.equal(result.passed, false);
    assert.match(result.verifierExcerpt, /verifier started/);
    assert.ok(result.notes.includes('verifier: verifier killed after its timeout of 2 s'));
    assert.deepEqual(hostProcessesWith('7770.25'), []);
    assert.deepEqual(hostProcessesWith('7771.25'), []);
  });

  it('stops an agent at the task time limit, kills what it runs, and still verifies', async () => {
    const { dir, cleanup: done } = await tempDir('wall');
    try {
      await copyFixtures(dir, ['done-file']);
      const toml = join(dir, 'done-file', 'task.toml');
      await writeFile(toml, (await readFile(toml, 'utf8')).replace(/\[agent\]\ntimeout_sec = 60.0/, '[agent]\ntimeout_sec = 1.0'));
      let aborted = false;
      const slow: AgentFn = async ({ workspace, signal }) => {
        signal.addEventListener('abort', () => (aborted = true));
        await workspace.exec('echo done > /app/done.txt; sleep 6543.5', { timeoutSec: 60 }).catch(() => undefined);
        return { exitReason: 'finished' };
      };
      const [result] = await runTasks({ tasks: [loadTask(join(dir, 'done-file'))], attempts: 1, concurrency: 1, agent: slow, cacheDir });
      assert.equal(result.exitReason, 'wall_timeout');
      assert.equal(aborted, true);
      assert.equal(result.passed, true, 'the verifier still judges what the agent left');
      assert.deepEqual(hostProcessesWith('6543.5'), []);
    } finally {
      await done();
    }
  });

  it('counts an agent that throws as a model error and keeps the message', async () => {
    const failing: AgentFn = async () => {
      throw new Error('the model endpoint returned 500');
    };
    const [result] = await runTasks({ tasks: [loadTask(fixtureTask('done-file'))], attempts: 1, concurrency: 1, agent: failing, cacheDir });
    assert.equal(result.exitReason, 'model_error');
    assert.equal(result.passed, false);
    assert.equal(result.error, 'agent failed: the model endpoint returned 500');
    assert.ok(result.verifier !== null, 'the verifier still ran');
  });
});
