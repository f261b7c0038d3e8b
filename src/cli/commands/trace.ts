import { renderTrajectory } from '../../agent/trace-text.js';
import { findTrace, loadTrajectory } from '../../app/traces.js';
import { TackError, UsageError } from '../../app/errors.js';
import { CassetteError, readCassette } from '../../agent/cassette.js';
import { printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface TraceArgs extends GlobalArgs {
  first: string;
  id?: string;
  json: boolean;
  full: boolean;
}

/**
 * `tack trace ID` (readable, step by step), `tack trace export ID` (the ATIF v1.4 JSON) and
 * `tack trace cassette ID` (every recorded model request and response of the attempt, as one JSON
 * document that `tack replay --execute --cassette ID=FILE` can replay instead).
 */
export const traceCommand: Command = () => ({
  command: 'trace <first> [id]',
  describe: 'one attempt step by step (tack trace ID), its ATIF v1.4 JSON (tack trace export ID), or its recorded model responses (tack trace cassette ID)',
  builder: (y) =>
    y
      .positional('first', { type: 'string', demandOption: true, describe: 'a trace id (or prefix), or "export" / "cassette"' })
      .positional('id', { type: 'string' })
      .option('full', { type: 'boolean', default: false, describe: 'show tool outputs whole' })
      .option('json', { type: 'boolean', default: false }),
  handler: async (x) => {
    const args = x as unknown as TraceArgs;
    const sub = args.first === 'export' || args.first === 'cassette' ? args.first : null;
    const exporting = sub === 'export';
    const id = sub ? args.id : args.first;
    if (!id) throw new UsageError(`name a trace: tack trace ${sub ?? 'export'} ID`);
    if (!sub && args.id) throw new UsageError(`unexpected argument ${args.id}`);
    await withStore(args, async (store) => {
      const { branch, event } = await findTrace(store, id);
      if (sub === 'cassette') {
        if (!event.data.cassetteBlob) throw new TackError(`trace ${event.data.traceId} has no cassette (it was run without recording)`);
        try {
          stdio.out(JSON.stringify(await readCassette(store.blobs, event.data.traceId, event.data.cassetteBlob), null, 2));
        } catch (e) {
          if (e instanceof CassetteError) throw new TackError(e.message);
          throw e;
        }
        return;
      }
      const t = await loadTrajectory(store, event.data.traceBlob);
      if (exporting) {
        stdio.out(JSON.stringify(t, null, 2));
        return;
      }
      if (args.json) {
        printJson(stdio, { branch, trace: event.data, trajectory: t });
        return;
      }
      const d = event.data;
      stdio.out(
        [
          `trace ${d.traceId} on ${branch}: task ${d.taskId} (${d.split}, attempt ${d.attempt}, seed ${d.seed})`,
          `model ${d.model.id}, harness ${d.harnessHash.slice(0, 12)}; ${d.outcome.passed ? 'passed' : 'failed'} (reward ${d.outcome.reward}, ${d.outcome.exitReason})`,
          d.outcome.verifierExcerpt ? `verifier: ${d.outcome.verifierExcerpt.split('\n').slice(-3).join(' | ')}` : '',
          '',
          renderTrajectory(t, { outputLines: args.full ? 0 : 12 }),
        ]
          .filter((l, i) => i !== 2 || l)
          .join('\n'),
      );
    });
  },
});
