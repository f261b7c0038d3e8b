import { loadSuite, type Task } from '../tasks/index.js';
import { initialize, createBranch, humanEdit } from '../domain/decide.js';
import type { Edit } from '../domain/edits.js';
import { minimalHarness, MINIMAL_RULE_COUNT, type Policy } from '../domain/harness.js';
import { cherryPick } from '../improve/cherry-pick.js';
import { openFileStore } from '../store/file.js';
import type { Store } from '../store/port.js';
import { evolve, type Progress } from '../improve/evolve.js';
import { replayBranch } from '../improve/replay.js';
import { pairedBootstrap } from '../improve/bootstrap.js';
import { appendDecision, decided, loadBranch, mintIds } from './history.js';
import { reuseIndex, runSuite, type Observation } from './run-suite.js';
import { branchTraces } from './traces.js';
import type { StampContext } from './envelope.js';

/**
 * `tack demo`: tack's whole job on simulated models. One branch per faulty persona, evolved; a copy
 * of each evolved with the random proposer at the same budget (the ablation); test-split pass rates
 * before and after with a bootstrap interval of the paired difference.
 */
export interface DemoSettings {
  readonly personas: readonly string[];
  readonly iterations: number;
  readonly attempts: number;
  readonly testAttempts: number;
  readonly candidates: number;
  readonly concurrency: number;
}

export const DEMO_DEFAULTS: DemoSettings = { personas: ['prober', 'repeater', 'forgetful'], iterations: 1, attempts: 1, testAttempts: 3, candidates: 3, concurrency: 4 };
export const DEMO_QUICK: DemoSettings = { ...DEMO_DEFAULTS, iterations: 1, candidates: 1, testAttempts: 1 };

export interface DemoRow {
  readonly branch: string;
  readonly testBefore: number;
  readonly testAfter: number;
  readonly randomAfter: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly taskRuns: number;
  readonly modelCalls: number;
  readonly tokens: number;
}

export interface DemoResult {
  readonly dir: string;
  readonly settings: DemoSettings;
  readonly branches: DemoRow[];
  readonly whyId: string | null;
  readonly whyBranch: string | null;
  /** `tack replay --decisions` on every demo branch: each must re-derive its decisions exactly. */
  readonly replay: { branch: string; status: string; iterations: number }[];
  /** Rejected proposals whose gate record names a per-task regression (harmful edits the guard caught). */
  readonly harmfulRejected: { branch: string; proposalId: string; reason: string }[];
  /** The gate check: a person's harmful edit cherry-picked onto an evolved branch, and its verdict there. */
  readonly probe: { proposalId: string; onto: string; verdict: 'pass' | 'fail'; reasons: string[] };
}

/** The scratch branch where the demo's harmful edit is committed before it is cherry-picked. */
export const PROBE_BRANCH = 'harmful-probe';

const rate = (obs: readonly Observation[]) => obs.filter((o) => o.passed).length / Math.max(1, obs.length);
const perTask = (obs: readonly Observation[]) => {
  const m = new Map<string, number[]>();
  for (const o of obs) m.set(o.taskId, [...(m.get(o.taskId) ?? []), o.passed ? 1 : 0]);
  return new Map([...m].map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]));
};

export const runDemo = async (
  dir: string,
  suiteDir: string,
  settings: DemoSettings,
  ctx: StampContext,
  say: (line: string) => void,
  progress?: (p: Progress) => void,
): Promise<DemoResult> => {
  const store = await openFileStore(`${dir}/.tack`, { create: true });
  try {
    const suite = loadSuite(suiteDir);
    const test = suite.tasks.filter((t) => t.split === 'test');
    const ids = await mintIds(store.events, 'rule', MINIMAL_RULE_COUNT, ctx);
    await appendDecision(store, 'main', 'no_stream', decided(initialize('main', { id: 'sim:steady' }, minimalHarness(ids))), ctx);
    const main = (await loadBranch(store.events, 'main')).state;
    const rows: DemoRow[] = [];
    let whyId: string | null = null;
    let whyBranch: string | null = null;
    for (const persona of settings.personas) {
      const model = { id: `sim:${persona}` };
      for (const b of [persona, `${persona}-random`])
        await appendDecision(store, b, 'no_stream', decided(createBranch(b, main, model, `demo: ${persona}${b.endsWith('random') ? ', random-proposer ablation' : ''}`)), ctx);
      say(`${persona}: scoring the test split before (${test.length} tasks x ${settings.testAttempts})`);
      const before = await score(store, persona, test, settings, ctx);
      const common = { store, suite, iterations: settings.iterations, attempts: settings.attempts, testAttempts: settings.testAttempts, candidates: settings.candidates, concurrency: settings.concurrency, sandbox: {}, record: true, stampContext: ctx, progress };
      say(`${persona}: evolving (model proposer)`);
      const evolved = await evolve({ ...common, branch: persona, proposer: 'model' });
      say(`${persona}: evolving the ablation copy (random proposer, same budget)`);
      const random = await evolve({ ...common, branch: `${persona}-random`, proposer: 'random' });
      const after = await score(store, persona, test, settings, ctx);
      const randomAfter = await score(store, `${persona}-random`, test, settings, ctx);
      const b = perTask(before);
      const a = perTask(after);
      const ci = pairedBootstrap([...b.keys()].map((k) => ({ before: b.get(k)!, after: a.get(k) ?? 0 })), 2_000, persona);
      const state = (await loadBranch(store.events, persona)).state;
      const own = [...state.proposals.values()].filter((p) => p.branch === persona);
      rows.push({
        branch: persona,
        testBefore: rate(before),
        testAfter: rate(after),
        randomAfter: rate(randomAfter),
        ciLow: ci.low,
        ciHigh: ci.high,
        accepted: own.filter((p) => p.status === 'committed' || p.status === 'accepted').length,
        rejected: own.filter((p) => p.status === 'rejected').length,
        taskRuns: evolved.taskRuns + random.taskRuns,
        modelCalls: evolved.modelCalls + random.modelCalls,
        tokens: evolved.tokens + random.tokens,
      });
      if (!whyId) {
        const committed = own.find((p) => p.status === 'committed');
        if (committed) {
          whyId = committed.edit.op === 'AddRule' ? committed.edit.rule.id : committed.edit.op === 'SetPolicy' ? committed.edit.policy.id : null;
          whyBranch = persona;
        }
      }
    }
    // The per-task guard at work whatever the proposers happened to draw: a person commits a tool
    // budget that stops a run after 5 calls on a scratch branch, and it is cherry-picked onto the
    // first persona's evolved branch, where the gate decides on that branch's own runs.
    const target = settings.personas[0];
    say(`${PROBE_BRANCH}: a person commits a 5-call tool budget that stops runs; cherry-picked onto ${target}, gated on ${target}'s own runs`);
    await appendDecision(store, PROBE_BRANCH, 'no_stream', decided(createBranch(PROBE_BRANCH, main, { id: 'sim:steady' }, 'demo: a harmful edit for the gate')), ctx);
    const [policyId] = await mintIds(store.events, 'policy', 1, ctx);
    const [probeId] = await mintIds(store.events, 'proposal', 1, ctx);
    const scratch = await loadBranch(store.events, PROBE_BRANCH);
    const budget: Edit = { op: 'SetPolicy', policy: { id: policyId, kind: 'ToolCallBudget', params: { maxCalls: 5, action: 'stop', message: 'Tool-call budget reached; stopping.' } } as Policy };
    await appendDecision(store, PROBE_BRANCH, scratch.ownHead, decided(humanEdit(scratch.state, probeId, budget, 'demo: bound every run to 5 tool calls')), ctx);
    const picked = await cherryPick({ store, proposalId: probeId, onto: target, suite, attempts: settings.attempts, concurrency: settings.concurrency, sandbox: {}, record: true, stampContext: ctx });
    const probe = { proposalId: probeId, onto: target, verdict: picked.verdict, reasons: [...picked.reasons] };
    const replay: DemoResult['replay'] = [];
    const harmfulRejected: DemoResult['harmfulRejected'] = [];
    for (const persona of settings.personas)
      for (const branch of [persona, `${persona}-random`]) {
        say(`${branch}: replaying its decisions from the history (tack replay --decisions)`);
        const r = await replayBranch({ store, branch, suite, mode: 'decisions', concurrency: 1, sandbox: {}, stampContext: ctx });
        replay.push({ branch, status: r.status === 'diverged' ? `diverged: ${r.divergence!.message}` : r.status, iterations: r.iterations.length });
        for (const e of (await loadBranch(store.events, branch)).lineage)
          if (e.stream === `branch-${branch}` && e.event.type === 'EditRejected' && /per-task guard/.test(e.event.data.reason))
            harmfulRejected.push({ branch, proposalId: e.event.data.proposalId, reason: e.event.data.reason });
      }
    return { dir, settings, branches: rows, whyId, whyBranch, replay, harmfulRejected, probe };
  } finally {
    await store.close();
  }
};

/** Test-split attempts of a branch's head (reused when already run). */
const score = async (store: Store, branch: string, test: readonly Task[], s: DemoSettings, ctx: StampContext): Promise<Observation[]> => {
  const { state } = await loadBranch(store.events, branch);
  return runSuite({
    store,
    branch,
    harness: state.harness,
    harnessHash: state.harnessHash,
    model: state.model,
    tasks: test,
    attempts: s.testAttempts,
    concurrency: s.concurrency,
    agent: 'llm',
    sandbox: {},
    cassettes: { kind: 'record' },
    stampContext: ctx,
    attemptKey: 'evolve',
    record: true,
    reuse: reuseIndex(await branchTraces(store, branch)),
  });
};

