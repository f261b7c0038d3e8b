import type { PolicyOf } from '../../domain/harness.js';
import type { Action } from '../actions.js';
import type { RuntimePolicy } from './policy.js';

/**
 * Refuses an exact repeat of a failed shell command beyond `allowedRepeats`: the call is answered
 * with the policy's message instead of running. A file change by another action since the failures
 * makes the command worth running again (something changed).
 */
const failedRunsSinceChange = (actions: readonly Action[], command: string): number => {
  let failures = 0;
  for (let i = actions.length - 1; i >= 0; i--) {
    const a = actions[i];
    if (a.command === command) {
      if (a.status === 'done' && a.ok) break;
      if (a.status === 'done' || a.status === 'refused') failures++;
    } else if (a.status === 'done' && a.writes) break;
  }
  return failures;
};

export const duplicateCommandGuard = (policy: PolicyOf<'DuplicateCommandGuard'>): RuntimePolicy => ({
  id: policy.id,
  kind: policy.kind,
  beforeTool(run, call) {
    if (call.name !== 'bash' || typeof call.args?.command !== 'string') return null;
    const command = call.args.command;
    const failures = failedRunsSinceChange(run.actions, command);
    if (failures <= policy.params.allowedRepeats) return null;
    return { type: 'refuse', message: policy.params.message, detail: `the same command already failed ${failures} time(s): ${command}` };
  },
});
