import type { Intent } from '../intent.js';
import type { TaskKnowledge } from '../library.js';
import type { Outcome } from '../outcome.js';
import type { Solution } from '../solution.js';

export type ToolName = 'bash' | 'read_file' | 'write_file' | 'edit_file' | 'list_dir' | 'finish';

/** Why the agent takes an action; personas reason about their own earlier actions by it. */
export type ActionKind =
  /** read-only look at the environment */
  | 'probe'
  /** a harmless extra look */
  | 'detour'
  /** part of a solution step */
  | 'work'
  /** the step's plausible but failing first command */
  | 'pitfall'
  /** a wrong first command the persona makes up (a misremembered file name) */
  | 'slip'
  /** only the environment-setting commands of a step */
  | 'env'
  | 'check'
  /** deleting files taken for broken */
  | 'cleanup'
  | 'finish';

export interface Action {
  readonly tool: ToolName;
  readonly args: Readonly<Record<string, string>>;
  readonly kind: ActionKind;
  /** The solution step the action belongs to. */
  readonly step?: number;
  /** What the model says it is doing, in a sentence. */
  readonly say: string;
}

export interface AgentContext {
  readonly persona: string;
  readonly task: TaskKnowledge;
  /** The solution as this persona knows it: the real one, or one with a detail wrong on tasks beyond it. */
  readonly solution: Solution;
  /** True when this task is beyond the persona whatever the harness. */
  readonly limited: boolean;
  readonly seed: number;
  readonly tools: ReadonlySet<ToolName>;
  /** Weaknesses the system prompt addresses with a rule. */
  readonly rules: ReadonlySet<Intent>;
}

/**
 * A persona is a small state machine replayed over the conversation on every request (the sim keeps no
 * state between requests): `start` from the task, then for each earlier turn `hear` the messages that
 * preceded it, compute the action it took with `next`, and update with `after` from its result.
 * `next` must not change the state, so replaying gives the same actions the persona took before.
 */
export interface Persona<S> {
  readonly name: string;
  /** Share of tasks beyond this persona whatever the harness (chosen by hash of persona and task id). */
  readonly capabilityLimitRate: number;
  start(ctx: AgentContext): S;
  hear(state: S, intents: ReadonlySet<Intent>, ctx: AgentContext): void;
  next(state: S, ctx: AgentContext, turn: number): Action;
  after(state: S, action: Action, outcome: Outcome, ctx: AgentContext, turn: number): void;
}
