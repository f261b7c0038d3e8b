import { listBranches, loadBranch } from '../../app/history.js';
import { printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface BranchesArgs extends GlobalArgs {
  json: boolean;
}

export const branchesCommand: Command = () => ({
  command: 'branches',
  describe: 'list branches with their model, head version and parent',
  builder: (y) => y.option('json', { type: 'boolean', default: false }),
  handler: async (x) => {
    const args = x as unknown as BranchesArgs;
    await withStore(args, async (store) => {
      const rows = [];
      for (const b of await listBranches(store.events)) {
        const { state } = await loadBranch(store.events, b);
        rows.push({
          branch: b,
          model: state.model.id,
          version: state.version,
          harnessHash: state.harnessHash,
          parent: state.parent,
          tags: Object.fromEntries(state.tags),
        });
      }
      if (args.json) printJson(stdio, { branches: rows });
      else if (rows.length === 0) stdio.out('(no branches)');
      else
        stdio.out(
          rows
            .map((r) => `${r.branch.padEnd(16)} v${String(r.version).padEnd(4)} ${r.model.padEnd(24)} ${r.parent ? `from ${r.parent.branch}@${r.parent.version}` : ''}`.trimEnd())
            .join('\n'),
        );
    });
  },
});
