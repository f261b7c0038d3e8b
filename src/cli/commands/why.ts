import { why } from '../../domain/audit.js';
import { checkBranchName, listBranches, loadBranch, type Loaded } from '../../app/history.js';
import { TackError } from '../../app/errors.js';
import { printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import { renderWhy } from '../render.js';
import type { Command } from './types.js';

interface WhyArgs extends GlobalArgs {
  id: string;
  branch?: string;
  json: boolean;
}

export const whyCommand: Command = () => ({
  command: 'why <id>',
  describe: 'why a rule or policy exists: edit, author, reason, validation, weakness, failed traces',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true, describe: 'rule (R..), policy (P..), tools.X.Y or limits.X' })
      .option('branch', { type: 'string', describe: 'branch to look in (default: the branch that last changed it)' })
      .option('json', { type: 'boolean', default: false }),
  handler: async (x) => {
    const args = x as unknown as WhyArgs;
    await withStore(args, async (store) => {
      let found: Loaded | undefined;
      if (args.branch) {
        checkBranchName(args.branch);
        found = await loadBranch(store.events, args.branch);
        if (!found.state.provenance.has(args.id)) throw new TackError(`${args.id} has no history on branch ${args.branch}`);
      } else {
        const candidates: Loaded[] = [];
        for (const b of await listBranches(store.events)) {
          const l = await loadBranch(store.events, b);
          if (l.state.provenance.has(args.id)) candidates.push(l);
        }
        if (candidates.length === 0) throw new TackError(`no rule, policy or setting "${args.id}" in any branch`);
        // Prefer the branch where the element was last changed: that is where its story ends.
        found =
          candidates.find((l) => {
            const h = l.state.provenance.get(args.id)!.history;
            return h[h.length - 1].branch === l.state.branch;
          }) ?? candidates[0];
      }
      const answer = why(found.state, found.lineage, args.id)!;
      if (args.json) printJson(stdio, answer);
      else stdio.out(renderWhy(answer));
    });
  },
});
