import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { EventOf } from '../../src/domain/events.js';
import { sha256 } from '../../src/domain/canonical.js';
import { harnessHash, minimalHarness } from '../../src/domain/harness.js';
import { seedFor } from '../../src/domain/seed.js';
import { attemptEventId, type AttemptJob } from '../../src/domain/attempt-job.js';
import { traceIdFor } from '../../src/app/run-suite.js';
import { openEsdbStore } from '../../src/store/esdb.js';
import type { JobDelivery, Store, WorkQueue } from '../../src/store/port.js';

/**
 * The work queue's contract (jobs to competing consumers, redelivery, parking, one result per attempt),
 * run by `npm test` against the in-process EventStoreDB test server and by `npm run test:esdb` against a
 * real server, so that the test server's persistent subscriptions can be checked against the real thing.
 * Every case opens the store under a fresh random prefix: its own jobs stream and worker group.
 */
export interface WorkCase {
  readonly name: string;
  readonly run: (store: Store, work: WorkQueue) => Promise<void>;
}

export const sampleJob = (n: number): AttemptJob => {
  const harness = minimalHarness(['R1', 'R2', 'R3', 'R4']);
  const hash = harnessHash(harness);
  const taskHash = sha256(`task ${n}`);
  const seed = seedFor(`task-${n}`, 0);
  return {
    attemptId: traceIdFor('contract', hash, { id: 'm' }, taskHash, `task-${n}`, 0, seed),
    attemptKey: 'contract',
    branch: 'main',
    harness,
    harnessHash: hash,
    model: { id: 'm' },
    task: { suite: '/nowhere', id: `task-${n}`, hash: taskHash, split: 'opt' },
    attempt: 0,
    seed,
    record: false,
    unsafeNoSandbox: false,
    correlationId: '00000000-0000-4000-8000-000000000000',
    causationId: null,
  };
};

const traceOf = (job: AttemptJob, steps: number): EventOf<'TraceObserved'> => ({
  id: attemptEventId(job.attemptId),
  type: 'TraceObserved',
  data: {
    traceId: job.attemptId,
    taskId: job.task.id,
    taskHash: job.task.hash,
    split: job.task.split,
    attempt: job.attempt,
    seed: job.seed,
    harnessHash: job.harnessHash,
    model: job.model,
    outcome: { passed: true, reward: 1, exitReason: 'finished', verifierExcerpt: '' },
    features: {},
    usage: { modelCalls: 1, promptTokens: 1, completionTokens: 1 },
    steps,
    traceBlob: sha256(`trace ${steps}`),
  },
  metadata: { at: '2026-01-01T00:00:00.000Z', actor: 'test', correlationId: job.correlationId, causationId: null, schema: 1 },
});

/** Deliveries to one consumer, taken in order. */
const consumer = async (work: WorkQueue, name: string, capacity: number) => {
  const queued: JobDelivery[] = [];
  const waiting: ((d: JobDelivery) => void)[] = [];
  const c = await work.consume({
    name,
    capacity,
    onJob: (d) => {
      const w = waiting.shift();
      if (w) w(d);
      else queued.push(d);
    },
  });
  return {
    stop: () => c.stop(),
    next: (): Promise<JobDelivery> => {
      const d = queued.shift();
      return d ? Promise.resolve(d) : new Promise((resolve) => waiting.push(resolve));
    },
  };
};

const jobOf = (d: JobDelivery): AttemptJob => {
  assert.equal(d.job._tag, 'Right');
  return (d.job as { right: AttemptJob }).right;
};

const eventually = async (check: () => Promise<boolean>, what: string, ms = 20_000) => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

export const workContract: readonly WorkCase[] = [
  {
    name: 'each job goes to one worker; an acknowledged job does not come back',
    run: async (_store, work) => {
      await work.ensureGroup({ jobTimeoutMs: 60_000, maxRetries: 2 });
      const a = await consumer(work, 'a', 1);
      const b = await consumer(work, 'b', 1);
      try {
        await work.enqueue([sampleJob(1), sampleJob(2)]);
        const got = [await a.next(), await b.next()];
        assert.deepEqual(got.map((d) => jobOf(d).task.id).sort(), ['task-1', 'task-2']);
        assert.ok(got.every((d) => d.retryCount === 0));
        await Promise.all(got.map((d) => d.ack()));
        await eventually(async () => (await work.info())?.inFlight === 0, 'both jobs acknowledged');
        const info = await work.info();
        assert.deepEqual(info!.workers.map((w) => w.name).sort(), ['a', 'b']);
        assert.equal(info!.parked, 0);
      } finally {
        await a.stop();
        await b.stop();
      }
    },
  },
  {
    name: 'a job not acknowledged within the job timeout is delivered again, with a higher retry count',
    run: async (_store, work) => {
      await work.ensureGroup({ jobTimeoutMs: 1_000, maxRetries: 5 });
      const a = await consumer(work, 'a', 1);
      try {
        await work.enqueue([sampleJob(3)]);
        const first = await a.next();
        assert.equal(first.retryCount, 0);
        const again = await a.next();
        assert.equal(again.jobId, first.jobId);
        assert.ok(again.retryCount >= 1);
        await again.ack();
      } finally {
        await a.stop();
      }
    },
  },
  {
    name: 'a worker that goes away gives its job back to another worker',
    run: async (_store, work) => {
      await work.ensureGroup({ jobTimeoutMs: 600_000, maxRetries: 5 });
      const a = await consumer(work, 'a', 1);
      await work.enqueue([sampleJob(4)]);
      const held = await a.next();
      const b = await consumer(work, 'b', 1);
      try {
        await a.stop();
        const redelivered = await b.next();
        assert.equal(redelivered.jobId, held.jobId);
        assert.ok(redelivered.retryCount >= 1);
        await redelivered.ack();
      } finally {
        await b.stop();
      }
    },
  },
  {
    name: 'a job nacked to be parked, or retried past its retries, is parked with the reason',
    run: async (_store, work) => {
      await work.ensureGroup({ jobTimeoutMs: 60_000, maxRetries: 1 });
      const before = await work.parkedHead();
      const a = await consumer(work, 'a', 1);
      try {
        const [hopeless, flaky] = await work.enqueue([sampleJob(5), sampleJob(6)]);
        const one = await a.next();
        assert.equal(one.jobId, hopeless);
        await one.nack('park', 'the task folder is missing');
        for (let i = 0; i < 2; i++) {
          const d = await a.next();
          assert.equal(d.jobId, flaky);
          await d.nack('retry', 'sandbox busy');
        }
        await eventually(async () => (await work.parked(before)).jobs.length === 2, 'both jobs parked');
        const parked = (await work.parked(before)).jobs;
        assert.deepEqual(
          parked.map((p) => [p.jobId, p.job?.task.id, p.reason]),
          [
            [hopeless, 'task-5', 'the task folder is missing'],
            [flaky, 'task-6', 'Reached retry count of 1'],
          ],
        );
        assert.equal((await work.info())!.parked, 2);
      } finally {
        await a.stop();
      }
    },
  },
  {
    name: 'an attempt keeps its first result; a second one is a duplicate',
    run: async (_store, work) => {
      const job = sampleJob(7);
      assert.equal(await work.result(job.attemptId), null);
      assert.equal(await work.storeResult(traceOf(job, 3)), 'stored');
      assert.equal(await work.storeResult(traceOf(job, 3)), 'stored', 'the same write again');
      assert.equal(await work.storeResult(traceOf(job, 4)), 'duplicate');
      assert.equal((await work.result(job.attemptId))!.data.steps, 3);
    },
  },
];

/** Run every case against the server at `url`, each under its own prefix; the first failure, or null. */
export const runWorkContract = async (url: string): Promise<{ caseName: string; message: string } | null> => {
  for (const c of workContract) {
    try {
      const store = await openEsdbStore(url, { prefix: `tackwork${randomBytes(6).toString('hex')}` });
      try {
        await c.run(store, store.work!);
      } finally {
        await store.close();
      }
    } catch (err) {
      return { caseName: c.name, message: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
    }
  }
  return null;
};
