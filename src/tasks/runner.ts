import { seedFor } from '../domain/seed.js';
/**
 * Runs attempts of tasks with bounded concurrency. One attempt: prepare the task's environment
 * (cached per task content), a fresh private copy of it, the agent in a sandbox, then the verifier.
 * The agent is any function of (instruction, workspace, task, attempt, seed): the LLM agent of
 * src/agent, or a reference agent (oracle, null).
 */
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExitReason, Split } from '../domain/events.js';
import type { Workspace } from '../agent/workspace.js';
import type { Task } from './loader.js';
import { copyEnvironment, defaultWorkRoot, prepareEnvironment, type EnvironmentResult } from './environment.js';
import {
  LocalWorkspace,
  PathMap,
  removeTree,
  resolveSandboxMode,
  SandboxError,
  SandboxEventLog,
  SandboxSession,
  sandboxSettings,
  SandboxWorkspace,
  type SandboxEvent,
  type SandboxMode,
  type SandboxOptions,
  type SandboxSettings,
} from './sandbox.js';
import { runVerifier, type AttemptPaths, type VerifierResult } from './verifier.js';

/** How an agent run ended (the runner adds environment_unavailable and sandbox_error). */
export type AgentExitReason = 'finished' | 'step_budget' | 'wall_timeout' | 'policy_stop' | 'model_error';

export interface AgentOutcome<D = unknown> {
  readonly exitReason: AgentExitReason;
  /** Whatever the agent wants kept with the result (its trace, usage, steps...). */
  readonly detail?: D;
}

export interface AgentContext {
  readonly task: Task;
  readonly instruction: string;
  readonly workspace: Workspace;
  /** 0-based. */
  readonly attempt: number;
  readonly seed: number;
  /** The task's agent time limit ([agent] timeout_sec); the runner enforces it. */
  readonly timeoutSec: number;
  /** Aborted when the time limit is reached (the workspace is closed right after). */
  readonly signal: AbortSignal;
}

export type AgentFn<D = unknown> = (ctx: AgentContext) => Promise<AgentOutcome<D>>;

export interface AttemptResult<D = unknown> {
  readonly taskId: string;
  readonly taskHash: string;
  readonly split: Split;
  readonly attempt: number;
  readonly seed: number;
  readonly passed: boolean;
  /** In [0, 1]; 0 when the verifier did not run. */
  readonly reward: number;
  readonly exitReason: ExitReason;
  readonly verifierExcerpt: string;
  readonly verifier: VerifierResult | null;
  readonly environment: {
    readonly status: EnvironmentResult['status'];
    readonly reason: string | null;
    readonly line: string | null;
    readonly substitutions: readonly string[];
    readonly notes: readonly string[];
  };
  readonly sandbox: { readonly settings: SandboxSettings; readonly events: readonly SandboxEvent[] };
  /** Everything worth reading in a trace, one line each: substitutions, sandbox settings and events, errors. */
  readonly notes: readonly string[];
  readonly agent: AgentOutcome<D> | null;
  /** Why the attempt could not run normally (environment_unavailable, sandbox_error, an agent error). */
  readonly error: string | null;
  readonly durationMs: number;
}

export type ProgressEvent<D = unknown> =
  | { readonly type: 'attempt_started'; readonly taskId: string; readonly attempt: number; readonly done: number; readonly total: number }
  | { readonly type: 'attempt_finished'; readonly result: AttemptResult<D>; readonly done: number; readonly total: number };

export interface RunOptions {
  readonly sandbox?: SandboxOptions;
  /** Prepared environments (default: <tmpdir>/tack-env-cache). */
  readonly cacheDir?: string;
  /** Where attempt copies live while they run (default: defaultWorkRoot()); each is removed after its attempt. */
  readonly workRoot?: string;
  /** Mixed into every attempt's seed. */
  readonly baseSeed?: number;
}

export interface RunTasksOptions<D> extends RunOptions {
  readonly tasks: readonly Task[];
  /** Attempts per task (numbered 0..attempts-1). */
  readonly attempts: number;
  readonly concurrency: number;
  readonly agent: AgentFn<D>;
  readonly onProgress?: (event: ProgressEvent<D>) => void;
  /** Which (task, attempt) pairs to run (default: all); results hold only those. */
  readonly include?: (taskId: string, attempt: number) => boolean;
}

export { seedFor };

/** A task passes an attempt when its verifier gives the full reward. */
export const PASS_REWARD = 1;

/** Runs every (task, attempt) with at most `concurrency` at once; results in task order, then attempt order. */
export const runTasks = async <D>(o: RunTasksOptions<D>): Promise<AttemptResult<D>[]> => {
  if (!Number.isInteger(o.attempts) || o.attempts < 1) throw new Error(`tack: attempts must be a positive integer, got ${o.attempts}`);
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1) throw new Error(`tack: concurrency must be a positive integer, got ${o.concurrency}`);
  const sandbox = resolveSandboxMode(o.sandbox);
  const jobs = o.tasks
    .flatMap((task) => Array.from({ length: o.attempts }, (_, attempt) => ({ task, attempt })))
    .filter((j) => o.include?.(j.task.id, j.attempt) ?? true);
  const results: AttemptResult<D>[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      const { task, attempt } = jobs[index];
      o.onProgress?.({ type: 'attempt_started', taskId: task.id, attempt, done, total: jobs.length });
      const result = await runResolvedAttempt(task, attempt, o.agent, o, sandbox);
      results[index] = result;
      done += 1;
      o.onProgress?.({ type: 'attempt_finished', result, done, total: jobs.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, jobs.length) }, worker));
  return results;
};

const swept = new Map<string, Promise<void>>();

/**
 * Removes the attempt folders of processes that died without removing them (a SIGKILLed run or
 * worker): on a tmpfs they would hold memory until the machine restarts. Once per work root and
 * process; a folder is named with its process's pid, and one whose process lives is left alone.
 */
const sweepOnce = (workRoot: string): Promise<void> => {
  let p = swept.get(workRoot);
  if (!p) {
    p = (async () => {
      for (const name of await readdir(workRoot).catch(() => [] as string[])) {
        const pid = Number(/-p(\d+)-[A-Za-z0-9]{6}$/.exec(name)?.[1]);
        if (pid > 0 && pid !== process.pid && !isAlive(pid)) await removeTree(join(workRoot, name));
      }
    })();
    swept.set(workRoot, p);
  }
  return p;
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Runs one attempt of one task. */
export const runAttempt = <D>(task: Task, attempt: number, agent: AgentFn<D>, options: RunOptions = {}): Promise<AttemptResult<D>> =>
  runResolvedAttempt(task, attempt, agent, options, resolveSandboxMode(options.sandbox));

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const runResolvedAttempt = async <D>(
  task: Task,
  attempt: number,
  agent: AgentFn<D>,
  options: RunOptions,
  sandbox: { mode: SandboxMode; bwrap: string | null },
): Promise<AttemptResult<D>> => {
  const started = Date.now();
  const seed = seedFor(task.id, attempt, options.baseSeed);
  const settings = sandboxSettings(sandbox.mode, task.config.environment);
  const events = new SandboxEventLog();
  const finish = (
    fields: Pick<AttemptResult<D>, 'passed' | 'reward' | 'exitReason' | 'verifier' | 'agent' | 'error'>,
    env: EnvironmentResult | null,
  ): AttemptResult<D> => {
    const environment = {
      status: env?.status ?? 'unavailable',
      reason: env?.status === 'unavailable' ? env.reason : null,
      line: env?.status === 'unavailable' ? env.line : null,
      substitutions: env?.substitutions ?? [],
      notes: env?.notes ?? [],
    };
    const notes = [
      ...environment.notes.map((n) => `environment: ${n}`),
      ...environment.substitutions.map((s) => `substituted offline (preparation): ${s}`),
      ...(fields.verifier?.substitutions ?? []).map((s) => `substituted offline (verifier): ${s}`),
      ...(fields.verifier?.refused ?? []).map((s) => `verifier tooling unavailable offline: ${s}`),
      ...(fields.verifier?.notes ?? []).map((n) => `verifier: ${n}`),
      `sandbox: ${settings.mode}; network ${settings.network}; ${settings.filesystem}; hidden: ${settings.hidden}; ${settings.processes}`,
      ...events.events.map((e) => `sandbox ${e.kind.replace(/_/g, ' ')}: ${e.detail}`),
      ...(fields.error !== null ? [`error: ${fields.error}`] : []),
    ];
    return {
      taskId: task.id,
      taskHash: task.hash,
      split: task.split,
      attempt,
      seed,
      ...fields,
      verifierExcerpt: fields.verifier?.excerpt ?? (env?.status === 'unavailable' ? `${env.reason}${env.line ? `\n${env.line}` : ''}\n${env.output}` : ''),
      environment,
      sandbox: { settings, events: events.events },
      notes,
      durationMs: Date.now() - started,
    };
  };

  let env: EnvironmentResult;
  try {
    env = await prepareEnvironment(task, { mode: sandbox.mode, bwrap: sandbox.bwrap, cacheDir: options.cacheDir });
  } catch (e) {
    return finish({ passed: false, reward: 0, exitReason: 'sandbox_error', verifier: null, agent: null, error: `preparing the environment: ${errorText(e)}` }, null);
  }
  if (env.status === 'unavailable') {
    return finish({ passed: false, reward: 0, exitReason: 'environment_unavailable', verifier: null, agent: null, error: env.reason }, env);
  }

  const workRoot = options.workRoot ?? defaultWorkRoot();
  await mkdir(workRoot, { recursive: true });
  await sweepOnce(workRoot);
  const dir = await mkdtemp(join(workRoot, `${task.id}-${attempt}-p${process.pid}-`));
  try {
    let paths: AttemptPaths;
    try {
      paths = { dir, ...(await copyEnvironment(env, dir)) };
    } catch (e) {
      return finish({ passed: false, reward: 0, exitReason: 'sandbox_error', verifier: null, agent: null, error: errorText(e) }, env);
    }
    const runtimeEnv = { ...env.env, ...task.config.environment.env };
    const unsafePaths =
      sandbox.mode === 'unsafe-local'
        ? new PathMap({
            [env.workdir]: join(paths.rootfs, env.workdir),
            '/tests': join(dir, 'tests'),
            '/logs': join(dir, 'logs'),
            '/solution': join(dir, 'solution'),
          })
        : undefined;

    let workspace: Workspace & { close(): Promise<void> };
    try {
      if (sandbox.mode === 'bubblewrap') {
        const session = await SandboxSession.start(sandbox.bwrap!, { rootfs: paths.rootfs, usrLocal: paths.usrLocal, binds: [] }, runtimeEnv, env.workdir);
        workspace = new SandboxWorkspace(session, events);
      } else {
        await mkdir(join(dir, 'home'), { recursive: true });
        workspace = new LocalWorkspace(env.workdir, unsafePaths!, { ...runtimeEnv, HOME: join(dir, 'home') }, events);
      }
    } catch (e) {
      return finish({ passed: false, reward: 0, exitReason: 'sandbox_error', verifier: null, agent: null, error: `starting the sandbox: ${errorText(e)}` }, env);
    }

    const agentRun = await runAgentWithLimit(agent, {
      task,
      instruction: task.instruction,
      workspace,
      attempt,
      seed,
      timeoutSec: task.config.agentTimeoutSec,
    });
    if (agentRun.error !== null && agentRun.sandboxFailed) {
      return finish({ passed: false, reward: 0, exitReason: 'sandbox_error', verifier: null, agent: null, error: agentRun.error }, env);
    }

    let verifier: VerifierResult;
    try {
      verifier = await runVerifier({ task, environment: env, attempt: paths, mode: sandbox.mode, bwrap: sandbox.bwrap, runtimeEnv, unsafePaths });
    } catch (e) {
      return finish({ passed: false, reward: 0, exitReason: 'sandbox_error', verifier: null, agent: agentRun.outcome, error: `running the verifier: ${errorText(e)}` }, env);
    }
    if (verifier.refused.length > 0) {
      return finish(
        {
          passed: false,
          reward: 0,
          exitReason: 'environment_unavailable',
          verifier,
          agent: agentRun.outcome,
          error: `environment unavailable offline: the verifier needs ${verifier.refused[0]}`,
        },
        env,
      );
    }
    return finish(
      {
        passed: verifier.reward >= PASS_REWARD,
        reward: verifier.reward,
        exitReason: agentRun.outcome.exitReason,
        verifier,
        agent: agentRun.outcome,
        error: agentRun.error,
      },
      env,
    );
  } finally {
    await removeTree(dir);
  }
};

interface AgentRun<D> {
  readonly outcome: AgentOutcome<D>;
  readonly error: string | null;
  readonly sandboxFailed: boolean;
}

/**
 * Runs the agent under its wall-time limit. At the limit the signal is aborted and the workspace
 * closed (every process in it killed); an agent that throws counts as a model error, or as a
 * sandbox error when the sandbox failed under it.
 */
const runAgentWithLimit = async <D>(
  agent: AgentFn<D>,
  ctx: Omit<AgentContext, 'signal' | 'workspace'> & { workspace: Workspace & { close(): Promise<void> } },
): Promise<AgentRun<D>> => {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ctx.timeoutSec * 1000);
  });
  const running = agent({ ...ctx, signal: controller.signal }).then(
    (outcome) => ({ outcome }),
    (error: unknown) => ({ error }),
  );
  try {
    const first = await Promise.race([running, limit]);
    if (first === 'timeout') {
      controller.abort();
      await ctx.workspace.close();
      return { outcome: { exitReason: 'wall_timeout' }, error: null, sandboxFailed: false };
    }
    if ('error' in first) {
      const sandboxFailed = first.error instanceof SandboxError;
      return { outcome: { exitReason: 'model_error' }, error: `agent failed: ${errorText(first.error)}`, sandboxFailed };
    }
    return { outcome: first.outcome, error: null, sandboxFailed: false };
  } finally {
    clearTimeout(timer);
    await ctx.workspace.close();
  }
};
