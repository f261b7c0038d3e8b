import { checkBranchName } from '../../app/history.js';
import { branchTraces } from '../../app/traces.js';
import { printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface TracesArgs extends GlobalArgs {
  branch: string;
  failed: boolean;
  json: boolean;
}

export const tracesCommand: Command = () => ({
  command: 'traces',
  describe: "a branch's recorded attempts: task, split, outcome, steps, tokens",
  builder: (y) =>
    y
      .option('branch', { type: 'string', default: 'main' })
      .option('failed', { type: 'boolean', default: false, describe: 'only failed attempts' })
      .option('json', { type: 'boolean', default: false }),
  handler: async (x) => {
    const args = x as unknown as TracesArgs;
    checkBranchName(args.branch);
    await withStore(args, async (store) => {
      const all = await branchTraces(store, args.branch);
      const shown = args.failed ? all.filter((e) => !e.data.outcome.passed) : all;
      if (args.json) {
        printJson(stdio, { branch: args.branch, traces: shown.map((e) => ({ ...e.data, at: e.metadata.at })) });
        return;
      }
      if (shown.length === 0) {
        stdio.out(`(no ${args.failed ? 'failed ' : ''}traces on ${args.branch})`);
        return;
      }
      const w = Math.max(...shown.map((e) => e.data.taskId.length));
      stdio.out(
        shown
          .map((e) => {
            const d = e.data;
            return `${d.traceId.slice(0, 14)}  ${d.taskId.padEnd(w)}  ${d.split.padEnd(5)} #${d.attempt}  ${d.outcome.passed ? 'pass' : 'FAIL'}  ${d.outcome.exitReason.padEnd(12)} ${String(d.steps).padStart(3)} steps  ${d.usage.promptTokens + d.usage.completionTokens} tokens  ${d.model.id}`;
          })
          .join('\n'),
      );
    });
  },
});
