import type { DataOf } from '../domain/events.js';

/**
 * Deterministic detectors over a failed trace's summary: the verifier cause (from the outcome and
 * the verifier's output) and mechanism hints (from the runtime's detector features).
 */
export type VerifierCause = DataOf<'WeaknessClassified'>['signature']['verifierCause'];

export const verifierCause = (t: DataOf<'TraceObserved'>): VerifierCause => {
  const out = t.outcome.verifierExcerpt;
  if (t.outcome.exitReason === 'step_budget' || t.outcome.exitReason === 'wall_timeout' || t.outcome.exitReason === 'policy_stop') return 'agent_timeout';
  if (/No such file or directory|FileNotFoundError|does not exist|missing|not found: \/|cannot (open|access)/i.test(out)) return 'missing_required_artifact';
  if (/ModuleNotFoundError|command not found|No module named|ImportError/i.test(out)) return 'missing_dependency';
  if (/AssertionError|assert |FAILED|expected|mismatch|differ/i.test(out)) return 'verifier_assertion';
  if (/Traceback|SyntaxError|Error:/.test(out)) return 'verifier_runtime_error';
  if (t.outcome.reward === 0) return 'reward_zero';
  return 'unknown';
};

export interface MechanismHint {
  readonly label: string;
  readonly detail: string;
}

const num = (f: Record<string, unknown>, k: string): number => (typeof f[k] === 'number' ? (f[k] as number) : 0);

export const mechanismHints = (t: DataOf<'TraceObserved'>): MechanismHint[] => {
  const f = t.features;
  const hints: MechanismHint[] = [];
  if (num(f, 'maxIdenticalFailingRun') >= 3) hints.push({ label: 'identical_command_repeated', detail: `the same failing command ran ${num(f, 'maxIdenticalFailingRun')} times in a row` });
  if (num(f, 'longestReadOnlyStreak') >= 8) hints.push({ label: 'long_read_only_streak', detail: `${num(f, 'longestReadOnlyStreak')} read-only actions in a row` });
  if (f.envSetThenMissing === true || num(f, 'envLostCalls') > 0) hints.push({ label: 'variable_set_then_missing', detail: 'environment set in one call was missing in a later one' });
  if (f.finishedWithoutCheck === true) hints.push({ label: 'finished_without_check', detail: 'finished without running a check after the last change' });
  if (num(f, 'filesDeletedAfterErrors') > 0) hints.push({ label: 'files_deleted_after_errors', detail: `${num(f, 'filesDeletedAfterErrors')} deletions after errors` });
  if (f.contextOverflow === true) hints.push({ label: 'context_overflow', detail: 'the conversation outgrew the context window' });
  return hints;
};
