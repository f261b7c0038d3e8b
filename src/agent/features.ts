import { checkedSinceLastWrite, missingFileIn, type Action } from './actions.js';
import type { Intervention } from './policies/policy.js';
import type { PersistFlag } from './tools/shell-session.js';

/**
 * Detector features of a run: a flat record of counts and flags the weakness miner reads from
 * TraceObserved without opening the trace (repeats, exploration streaks, lost environment, ...).
 */
export type Features = Record<string, number | boolean | string>;

export interface FeatureInput {
  readonly actions: readonly Action[];
  readonly interventions: readonly Intervention[];
  readonly persisted: ReadonlySet<PersistFlag>;
  readonly contextOverflow: boolean;
  readonly finished: boolean;
}

const failing = (a: Action): boolean => (a.status === 'done' && !a.ok) || a.status === 'refused';

/** The longest run of the same failing shell command, one right after the other. */
const maxIdenticalFailingRun = (actions: readonly Action[]): number => {
  let best = 0;
  let run = 0;
  let last: string | null = null;
  for (const a of actions.filter((x) => x.command !== null)) {
    run = failing(a) ? (a.command === last && run > 0 ? run + 1 : 1) : 0;
    last = a.command;
    best = Math.max(best, run);
  }
  return best;
};

const longestReadOnlyStreak = (actions: readonly Action[]): number => {
  let best = 0;
  let run = 0;
  for (const a of actions.filter((x) => x.status === 'done')) {
    run = a.readOnly ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
};

const EXPORTED = /(?:^|[\s;&|(])export\s+([A-Za-z_][A-Za-z0-9_]*)=/g;
const PATH_CHANGE = /(?:^|[\s;&|(])(?:export\s+)?PATH=|(?:^|[\s;&|(])(?:source|\.)\s+\S*activate\b/;
const CD = /(?:^|[;&|(\n])\s*cd\s+\S/;

/**
 * Calls that relied on environment an earlier call set up but the shell did not keep: a variable
 * exported before and used now, a command not found after PATH was changed, a missing file after cd.
 */
const envLostCalls = (actions: readonly Action[], persisted: ReadonlySet<PersistFlag>): number => {
  const exported = new Set<string>();
  let pathChanged = false;
  let cdDone = false;
  let lost = 0;
  for (const a of actions) {
    if (a.command === null || a.status !== 'done') continue;
    const cmd = a.command;
    const assignsHere = new Set([...cmd.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]));
    const usesLostVar =
      !persisted.has('exports') && [...exported].some((v) => !assignsHere.has(v) && new RegExp(`\\$\\{?${v}\\b`).test(cmd));
    const lostPath = !persisted.has('path') && pathChanged && !PATH_CHANGE.test(cmd) && /command not found/.test(a.output);
    const lostCwd = !persisted.has('cwd') && cdDone && !CD.test(cmd) && /No such file or directory/.test(a.output);
    if (usesLostVar || lostPath || lostCwd || /unbound variable/.test(a.output)) lost++;
    for (const m of cmd.matchAll(EXPORTED)) if (m[1] !== 'PATH') exported.add(m[1]);
    pathChanged ||= PATH_CHANGE.test(cmd);
    cdDone ||= CD.test(cmd);
  }
  return lost;
};

export const detectorFeatures = (input: FeatureInput): Features => {
  const { actions, interventions } = input;
  const done = actions.filter((a) => a.status === 'done');
  const firstFailure = actions.findIndex(failing);
  const firstWrite = actions.findIndex((a) => a.status === 'done' && a.writes);
  const writtenPaths = new Set(done.filter((a) => a.writes && a.path !== null && a.tool !== 'bash').map((a) => a.path));
  const checked = checkedSinceLastWrite(actions);
  const lost = envLostCalls(actions, input.persisted);
  const features: Features = {
    toolCalls: actions.length,
    bashCalls: actions.filter((a) => a.tool === 'bash').length,
    failedActions: done.filter((a) => !a.ok).length,
    timedOutCommands: done.filter((a) => a.timedOut).length,
    refusedCalls: actions.filter((a) => a.status === 'refused').length,
    invalidCalls: actions.filter((a) => a.status === 'invalid').length,
    maxIdenticalFailingRun: maxIdenticalFailingRun(actions),
    longestReadOnlyStreak: longestReadOnlyStreak(actions),
    readOnlyActions: done.filter((a) => a.readOnly).length,
    filesWritten: writtenPaths.size,
    writingCommands: done.filter((a) => a.tool === 'bash' && a.writes).length,
    firstWriteAt: firstWrite + 1,
    checkAfterLastWrite: checked,
    finishedWithoutCheck: input.finished && !checked,
    envSetThenMissing: lost > 0,
    envLostCalls: lost,
    filesDeletedAfterErrors: firstFailure < 0 ? 0 : actions.slice(firstFailure + 1).filter((a) => a.status === 'done' && a.deletes).length,
    missingFileErrors: done.filter((a) => missingFileIn(a.output) !== null).length,
    commandNotFound: done.filter((a) => /command not found/.test(a.output)).length,
    lastActionFailed: actions.length > 0 && failing(actions[actions.length - 1]),
    contextOverflow: input.contextOverflow,
    interventions: interventions.length,
  };
  for (const i of interventions) features[`interventions.${i.kind}`] = ((features[`interventions.${i.kind}`] as number | undefined) ?? 0) + 1;
  return features;
};
