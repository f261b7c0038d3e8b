import { verifyStore } from '../../app/verify.js';
import { printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface VerifyArgs extends GlobalArgs {
  json: boolean;
}

export const verifyCommand: Command = () => ({
  command: 'verify',
  describe: 'recheck every record, hash chain, fold and blob; names the first bad record (exit 1)',
  builder: (y) => y.option('json', { type: 'boolean', default: false }),
  handler: async (x) => {
    const args = x as unknown as VerifyArgs;
    await withStore(args, async (store) => {
      const r = await verifyStore(store);
      if (args.json) printJson(stdio, { sound: true, location: store.events.location, ...r });
      else {
        stdio.out(
          `store sound: ${r.streams} streams, ${r.events} events, ${r.branches} branches, ${r.blobs} blobs (${store.events.location})` +
            (r.tornBytes ? `\nnote: ${r.tornBytes} bytes of an unacknowledged torn write at a stream's end; the next write cuts them` : ''),
        );
      }
    });
  },
});
