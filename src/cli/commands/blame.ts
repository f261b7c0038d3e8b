import { blame } from '../../domain/audit.js';
import { loadRef } from '../../app/history.js';
import { printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import { renderBlame } from '../render.js';
import type { Command } from './types.js';

interface BlameArgs extends GlobalArgs {
  ref: string;
  json: boolean;
}

export const blameCommand: Command = () => ({
  command: 'blame [ref]',
  describe: 'every rule and policy with the version and proposal that introduced or last changed it',
  builder: (y) => y.positional('ref', { type: 'string', default: 'main' }).option('json', { type: 'boolean', default: false }),
  handler: async (x) => {
    const args = x as unknown as BlameArgs;
    await withStore(args, async (store) => {
      const { state } = await loadRef(store.events, args.ref);
      const lines = blame(state);
      if (args.json) printJson(stdio, { branch: state.branch, version: state.version, elements: lines });
      else stdio.out(renderBlame(lines));
    });
  },
});
