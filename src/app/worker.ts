import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { AttemptJob } from '../domain/attempt-job.js';
import { harnessHash } from '../domain/harness.js';
import { seedFor } from '../domain/seed.js';
import { loadTask, resolveSandboxMode, type Task } from '../tasks/index.js';
import type { JobConsumer, JobDelivery, Store, WorkGroupSettings, WorkQueue } from '../store/port.js';
import { runSuite, traceIdFor } from './run-suite.js';
import { ModelPool } from './model-endpoint.js';

/**
 * One worker: takes attempt jobs from the store's work queue, runs each in its own sandbox exactly as the
 * queueing run would have, stores the trace (blob) and the TraceObserved (once per attempt id), and only
 * then acknowledges the job. A job it cannot run here (task missing or different, an error) goes back to
 * the queue for another worker, and is parked with the reason on its last retry; a job that can never run
 * (unreadable, a harness that does not match its hash) is parked at once. Dying mid-job acknowledges
 * nothing: the server gives the job to another worker.
 */
export interface WorkerOptions {
  readonly store: Store;
  readonly work: WorkQueue;
  readonly name: string;
  /** Jobs at once. */
  readonly capacity: number;
  /** More folders to look for a job's task in (a checkout elsewhere than the queueing machine's). */
  readonly suites: readonly string[];
  /** Run without bubblewrap when a job asks for it; without this, every job runs sandboxed. */
  readonly allowUnsafe: boolean;
  /** The group's settings if this worker creates it. */
  readonly settings: WorkGroupSettings;
  readonly log: (line: string) => void;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** The job's task as this machine has it, with the content the job was queued with. */
export const findTask = (job: AttemptJob, suites: readonly string[]): E.Either<string, Task> => {
  const dirs = [...new Set([job.task.suite, ...suites.map((d) => resolve(d))])];
  const seen: string[] = [];
  for (const d of dirs) {
    const dir = join(d, job.task.id);
    if (!existsSync(dir)) continue;
    let task: Task;
    try {
      task = loadTask(dir, job.task.split);
    } catch (e) {
      seen.push(`${dir} does not load: ${message(e)}`);
      continue;
    }
    if (task.hash === job.task.hash) return E.right(task);
    seen.push(`${dir} has content ${task.hash.slice(0, 12)}`);
  }
  return E.left(
    seen.length > 0
      ? `task ${job.task.id} differs on this worker (the job was queued with content ${job.task.hash.slice(0, 12)}; ${seen.join('; ')})`
      : `no task ${job.task.id} on this worker (looked in ${dirs.join(', ')})`,
  );
};

export const startWorker = async (o: WorkerOptions): Promise<JobConsumer> => {
  resolveSandboxMode({ unsafeNoSandbox: o.allowUnsafe, warn: () => undefined });
  const group = await o.work.ensureGroup(o.settings);
  const models = new ModelPool();
  const handle = async (d: JobDelivery): Promise<void> => {
    if (E.isLeft(d.job)) {
      o.log(`${o.name}: job ${d.jobId} parked: unreadable job: ${d.job.left}`);
      return d.nack('park', `unreadable job: ${d.job.left}`);
    }
    const job = d.job.right;
    const label = `${o.name}: ${job.attemptId} (${job.task.id} #${job.attempt})`;
    const park = async (reason: string) => {
      o.log(`${label} parked: ${reason}`);
      await d.nack('park', reason);
    };
    // Another worker may manage; on the last delivery the reason is kept by parking it here.
    const giveBack = async (reason: string) => (d.retryCount >= group.maxRetries ? park(reason) : (o.log(`${label} given back: ${reason}`), d.nack('retry', reason)));
    try {
      if (await o.work.result(job.attemptId)) {
        o.log(`${label} already recorded; acknowledged`);
        return await d.ack();
      }
      if (harnessHash(job.harness) !== job.harnessHash) return await park("the job's harness does not match its harness hash");
      const found = findTask(job, o.suites);
      if (E.isLeft(found)) return await giveBack(found.left);
      const task = found.right;
      if (seedFor(task.id, job.attempt) !== job.seed || traceIdFor(job.attemptKey, job.harnessHash, job.model, task.hash, task.id, job.attempt, job.seed) !== job.attemptId)
        return await park("the job's attempt id or seed does not follow from its contents");
      o.log(`${label} started`);
      let stored: 'stored' | 'duplicate' = 'stored';
      const [observed] = await runSuite({
        store: o.store,
        branch: job.branch,
        harness: job.harness,
        harnessHash: job.harnessHash,
        model: job.model,
        tasks: [task],
        attempts: job.attempt + 1,
        include: (_, attempt) => attempt === job.attempt,
        concurrency: 1,
        agent: 'llm',
        sandbox: { unsafeNoSandbox: job.unsafeNoSandbox && o.allowUnsafe, warn: () => undefined },
        cassettes: job.record ? { kind: 'record' } : { kind: 'live' },
        stampContext: { actor: `tack:worker:${o.name}`, correlationId: job.correlationId, causationId: job.causationId },
        attemptKey: job.attemptKey,
        record: true,
        models,
        ...(job.iteration !== undefined ? { iteration: job.iteration } : {}),
        ...(job.candidate !== undefined ? { candidate: job.candidate } : {}),
        sink: async (e) => {
          stored = await o.work.storeResult(e);
        },
      });
      o.log(`${label} ${stored === 'stored' ? 'recorded' : 'already recorded by another worker; kept that one'} (${observed.passed ? 'passed' : observed.exitReason})`);
      await d.ack();
    } catch (e) {
      await giveBack(message(e));
    }
  };
  const consumer = await o.work.consume({
    name: o.name,
    capacity: o.capacity,
    onJob: (d) => {
      handle(d).catch((e) => o.log(`${o.name}: job ${d.jobId}: could not answer the server: ${message(e)}`));
    },
  });
  return { done: consumer.done.finally(() => models.close()), stop: () => consumer.stop() };
};
