import type { PolicyOf } from '../../domain/harness.js';
import type { RuntimePolicy } from './policy.js';

/**
 * A circuit breaker on tool calls: every `maxCalls` calls the model is redirected with the policy's
 * message, or (action stop) the run ends at the first `maxCalls`.
 */
export const toolCallBudget = (policy: PolicyOf<'ToolCallBudget'>): RuntimePolicy => ({
  id: policy.id,
  kind: policy.kind,
  afterTool(run) {
    const calls = run.actions.length;
    if (calls === 0 || calls % policy.params.maxCalls !== 0) return null;
    const detail = `${calls} tool calls (budget ${policy.params.maxCalls})`;
    return policy.params.action === 'stop'
      ? { type: 'stop', message: policy.params.message, detail }
      : { type: 'inject', message: policy.params.message, detail };
  },
});
