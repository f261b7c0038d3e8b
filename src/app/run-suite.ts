import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { Harness } from '../domain/harness.js';
import type { DataOf, EventOf, ModelRef } from '../domain/events.js';
import { sha256 } from '../domain/canonical.js';
import { runAgent, type RunResult } from '../agent/loop.js';
import { modelClient } from '../agent/model-client.js';
import { encodeTrajectory, type AtifTrajectory } from '../agent/atif.js';
import { referenceAgents, runTasks, type AgentFn, type AttemptResult, type ProgressEvent, type Task } from '../tasks/index.js';
import type { SandboxOptions } from '../tasks/index.js';
import { branchStream, type Store } from '../store/port.js';
import { openModel, type CassetteMode, type ModelPool } from './model-endpoint.js';
import type { ChatEndpoint } from '../agent/endpoint.js';
import { stamp, type StampContext } from './envelope.js';
import { seedFor } from '../domain/seed.js';
import { attemptEventId, type AttemptJob } from '../domain/attempt-job.js';
import { TackError } from './errors.js';

/**
 * Running tasks with a branch's harness and model (or a reference agent), storing each attempt's
 * full trace as a blob and appending TraceObserved to the branch. Shared by `tack run` and the loop.
 */
export type AgentChoice = 'llm' | 'oracle' | 'null';

export interface RunSuiteOptions {
  readonly store: Store;
  readonly branch: string;
  readonly harness: Harness;
  readonly harnessHash: string;
  readonly model: ModelRef;
  readonly tasks: readonly Task[];
  readonly attempts: number;
  readonly concurrency: number;
  readonly agent: AgentChoice;
  readonly sandbox: SandboxOptions;
  readonly cassettes: CassetteMode;
  readonly stampContext: StampContext;
  /** Deterministic attempt ids: the same key, task and attempt always name the same trace. */
  readonly attemptKey?: string;
  readonly iteration?: number;
  readonly candidate?: string;
  /** Record TraceObserved events (LLM runs only; reference agents validate suites, not harnesses). */
  readonly record: boolean;
  readonly onProgress?: (e: ProgressEvent<LlmDetail>) => void;
  /** Traces already recorded, by reuseKey: their attempts are not run again. */
  readonly reuse?: ReadonlyMap<string, EventOf<'TraceObserved'>>;
  /** Where TraceObserved events go (default: appended to the branch); a replay collects them instead. */
  readonly sink?: (event: EventOf<'TraceObserved'>) => Promise<void>;
  /** Clock readings of recorded attempts, by trace id: a replay reads time from them. */
  readonly clocks?: ReadonlyMap<string, readonly number[]>;
  /** Serve the model from this endpoint (a replay's watched cassette player) instead of opening one. */
  readonly endpoint?: ChatEndpoint;
  /** Attempt ids a replay must use (by `task\u0000attempt`): those of the recorded attempts, wherever they came from. */
  readonly attemptIds?: ReadonlyMap<string, string>;
  /** Which (task, attempt) pairs to run (default: all); the result holds only those. */
  readonly include?: (taskId: string, attempt: number) => boolean;
  /** Run the attempts elsewhere (workers) instead of here: each becomes a job, its TraceObserved comes back. */
  readonly remote?: RemoteAttempts;
  /** Model endpoints that stay open after the run (default: opened for this run and closed after it). */
  readonly models?: ModelPool;
}

/** A job's outcome when it did not produce a trace: set aside after failing, with the reason. */
export interface ParkedAttempt {
  readonly job: AttemptJob;
  readonly reason: string;
}

/** Runs attempt jobs somewhere else and answers the TraceObserved of each one that ran, and the ones given up. */
export type RemoteAttempts = (jobs: readonly AttemptJob[]) => Promise<{ readonly observed: readonly EventOf<'TraceObserved'>[]; readonly parked: readonly ParkedAttempt[] }>;

/** Some attempts were parked by the workers: the decision they were for cannot be made on missing evidence. */
export class AttemptsParkedError extends TackError {
  constructor(readonly parked: readonly ParkedAttempt[]) {
    super(
      `${parked.length} attempt job${parked.length === 1 ? ' was' : 's were'} parked by the workers, so this step has no evidence to decide on: ` +
        parked
          .slice(0, 3)
          .map((p) => `${p.job.attemptId} (${p.job.task.id} #${p.job.attempt}): ${p.reason}`)
          .join('; ') +
        (parked.length > 3 ? `; and ${parked.length - 3} more (see tack workers)` : '') +
        '; fix the cause and run the same command again to finish the iteration',
    );
  }
}

/** A clock that remembers what it said (record), or says again what was remembered (replay). */
const recordingClock = () => {
  const readings: number[] = [];
  return { readings, clock: { now: () => { const t = Date.now(); readings.push(t); return t; } } };
};
const replayingClock = (readings: readonly number[]) => {
  let i = 0;
  const last = readings[readings.length - 1] ?? 0;
  return { now: () => (i < readings.length ? readings[i++] : last + ++i) };
};

/** What one attempt showed, whether it ran now or was reused from the history. */
export interface Observation {
  readonly taskId: string;
  readonly split: DataOf<'TraceObserved'>['split'];
  readonly attempt: number;
  readonly seed: number;
  readonly passed: boolean;
  readonly exitReason: string;
  readonly steps: number;
  readonly tokens: number;
  readonly modelCalls: number;
  readonly traceId: string;
  readonly event: EventOf<'TraceObserved'> | null;
  readonly reused: boolean;
}

/** A trace is reused only for the same harness, model and parameters, task content and seed: never across models. */
export const reuseKey = (harnessHash: string, model: ModelRef, taskHash: string, seed: number): string =>
  [harnessHash, model.id, model.baseUrl ?? '', JSON.stringify(model.params ?? {}), taskHash, seed].join('\u0000');

export const reuseIndex = (events: readonly EventOf<'TraceObserved'>[]): Map<string, EventOf<'TraceObserved'>> =>
  new Map(events.map((e) => [reuseKey(e.data.harnessHash, e.data.model, e.data.taskHash, e.data.seed), e]));

export const fromEvent = (e: EventOf<'TraceObserved'>, reused: boolean): Observation => ({
  taskId: e.data.taskId,
  split: e.data.split,
  attempt: e.data.attempt,
  seed: e.data.seed,
  passed: e.data.outcome.passed,
  exitReason: e.data.outcome.exitReason,
  steps: e.data.steps,
  tokens: e.data.usage.promptTokens + e.data.usage.completionTokens,
  modelCalls: e.data.usage.modelCalls,
  traceId: e.data.traceId,
  event: e,
  reused,
});

export interface LlmDetail {
  readonly run: RunResult;
  /** Every clock reading of the run, kept in the trace so a replay can give the same times. */
  readonly clock: readonly number[];
}

/** The trace id of an attempt: deterministic from (key, harness, model, task content, attempt, seed). */
export const traceIdFor = (key: string, harnessHash: string, model: ModelRef, taskHash: string, taskId: string, attempt: number, seed: number): string =>
  't-' + sha256([key, harnessHash, model.id, JSON.stringify(model.params ?? {}), taskHash, taskId, attempt, seed].join('\u0000')).slice(0, 32);

export const runSuite = async (o: RunSuiteOptions): Promise<Observation[]> => {
  const key = o.attemptKey ?? randomUUID();
  const reused = new Map<string, Observation>();
  for (const t of o.tasks)
    for (let a = 0; a < o.attempts; a++) {
      const hit = o.reuse?.get(reuseKey(o.harnessHash, o.model, t.hash, seedFor(t.id, a)));
      if (hit && hit.data.taskId === t.id && hit.data.attempt === a) reused.set(`${t.id}\u0000${a}`, fromEvent(hit, true));
    }
  if (o.remote) return runRemotely(o, o.remote, key, reused);
  const included = (taskId: string, attempt: number) => o.include?.(taskId, attempt) ?? true;
  const toRun = o.tasks.flatMap((t) => Array.from({ length: o.attempts }, (_, a) => a).filter((a) => included(t.id, a) && !reused.has(`${t.id}\u0000${a}`)));
  const suites = [...new Set(o.tasks.map((t) => dirname(t.dir)))];
  const access = o.endpoint
    ? { endpoint: o.endpoint, recorder: null, close: async () => {} }
    : o.agent === 'llm' && toRun.length > 0
      ? await (o.models ? o.models.open(o.model, o.store.blobs, o.cassettes, suites) : openModel(o.model, o.store.blobs, o.cassettes, suites))
      : null;
  try {
    const agentFn: AgentFn<LlmDetail> =
      o.agent === 'llm'
        ? async (ctx) => {
            const attemptId = o.attemptIds?.get(`${ctx.task.id}\u0000${ctx.attempt}`) ?? traceIdFor(key, o.harnessHash, o.model, ctx.task.hash, ctx.task.id, ctx.attempt, ctx.seed);
            const recorded = o.clocks?.get(attemptId);
            const rec = recorded ? null : recordingClock();
            const run = await runAgent({
              clock: recorded ? replayingClock(recorded) : rec!.clock,
              harness: o.harness,
              model: modelClient(o.model, access!.endpoint),
              workspace: ctx.workspace,
              instruction: ctx.instruction,
              taskId: ctx.task.id,
              attempt: ctx.attempt,
              seed: ctx.seed,
              attemptId,
            });
            return { exitReason: run.summary.exitReason, detail: { run, clock: recorded ?? rec!.readings } };
          }
        : (referenceAgents[o.agent] as unknown as AgentFn<LlmDetail>);
    // Each attempt is recorded as soon as it ends, so an interrupted run keeps what it finished.
    const recorded = new Map<string, Promise<Observation>>();
    const observe = (r: AttemptResult<LlmDetail>): Promise<Observation> => {
      const traceId = o.attemptIds?.get(`${r.taskId}\u0000${r.attempt}`) ?? traceIdFor(key, o.harnessHash, o.model, r.taskHash, r.taskId, r.attempt, r.seed);
      if (!(o.record && o.agent === 'llm')) {
        const s = r.agent?.detail?.run?.summary;
        return Promise.resolve({
          taskId: r.taskId,
          split: r.split,
          attempt: r.attempt,
          seed: r.seed,
          passed: r.passed,
          exitReason: r.exitReason,
          steps: s?.steps ?? 0,
          tokens: s ? s.usage.promptTokens + s.usage.completionTokens : 0,
          modelCalls: s?.usage.modelCalls ?? 0,
          traceId,
          event: null,
          reused: false,
        });
      }
      return (async () => {
        const cassetteBlob = access?.recorder ? await access.recorder.saveIndex(traceId) : undefined;
        return fromEvent(await recordAttempt(o, r, traceId, cassetteBlob), false);
      })();
    };
    const results = await runTasks<LlmDetail>({
      tasks: o.tasks,
      attempts: o.attempts,
      concurrency: o.concurrency,
      agent: agentFn,
      sandbox: o.sandbox,
      include: (taskId, attempt) => included(taskId, attempt) && !reused.has(`${taskId}\u0000${attempt}`),
      onProgress: (e) => {
        if (e.type === 'attempt_finished') recorded.set(`${e.result.taskId}\u0000${e.result.attempt}`, observe(e.result));
        o.onProgress?.(e);
      },
    });
    for (const r of results) if (!recorded.has(`${r.taskId}\u0000${r.attempt}`)) recorded.set(`${r.taskId}\u0000${r.attempt}`, observe(r));
    const out: Observation[] = [];
    for (const t of o.tasks)
      for (let a = 0; a < o.attempts; a++) {
        const k = `${t.id}\u0000${a}`;
        if (included(t.id, a)) out.push(reused.get(k) ?? (await recorded.get(k)!));
      }
    return out;
  } finally {
    await access?.close();
  }
};

/** Store the attempt's trace (with the runner's notes) as a blob and append its TraceObserved. */
const recordAttempt = async (o: RunSuiteOptions, r: AttemptResult<LlmDetail>, traceId: string, cassetteBlob?: string): Promise<EventOf<'TraceObserved'>> => {
  const run = r.agent?.detail?.run;
  const trajectory: AtifTrajectory = run
    ? { ...run.trajectory, extra: { ...(run.trajectory.extra ?? {}), runner: { notes: r.notes, verifier: r.verifierExcerpt, reward: r.reward }, clock: r.agent?.detail?.clock ?? [] } }
    : {
        schema_version: 'ATIF-v1.4',
        session_id: traceId,
        agent: { name: 'tack', version: `harness-${o.harnessHash.slice(0, 12)}`, model_name: o.model.id },
        steps: [{ step_id: 1, source: 'system', message: `the attempt did not run: ${r.error ?? r.exitReason}` }],
        extra: { runner: { notes: r.notes, verifier: r.verifierExcerpt, reward: r.reward } },
      };
  const traceBlob = await o.store.blobs.put(encodeTrajectory(trajectory));
  const summary = run?.summary;
  const data: DataOf<'TraceObserved'> = {
    traceId,
    taskId: r.taskId,
    taskHash: r.taskHash,
    split: r.split,
    attempt: r.attempt,
    seed: r.seed,
    harnessHash: o.harnessHash,
    model: o.model,
    outcome: { passed: r.passed, reward: r.reward, exitReason: r.exitReason, verifierExcerpt: r.verifierExcerpt.slice(0, 2_000) },
    features: (summary?.features ?? {}) as Record<string, number | boolean | string>,
    usage: summary?.usage ?? { modelCalls: 0, promptTokens: 0, completionTokens: 0 },
    steps: summary?.steps ?? 0,
    traceBlob,
    ...(o.iteration !== undefined ? { iteration: o.iteration } : {}),
    ...(o.candidate !== undefined ? { candidate: o.candidate } : {}),
    ...(cassetteBlob ? { cassetteBlob } : {}),
  };
  const [event] = stamp([{ type: 'TraceObserved', data }], { ...o.stampContext, newId: () => attemptEventId(traceId) }) as EventOf<'TraceObserved'>[];
  if (o.sink) await o.sink(event);
  else await o.store.events.append(branchStream(o.branch), [event], 'any');
  return event;
};

/**
 * The attempts not reused become jobs for the remote executor; the TraceObserved of those that ran are
 * copied into the branch (the queueing run stays its only writer), in suite order. Parked jobs fail the
 * call after everything that ran is recorded, so running it again only queues what is missing.
 */
const runRemotely = async (o: RunSuiteOptions, remote: RemoteAttempts, key: string, reused: ReadonlyMap<string, Observation>): Promise<Observation[]> => {
  if (o.agent !== 'llm' || o.cassettes.kind === 'replay') throw new TackError('only live or recorded model runs can be queued to workers');
  const jobs: AttemptJob[] = [];
  for (const t of o.tasks)
    for (let a = 0; a < o.attempts; a++) {
      if (reused.has(`${t.id}\u0000${a}`) || !(o.include?.(t.id, a) ?? true)) continue;
      const seed = seedFor(t.id, a);
      jobs.push({
        attemptId: traceIdFor(key, o.harnessHash, o.model, t.hash, t.id, a, seed),
        attemptKey: key,
        branch: o.branch,
        harness: o.harness,
        harnessHash: o.harnessHash,
        model: o.model,
        task: { suite: dirname(t.dir), id: t.id, hash: t.hash, split: t.split },
        attempt: a,
        seed,
        record: o.cassettes.kind === 'record',
        unsafeNoSandbox: o.sandbox.unsafeNoSandbox === true,
        correlationId: o.stampContext.correlationId,
        causationId: o.stampContext.causationId ?? null,
        ...(o.iteration !== undefined ? { iteration: o.iteration } : {}),
        ...(o.candidate !== undefined ? { candidate: o.candidate } : {}),
      });
    }
  const { observed, parked } = jobs.length > 0 ? await remote(jobs) : { observed: [], parked: [] };
  const byAttempt = new Map(observed.map((e) => [e.data.traceId, e]));
  const ran = jobs.flatMap((j) => {
    const e = byAttempt.get(j.attemptId);
    return e ? [e] : [];
  });
  if (o.sink) for (const e of ran) await o.sink(e);
  else if (ran.length > 0) await o.store.events.append(branchStream(o.branch), ran, 'any');
  if (parked.length > 0) throw new AttemptsParkedError(parked);
  const out: Observation[] = [];
  for (const t of o.tasks)
    for (let a = 0; a < o.attempts; a++) {
      if (!(o.include?.(t.id, a) ?? true)) continue;
      const hit = reused.get(`${t.id}\u0000${a}`);
      const e = hit ? null : byAttempt.get(traceIdFor(key, o.harnessHash, o.model, t.hash, t.id, a, seedFor(t.id, a)));
      if (!hit && !e) throw new TackError(`no trace came back for ${t.id} #${a}`);
      out.push(hit ?? fromEvent(e!, false));
    }
  return out;
};
