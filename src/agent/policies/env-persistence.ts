import type { PolicyOf } from '../../domain/harness.js';
import type { RuntimePolicy } from './policy.js';

/**
 * Keeps exported variables, PATH and the working directory across shell calls. The carrying itself
 * is the shell session's (tools/shell-session.ts, switched on for the flags this policy names); the
 * policy records, before a shell call, what the session now carries that a fresh shell would not,
 * each time that changes.
 */
export const envPersistence = (policy: PolicyOf<'EnvPersistence'>): RuntimePolicy => {
  const flags = new Set(policy.params.persist);
  let recorded = '';
  return {
    id: policy.id,
    kind: policy.kind,
    beforeTool(run, call) {
      if (call.name !== 'bash') return null;
      const carried = run.session.carried(flags).join(', ');
      if (carried === recorded) return null;
      recorded = carried;
      return { type: 'note', detail: carried ? `carried into this call: ${carried}` : 'nothing to carry any more' };
    },
  };
};
