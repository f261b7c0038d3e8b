import { resolve } from 'node:path';
import { loadSuite } from '../../tasks/index.js';
import { checkBranchName } from '../../app/history.js';
import { UsageError } from '../../app/errors.js';
import { cherryPick } from '../../improve/cherry-pick.js';
import { commandContext, printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface CherryPickArgs extends GlobalArgs {
  proposal: string;
  onto: string;
  suite: string;
  attempts: number;
  concurrency: number;
  record: boolean;
  unsafeNoSandbox: boolean;
  json: boolean;
}

export const cherryPickCommand: Command = (setExit) => ({
  command: 'cherry-pick <proposal>',
  describe: "propose an edit accepted on one branch to another; it must pass the target branch's own gate",
  builder: (y) =>
    y
      .positional('proposal', { type: 'string', demandOption: true })
      .option('onto', { type: 'string', demandOption: true, describe: 'target branch' })
      .option('suite', { type: 'string', default: 'suites/core' })
      .option('attempts', { type: 'number', default: 2 })
      .option('concurrency', { type: 'number', default: 4 })
      .option('record', { type: 'boolean', default: true })
      .option('unsafe-no-sandbox', { type: 'boolean', default: false })
      .option('json', { type: 'boolean', default: false }),
  handler: async (x) => {
    const args = x as unknown as CherryPickArgs;
    checkBranchName(args.onto);
    if (!Number.isInteger(args.attempts) || args.attempts < 1) throw new UsageError('--attempts must be a positive integer');
    const suite = loadSuite(resolve(args.suite));
    await withStore(args, async (store) => {
      const r = await cherryPick({
        store,
        proposalId: args.proposal,
        onto: args.onto,
        suite,
        attempts: args.attempts,
        concurrency: args.concurrency,
        sandbox: { unsafeNoSandbox: args.unsafeNoSandbox },
        record: args.record,
        stampContext: commandContext(),
      });
      if (args.json) printJson(stdio, r);
      else
        stdio.out(
          `${args.proposal} from ${r.from} proposed on ${args.onto} as ${r.proposalId}: ${r.verdict === 'pass' ? `accepted, version ${r.committedVersion}` : 'rejected'} (${r.reasons.join('; ')})`,
        );
      if (r.verdict !== 'pass') setExit(100);
    });
  },
});
