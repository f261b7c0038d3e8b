import { createBranch } from '../../domain/decide.js';
import { appendDecision, checkBranchName, decided, listBranches, loadRef } from '../../app/history.js';
import { TackError } from '../../app/errors.js';
import { modelFromArgs, modelOptions, type ModelArgs } from '../model-options.js';
import { commandContext, printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface BranchArgs extends GlobalArgs, ModelArgs {
  name: string;
  from: string;
  reason?: string;
  json: boolean;
}

export const branchCommand: Command = () => ({
  command: 'branch <name>',
  describe: 'fork a branch (usually one per model) from REF; it inherits the harness and its provenance',
  builder: (y) =>
    modelOptions(y)
      .positional('name', { type: 'string', demandOption: true })
      .option('from', { type: 'string', demandOption: true, describe: 'REF to fork: branch, branch@version or tag' })
      .option('reason', { type: 'string', describe: 'why the branch exists' })
      .option('json', { type: 'boolean', default: false })
      .demandOption('model'),
  handler: async (x) => {
    const args = x as unknown as BranchArgs;
    checkBranchName(args.name);
    const model = modelFromArgs(args);
    await withStore(args, async (store) => {
      if ((await listBranches(store.events)).includes(args.name)) throw new TackError(`branch ${args.name} already exists`);
      const parent = await loadRef(store.events, args.from);
      const reason = args.reason ?? `branch for model ${model.id}`;
      const drafts = decided(createBranch(args.name, parent.state, model, reason));
      await appendDecision(store, args.name, 'no_stream', drafts, commandContext());
      const p = parent.state;
      if (args.json) printJson(stdio, { branch: args.name, parent: { branch: p.branch, version: p.version }, model, harnessHash: p.harnessHash });
      else stdio.out(`created ${args.name} from ${p.branch}@${p.version} (model ${model.id})`);
    });
  },
});
