import { tag } from '../../domain/decide.js';
import { appendDecision, decided, listBranches, listTags, loadBranch, resolveRef } from '../../app/history.js';
import { TackError, UsageError } from '../../app/errors.js';
import { commandContext, printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface TagArgs extends GlobalArgs {
  name?: string;
  ref: string;
  json: boolean;
}

const TAG = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

export const tagCommand: Command = () => ({
  command: 'tag [name] [ref]',
  describe: 'label a version (e.g. production); without a name, list tags',
  builder: (y) =>
    y
      .positional('name', { type: 'string' })
      .positional('ref', { type: 'string', default: 'main', describe: 'branch or branch@version' })
      .option('json', { type: 'boolean', default: false }),
  handler: async (x) => {
    const args = x as unknown as TagArgs;
    await withStore(args, async (store) => {
      if (!args.name) {
        const tags = await listTags(store.events);
        if (args.json) printJson(stdio, { tags });
        else stdio.out(tags.length ? tags.map((t) => `${t.tag.padEnd(20)} ${t.branch}@${t.version}`).join('\n') : '(no tags)');
        return;
      }
      if (!TAG.test(args.name)) throw new UsageError(`invalid tag name "${args.name}": letters, digits, '.', '_', '-', starting with a letter`);
      if ((await listBranches(store.events)).includes(args.name)) throw new TackError(`"${args.name}" is a branch name; a tag cannot shadow it`);
      if ((await listTags(store.events)).some((t) => t.tag === args.name)) throw new TackError(`tag ${args.name} already exists`);
      const target = await resolveRef(store.events, args.ref);
      const loaded = await loadBranch(store.events, target.branch);
      const version = target.version ?? loaded.state.version;
      await appendDecision(store, target.branch, loaded.ownHead, decided(tag(loaded.state, args.name, version)), commandContext());
      if (args.json) printJson(stdio, { tag: args.name, branch: target.branch, version });
      else stdio.out(`tagged ${target.branch}@${version} as ${args.name}`);
    });
  },
});
