import type { PolicyOf } from '../../domain/harness.js';
import type { RuntimePolicy } from './policy.js';

/** After `maxReadOnlySteps` read-only actions in a row (reading, listing, probing), nudges the model to act. */
export const explorationLimit = (policy: PolicyOf<'ExplorationLimit'>): RuntimePolicy => {
  let streak = 0;
  return {
    id: policy.id,
    kind: policy.kind,
    afterTool(_run, action) {
      if (action.status !== 'done') return null;
      streak = action.readOnly ? streak + 1 : 0;
      if (streak < policy.params.maxReadOnlySteps) return null;
      const detail = `${streak} read-only actions in a row`;
      streak = 0;
      return { type: 'inject', message: policy.params.message, detail };
    },
  };
};
