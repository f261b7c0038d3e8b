import type { PolicyKind } from '../../domain/harness.js';
import type { Action } from '../actions.js';
import type { ChatMessage, ModelTurn, ToolCallRequest } from '../chat.js';
import type { ShellSession } from '../tools/shell-session.js';

/**
 * Runtime policies are middleware around the agent loop. Each hook looks at the run so far and may
 * return one effect; the loop applies it and records it in the trace as an intervention. Policies
 * never act on their own, so every intervention is visible.
 */
export type Hook = 'beforeModel' | 'afterModel' | 'beforeTool' | 'afterTool' | 'beforeFinish';

export type PolicyEffect =
  /** A message to the model, sent after every tool call of the turn is answered. */
  | { readonly type: 'inject'; readonly message: string; readonly detail?: string }
  /** beforeTool: do not run the call; answer it with the message. */
  | { readonly type: 'refuse'; readonly message: string; readonly detail?: string }
  /** beforeFinish: do not accept finishing; tell the model why. */
  | { readonly type: 'reject_finish'; readonly message: string; readonly detail?: string }
  /** End the run (exit reason policy_stop). */
  | { readonly type: 'stop'; readonly message: string; readonly detail?: string }
  /** beforeModel: replace the conversation sent to the model. */
  | { readonly type: 'compact'; readonly messages: readonly ChatMessage[]; readonly digest: string; readonly detail: string }
  /** Something the policy did without changing the conversation (e.g. carried shell state). */
  | { readonly type: 'note'; readonly detail: string };

/** What a policy may look at. */
export interface RunView {
  /** Model calls made so far. */
  readonly turns: number;
  readonly actions: readonly Action[];
  readonly messages: readonly ChatMessage[];
  readonly session: ShellSession;
}

export interface RuntimePolicy {
  readonly id: string;
  readonly kind: PolicyKind;
  beforeModel?(run: RunView): PolicyEffect | null;
  afterModel?(run: RunView, turn: ModelTurn): PolicyEffect | null;
  beforeTool?(run: RunView, call: ToolCallRequest): PolicyEffect | null;
  afterTool?(run: RunView, action: Action): PolicyEffect | null;
  beforeFinish?(run: RunView): PolicyEffect | null;
}

/** An intervention as the trace records it. */
export interface Intervention {
  /** ATIF step it belongs to. */
  readonly stepId: number;
  readonly policyId: string;
  readonly kind: PolicyKind;
  readonly hook: Hook;
  readonly action: PolicyEffect['type'];
  readonly message?: string;
  readonly detail?: string;
}
