import { describeEdit } from '../../domain/edits.js';
import { revert } from '../../domain/decide.js';
import { appendDecision, checkBranchName, decided, loadBranch } from '../../app/history.js';
import { UsageError } from '../../app/errors.js';
import { commandContext, printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface RevertArgs extends GlobalArgs {
  proposal: string;
  why: string;
  branch: string;
  json: boolean;
}

export const revertCommand: Command = () => ({
  command: 'revert <proposal>',
  describe: 'roll a committed edit back (a new version; history is never rewritten)',
  builder: (y) =>
    y
      .positional('proposal', { type: 'string', demandOption: true, describe: 'proposal id (E..), see tack log' })
      .option('why', { type: 'string', demandOption: true })
      .option('branch', { type: 'string', default: 'main' })
      .option('json', { type: 'boolean', default: false }),
  handler: async (x) => {
    const args = x as unknown as RevertArgs;
    checkBranchName(args.branch);
    if (!args.why.trim()) throw new UsageError('--why must not be empty');
    await withStore(args, async (store) => {
      const loaded = await loadBranch(store.events, args.branch);
      const drafts = decided(revert(loaded.state, args.proposal, args.why));
      await appendDecision(store, args.branch, loaded.ownHead, drafts, commandContext());
      const p = loaded.state.proposals.get(args.proposal)!;
      const version = loaded.state.version + 1;
      if (args.json) printJson(stdio, { branch: args.branch, version, reverted: args.proposal });
      else stdio.out(`${args.branch} version ${version}: reverted ${args.proposal} (${describeEdit(p.edit)})`);
    });
  },
});
