import { resolve } from 'node:path';
import { loadSuite, type Task } from '../../tasks/index.js';
import { checkBranchName, loadRef } from '../../app/history.js';
import { runSuite, type AgentChoice, type Observation } from '../../app/run-suite.js';
import { TackError, UsageError } from '../../app/errors.js';
import { modelFromArgs, modelOptions, type ModelArgs } from '../model-options.js';
import { commandContext, printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import { progressLine } from '../progress.js';
import { replayRun } from '../../app/replay-run.js';
import type { Command } from './types.js';

interface RunArgs extends GlobalArgs, ModelArgs {
  branch: string;
  suite: string;
  split: 'opt' | 'gate' | 'test' | 'all';
  attempts: number;
  agent?: 'oracle' | 'null';
  concurrency: number;
  json: boolean;
  record: boolean;
  replay?: string;
  unsafeNoSandbox: boolean;
  task?: string[];
}

export interface TaskRow {
  readonly taskId: string;
  readonly split: string;
  readonly attempts: number;
  readonly passes: number;
  readonly steps: number;
  readonly tokens: number;
  readonly exitReasons: Record<string, number>;
  readonly traceIds: string[];
}

/** Per-task rows of a run, in suite order. */
export const taskRows = (observations: readonly Observation[]): TaskRow[] => {
  const rows = new Map<string, TaskRow & { exitReasons: Record<string, number>; traceIds: string[] }>();
  for (const o of observations) {
    const row = rows.get(o.taskId) ?? { taskId: o.taskId, split: o.split, attempts: 0, passes: 0, steps: 0, tokens: 0, exitReasons: {}, traceIds: [] };
    rows.set(o.taskId, {
      ...row,
      attempts: row.attempts + 1,
      passes: row.passes + (o.passed ? 1 : 0),
      steps: row.steps + o.steps,
      tokens: row.tokens + o.tokens,
      exitReasons: { ...row.exitReasons, [o.exitReason]: (row.exitReasons[o.exitReason] ?? 0) + 1 },
      traceIds: o.event ? [...row.traceIds, o.traceId] : row.traceIds,
    });
  }
  return [...rows.values()];
};

export const renderRunTable = (rows: readonly TaskRow[]): string => {
  const w = Math.max(4, ...rows.map((r) => r.taskId.length));
  const head = `${'task'.padEnd(w)}  split  pass   steps  tokens    exit reasons`;
  const lines = rows.map(
    (r) =>
      `${r.taskId.padEnd(w)}  ${r.split.padEnd(5)}  ${`${r.passes}/${r.attempts}`.padEnd(5)}  ${String(r.steps).padStart(5)}  ${String(r.tokens).padStart(8)}  ${Object.entries(r.exitReasons)
        .map(([k, v]) => `${k}×${v}`)
        .join(' ')}`,
  );
  const p = rows.reduce((a, r) => a + r.passes, 0);
  const n = rows.reduce((a, r) => a + r.attempts, 0);
  return [head, ...lines, '', `passed ${p}/${n} attempts (${n ? ((100 * p) / n).toFixed(1) : '0.0'}%) on ${rows.length} tasks`].join('\n');
};

export const selectTasks = (suiteDir: string, split: RunArgs["split"], only?: string[]): { tasks: readonly Task[]; suiteHash: string } => {
  const suite = loadSuite(resolve(suiteDir));
  let tasks = split === 'all' ? suite.tasks : suite.tasks.filter((t) => t.split === split);
  if (only && only.length) {
    const unknown = only.filter((id) => !suite.tasks.some((t) => t.id === id));
    if (unknown.length) throw new TackError(`no task ${unknown.join(', ')} in ${suite.dir}`);
    tasks = tasks.filter((t) => only.includes(t.id));
  }
  if (tasks.length === 0) throw new TackError(`no ${split === 'all' ? '' : split + ' '}tasks in ${suite.dir}`);
  return { tasks, suiteHash: suite.hash };
};

export const runCommand: Command = (setExit) => ({
  command: 'run',
  describe: "run a suite's tasks with a branch's harness and model (or a reference agent); records a trace per attempt",
  builder: (y) =>
    modelOptions(y)
      .option('branch', { type: 'string', default: 'main', describe: 'REF whose harness runs (branch, branch@version or tag)' })
      .option('suite', { type: 'string', demandOption: true, describe: 'suite folder (Terminal-Bench 2 layout)' })
      .option('split', { choices: ['opt', 'gate', 'test', 'all'] as const, default: 'all' as const })
      .option('task', { type: 'string', array: true, describe: 'only these task ids' })
      .option('attempts', { type: 'number', default: 1 })
      .option('agent', { choices: ['oracle', 'null'] as const, describe: 'a reference agent instead of the model: oracle runs solution/solve.sh, null does nothing' })
      .option('concurrency', { type: 'number', default: 4, describe: 'attempts at once (sandbox setup is I/O-bound: above the core count helps)' })
      .option('record', { type: 'boolean', default: false, describe: 'record every model response as a cassette (prints the run id)' })
      .option('replay', { type: 'string', describe: 'RUN_ID: re-run a recorded run from its cassettes alone and compare every attempt' })
      .option('unsafe-no-sandbox', { type: 'boolean', default: false, describe: 'run tasks without bubblewrap (no isolation; warns on every run)' })
      .option('json', { type: 'boolean', default: false }),
  handler: async (a) => {
    const args = a as unknown as RunArgs;
    if (!Number.isInteger(args.attempts) || args.attempts < 1) throw new UsageError('--attempts must be a positive integer');
    if (!Number.isInteger(args.concurrency) || args.concurrency < 1) throw new UsageError('--concurrency must be a positive integer');
    const { tasks } = selectTasks(args.suite, args.split, args.task);
    if (args.replay) {
      await withStore(args, async (store) => {
        const target = await loadRef(store.events, args.branch);
        const r = await replayRun(store, target.state.branch, args.replay!, (ids) => tasks.filter((t) => ids.includes(t.id)), { unsafeNoSandbox: args.unsafeNoSandbox }, commandContext(), args.concurrency);
        if (args.json) printJson(stdio, r);
        else if (r.firstDifference) {
          const d = r.firstDifference;
          stdio.out(`replay of ${args.replay} diverged at ${d.traceId} (${d.taskId} #${d.attempt}): ${d.field} was ${JSON.stringify(d.recorded)}, now ${JSON.stringify(d.replayed)}`);
        } else stdio.out(`replay of ${args.replay}: all ${r.attempts} attempts observed exactly as recorded`);
        if (r.firstDifference) setExit(1);
      });
      return;
    }
    await withStore(args, async (store) => {
      const loaded = await loadRef(store.events, args.branch);
      checkBranchName(loaded.state.branch);
      const model = args.model ? modelFromArgs(args) : loaded.state.model;
      const agent: AgentChoice = args.agent ?? 'llm';
      const ctx = { ...commandContext(), actor: 'tack:run' };
      const total = tasks.length * args.attempts;
      const progress = progressLine(total, agent === 'llm' ? `${model.id} on ${loaded.state.branch}@${loaded.state.version}` : `${agent} agent`);
      const records = await runSuite({
        store,
        branch: loaded.state.branch,
        harness: loaded.state.harness,
        harnessHash: loaded.state.harnessHash,
        model,
        tasks,
        attempts: args.attempts,
        concurrency: args.concurrency,
        agent,
        sandbox: { unsafeNoSandbox: args.unsafeNoSandbox },
        cassettes: args.record ? { kind: 'record' } : { kind: 'live' },
        stampContext: ctx,
        attemptKey: ctx.correlationId,
        record: true,
        onProgress: progress.update,
      });
      progress.done();
      const rows = taskRows(records);
      const passes = rows.reduce((s, r) => s + r.passes, 0);
      const attempts = rows.reduce((s, r) => s + r.attempts, 0);
      if (args.json)
        printJson(stdio, {
          branch: loaded.state.branch,
          version: loaded.state.version,
          harnessHash: loaded.state.harnessHash,
          model: model.id,
          agent,
          runId: ctx.correlationId,
          tasks: rows,
          totals: { attempts, passes, passRate: attempts ? passes / attempts : 0 },
        });
      else stdio.out(renderRunTable(rows) + (args.record ? `\nrun ${ctx.correlationId} recorded (replay: tack run --replay ${ctx.correlationId} --suite ...)` : ''));
      // Like promptfoo: a run where some attempt failed exits 100, so CI can gate on it.
      if (passes < attempts) setExit(100);
    });
  },
});
