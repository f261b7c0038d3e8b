import type { EventOf, Split } from '../../domain/events.js';
import { loadRef } from '../../app/history.js';
import { printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface ReportArgs extends GlobalArgs {
  ref: string;
  json: boolean;
}

interface VersionRow {
  version: number;
  harnessHash: string;
  rates: Partial<Record<Split, { passes: number; attempts: number; rate: number }>>;
  accepted: string[];
  rejected: string[];
  taskRuns: number;
  modelCalls: number;
  tokens: number;
  predictions: { fixesHit: number; fixesPredicted: number; risksHit: number; risksPredicted: number };
}

/** Per version: pass rates by split, edits decided against it, work spent, and how often predictions came true. */
export const reportCommand: Command = () => ({
  command: 'report [ref]',
  describe: 'per version: opt/gate/test pass rates, accepted and rejected edits, work spent, prediction hits',
  builder: (y) => y.positional('ref', { type: 'string', default: 'main' }).option('json', { type: 'boolean', default: false }),
  handler: async (x) => {
    const args = x as unknown as ReportArgs;
    await withStore(args, async (store) => {
      const { state, lineage } = await loadRef(store.events, args.ref);
      const rows: VersionRow[] = state.versions.map((v) => ({
        version: v.version,
        harnessHash: v.harnessHash,
        rates: {},
        accepted: [],
        rejected: [],
        taskRuns: 0,
        modelCalls: 0,
        tokens: 0,
        predictions: { fixesHit: 0, fixesPredicted: 0, risksHit: 0, risksPredicted: 0 },
      }));
      const byHash = new Map(rows.map((r) => [r.harnessHash, r]));
      const proposals = new Map<string, EventOf<'EditProposed'>>();
      for (const { event: e } of lineage) {
        if (e.type === 'TraceObserved') {
          const row = byHash.get(e.data.harnessHash);
          if (row) {
            const s = (row.rates[e.data.split] ??= { passes: 0, attempts: 0, rate: 0 });
            s.attempts++;
            if (e.data.outcome.passed) s.passes++;
            s.rate = s.passes / s.attempts;
          }
          // A candidate's runs are work spent on the version it was tried against.
          const tried = e.data.candidate ? proposals.get(e.data.candidate.split('+')[0]) : undefined;
          const spender = byHash.get(tried ? tried.data.baseHarnessHash : e.data.harnessHash) ?? rows[rows.length - 1];
          spender.taskRuns++;
          spender.modelCalls += e.data.usage.modelCalls;
          spender.tokens += e.data.usage.promptTokens + e.data.usage.completionTokens;
        } else if (e.type === 'EditProposed') proposals.set(e.data.proposalId, e);
        else if (e.type === 'EditAccepted' || e.type === 'EditRejected') {
          const p = proposals.get(e.data.proposalId);
          const row = p ? byHash.get(p.data.baseHarnessHash) : undefined;
          if (!row) continue;
          (e.type === 'EditAccepted' ? row.accepted : row.rejected).push(e.data.proposalId);
          const v = e.data.validation;
          if (v && v.kind === 'gated' && v.predictionHits) {
            row.predictions.fixesHit += v.predictionHits.fixesHit.length;
            row.predictions.fixesPredicted += v.predictionHits.fixesHit.length + v.predictionHits.fixesMissed.length;
            row.predictions.risksHit += v.predictionHits.risksHit.length;
            row.predictions.risksPredicted += v.predictionHits.risksHit.length + v.predictionHits.risksAvoided.length;
          }
        }
      }
      if (args.json) {
        printJson(stdio, { branch: state.branch, versions: rows });
        return;
      }
      const pct = (r?: { passes: number; attempts: number }) => (r ? `${((100 * r.passes) / r.attempts).toFixed(1)}% (${r.passes}/${r.attempts})` : '-');
      stdio.out(
        [
          `branch ${state.branch}`,
          ...rows.map((r) =>
            [
              `version ${r.version}  harness ${r.harnessHash.slice(0, 12)}`,
              `  opt ${pct(r.rates.opt)}  gate ${pct(r.rates.gate)}  test ${pct(r.rates.test)}`,
              `  edits tried against it: accepted ${r.accepted.join(', ') || 'none'}; rejected ${r.rejected.join(', ') || 'none'}`,
              `  work: ${r.taskRuns} task runs, ${r.modelCalls} model calls, ${r.tokens} tokens`,
              `  predictions: fixes ${r.predictions.fixesHit}/${r.predictions.fixesPredicted} came true; risks ${r.predictions.risksHit}/${r.predictions.risksPredicted} came true`,
            ].join('\n'),
          ),
        ].join('\n'),
      );
    });
  },
});
