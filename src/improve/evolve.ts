import * as E from 'fp-ts/lib/Either.js';
import type { Draft, EventOf, ModelRef, Split } from '../domain/events.js';
import { applyEdit, applyEdits } from '../domain/edits.js';
import { harnessHash, type Harness } from '../domain/harness.js';
import { accept, commit, propose, reject } from '../domain/decide.js';
import { canonicalJson, sha256 } from '../domain/canonical.js';
import { seedFor } from '../domain/seed.js';
import type { BranchState } from '../domain/fold.js';
import { modelClient } from '../agent/model-client.js';
import type { Suite, Task, SandboxOptions } from '../tasks/index.js';
import { branchStream, type Store } from '../store/port.js';
import { appendDecision, decided, loadBranch, mintIds, type IdKind, type Loaded } from '../app/history.js';
import type { Observation, RemoteAttempts } from '../app/run-suite.js';
import type { ProgressEvent } from '../tasks/index.js';
import { evaluateOnBranch } from '../app/evaluate.js';
import { openModel, type CassetteMode } from '../app/model-endpoint.js';
import type { ModelClient } from '../agent/model-client.js';
import { loadTrajectory } from '../app/traces.js';
import { stamp, type StampContext } from '../app/envelope.js';
import { gate, tallies } from './gate.js';
import { describeCluster, evidenceOf, mine, type Cluster } from './mine.js';
import { editIdentity, modelProposals, randomProposals, type Candidate, type IdMint, type Invalid } from './propose.js';
import type { WeaknessForPrompt } from './prompts.js';

/**
 * One or more Self-Harness iterations on a branch. Every step is an event, so an interrupted run
 * resumes from the history: recorded attempts are reused (same harness, model, task content and
 * seed), weaknesses and proposals of an open iteration are not made again, decided proposals are
 * not decided again.
 */
export interface EvolveOptions {
  readonly store: Store;
  readonly branch: string;
  readonly suite: Suite;
  readonly iterations: number;
  readonly attempts: number;
  readonly testAttempts: number;
  readonly candidates: number;
  readonly concurrency: number;
  readonly maxTokens?: number;
  readonly maxModelCalls?: number;
  readonly proposer: 'model' | 'random';
  readonly proposerModel?: ModelRef;
  readonly sandbox: SandboxOptions;
  readonly record: boolean;
  readonly stampContext: StampContext;
  readonly progress?: (p: Progress) => void;
  /** Run attempts elsewhere (workers) instead of here; given how to report progress of one evaluation. */
  readonly remote?: (onProgress: (done: number, total: number) => void) => RemoteAttempts;
}

export interface Progress {
  readonly phase: string;
  readonly iteration: number;
  readonly done: number;
  readonly total: number;
  readonly tokens: number;
}

export interface IterationSummary {
  readonly iteration: number;
  readonly committedVersion: number | null;
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
  readonly reason: string;
}

export interface EvolveReport {
  readonly iterations: IterationSummary[];
  readonly stoppedBecause: string;
  readonly taskRuns: number;
  readonly modelCalls: number;
  readonly tokens: number;
}

interface Usage {
  taskRuns: number;
  modelCalls: number;
  tokens: number;
}

/** One evaluation the loop asks for: a harness on tasks, k attempts each, with the baseline's seeds. */
export interface EvaluationRequest {
  /** What the step is (baseline, candidate:E3, merge:E3+E4, test:baseline, test:after): recorded with its traces. */
  readonly label: string;
  readonly harness: Harness;
  readonly harnessHash: string;
  readonly tasks: readonly Task[];
  readonly attempts: number;
  readonly candidate?: string;
  readonly onProgress?: (e: ProgressEvent<unknown>) => void;
  /** Progress of attempts run elsewhere (workers): done of total. */
  readonly onCount?: (done: number, total: number) => void;
}

/** The loop's own model (classifier, proposer), and the cassettes it recorded since the last look. */
export interface RoleAccess {
  readonly client: ModelClient;
  takeRecorded(): Promise<{ attemptId: string; cassetteBlob: string }[]>;
  close(): Promise<void>;
}

/**
 * Everything an iteration does beyond reading and appending its branch: running attempts, minting
 * ids, reaching its own model. Evolve runs them for real; a replay serves them from the recording
 * (src/improve/replay.ts), so the same decision code re-derives every decision.
 */
export interface LoopEffects {
  evaluate(req: EvaluationRequest): Promise<Observation[]>;
  mint(kind: IdKind, count: number): Promise<string[]>;
  openRoles(model: ModelRef): Promise<RoleAccess>;
}

/** The effects of a live run: attempts run (or reused) in sandboxes, ids reserved in the store, the model over HTTP. */
const liveEffects = (o: EvolveOptions, n: number, ctx: StampContext, cassettes: CassetteMode, model: ModelRef): LoopEffects => ({
  evaluate: (r) =>
    evaluateOnBranch({
      store: o.store,
      branch: o.branch,
      harness: r.harness,
      harnessHash: r.harnessHash,
      model,
      tasks: r.tasks,
      attempts: r.attempts,
      concurrency: o.concurrency,
      sandbox: o.sandbox,
      cassettes,
      stampContext: ctx,
      iteration: n,
      ...(r.candidate ? { candidate: r.candidate } : {}),
      ...(r.onProgress ? { onProgress: r.onProgress } : {}),
      ...(o.remote ? { remote: o.remote((done, total) => r.onCount?.(done, total)) } : {}),
    }),
  mint: (kind, count) => mintIds(o.store.events, kind, count, ctx, { branch: o.branch, iteration: n }),
  openRoles: async (roleModel) => {
    const access = await openModel(roleModel, o.store.blobs, cassettes, [o.suite.dir]);
    const saved = new Set<string>();
    return {
      client: modelClient(roleModel, access.endpoint),
      takeRecorded: async () => {
        const out: { attemptId: string; cassetteBlob: string }[] = [];
        for (const attemptId of access.recorder?.attempts() ?? []) {
          if (saved.has(attemptId)) continue;
          saved.add(attemptId);
          out.push({ attemptId, cassetteBlob: await access.recorder!.saveIndex(attemptId) });
        }
        return out;
      },
      close: () => access.close(),
    };
  },
});

const own = <K extends EventOf<'TraceObserved'>['type'] | 'IterationStarted' | 'IterationEnded' | 'WeaknessClassified' | 'EditProposed' | 'EditRejected'>(l: Loaded, type: K) =>
  l.lineage.filter((e) => e.stream === branchStream(l.state.branch) && e.event.type === type).map((e) => e.event) as EventOf<K>[];

export const evolve = async (o: EvolveOptions): Promise<EvolveReport> => {
  const usage: Usage = { taskRuns: 0, modelCalls: 0, tokens: 0 };
  const summaries: IterationSummary[] = [];
  const cassettes: CassetteMode = o.record ? { kind: 'record' } : { kind: 'live' };
  const overBudget = () =>
    (o.maxTokens !== undefined && usage.tokens >= o.maxTokens) || (o.maxModelCalls !== undefined && usage.modelCalls >= o.maxModelCalls);
  let stoppedBecause = `${o.iterations} iteration${o.iterations === 1 ? '' : 's'} done`;
  for (let i = 0; i < o.iterations; i++) {
    const loaded = await loadBranch(o.store.events, o.branch);
    const ended = own(loaded, 'IterationEnded');
    const started = own(loaded, 'IterationStarted');
    const last = started[started.length - 1];
    const resuming = last && !ended.some((e) => e.data.iteration === last.data.iteration);
    if (!resuming && ended.length >= 2 && ended.slice(-2).every((e) => e.data.accepted.length === 0)) {
      stoppedBecause = 'two iterations in a row accepted no edit';
      break;
    }
    if (overBudget()) {
      stoppedBecause = 'the token or model-call budget is spent';
      break;
    }
    const n = resuming ? last.data.iteration : (last?.data.iteration ?? 0) + 1;
    const ctx: StampContext = { ...o.stampContext, actor: 'tack:evolve' };
    summaries.push(await iteration(o, loaded, n, !!resuming, usage, liveEffects(o, n, ctx, cassettes, loaded.state.model), overBudget));
  }
  if (overBudget()) stoppedBecause = 'the token or model-call budget is spent';
  return { iterations: summaries, stoppedBecause, ...usage };
};

/** What an iteration needs from the options: the live ones, or a replay's. */
export type IterationOptions = Pick<EvolveOptions, 'store' | 'branch' | 'suite' | 'attempts' | 'testAttempts' | 'candidates' | 'concurrency' | 'proposer' | 'proposerModel' | 'stampContext' | 'progress'> &
  Partial<Pick<EvolveOptions, 'maxTokens' | 'maxModelCalls'>>;

export const iteration = async (
  o: IterationOptions,
  loaded: Loaded,
  n: number,
  resuming: boolean,
  usage: Usage,
  effects: LoopEffects,
  overBudget: () => boolean,
): Promise<IterationSummary> => {
  const ctx: StampContext = { ...o.stampContext, actor: 'tack:evolve' };
  const base = loaded.state;
  const model = base.model;
  const splitTasks = (s: Split) => o.suite.tasks.filter((t) => t.split === s);
  const evalTasks = [...splitTasks('opt'), ...splitTasks('gate')];
  if (!resuming) {
    await appendDecision(o.store, o.branch, loaded.ownHead, [
      {
        type: 'IterationStarted',
        data: {
          iteration: n,
          baselineHarnessHash: base.harnessHash,
          suiteHash: o.suite.hash,
          splits: { opt: splitTasks('opt').map((t) => t.id), gate: splitTasks('gate').map((t) => t.id), test: splitTasks('test').map((t) => t.id) },
          seeds: evalTasks.flatMap((t) => Array.from({ length: o.attempts }, (_, a) => seedFor(t.id, a))),
          settings: {
            attempts: o.attempts,
            testAttempts: o.testAttempts,
            candidates: o.candidates,
            proposer: o.proposer,
            concurrency: o.concurrency,
            ...(o.proposerModel ? { proposerModel: canonicalJson(o.proposerModel) } : {}),
          },
        },
      },
    ], ctx);
  }
  const evaluate = async (phase: string, label: string, harness: Harness, tasks: readonly Task[], attempts: number, candidate?: string): Promise<Observation[]> => {
    const hash = harnessHash(harness);
    const obs = await effects.evaluate({
      label,
      harness,
      harnessHash: hash,
      tasks,
      attempts,
      ...(candidate ? { candidate } : {}),
      onProgress: (e) => {
        if (e.type === 'attempt_finished') o.progress?.({ phase, iteration: n, done: e.done, total: e.total, tokens: usage.tokens });
      },
      onCount: (done, total) => o.progress?.({ phase, iteration: n, done, total, tokens: usage.tokens }),
    });
    // The attempts this step decided on, so a replay reads exactly the same evidence.
    await o.store.events.append(
      branchStream(o.branch),
      stamp([{ type: 'EvaluationRecorded', data: { iteration: n, label, harnessHash: hash, traceIds: obs.map((x) => x.traceId), ranHere: obs.filter((x) => !x.reused).map((x) => x.traceId) } }], ctx),
      'any',
    );
    for (const ob of obs.filter((x) => !x.reused)) {
      usage.taskRuns++;
      usage.modelCalls += ob.modelCalls;
      usage.tokens += ob.tokens;
    }
    return obs;
  };

  // 1. Baseline on opt and gate (and the test split, scored for the report only).
  const baseline = await evaluate('baseline', 'baseline', base.harness, evalTasks, o.attempts);
  await evaluate('test split (baseline)', 'test:baseline', base.harness, splitTasks('test'), o.testAttempts);
  const baseTallies = tallies(baseline);

  // 2. Mine (unless this open iteration already did).
  let state = await loadBranch(o.store.events, o.branch);
  let weaknesses = own(state, 'WeaknessClassified').filter((w) => w.data.iteration === n);
  // The miner runs for either proposer; the model proposer reuses the same access.
  const roleAccess = await effects.openRoles(o.proposerModel ?? model);
  const recordRoleCalls = async (role: 'classifier' | 'proposer') => {
    const cassettes = await roleAccess.takeRecorded();
    if (cassettes.length) await o.store.events.append(branchStream(o.branch), stamp([{ type: 'RoleCallsRecorded', data: { iteration: n, role, cassettes } }], ctx), 'any');
  };
  try {
    const roleClient = roleAccess.client;
    if (weaknesses.length === 0) {
      const failed = baseline.filter((b) => b.split === 'opt' && !b.passed && b.event).map((b) => b.event!);
      o.progress?.({ phase: `mining ${failed.length} failed opt traces`, iteration: n, done: 0, total: failed.length, tokens: usage.tokens });
      const mined = await mine({
        failed,
        all: baseline.filter((b) => b.split === 'opt'),
        instructions: new Map(splitTasks('opt').map((t) => [t.id, t.instruction])),
        loadTrajectory: (blob) => loadTrajectory(o.store, blob),
        classifier: roleClient,
      });
      usage.modelCalls += mined.modelCalls;
      usage.tokens += mined.tokens;
      await recordRoleCalls('classifier');
      if (mined.clusters.length > 0) {
        const ids = await effects.mint('weakness', mined.clusters.length);
        const drafts: Draft[] = mined.clusters.map((c: Cluster, i) => ({
          type: 'WeaknessClassified',
          data: {
            weaknessId: ids[i],
            signature: c.signature,
            description: describeCluster(c),
            traceIds: c.traces.map((t) => t.trace.traceId),
            evidence: c.traces.slice(0, 5).map((t) => ({ traceId: t.trace.traceId, ...evidenceOf(t) })),
            support: c.traces.length,
            actionable: c.actionable,
            iteration: n,
            ...(c.skippedBecause ? { skippedBecause: c.skippedBecause } : {}),
          },
        }));
        await o.store.events.append(branchStream(o.branch), stamp(drafts, ctx), 'any');
      }
      state = await loadBranch(o.store.events, o.branch);
      weaknesses = own(state, 'WeaknessClassified').filter((w) => w.data.iteration === n);
    }

    // 3. Propose (unless done), from the top actionable weaknesses.
    const invalid: Invalid[] = [];
    let proposed = own(state, 'EditProposed').filter((p) => p.data.iteration === n);
    if (proposed.length === 0 && !overBudget()) {
      const targets = weaknesses.filter((w) => w.data.actionable).sort((a, b) => b.data.support - a.data.support).slice(0, 3);
      const protectedTasks = baseTallies.filter((t) => t.split === 'opt' && t.passes === t.attempts).map((t) => t.taskId);
      const mint: IdMint = {
        rule: async () => (await effects.mint('rule', 1))[0],
        policy: async () => (await effects.mint('policy', 1))[0],
      };
      const prompts = targets.map((w) => toPrompt(w, state));
      const rejectedBefore = rejectedFor(state, targets);
      const proposals =
        o.proposer === 'random'
          ? await randomProposals(base.harness, o.candidates, `${o.branch}\u0000${n}\u0000${base.harnessHash}`, mint, targets.map((w) => w.data.weaknessId))
          : targets.length === 0
            ? { candidates: [], invalid: [], declined: 'no actionable weakness', modelCalls: 0, tokens: 0 }
            : await modelProposals(roleClient, prompts, base.harness, protectedTasks, rejectedBefore, o.candidates, mint, {
                attemptId: `propose-${o.branch}-${n}-${base.harnessHash.slice(0, 12)}`,
                seed: parseInt(sha256(`${o.branch}\u0000${n}`).slice(0, 8), 16) & 0x7fffffff,
              });
      usage.modelCalls += proposals.modelCalls;
      usage.tokens += proposals.tokens;
      await recordRoleCalls('proposer');
      invalid.push(...proposals.invalid.filter((x) => !x.edit));
      await recordProposals(o, effects, state, n, proposals.candidates, proposals.invalid.filter((x) => x.edit), ctx);
      state = await loadBranch(o.store.events, o.branch);
      proposed = own(state, 'EditProposed').filter((p) => p.data.iteration === n);
    }

    // 4. Validate every undecided candidate on opt and gate with the baseline's seeds.
    for (const p of proposed) {
      if (state.state.proposals.get(p.data.proposalId)?.status !== 'proposed') continue;
      if (overBudget()) break;
      const candidateHarness = applyEdit(base.harness, p.data.edit);
      if (E.isLeft(candidateHarness)) {
        await decideOn(o, p.data.proposalId, (s) => reject(s, p.data.proposalId, `the edit does not apply: ${candidateHarness.left.message}`), ctx);
        continue;
      }
      const obs = await evaluate(`validating ${p.data.proposalId}`, `candidate:${p.data.proposalId}`, candidateHarness.right, evalTasks, o.attempts, p.data.proposalId);
      const record = gate(baseTallies, tallies(obs), o.attempts, p.data.prediction);
      await decideOn(
        o,
        p.data.proposalId,
        (s) => (record.verdict === 'pass' ? accept(s, p.data.proposalId, record) : reject(s, p.data.proposalId, record.reasons.join('; '), record)),
        ctx,
      );
    }
    state = await loadBranch(o.store.events, o.branch);

    // 5. Merge the accepted candidates, re-gate the merge, commit.
    const acceptedIds = proposed.map((p) => p.data.proposalId).filter((id) => state.state.proposals.get(id)?.status === 'accepted');
    const rejectedIds = proposed.map((p) => p.data.proposalId).filter((id) => state.state.proposals.get(id)?.status === 'rejected');
    let committedVersion: number | null = null;
    let reason = acceptedIds.length ? '' : 'no candidate passed the gate';
    if (acceptedIds.length > 0) {
      const gain = (id: string) => {
        const v = state.state.proposals.get(id)?.validation;
        return v && v.kind === 'gated' ? v.splits.reduce((s, x) => s + x.candidate - x.baseline, 0) : 0;
      };
      const ordered = [...acceptedIds].sort((a, b) => gain(b) - gain(a));
      let merged: string[] = [ordered[0]];
      let mergeRecord = state.state.proposals.get(ordered[0])!.validation!;
      if (ordered.length > 1) {
        const tryMerge = async (ids: string[]) => {
          const h = applyEdits(base.harness, ids.map((id) => state.state.proposals.get(id)!.edit));
          if (E.isLeft(h)) return null;
          const obs = await evaluate(`validating the merge of ${ids.join('+')}`, `merge:${ids.join('+')}`, h.right, evalTasks, o.attempts, ids.join('+'));
          const r = gate(baseTallies, tallies(obs), o.attempts);
          return r.verdict === 'pass' ? r : null;
        };
        const all = await tryMerge(ordered);
        if (all) {
          merged = ordered;
          mergeRecord = all;
        } else {
          // Fall back greedily: add candidates by gain while the merge still passes.
          for (const id of ordered.slice(1)) {
            const r = await tryMerge([...merged, id]);
            if (r) {
              merged = [...merged, id];
              mergeRecord = r;
            }
          }
        }
      }
      const fresh = await loadBranch(o.store.events, o.branch);
      await appendDecision(o.store, o.branch, fresh.ownHead, decided(commit(fresh.state, merged, mergeRecord)), ctx);
      committedVersion = fresh.state.version + 1;
      reason = `committed ${merged.join(', ')} as version ${committedVersion}`;
      const after = await loadBranch(o.store.events, o.branch);
      await evaluate('test split (new version)', 'test:after', after.state.harness, splitTasks('test'), o.testAttempts);
    }
    const endState = await loadBranch(o.store.events, o.branch);
    await appendDecision(
      o.store,
      o.branch,
      endState.ownHead,
      [
        {
          type: 'IterationEnded',
          data: {
            iteration: n,
            committedVersion,
            accepted: acceptedIds,
            rejected: rejectedIds,
            invalid: invalid.map((x) => ({ weaknessId: x.weaknessId || '?', reason: x.reason.slice(0, 1_000) })),
            usage: { ...usage },
            reason: overBudget() && !committedVersion ? 'stopped: budget spent' : reason,
          },
        },
      ],
      ctx,
    );
    return { iteration: n, committedVersion, accepted: acceptedIds, rejected: rejectedIds, reason };
  } finally {
    await roleAccess.close();
  }
};


const toPrompt = (w: EventOf<'WeaknessClassified'>, state: Loaded): WeaknessForPrompt => {
  const traces = new Map(own(state, 'TraceObserved').map((t) => [t.data.traceId, t.data]));
  return {
    weaknessId: w.data.weaknessId,
    signature: w.data.signature,
    description: w.data.description,
    support: w.data.support,
    taskIds: [...new Set(w.data.traceIds.map((id) => traces.get(id)?.taskId).filter((x): x is string => !!x))],
    evidence: w.data.evidence.map((e) => ({ ...e, taskId: traces.get(e.traceId)?.taskId ?? '' })),
  };
};

/** Earlier rejected proposals aimed at weaknesses with the same mechanism, with their reasons. */
const rejectedFor = (state: Loaded, targets: readonly EventOf<'WeaknessClassified'>[]) => {
  const weaknessById = new Map(own(state, 'WeaknessClassified').map((w) => [w.data.weaknessId, w.data]));
  const proposals = new Map(own(state, 'EditProposed').map((p) => [p.data.proposalId, p.data]));
  const out: { weaknessId: string; edit: unknown; reason: string }[] = [];
  for (const r of own(state, 'EditRejected')) {
    const p = proposals.get(r.data.proposalId);
    if (!p) continue;
    for (const t of targets) {
      if (p.weaknessIds.some((id) => weaknessById.get(id)?.signature.mechanism === t.data.signature.mechanism))
        out.push({ weaknessId: t.data.weaknessId, edit: p.edit, reason: r.data.reason });
    }
  }
  return out;
};

/**
 * Record proposals: identical candidates become one; a candidate identical to one already rejected
 * against this same baseline harness is recorded and rejected without running again; an edit that
 * does not apply is recorded and rejected with the reason.
 */
const recordProposals = async (o: IterationOptions, effects: LoopEffects, loaded: Loaded, n: number, candidates: readonly Candidate[], notApplying: readonly Invalid[], ctx: StampContext) => {
  const s = loaded.state;
  const rejectedHere = new Map<string, string>();
  for (const p of own(loaded, 'EditProposed')) {
    const st = s.proposals.get(p.data.proposalId);
    if (st?.status === 'rejected' && p.data.baseHarnessHash === s.harnessHash) rejectedHere.set(editIdentity(p.data.edit), p.data.proposalId);
  }
  const seen = new Map<string, Candidate>();
  for (const c of candidates) {
    const k = editIdentity(c.edit);
    const prev = seen.get(k);
    seen.set(k, prev ? { ...prev, weaknessIds: [...new Set([...prev.weaknessIds, ...c.weaknessIds])] } : c);
  }
  const unique = [...seen.values()];
  const ids = await effects.mint('proposal', Math.max(1, unique.length + notApplying.length));
  const drafts: Draft[] = [];
  const push = (d: Draft[]) => {
    drafts.push(...d);
  };
  unique.forEach((c, i) => {
    const d = decided(
      propose(s, {
        proposalId: ids[i],
        edit: c.edit,
        rationale: c.rationale,
        source: o.proposer === 'random' ? 'random' : 'model',
        weaknessIds: c.weaknessIds,
        extra: { iteration: n, expectedEffect: c.expectedEffect, regressionRisk: c.regressionRisk, protectedTasks: [], prediction: c.prediction },
      }),
    );
    push(d);
    const twin = rejectedHere.get(editIdentity(c.edit));
    if (twin) push([{ type: 'EditRejected', data: { proposalId: ids[i], reason: `identical to ${twin}, already rejected against this harness; not evaluated again` } }]);
  });
  notApplying.forEach((x, j) => {
    const id = ids[unique.length + j];
    push([
      {
        type: 'EditProposed',
        data: {
          proposalId: id,
          weaknessIds: x.weaknessId ? [x.weaknessId] : [],
          edit: x.edit!,
          rationale: x.rationale ?? 'no rationale',
          source: 'model',
          baseHarnessHash: s.harnessHash,
          iteration: n,
        },
      },
      { type: 'EditRejected', data: { proposalId: id, reason: x.reason } },
    ]);
  });
  if (drafts.length) await o.store.events.append(branchStream(o.branch), stamp(drafts, ctx), 'any');
};

const decideOn = async (o: IterationOptions, proposalId: string, decide: (s: BranchState) => E.Either<string, Draft[]>, ctx: StampContext) => {
  const fresh = await loadBranch(o.store.events, o.branch);
  if (fresh.state.proposals.get(proposalId)?.status !== 'proposed') return;
  await appendDecision(o.store, o.branch, fresh.ownHead, decided(decide(fresh.state)), ctx);
};
