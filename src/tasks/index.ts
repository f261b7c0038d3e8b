/** The task-suite API: load suites, run attempts of tasks in sandboxes, reference agents. */
export { loadSuite, loadTask, contentHash, TaskFormatError, type Suite, type Task, type TaskConfig, type EnvironmentConfig } from './loader.js';
export {
  runTasks,
  runAttempt,
  seedFor,
  PASS_REWARD,
  type AgentContext,
  type AgentExitReason,
  type AgentFn,
  type AgentOutcome,
  type AttemptResult,
  type ProgressEvent,
  type RunOptions,
  type RunTasksOptions,
} from './runner.js';
export { oracleAgent, nullAgent, referenceAgents, type OracleDetail, type ReferenceAgentName } from './reference-agents.js';
export { prepareEnvironment, defaultCacheDir, type EnvironmentResult, type PreparedEnvironment, type UnavailableEnvironment } from './environment.js';
export { resolveSandboxMode, findBubblewrap, SandboxError, UNSAFE_WARNING, type SandboxEvent, type SandboxOptions, type SandboxSettings } from './sandbox.js';
export type { VerifierResult, CtrfSummary } from './verifier.js';
