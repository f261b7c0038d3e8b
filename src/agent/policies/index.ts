import type { Harness, Policy } from '../../domain/harness.js';
import { contextCompaction } from './context-compaction.js';
import { duplicateCommandGuard } from './duplicate-command-guard.js';
import { envPersistence } from './env-persistence.js';
import { explorationLimit } from './exploration-limit.js';
import { missingArtifactRecovery } from './missing-artifact-recovery.js';
import type { RuntimePolicy } from './policy.js';
import { preCompletionCheck } from './pre-completion-check.js';
import { toolCallBudget } from './tool-call-budget.js';

/** The runtime middleware for one policy of the harness catalog (fresh state per run). */
export const runtimePolicy = (policy: Policy): RuntimePolicy => {
  switch (policy.kind) {
    case 'ToolCallBudget':
      return toolCallBudget(policy);
    case 'DuplicateCommandGuard':
      return duplicateCommandGuard(policy);
    case 'EnvPersistence':
      return envPersistence(policy);
    case 'PreCompletionCheck':
      return preCompletionCheck(policy);
    case 'MissingArtifactRecovery':
      return missingArtifactRecovery(policy);
    case 'ExplorationLimit':
      return explorationLimit(policy);
    case 'ContextCompaction':
      return contextCompaction(policy);
  }
};

/** Every policy of a harness, in the harness's order (which is the order their hooks run in). */
export const runtimePolicies = (harness: Harness): RuntimePolicy[] => harness.policies.map(runtimePolicy);
