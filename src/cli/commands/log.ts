import { versionLog } from '../../domain/audit.js';
import { checkBranchName, loadBranch } from '../../app/history.js';
import { printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import { renderLog } from '../render.js';
import type { Command } from './types.js';

interface LogArgs extends GlobalArgs {
  branch: string;
  json: boolean;
}

export const logCommand: Command = () => ({
  command: 'log',
  describe: "a branch's versions, newest first, with what each merged or reverted (inherited versions included)",
  builder: (y) => y.option('branch', { type: 'string', default: 'main' }).option('json', { type: 'boolean', default: false }),
  handler: async (a) => {
    const args = a as unknown as LogArgs;
    checkBranchName(args.branch);
    await withStore(args, async (store) => {
      const { state, lineage } = await loadBranch(store.events, args.branch);
      const entries = versionLog(state, lineage);
      if (args.json) printJson(stdio, { branch: args.branch, versions: entries });
      else stdio.out(renderLog(args.branch, entries));
    });
  },
});
