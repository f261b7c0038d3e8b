import { EVENT_TYPES } from '../../domain/events.js';
import { checkBranchName } from '../../app/history.js';
import { UsageError } from '../../app/errors.js';
import { branchStream } from '../../store/port.js';
import { stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface EventsArgs extends GlobalArgs {
  branch?: string;
  type?: string;
}

export const eventsCommand: Command = () => ({
  command: 'events',
  describe: "raw events as JSON lines (a branch's own stream, or every stream)",
  builder: (y) =>
    y
      .option('branch', { type: 'string', describe: 'only this branch (its own events, not inherited ones)' })
      .option('type', { type: 'string', describe: `only this event type (${EVENT_TYPES.join(', ')})` }),
  handler: async (x) => {
    const args = x as unknown as EventsArgs;
    if (args.type && !(EVENT_TYPES as string[]).includes(args.type)) throw new UsageError(`unknown event type "${args.type}"`);
    if (args.branch) checkBranchName(args.branch);
    await withStore(args, async (store) => {
      const streams = args.branch ? [branchStream(args.branch)] : await store.events.listStreams();
      const lines: string[] = [];
      for (const s of streams) {
        for (const r of await store.events.read(s)) if (!args.type || r.event.type === args.type) lines.push(JSON.stringify(r.event));
      }
      if (lines.length) stdio.out(lines.join('\n'));
    });
  },
});
