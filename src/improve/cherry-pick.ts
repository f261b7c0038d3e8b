import * as E from 'fp-ts/lib/Either.js';
import type { Edit } from '../domain/edits.js';
import { applyEdit } from '../domain/edits.js';
import { harnessHash, type Harness, type Policy } from '../domain/harness.js';
import { accept, commit, propose, reject } from '../domain/decide.js';
import type { EventOf, ValidationRecord } from '../domain/events.js';
import type { Suite, SandboxOptions } from '../tasks/index.js';
import { branchStream, type Store } from '../store/port.js';
import { stamp } from '../app/envelope.js';
import { appendDecision, decided, listBranches, loadBranch, mintIds } from '../app/history.js';
import { evaluateOnBranch } from '../app/evaluate.js';
import type { StampContext } from '../app/envelope.js';
import { TackError } from '../app/errors.js';
import { gate, tallies } from './gate.js';

/**
 * Propose an edit accepted on one branch to another. It goes through the target branch's own gate
 * (its model, its harness, its runs), and the audit keeps where it came from.
 */
export interface CherryPickOptions {
  readonly store: Store;
  readonly proposalId: string;
  readonly onto: string;
  readonly suite: Suite;
  readonly attempts: number;
  readonly concurrency: number;
  readonly sandbox: SandboxOptions;
  readonly record: boolean;
  readonly stampContext: StampContext;
}

export interface CherryPickResult {
  readonly from: string;
  readonly proposalId: string;
  readonly verdict: 'pass' | 'fail';
  readonly reasons: readonly string[];
  readonly committedVersion: number | null;
}

export const cherryPick = async (o: CherryPickOptions): Promise<CherryPickResult> => {
  const ctx = { ...o.stampContext, actor: 'tack:cherry-pick' };
  let from: string | null = null;
  let source: { edit: Edit; rationale: string } | null = null;
  for (const b of await listBranches(o.store.events)) {
    if (b === o.onto) continue;
    const l = await loadBranch(o.store.events, b);
    const p = l.state.proposals.get(o.proposalId);
    if (p && p.branch === b && p.status === 'committed') {
      const ev = l.lineage.find((e) => e.event.type === 'EditProposed' && e.event.data.proposalId === o.proposalId)?.event as EventOf<'EditProposed'> | undefined;
      from = b;
      source = { edit: p.edit, rationale: ev?.data.rationale ?? '' };
      break;
    }
  }
  if (!from || !source) throw new TackError(`no committed proposal ${o.proposalId} on a branch other than ${o.onto}`);
  const target = await loadBranch(o.store.events, o.onto);
  const h = target.state.harness;
  // Ids are never shared between branches: a new rule or policy gets an id of its own.
  let edit = source.edit;
  if (edit.op === 'AddRule') edit = { ...edit, rule: { ...edit.rule, id: (await mintIds(o.store.events, 'rule', 1, ctx))[0] } };
  if (edit.op === 'SetPolicy') {
    const existing = h.policies.find((p) => p.kind === (edit as { policy: Policy }).policy.kind);
    edit = { ...edit, policy: { ...edit.policy, id: existing ? existing.id : (await mintIds(o.store.events, 'policy', 1, ctx))[0] } as Policy };
  }
  const candidate = applyEdit(h, edit);
  if (E.isLeft(candidate)) throw new TackError(`${o.proposalId} does not apply to ${o.onto}: ${candidate.left.message}`);
  const [proposalId] = await mintIds(o.store.events, 'proposal', 1, ctx);
  await appendDecision(
    o.store,
    o.onto,
    target.ownHead,
    decided(
      propose(target.state, {
        proposalId,
        edit,
        rationale: `cherry-picked from ${from}: ${source.rationale}`,
        source: 'cherry-pick',
        extra: { origin: { branch: from, proposalId: o.proposalId } },
      }),
    ),
    ctx,
  );
  const splits = o.suite.tasks.filter((t) => t.split === 'opt' || t.split === 'gate');
  const run = async (harness: Harness, label: string, candidateId?: string) => {
    const obs = await evaluateOnBranch({
      store: o.store,
      branch: o.onto,
      harness,
      harnessHash: harnessHash(harness),
      model: target.state.model,
      tasks: splits,
      attempts: o.attempts,
      concurrency: o.concurrency,
      sandbox: o.sandbox,
      cassettes: o.record ? { kind: 'record' } : { kind: 'live' },
      stampContext: ctx,
      ...(candidateId ? { candidate: candidateId } : {}),
    });
    // The evidence of the decision, so tack replay can gate it again.
    await o.store.events.append(
      branchStream(o.onto),
      stamp([{ type: 'EvaluationRecorded', data: { iteration: 0, label, harnessHash: harnessHash(harness), traceIds: obs.map((x) => x.traceId), ranHere: obs.filter((x) => !x.reused).map((x) => x.traceId) } }], ctx),
      'any',
    );
    return obs;
  };
  const baseline = await run(h, `cherry-pick:${proposalId}:baseline`);
  const cand = await run(candidate.right, `cherry-pick:${proposalId}:candidate`, proposalId);
  const record: ValidationRecord & { kind: 'gated' } = gate(tallies(baseline), tallies(cand), o.attempts);
  const fresh = await loadBranch(o.store.events, o.onto);
  await appendDecision(
    o.store,
    o.onto,
    fresh.ownHead,
    decided(record.verdict === 'pass' ? accept(fresh.state, proposalId, record) : reject(fresh.state, proposalId, record.reasons.join('; '), record)),
    ctx,
  );
  let committedVersion: number | null = null;
  if (record.verdict === 'pass') {
    const again = await loadBranch(o.store.events, o.onto);
    await appendDecision(o.store, o.onto, again.ownHead, decided(commit(again.state, [proposalId], record)), ctx);
    committedVersion = again.state.version + 1;
  }
  return { from, proposalId, verdict: record.verdict, reasons: record.reasons, committedVersion };
};
