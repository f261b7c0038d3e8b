import type { Split, ValidationRecord } from '../domain/events.js';

/**
 * The regression gate, pure: a candidate is accepted only if neither split loses passes, at least
 * one gains, and no task that passed in every baseline attempt fails in most candidate attempts
 * (a per-task guard the published method lacks).
 */
export interface Tally {
  readonly taskId: string;
  readonly split: Split;
  readonly attempts: number;
  readonly passes: number;
}

export interface PredictionInput {
  readonly fixes: readonly string[];
  readonly risks: readonly string[];
}

export const gate = (
  baseline: readonly Tally[],
  candidate: readonly Tally[],
  attemptsPerTask: number,
  prediction?: PredictionInput,
): Extract<ValidationRecord, { kind: 'gated' }> => {
  const key = (t: Tally) => `${t.split}\u0000${t.taskId}`;
  const cand = new Map(candidate.map((t) => [key(t), t]));
  const tasks = baseline.map((b) => {
    const c = cand.get(key(b));
    return { taskId: b.taskId, split: b.split, attempts: b.attempts, baseline: b.passes, candidate: c ? c.passes : 0 };
  });
  const splits = (['opt', 'gate'] as const)
    .map((split) => {
      const ts = tasks.filter((t) => t.split === split);
      return { split, attempts: ts.reduce((s, t) => s + t.attempts, 0), baseline: ts.reduce((s, t) => s + t.baseline, 0), candidate: ts.reduce((s, t) => s + t.candidate, 0) };
    })
    .filter((s) => s.attempts > 0);
  const reasons: string[] = [];
  for (const s of splits) if (s.candidate < s.baseline) reasons.push(`${s.split} split loses passes: ${s.baseline} -> ${s.candidate} of ${s.attempts}`);
  if (!splits.some((s) => s.candidate > s.baseline)) reasons.push('no split gains passes');
  for (const t of tasks) {
    if (t.attempts > 0 && t.baseline === t.attempts && (t.attempts - t.candidate) * 2 > t.attempts)
      reasons.push(`per-task guard: ${t.taskId} (${t.split}) passed ${t.baseline}/${t.attempts} at baseline and ${t.candidate}/${t.attempts} with the candidate`);
  }
  const verdict = reasons.length === 0 ? 'pass' : 'fail';
  if (verdict === 'pass') reasons.push(splits.map((s) => `${s.split} ${s.candidate - s.baseline >= 0 ? '+' : ''}${s.candidate - s.baseline}`).join(', ') + '; no protected task regressed');
  const improved = new Set(tasks.filter((t) => t.candidate > t.baseline).map((t) => t.taskId));
  const regressed = new Set(tasks.filter((t) => t.candidate < t.baseline).map((t) => t.taskId));
  return {
    kind: 'gated',
    attemptsPerTask,
    splits,
    tasks,
    verdict,
    reasons,
    ...(prediction
      ? {
          predictionHits: {
            fixesHit: prediction.fixes.filter((x) => improved.has(x)),
            fixesMissed: prediction.fixes.filter((x) => !improved.has(x)),
            risksHit: prediction.risks.filter((x) => regressed.has(x)),
            risksAvoided: prediction.risks.filter((x) => !regressed.has(x)),
          },
        }
      : {}),
  };
};

/** Per-task pass counts of observations. */
export const tallies = (obs: readonly { taskId: string; split: Split; passed: boolean }[]): Tally[] => {
  const m = new Map<string, { taskId: string; split: Split; attempts: number; passes: number }>();
  for (const o of obs) {
    const k = `${o.split}\u0000${o.taskId}`;
    const t = m.get(k) ?? { taskId: o.taskId, split: o.split, attempts: 0, passes: 0 };
    t.attempts++;
    if (o.passed) t.passes++;
    m.set(k, t);
  }
  return [...m.values()];
};
