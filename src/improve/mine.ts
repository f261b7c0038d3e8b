import type { DataOf, EventOf } from '../domain/events.js';
import type { ModelClient } from '../agent/model-client.js';
import type { AtifTrajectory } from '../agent/atif.js';
import { sha256 } from '../domain/canonical.js';
import { mechanismHints, verifierCause, type MechanismHint, type VerifierCause } from './detect.js';
import { classifierMessages, traceSteps, type TraceStep } from './prompts.js';
import { Classification } from './protocol.js';
import { askJson } from './ask.js';

/**
 * Weakness mining: deterministic detectors label each failed opt trace, the model labels causal
 * status and mechanism, traces are clustered by (verifier cause, causal status, mechanism) and
 * ranked by support. Capability-limit and flaky clusters are kept but not targeted.
 */
export interface LabelledTrace {
  readonly trace: DataOf<'TraceObserved'>;
  readonly cause: VerifierCause;
  readonly hints: readonly MechanismHint[];
  readonly causalStatus: DataOf<'WeaknessClassified'>['signature']['causalStatus'];
  readonly mechanism: string;
  readonly explanation: string;
  readonly steps: readonly TraceStep[];
}

export interface Cluster {
  readonly signature: DataOf<'WeaknessClassified'>['signature'];
  readonly traces: readonly LabelledTrace[];
  readonly actionable: boolean;
  readonly skippedBecause?: string;
}

export interface MiningInput {
  readonly failed: readonly EventOf<'TraceObserved'>[];
  /** Every opt observation of the baseline, passed or not (to tell flaky tasks). */
  readonly all: readonly { taskId: string; passed: boolean }[];
  readonly instructions: ReadonlyMap<string, string>;
  readonly loadTrajectory: (blob: string) => Promise<AtifTrajectory>;
  readonly classifier: ModelClient;
}

export interface MiningResult {
  readonly clusters: Cluster[];
  readonly modelCalls: number;
  readonly tokens: number;
}

const UNCLEAR = /^(unknown|no_clear_mechanism|none|unclear)$/;
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 60) || 'unknown';

export const labelTrace = async (input: MiningInput, e: EventOf<'TraceObserved'>): Promise<{ label: LabelledTrace; modelCalls: number; tokens: number }> => {
  const trace = e.data;
  const cause = verifierCause(trace);
  const hints = mechanismHints(trace);
  const steps = traceSteps(await input.loadTrajectory(trace.traceBlob));
  const answer = await askJson(input.classifier, Classification, classifierMessages(trace, input.instructions.get(trace.taskId) ?? '', cause, hints, steps), {
    attemptId: `classify-${trace.traceId}`,
    seed: parseInt(sha256(trace.traceId).slice(0, 8), 16) & 0x7fffffff,
  });
  const c = answer.value._tag === 'Right' ? answer.value.right : null;
  const label: LabelledTrace = {
    trace,
    cause,
    hints,
    causalStatus: c ? c.causalStatus : 'unknown',
    mechanism: c ? slug(c.mechanism) : hints[0]?.label ?? 'unknown',
    explanation: c ? c.explanation : `the classifier's answer was unusable (${answer.value._tag === 'Left' ? answer.value.left : ''})`,
    steps,
  };
  return { label, modelCalls: answer.modelCalls, tokens: answer.tokens };
};

export const cluster = (labels: readonly LabelledTrace[], all: MiningInput['all']): Cluster[] => {
  const groups = new Map<string, LabelledTrace[]>();
  for (const l of labels) {
    const k = `${l.cause}\u0000${l.causalStatus}\u0000${l.mechanism}`;
    groups.set(k, [...(groups.get(k) ?? []), l]);
  }
  const passedTasks = new Set(all.filter((o) => o.passed).map((o) => o.taskId));
  return [...groups.values()]
    .map((traces): Cluster => {
      const { cause, causalStatus, mechanism } = traces[0];
      const signature = { verifierCause: cause, causalStatus, mechanism };
      const noMechanism = UNCLEAR.test(mechanism) && traces.every((t) => t.hints.length === 0);
      const tasks = new Set(traces.map((t) => t.trace.taskId));
      if (noMechanism && [...tasks].every((t) => passedTasks.has(t)))
        return { signature, traces, actionable: false, skippedBecause: 'flaky: the same tasks also passed, and no mechanism explains the failures' };
      if (noMechanism) return { signature, traces, actionable: false, skippedBecause: 'looks like a capability limit: no mechanism a harness could change' };
      if (causalStatus === 'friction') return { signature, traces, actionable: false, skippedBecause: 'friction only: it did not cause the failures' };
      return { signature, traces, actionable: true };
    })
    .sort((a, b) => b.traces.length - a.traces.length || a.signature.mechanism.localeCompare(b.signature.mechanism));
};

export const mine = async (input: MiningInput, concurrency = 2): Promise<MiningResult> => {
  const labels: LabelledTrace[] = new Array(input.failed.length);
  let modelCalls = 0;
  let tokens = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, input.failed.length) }, async () => {
      while (next < input.failed.length) {
        const i = next++;
        const r = await labelTrace(input, input.failed[i]);
        labels[i] = r.label;
        modelCalls += r.modelCalls;
        tokens += r.tokens;
      }
    }),
  );
  return { clusters: cluster(labels, input.all), modelCalls, tokens };
};

/** The step a weakness is best seen at: the last failing tool call, else the last step. */
export const evidenceOf = (l: LabelledTrace): { step: number; excerpt: string } => {
  const failing = [...l.steps].reverse().find((s) => s.exitCode !== undefined && s.exitCode !== null && s.exitCode !== 0) ?? l.steps[l.steps.length - 1];
  if (!failing) return { step: 0, excerpt: l.explanation };
  const what = failing.tool ? `${failing.tool} ${JSON.stringify(failing.arguments ?? {})}` : `policy: ${failing.message ?? ''}`;
  return { step: failing.step, excerpt: `${what} -> ${(failing.output ?? '').replace(/\s+/g, ' ').slice(0, 200)}` };
};

export const describeCluster = (c: Cluster): string => {
  const tasks = [...new Set(c.traces.map((t) => t.trace.taskId))];
  return `${c.traces[0].explanation} (${c.traces.length} failed attempt${c.traces.length === 1 ? '' : 's'} on ${tasks.join(', ')})`.slice(0, 1_000);
};
