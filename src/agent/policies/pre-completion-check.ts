import type { PolicyOf } from '../../domain/harness.js';
import { checkedSinceLastWrite } from '../actions.js';
import type { RuntimePolicy } from './policy.js';

/**
 * Before finishing, a verification command must have run since the last file change: otherwise the
 * finish is pushed back with the policy's message, at most `maxRounds` times.
 */
export const preCompletionCheck = (policy: PolicyOf<'PreCompletionCheck'>): RuntimePolicy => {
  let rounds = 0;
  return {
    id: policy.id,
    kind: policy.kind,
    beforeFinish(run) {
      if (rounds >= policy.params.maxRounds || checkedSinceLastWrite(run.actions)) return null;
      rounds++;
      return {
        type: 'reject_finish',
        message: policy.params.message,
        detail: `no check ran since the last file change (round ${rounds} of ${policy.params.maxRounds})`,
      };
    },
  };
};
