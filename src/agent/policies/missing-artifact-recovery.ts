import type { PolicyOf } from '../../domain/harness.js';
import { missingFileIn } from '../actions.js';
import type { RuntimePolicy } from './policy.js';

/**
 * After a tool result that says a file is missing, tells the model (with the policy's message, naming
 * the path when the output names one) to recreate it. Once per missing path.
 */
export const missingArtifactRecovery = (policy: PolicyOf<'MissingArtifactRecovery'>): RuntimePolicy => {
  const announced = new Set<string>();
  return {
    id: policy.id,
    kind: policy.kind,
    afterTool(_run, action) {
      if (action.status !== 'done' || action.tool === 'write_file') return null;
      const missing = missingFileIn(action.output);
      if (!missing) return null;
      const key = missing.path ?? '';
      if (announced.has(key)) return null;
      announced.add(key);
      const message = missing.path ? `${policy.params.message}\nMissing: ${missing.path}` : policy.params.message;
      return { type: 'inject', message, detail: `missing file${missing.path ? ` ${missing.path}` : ''} after ${action.tool}` };
    },
  };
};
