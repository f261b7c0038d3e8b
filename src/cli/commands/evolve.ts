import { resolve } from 'node:path';
import { loadSuite } from '../../tasks/index.js';
import { checkBranchName, loadBranch } from '../../app/history.js';
import { UsageError } from '../../app/errors.js';
import { evolve, type Progress } from '../../improve/evolve.js';
import { commandContext, printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import { modelFromArgs } from '../model-options.js';
import { queuedAttempts } from '../../app/queued-attempts.js';
import { requireSharedStore, workOptions, workQueueOf, workSettings, type WorkArgs } from '../work-options.js';
import type { Command } from './types.js';

interface EvolveArgs extends GlobalArgs, WorkArgs {
  branch: string;
  suite: string;
  iterations: number;
  attempts: number;
  testAttempts: number;
  candidates: number;
  concurrency: number;
  maxTokens?: number;
  maxModelCalls?: number;
  proposer: 'model' | 'random';
  proposerModel?: string;
  proposerBaseUrl?: string;
  record: boolean;
  unsafeNoSandbox: boolean;
  workers: boolean;
  json: boolean;
}

const positive = (name: string, v: number | undefined) => {
  if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new UsageError(`--${name} must be a positive integer`);
};

/** A progress line on a terminal: phase, runs done and total, ETA, tokens. */
const progressPrinter = () => {
  const tty = process.stderr.isTTY === true;
  let phase = '';
  let phaseStart = Date.now();
  return (p: Progress) => {
    if (p.phase !== phase) {
      if (tty) process.stderr.write('\r\x1b[K');
      process.stderr.write(`iteration ${p.iteration}: ${p.phase}\n`);
      phase = p.phase;
      phaseStart = Date.now();
    }
    if (!tty || p.total === 0) return;
    const eta = p.done > 0 ? Math.round(((Date.now() - phaseStart) / 1000 / p.done) * (p.total - p.done)) : 0;
    process.stderr.write(`\r\x1b[K  ${p.done}/${p.total} runs, ETA ${eta}s, ${p.tokens} tokens so far`);
  };
};

export const evolveCommand: Command = () => ({
  command: 'evolve',
  describe: 'improve a branch\'s harness: run, mine weaknesses from failed traces, propose typed edits, keep those that pass the regression gate',
  builder: (y) =>
    workOptions(
      y
        .option('branch', { type: 'string', default: 'main' })
        .option('suite', { type: 'string', default: 'suites/core', describe: 'suite folder with opt/gate/test splits' })
        .option('iterations', { type: 'number', default: 3, describe: 'stop after N iterations (also stops after two without an accepted edit)' })
        .option('attempts', { type: 'number', default: 2, describe: 'attempts per task on the opt and gate splits' })
        .option('test-attempts', { type: 'number', default: 3, describe: 'attempts per task when scoring the test split (never used to decide)' })
        .option('candidates', { type: 'number', default: 4, describe: 'edits proposed per iteration, at most' })
        .option('concurrency', { type: 'number', default: 4, describe: 'attempts at once (sandbox setup is I/O-bound: above the core count helps)' })
        .option('max-tokens', { type: 'number', describe: 'stop when this many tokens are spent' })
        .option('max-model-calls', { type: 'number', describe: 'stop when this many model calls are made' })
        .option('proposer', { choices: ['model', 'random'] as const, default: 'model' as const, describe: 'random = the ablation: random catalog edits at the same budget' })
        .option('proposer-model', { type: 'string', describe: 'model that mines and proposes (default: the branch\'s own)' })
        .option('proposer-base-url', { type: 'string' })
        .option('record', { type: 'boolean', default: true, describe: 'record every model response as a cassette (--no-record to skip)' })
        .option('unsafe-no-sandbox', { type: 'boolean', default: false })
        .option('workers', {
          type: 'boolean',
          default: false,
          describe: 'queue the attempts as jobs for tack worker processes and wait for their traces, instead of running them here (EventStoreDB store only)',
        })
        .option('json', { type: 'boolean', default: false }),
    ),
  handler: async (a) => {
    const args = a as unknown as EvolveArgs;
    checkBranchName(args.branch);
    for (const k of ['iterations', 'attempts', 'testAttempts', 'candidates', 'concurrency', 'maxTokens', 'maxModelCalls'] as const) positive(k, args[k]);
    if (args.workers) requireSharedStore(args.store, 'tack evolve --workers');
    const settings = workSettings(args);
    const suite = loadSuite(resolve(args.suite));
    await withStore(args, async (store) => {
      await loadBranch(store.events, args.branch);
      const work = args.workers ? workQueueOf(store, 'tack evolve --workers') : null;
      const report = await evolve({
        store,
        branch: args.branch,
        suite,
        iterations: args.iterations,
        attempts: args.attempts,
        testAttempts: args.testAttempts,
        candidates: args.candidates,
        concurrency: args.concurrency,
        maxTokens: args.maxTokens,
        maxModelCalls: args.maxModelCalls,
        proposer: args.proposer,
        proposerModel: args.proposerModel ? modelFromArgs({ model: args.proposerModel, baseUrl: args.proposerBaseUrl }) : undefined,
        sandbox: { unsafeNoSandbox: args.unsafeNoSandbox },
        record: args.record,
        stampContext: commandContext('tack:evolve'),
        progress: args.json ? undefined : progressPrinter(),
        ...(work ? { remote: (onProgress: (done: number, total: number) => void) => queuedAttempts(work, { settings, onProgress, onNote: (line) => stdio.err(line) }) } : {}),
      });
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      if (args.json) printJson(stdio, report);
      else
        stdio.out(
          [
            ...report.iterations.map((it) => `iteration ${it.iteration}: ${it.reason}; accepted ${it.accepted.join(', ') || 'none'}; rejected ${it.rejected.join(', ') || 'none'}`),
            `stopped: ${report.stoppedBecause}`,
            `work: ${report.taskRuns} task runs, ${report.modelCalls} model calls, ${report.tokens} tokens`,
          ].join('\n'),
        );
    });
  },
});
