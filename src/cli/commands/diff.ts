import { diffHarness } from '../../domain/audit.js';
import { loadRef } from '../../app/history.js';
import { printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import { renderDiff } from '../render.js';
import type { Command } from './types.js';

interface DiffArgs extends GlobalArgs {
  a: string;
  b: string;
  json: boolean;
}

export const diffCommand: Command = () => ({
  command: 'diff <a> <b>',
  describe: 'what differs between two harness versions (rules, policies, tools, limits)',
  builder: (y) =>
    y
      .positional('a', { type: 'string', demandOption: true })
      .positional('b', { type: 'string', demandOption: true })
      .option('json', { type: 'boolean', default: false }),
  handler: async (x) => {
    const args = x as unknown as DiffArgs;
    await withStore(args, async (store) => {
      const a = (await loadRef(store.events, args.a)).state;
      const b = (await loadRef(store.events, args.b)).state;
      const d = diffHarness(a.harness, b.harness);
      const label = (s: typeof a) => `${s.branch}@${s.version}`;
      if (args.json) printJson(stdio, { a: label(a), b: label(b), diff: d });
      else stdio.out(renderDiff(label(a), label(b), d));
    });
  },
});
