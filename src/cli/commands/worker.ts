import { hostname } from 'node:os';
import { UsageError } from '../../app/errors.js';
import { startWorker } from '../../app/worker.js';
import { UNSAFE_WARNING } from '../../tasks/index.js';
import { stdio, withStore, type GlobalArgs } from '../context.js';
import { requireSharedStore, workOptions, workQueueOf, workSettings, type WorkArgs } from '../work-options.js';
import type { Command } from './types.js';

interface WorkerArgs extends GlobalArgs, WorkArgs {
  name?: string;
  concurrency: number;
  suite?: string[];
  unsafeNoSandbox: boolean;
}

export const workerCommand: Command = () => ({
  command: 'worker',
  describe: 'run attempt jobs queued by tack evolve --workers, until stopped (EventStoreDB store only)',
  builder: (y) =>
    workOptions(
      y
        .option('name', { type: 'string', describe: 'how tack workers lists this worker (default: host-pid)' })
        .option('concurrency', { type: 'number', default: 1, describe: 'jobs at once' })
        .option('suite', { type: 'string', array: true, describe: 'more suite folders to find tasks in, when this checkout is not where the jobs were queued' })
        .option('unsafe-no-sandbox', { type: 'boolean', default: false, describe: 'run jobs that ask for it without bubblewrap (others still run sandboxed)' }),
    ),
  handler: async (a) => {
    const args = a as unknown as WorkerArgs;
    requireSharedStore(args.store, 'tack worker');
    if (!(Number.isInteger(args.concurrency) && args.concurrency >= 1 && args.concurrency <= 64)) throw new UsageError('--concurrency must be an integer from 1 to 64');
    const name = args.name ?? `${hostname()}-${process.pid}`;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new UsageError('--name must be letters, digits, ".", "_" or "-" (at most 64)');
    const settings = workSettings(args);
    await withStore(args, async (store) => {
      const work = workQueueOf(store, 'tack worker');
      if (args.unsafeNoSandbox) stdio.err(UNSAFE_WARNING);
      const consumer = await startWorker({
        store,
        work,
        name,
        capacity: args.concurrency,
        suites: args.suite ?? [],
        allowUnsafe: args.unsafeNoSandbox,
        settings,
        log: (line) => stdio.err(line),
      });
      stdio.err(`${name}: taking jobs from ${work.location} (${args.concurrency} at a time); stop with Ctrl-C`);
      const stop = () => {
        stdio.err(`${name}: stopping; jobs not acknowledged go to other workers`);
        void consumer.stop();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await consumer.done;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
  },
});
