import { renderSystemPrompt } from '../../domain/harness.js';
import { loadRef } from '../../app/history.js';
import { printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import { renderShow } from '../render.js';
import type { Command } from './types.js';

interface ShowArgs extends GlobalArgs {
  ref: string;
  json: boolean;
}

export const showCommand: Command = () => ({
  command: 'show [ref]',
  describe: 'the harness at REF (branch, branch@version or tag): system prompt, policies, tools, limits',
  builder: (y) => y.positional('ref', { type: 'string', default: 'main' }).option('json', { type: 'boolean', default: false }),
  handler: async (a) => {
    const args = a as unknown as ShowArgs;
    await withStore(args, async (store) => {
      const { state } = await loadRef(store.events, args.ref);
      if (args.json)
        printJson(stdio, {
          branch: state.branch,
          version: state.version,
          harnessHash: state.harnessHash,
          model: state.model,
          harness: state.harness,
          systemPrompt: renderSystemPrompt(state.harness),
        });
      else stdio.out(renderShow(state, state.version));
    });
  },
});
