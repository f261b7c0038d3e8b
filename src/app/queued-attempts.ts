import type { EventOf } from '../domain/events.js';
import type { AttemptJob } from '../domain/attempt-job.js';
import type { WorkGroupSettings, WorkQueue } from '../store/port.js';
import type { ParkedAttempt, RemoteAttempts } from './run-suite.js';

/**
 * Attempts run by `tack worker` processes: queue one job per attempt, then wait until each has its
 * TraceObserved stored by some worker or has been parked. An attempt already stored (a run that was
 * interrupted while waiting) is not queued again; a job parked before this call does not count.
 */
export interface QueuedAttemptsOptions {
  /** The worker group's settings, used when the group does not exist yet. */
  readonly settings: WorkGroupSettings;
  /** How often to look for results. */
  readonly pollMs?: number;
  /** Attempts with a trace so far, out of all the call asked for. */
  readonly onProgress?: (done: number, total: number) => void;
  /** A remark for the person waiting (no worker connected). */
  readonly onNote?: (line: string) => void;
}

const DEFAULT_POLL_MS = 250;
const PARALLEL_READS = 16;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const forEachLimited = async <T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> => {
  for (let i = 0; i < items.length; i += PARALLEL_READS) await Promise.all(items.slice(i, i + PARALLEL_READS).map(task));
};

/** Whether a stored trace is the attempt its job describes (the attempt id alone is only a hash of these). */
const matchesJob = (e: EventOf<'TraceObserved'>, j: AttemptJob): boolean =>
  e.data.taskId === j.task.id &&
  e.data.taskHash === j.task.hash &&
  e.data.attempt === j.attempt &&
  e.data.seed === j.seed &&
  e.data.harnessHash === j.harnessHash &&
  JSON.stringify(e.data.model) === JSON.stringify(j.model);

export const queuedAttempts =
  (work: WorkQueue, o: QueuedAttemptsOptions): RemoteAttempts =>
  async (jobs) => {
    await work.ensureGroup(o.settings);
    const observed = new Map<string, EventOf<'TraceObserved'>>();
    const parked = new Map<string, ParkedAttempt>();
    const collect = async (j: AttemptJob) => {
      const e = await work.result(j.attemptId);
      if (!e) return;
      if (matchesJob(e, j)) observed.set(j.attemptId, e);
      else parked.set(j.attemptId, { job: j, reason: 'the trace a worker stored for it describes another attempt' });
    };
    await forEachLimited(jobs, collect);
    const todo = jobs.filter((j) => !observed.has(j.attemptId) && !parked.has(j.attemptId));
    let after = await work.parkedHead();
    const jobIds = await work.enqueue(todo);
    const byJobId = new Map(jobIds.map((id, i) => [id, todo[i]]));
    const info = await work.info();
    if (todo.length > 0 && info && info.workers.length === 0)
      o.onNote?.(`no worker is connected to ${info.stream}::${info.group} yet: ${todo.length} jobs wait for one (start them with tack worker --store ...)`);
    const pending = () => todo.filter((j) => !observed.has(j.attemptId) && !parked.has(j.attemptId));
    o.onProgress?.(jobs.length - todo.length, jobs.length);
    while (pending().length > 0) {
      await sleep(o.pollMs ?? DEFAULT_POLL_MS);
      await forEachLimited(pending(), collect);
      const newlyParked = await work.parked(after);
      after = newlyParked.last;
      for (const p of newlyParked.jobs) {
        const j = byJobId.get(p.jobId);
        if (!j || observed.has(j.attemptId)) continue;
        // A job can be parked after its trace was stored (its worker died before acknowledging): the trace counts.
        await collect(j);
        if (!observed.has(j.attemptId)) parked.set(j.attemptId, { job: j, reason: p.reason });
      }
      o.onProgress?.(observed.size, jobs.length);
    }
    return { observed: [...observed.values()], parked: [...parked.values()] };
  };
