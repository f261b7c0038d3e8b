import { copyStore } from '../../store/copy.js';
import { openStore } from '../../app/open-store.js';
import { verifyStore } from '../../app/verify.js';
import { versionHashes } from '../../app/version-hashes.js';
import { TackError } from '../../app/errors.js';
import { printJson, stdio, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface CopyArgs extends GlobalArgs {
  from: string;
  to: string;
  json: boolean;
}

/**
 * `tack store copy`: move a whole history (blobs included) between stores, then prove the copy:
 * both chains verify and every version of every branch folds to the same harness hash on both sides.
 */
export const storeCommand: Command = () => ({
  command: 'store <action>',
  describe: 'manage stores: copy a whole history between a folder and EventStoreDB',
  builder: (y) =>
    y
      .command({
        command: 'copy',
        describe: 'copy every stream and blob from one store to another, then check both sides fold alike',
        builder: (c) =>
          c
            .option('from', { type: 'string', demandOption: true, describe: 'source folder or esdb:// URL' })
            .option('to', { type: 'string', demandOption: true, describe: 'target folder or esdb:// URL (an empty folder is made a store)' })
            .option('json', { type: 'boolean', default: false }),
        handler: async (a) => {
          const args = a as unknown as CopyArgs;
          const from = await openStore(args.from);
          try {
            const source = await verifyStore(from);
            const to = await openStore(args.to, { create: true });
            try {
              const summary = await copyStore(from, to);
              const target = await verifyStore(to);
              const [a1, b1] = [await versionHashes(from.events), await versionHashes(to.events)];
              for (const [ref, hash] of a1) {
                if (b1.get(ref) !== hash) throw new TackError(`copy differs at ${ref}: ${hash.slice(0, 12)} in the source, ${b1.get(ref)?.slice(0, 12) ?? 'missing'} in the target`);
              }
              if (summary.missingBlobs.length) stdio.err(`warning: ${summary.missingBlobs.length} blobs referenced by events are missing in the source`);
              if (args.json) printJson(stdio, { ...summary, versionsChecked: a1.size, source, target });
              else
                stdio.out(
                  `copied ${summary.eventsCopied} events in ${summary.streams.length} streams and ${summary.blobsCopied} blobs ` +
                    `(${summary.blobsAlreadyThere} already there) from ${summary.from} to ${summary.to}\n` +
                    `checked: both stores verify; ${a1.size} versions fold to the same harness hashes`,
                );
            } finally {
              await to.close();
            }
          } finally {
            await from.close();
          }
        },
      })
      .demandCommand(1, 'name an action: copy'),
  handler: () => {},
});
