import type { PolicyOf } from '../../domain/harness.js';
import type { RuntimePolicy } from './policy.js';

/**
 * Keeps exported variables, PATH and the working directory across shell calls. The carrying itself
 * is the shell session's (tools/shell-session.ts, switched on for the flags this policy names); the
 * policy records, before each shell call, what that call receives that a fresh shell would not.
 */
export const envPersistence = (policy: PolicyOf<'EnvPersistence'>): RuntimePolicy => {
  const flags = new Set(policy.params.persist);
  return {
    id: policy.id,
    kind: policy.kind,
    beforeTool(run, call) {
      if (call.name !== 'bash') return null;
      const carried = run.session.carried(flags);
      return carried.length > 0 ? { type: 'note', detail: `carried into this call: ${carried.join(', ')}` } : null;
    },
  };
};
