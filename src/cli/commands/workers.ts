import { UsageError } from '../../app/errors.js';
import { printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import { requireSharedStore, workQueueOf } from '../work-options.js';
import type { Command } from './types.js';

interface WorkersArgs extends GlobalArgs {
  parked: number;
  json: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const workersCommand: Command = () => ({
  command: 'workers',
  describe: 'show the workers connected to the store, the jobs in flight and the parked jobs with their reasons',
  builder: (y) =>
    y
      .option('parked', { type: 'number', default: 20, describe: 'list the latest N parked jobs' })
      .option('json', { type: 'boolean', default: false }),
  handler: async (a) => {
    const args = a as unknown as WorkersArgs;
    requireSharedStore(args.store, 'tack workers');
    if (!(Number.isInteger(args.parked) && args.parked >= 0)) throw new UsageError('--parked must be a non-negative integer');
    await withStore(args, async (store) => {
      const work = workQueueOf(store, 'tack workers');
      const info = await work.info();
      if (!info) {
        if (args.json) printJson(stdio, { location: work.location, group: null, workers: [], inFlight: 0, parked: 0, parkedJobs: [] });
        else stdio.out(`no worker group on ${work.location} yet: the first tack worker or tack evolve --workers creates it`);
        return;
      }
      const parkedJobs = args.parked > 0 ? (await work.parked(-1)).jobs.slice(-args.parked) : [];
      const rows = parkedJobs.map((p) => ({
        jobId: p.jobId,
        attemptId: p.job?.attemptId ?? null,
        branch: p.job?.branch ?? null,
        taskId: p.job?.task.id ?? null,
        attempt: p.job?.attempt ?? null,
        iteration: p.job?.iteration ?? null,
        candidate: p.job?.candidate ?? null,
        reason: p.reason,
        at: p.at,
      }));
      if (args.json) {
        printJson(stdio, { location: work.location, stream: info.stream, group: info.group, settings: info.settings, workers: info.workers, inFlight: info.inFlight, parked: info.parked, parkedJobs: rows });
        return;
      }
      const w = Math.max(6, ...info.workers.map((x) => x.name.length));
      const f = Math.max(4, ...info.workers.map((x) => x.from.length));
      stdio.out(
        [
          `worker group ${info.group} on ${info.stream} at ${work.location} (${info.settings.strategy}; job timeout ${info.settings.jobTimeoutMs / 1000} s; ${info.settings.maxRetries} ${info.settings.maxRetries === 1 ? 'retry' : 'retries'})`,
          `${plural(info.workers.length, 'worker')} connected, ${plural(info.inFlight, 'job')} in flight, ${info.parked} parked`,
          ...(info.workers.length > 0
            ? ['', `${'worker'.padEnd(w)}  ${'from'.padEnd(f)}  in flight  jobs taken`, ...info.workers.map((x) => `${x.name.padEnd(w)}  ${x.from.padEnd(f)}  ${String(x.inFlight).padStart(9)}  ${String(x.jobsTaken).padStart(10)}`)]
            : []),
          ...(rows.length > 0
            ? [
                '',
                `parked jobs (latest ${rows.length}):`,
                ...rows.map((r) =>
                  r.attemptId
                    ? `  ${r.attemptId} (${r.taskId} #${r.attempt}, branch ${r.branch}${r.iteration !== null ? `, iteration ${r.iteration}` : ''}${r.candidate ? `, candidate ${r.candidate}` : ''}) at ${r.at}: ${r.reason}`
                    : `  job ${r.jobId} at ${r.at}: ${r.reason}`,
                ),
              ]
            : []),
        ].join('\n'),
      );
    });
  },
});
