import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT, TACK_BIN, tackAsync, treeDigest, type CliResult } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';
import { startEsdbTestServer, type EsdbTestServer } from '../support/esdb-server.js';
import { openEsdbStore } from '../../src/store/esdb.js';
import { openFileStore } from '../../src/store/file.js';
import { branchStream, type Store } from '../../src/store/port.js';
import type { TackEvent } from '../../src/domain/events.js';
import { loadBranch } from '../../src/app/history.js';
import { traceIdFor } from '../../src/app/run-suite.js';
import { GATE_ATTEMPT_KEY } from '../../src/app/evaluate.js';
import { attemptEventId, type AttemptJob } from '../../src/domain/attempt-job.js';
import { loadSuite } from '../../src/tasks/index.js';
import { seedFor } from '../../src/domain/seed.js';

const MINI = join(PROJECT, 'suites', 'mini');

const ok = async (cwd: string, args: string[]): Promise<CliResult> => {
  const r = await tackAsync(cwd, args);
  assert.equal(r.code, 0, `tack ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
};

/** A `tack worker` child process and the lines it has logged. */
interface Worker {
  readonly name: string;
  readonly process: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<number | null>;
  /** Resolves with the first logged line matching `re`. */
  waitFor(re: RegExp): Promise<string>;
}

const startWorker = (cwd: string, url: string, name: string, extra: string[] = [], env: Record<string, string> = {}): Worker => {
  const childEnv: Record<string, string | undefined> = { ...process.env, TACK_USER: 'tester', ...env };
  delete childEnv.TACK_STORE;
  const child = spawn(process.execPath, [TACK_BIN, 'worker', '--store', url, '--name', name, ...extra], { cwd, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((x) => x.re.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    name,
    process: child,
    lines,
    exited,
    waitFor: (re) => {
      const seen = lines.find((l) => re.test(l));
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ re, resolve }));
    },
  };
};

const stopWorkers = async (workers: readonly Worker[]) => {
  for (const w of workers) if (w.process.exitCode === null && w.process.signalCode === null) w.process.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
};

const withServer = async (run: (server: EsdbTestServer) => Promise<void>) => {
  const server = await startEsdbTestServer({ batchAppend: true });
  try {
    await run(server);
  } finally {
    await server.stop();
  }
};

const withStore = async <A>(open: Promise<Store>, run: (store: Store) => Promise<A>): Promise<A> => {
  const store = await open;
  try {
    return await run(store);
  } finally {
    await store.close();
  }
};

/** A branch's own events (in its stream). */
const ownEvents = async (store: Store, branch: string): Promise<TackEvent[]> => (await store.events.read(branchStream(branch))).map((r) => r.event);

/** Every decision of a branch, in order: proposals with their edits, verdicts, commits, iteration ends. */
const decisions = (events: readonly TackEvent[]): Record<string, unknown>[] =>
  events.flatMap((e): Record<string, unknown>[] => {
    switch (e.type) {
      case 'EditProposed':
        return [{ proposed: e.data.proposalId, edit: e.data.edit }];
      case 'EditAccepted':
        return [{ accepted: e.data.proposalId, validation: e.data.validation }];
      case 'EditRejected':
        return [{ rejected: e.data.proposalId, reason: e.data.reason }];
      case 'VersionCommitted':
        return [{ committed: e.data.version, proposalIds: e.data.proposalIds, harnessHash: e.data.harnessHash }];
      case 'IterationEnded':
        return [{ ended: e.data.iteration, committedVersion: e.data.committedVersion, accepted: e.data.accepted, rejected: e.data.rejected }];
      default:
        return [];
    }
  });

const traceIds = (events: readonly TackEvent[]): string[] => events.flatMap((e) => (e.type === 'TraceObserved' ? [e.data.traceId] : []));

/**
 * `tack workers --json` once nothing is in flight (an acknowledgement is sent after the log line that
 * announces it, and a loaded machine can make the server deliver a job once more before it lands).
 */
const settledWorkers = async (cwd: string, url: string) => {
  for (let tries = 0; ; tries++) {
    const info = JSON.parse((await ok(cwd, ['workers', '--json', '--store', url])).stdout);
    if (info.inFlight === 0 || tries >= 100) return info;
    await new Promise((r) => setTimeout(r, 200));
  }
};

/** One attempt job for greet-fix on `branch`, queued `times` times (the group created with `settings`). */
const queueJob = (url: string, branch: string, settings: { jobTimeoutMs: number; maxRetries: number }, times: number): Promise<AttemptJob> =>
  withStore(openEsdbStore(url), async (store) => {
    const { state } = await loadBranch(store.events, branch);
    const task = loadSuite(MINI).tasks.find((t) => t.id === 'greet-fix')!;
    const seed = seedFor(task.id, 0);
    const job: AttemptJob = {
      attemptId: traceIdFor(GATE_ATTEMPT_KEY, state.harnessHash, state.model, task.hash, task.id, 0, seed),
      attemptKey: GATE_ATTEMPT_KEY,
      branch,
      harness: state.harness,
      harnessHash: state.harnessHash,
      model: state.model,
      task: { suite: MINI, id: task.id, hash: task.hash, split: task.split },
      attempt: 0,
      seed,
      record: false,
      unsafeNoSandbox: false,
      correlationId: '00000000-0000-4000-8000-000000000001',
      causationId: null,
    };
    await store.work!.ensureGroup(settings);
    await store.work!.enqueue(Array.from({ length: times }, () => job));
    return job;
  });

// The random proposer: its edits depend only on (branch, iteration, harness) and its verdicts only on gated
// outcomes, which the seeds fix. The model proposer also reads failed traces, whose shell output (a sim
// agent's `stat` prints inode numbers and times) differs between any two runs, local or not.
const EVOLVE = ['--branch', 'delta', '--suite', MINI, '--iterations', '1', '--attempts', '1', '--candidates', '2', '--test-attempts', '1', '--proposer', 'random'];

describe('tack evolve --workers (three worker processes on the EventStoreDB test server)', () => {
  it('one worker killed mid-job: the iteration completes, every attempt recorded once, the same decisions as a local run', { timeout: 300_000 }, async () => {
    // The same evolve run locally, on a file store, at the same time.
    const local = await tempDir();
    const localRun = ok(local, ['init', '--model', 'sim:forgetful', '--branch', 'delta']).then(() => ok(local, ['evolve', ...EVOLVE]));

    await withServer(async (server) => {
      const dir = await tempDir();
      await ok(dir, ['init', '--model', 'sim:forgetful', '--branch', 'delta', '--store', server.url]);
      // 100 ms per model answer on the workers: an attempt lasts long enough to be caught in the middle.
      const workers = ['w1', 'w2', 'w3'].map((n) => startWorker(dir, server.url, n, ['--job-timeout', '60'], { TACK_SIM_FAULTS: 'delayMs=100' }));
      try {
        const evolving = tackAsync(dir, ['evolve', ...EVOLVE, '--workers', '--job-timeout', '60', '--store', server.url]);
        const started = await Promise.race(workers.map((w) => w.waitFor(/ started$/).then((line) => ({ w, line }))));
        started.w.process.kill('SIGKILL');
        await started.w.exited;
        const attemptId = /(t-[0-9a-f]+)/.exec(started.line)![1];
        const r = await evolving;
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /iteration 1: committed E\d as version 2/);
        const survivors = workers.filter((w) => w !== started.w);
        assert.ok(!started.w.lines.some((l) => l.includes(`${attemptId} `) && l.includes(' recorded')), 'the killed worker finished its job before the kill');
        assert.ok(
          survivors.some((w) => w.lines.some((l) => l.includes(`${attemptId} `) && / recorded \(/.test(l))),
          `no other worker recorded ${attemptId}:\n${survivors.flatMap((w) => w.lines).join('\n')}`,
        );
      } finally {
        await stopWorkers(workers);
      }

      await localRun;
      const localEvents = await withStore(openFileStore(join(local, '.tack')), (s) => ownEvents(s, 'delta'));
      const events = await withStore(openEsdbStore(server.url), (s) => ownEvents(s, 'delta'));
      const ids = traceIds(events);
      assert.equal(new Set(ids).size, ids.length, 'an attempt was recorded twice');
      assert.deepEqual([...ids].sort(), [...traceIds(localEvents)].sort(), 'not the same attempts as the local run');
      const observed = events.filter((e) => e.type === 'TraceObserved');
      assert.ok(observed.every((e) => e.type === 'TraceObserved' && e.id === attemptEventId(e.data.traceId)), 'a TraceObserved whose event id is not its attempt id');
      assert.ok(observed.every((e) => e.metadata.actor.startsWith('tack:worker:')), 'an attempt ran outside the workers');
      const d = decisions(events);
      assert.ok(d.some((x) => 'accepted' in x) && d.some((x) => 'rejected' in x), JSON.stringify(d));
      assert.deepEqual(d, decisions(localEvents));
    });
  });

  it('a job whose task differs on the worker is parked with its reason: evolve names it and exits non-zero, tack workers lists it, a rerun finishes', { timeout: 180_000 }, async () => {
    await withServer(async (server) => {
      const dir = await tempDir();
      const suite = join(dir, 'suite');
      cpSync(MINI, suite, { recursive: true });
      await ok(dir, ['init', '--model', 'sim:steady', '--store', server.url]);
      const args = ['evolve', '--workers', '--job-retries', '1', '--job-timeout', '60', '--store', server.url, '--suite', suite, '--iterations', '1', '--attempts', '1', '--candidates', '1', '--test-attempts', '1'];
      const evolving = tackAsync(dir, args);
      // The baseline's four jobs are queued before any worker runs: change one task under them.
      while ((server.streams.get('tackjobs')?.length ?? 0) < 4) await new Promise((r) => setTimeout(r, 50));
      const instruction = join(suite, 'csv-total', 'instruction.md');
      appendFileSync(instruction, '\nAlso print the total twice.\n');
      const worker = startWorker(dir, server.url, 'w1');
      try {
        const r = await evolving;
        assert.equal(r.code, 1, r.stderr);
        const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('tack: '));
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0], /1 attempt job was parked by the workers/);
        assert.match(lines[0], /t-[0-9a-f]+ \(csv-total #0\): task csv-total differs on this worker/);

        const info = await settledWorkers(dir, server.url);
        assert.equal(info.parked, 1);
        assert.equal(info.inFlight, 0);
        assert.deepEqual(info.workers.map((w: { name: string }) => w.name), ['w1']);
        assert.equal(info.parkedJobs.length, 1);
        assert.equal(info.parkedJobs[0].taskId, 'csv-total');
        assert.match(info.parkedJobs[0].reason, /^task csv-total differs on this worker/);
        const text = (await ok(dir, ['workers', '--store', server.url])).stdout;
        assert.match(text, /1 worker connected, 0 jobs in flight, 1 parked/);
        assert.match(text, /^w1 /m);
        assert.match(text, /parked jobs \(latest 1\):\n {2}t-[0-9a-f]+ \(csv-total #0, branch main, iteration 1\) at .*: task csv-total differs/);

        cpSync(join(MINI, 'csv-total', 'instruction.md'), instruction);
        const again = await ok(dir, args);
        assert.match(again.stdout, /stopped: 1 iteration done/);
      } finally {
        await stopWorkers([worker]);
      }
      const events = await withStore(openEsdbStore(server.url), (s) => ownEvents(s, 'main'));
      const ids = traceIds(events);
      assert.equal(new Set(ids).size, ids.length, 'an attempt was recorded twice');
      assert.equal(events.filter((e) => e.type === 'IterationEnded').length, 1);
    });
  });

  it('a second delivery of an attempt stores no second trace: the worker acknowledges it without running it', { timeout: 120_000 }, async () => {
    await withServer(async (server) => {
      const dir = await tempDir();
      await ok(dir, ['init', '--model', 'sim:steady', '--branch', 'dup', '--store', server.url]);
      const job = await queueJob(server.url, 'dup', { jobTimeoutMs: 10_000, maxRetries: 2 }, 2);
      const worker = startWorker(dir, server.url, 'w1');
      try {
        await worker.waitFor(/ already recorded; acknowledged$/);
        const info = await settledWorkers(dir, server.url);
        assert.equal(info.inFlight, 0);
        assert.equal(info.parked, 0);
      } finally {
        await stopWorkers([worker]);
      }
      assert.equal(worker.lines.filter((l) => l.includes(job.attemptId) && l.endsWith(' started')).length, 1, worker.lines.join('\n'));
      assert.equal(server.streams.get(`tackattempt-${job.attemptId}`)?.length, 1);
      await withStore(openEsdbStore(server.url), async (store) => {
        const stored = (await store.work!.result(job.attemptId))!;
        assert.equal(stored.id, attemptEventId(job.attemptId));
        // Storing the attempt again, even with other content, keeps the first trace.
        const other = { ...stored, data: { ...stored.data, steps: stored.data.steps + 1 } };
        assert.equal(await store.work!.storeResult(other), 'duplicate');
        assert.equal(server.streams.get(`tackattempt-${job.attemptId}`)?.length, 1);
        assert.deepEqual((await store.work!.result(job.attemptId))!.data, stored.data);
      });
    });
  });

  it('a worker that stops answering: its job goes to another after the job timeout, and its late result is no second trace', { timeout: 120_000 }, async () => {
    await withServer(async (server) => {
      const dir = await tempDir();
      await ok(dir, ['init', '--model', 'sim:steady', '--branch', 'hang', '--store', server.url]);
      // Retries to spare: a job may also time out at a worker that is merely slow on a loaded machine.
      const job = await queueJob(server.url, 'hang', { jobTimeoutMs: 3_000, maxRetries: 20 }, 1);
      // Slow answers keep the first worker inside its job when it is frozen; it stays connected, so only the timeout frees the job.
      const stuck = startWorker(dir, server.url, 'stuck', [], { TACK_SIM_FAULTS: 'delayMs=300' });
      const workers = [stuck];
      try {
        await stuck.waitFor(/ started$/);
        stuck.process.kill('SIGSTOP');
        const other = startWorker(dir, server.url, 'other');
        workers.push(other);
        await other.waitFor(new RegExp(`${job.attemptId} .* recorded \\(`));
        stuck.process.kill('SIGCONT');
        await stuck.waitFor(/ already recorded by another worker; kept that one /);
        const info = await settledWorkers(dir, server.url);
        assert.equal(info.inFlight, 0);
        assert.equal(info.parked, 0);
      } finally {
        stuck.process.kill('SIGCONT');
        await stopWorkers(workers);
      }
      assert.equal(server.streams.get(`tackattempt-${job.attemptId}`)?.length, 1);
      const stored = await withStore(openEsdbStore(server.url), (s) => s.work!.result(job.attemptId));
      assert.equal(stored?.metadata.actor, 'tack:worker:other');
    });
  });

  it('a file store is refused with one line and exit 2, nothing written', async () => {
    const dir = await tempDir();
    await ok(dir, ['init', '--model', 'sim:steady']);
    const before = treeDigest(join(dir, '.tack'));
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    for (const [cwd, args] of [
      [dir, ['evolve', '--workers', '--suite', MINI, '--iterations', '1']],
      [dir, ['worker']],
      [dir, ['workers']],
      [empty, ['workers', '--store', 'elsewhere']],
    ] as const) {
      const r = await tackAsync(cwd, [...args]);
      assert.equal(r.code, 2, `tack ${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^tack: tack (evolve --workers|worker|workers) needs an EventStoreDB store \(--store esdb:\/\/host:2113\?tls=false\)/);
    }
    assert.equal(treeDigest(join(dir, '.tack')), before);
    assert.equal(existsSync(join(empty, 'elsewhere')), false);
  });
});
