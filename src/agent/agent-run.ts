import type { ExitReason } from '../domain/events.js';
import { harnessHash, renderSystemPrompt, type Harness } from '../domain/harness.js';
import { actionDone, actionNotRun, type Action, type CallPlace } from './actions.js';
import type { AtifTrajectory, JsonObject } from './atif.js';
import type { ChatMessage, ModelTurn, ToolCallRequest, WireToolCall } from './chat.js';
import { Conversation } from './conversation.js';
import { ModelCallError } from './endpoint.js';
import { detectorFeatures, type Features } from './features.js';
import type { ModelClient } from './model-client.js';
import { runtimePolicies } from './policies/index.js';
import type { Hook, Intervention, PolicyEffect, RunView, RuntimePolicy } from './policies/policy.js';
import { redactSecrets, secretsIn } from './secrets.js';
import { persistenceOf, Toolbox } from './tools/toolbox.js';
import type { ToolResult } from './tools/tool.js';
import { systemClock, TrajectoryBuilder, type Clock } from './trajectory.js';
import type { Workspace } from './workspace.js';

export interface RunInput {
  readonly harness: Harness;
  readonly model: ModelClient;
  readonly workspace: Workspace;
  readonly instruction: string;
  readonly taskId: string;
  readonly attempt: number;
  /** The OpenAI seed of every request (see seedFor). */
  readonly seed: number;
  /** Names the run in cassettes and as the trace's session id; default `<taskId>#<attempt>`. */
  readonly attemptId?: string;
  readonly clock?: Clock;
  /** Values scrubbed from the trace; default: the API keys the environment holds. */
  readonly secrets?: readonly string[];
}

export type AgentExitReason = Extract<ExitReason, 'finished' | 'step_budget' | 'wall_timeout' | 'policy_stop' | 'model_error'>;

export interface RunSummary {
  readonly exitReason: AgentExitReason;
  /** Model turns taken. */
  readonly steps: number;
  readonly usage: { readonly modelCalls: number; readonly promptTokens: number; readonly completionTokens: number };
  readonly interventions: readonly Intervention[];
  readonly features: Features;
  /** The agent's own summary when it finished. */
  readonly finishSummary: string | null;
  /** Why the run stopped early (model error, policy stop, limit), when it did. */
  readonly stopDetail: string | null;
}

export interface RunResult {
  readonly trajectory: AtifTrajectory;
  readonly summary: RunSummary;
}

/** The sanitised calls written back into the history: invalid arguments never go back to the server. */
const wireCalls = (turn: ModelTurn): WireToolCall[] =>
  turn.toolCalls.map((c) => ({
    id: c.id,
    type: 'function',
    function: { name: c.name || 'unnamed_tool', arguments: c.args === null ? '{}' : c.rawArguments.trim() === '' ? '{}' : c.rawArguments },
  }));

const callFacts = (c: ToolCallRequest): JsonObject => ({
  call_id: c.id,
  origin: c.origin,
  id_generated: c.idGenerated,
  ...(c.argumentError ? { argument_error: c.argumentError, raw_arguments: c.rawArguments } : {}),
});

/**
 * The state of one agent run and the operations the loop (loop.ts) strings together: calling the
 * model, acting on tool calls, finishing, with the policies' hooks around each and everything
 * recorded in the trajectory.
 */
export class AgentRun implements RunView {
  readonly actions: Action[] = [];
  readonly interventions: Intervention[] = [];
  turns = 0;

  private readonly clock: Clock;
  private readonly started: number;
  private readonly attemptId: string;
  private readonly conversation: Conversation;
  private readonly trace: TrajectoryBuilder;
  private readonly toolbox: Toolbox;
  private readonly policies: RuntimePolicy[];
  private readonly usage = { modelCalls: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0 };
  private exit: { readonly reason: AgentExitReason; readonly detail: string | null } | null = null;
  private contextOverflow = false;
  private finishSummary: string | null = null;
  /** Policies whose messages wait in the conversation's queue. */
  private queuedBy: string[] = [];

  constructor(private readonly input: RunInput) {
    this.clock = input.clock ?? systemClock;
    this.started = this.clock.now();
    this.attemptId = input.attemptId ?? `${input.taskId}#${input.attempt}`;
    const system = renderSystemPrompt(input.harness);
    this.conversation = new Conversation(system, input.instruction);
    this.trace = new TrajectoryBuilder(this.clock);
    this.trace.note('system', system);
    this.trace.note('user', input.instruction);
    this.toolbox = new Toolbox(input.harness, input.workspace.workdir);
    this.policies = runtimePolicies(input.harness);
  }

  get messages(): readonly ChatMessage[] {
    return this.conversation.messages;
  }

  get session() {
    return this.toolbox.session;
  }

  /** The limit the run has reached, if any. */
  limitReached(): AgentExitReason | null {
    const { maxSteps } = this.input.harness.limits;
    if (this.secondsLeft() <= 0) return 'wall_timeout';
    return this.turns >= maxSteps ? 'step_budget' : null;
  }

  stopped(): boolean {
    return this.exit !== null;
  }

  end(reason: AgentExitReason, detail: string | null = null): void {
    if (this.exit) return;
    this.exit = { reason, detail };
    if (reason !== 'finished') this.trace.note('system', `Run stopped: ${reason}${detail ? ` (${detail})` : ''}`, { exit_reason: reason });
  }

  beforeModel(): void {
    for (const { policy, effect } of this.hook((p) => p.beforeModel?.(this))) {
      if (effect.type === 'compact') {
        this.conversation.replace(effect.messages);
        const stepId = this.trace.note('system', effect.digest, { compaction: { policy_id: policy.id, detail: effect.detail } });
        this.record(policy, 'beforeModel', effect, stepId);
      } else this.apply(policy, 'beforeModel', effect, this.trace.lastStepId);
    }
  }

  /** Ask the model for the next turn; null when the call failed for good (the run then ends). */
  async callModel(): Promise<{ turn: ModelTurn; place: CallPlace } | null> {
    const t0 = this.clock.now();
    const outOfTime = new AbortController();
    const timer = setTimeout(() => outOfTime.abort(), Math.max(0, this.secondsLeft() * 1000));
    let turn: ModelTurn;
    try {
      turn = await this.input.model.complete(this.conversation.messages, this.toolbox.specs, {
        attemptId: this.attemptId,
        turn: this.turns,
        seed: this.input.seed,
        signal: outOfTime.signal,
      });
    } catch (e) {
      if (!(e instanceof ModelCallError)) throw e;
      this.contextOverflow ||= e.contextOverflow;
      if (e.failure === 'aborted') this.end('wall_timeout', 'during a model call');
      else this.end('model_error', e.message);
      return null;
    } finally {
      clearTimeout(timer);
    }
    const index = this.turns++;
    this.usage.modelCalls++;
    this.usage.promptTokens += turn.usage.promptTokens;
    this.usage.completionTokens += turn.usage.completionTokens;
    this.usage.cachedTokens += turn.usage.cachedTokens;
    const modelMs = this.clock.now() - t0;
    const effects = this.hook((p) => p.afterModel?.(this, turn));
    const stepId = this.trace.agent(turn, this.input.model.modelName, {
      turn: index,
      finish_reason: turn.finishReason,
      model_ms: modelMs,
      ...(turn.notes.length > 0 ? { notes: [...turn.notes] } : {}),
      ...(turn.toolCalls.length > 0 ? { calls: turn.toolCalls.map(callFacts) } : {}),
    });
    effects.forEach(({ policy, effect }) => this.apply(policy, 'afterModel', effect, stepId));
    this.conversation.assistant(turn.content, wireCalls(turn));
    return { turn, place: { stepId, turn: index } };
  }

  /** Run one tool call (not finish) under the policies, and answer it. */
  async act(call: ToolCallRequest, place: CallPlace): Promise<void> {
    if (this.exit) return this.skip(call, place, `run already stopped (${this.exit.reason})`);
    if (this.limitReached() === 'wall_timeout') {
      this.end('wall_timeout', 'during tool calls');
      return this.skip(call, place, 'the wall-time limit was reached');
    }
    const t0 = this.clock.now();
    let action: Action;
    let result: ToolResult | null = null;
    const known = this.toolbox.names().includes(call.name);
    if (call.args === null || !known) {
      const why = !known
        ? `error: unknown tool "${call.name}"; the tools are: ${this.toolbox.names().join(', ')}`
        : `error: the arguments of this ${call.name} call are not a valid JSON object (${call.argumentError}); nothing was run. Call it again with valid JSON arguments.`;
      action = actionNotRun(place, call, 'invalid', why);
    } else {
      let refusal: string | null = null;
      for (const { policy, effect } of this.hook((p) => p.beforeTool?.(this, call))) {
        if (effect.type !== 'refuse') this.apply(policy, 'beforeTool', effect, place.stepId);
        else {
          this.record(policy, 'beforeTool', effect, place.stepId);
          refusal ??= effect.message;
        }
      }
      if (refusal !== null) {
        action = actionNotRun(place, call, 'refused', refusal);
      } else {
        result = await this.toolbox.run(call.name, call.args, { workspace: this.input.workspace, secondsLeft: () => this.secondsLeft() });
        action = actionDone(place, call, result);
      }
    }
    this.actions.push(action);
    this.conversation.answer(call.id, action.output);
    this.trace.result(place.stepId, call.id, action.output, {
      status: action.status,
      ok: action.ok,
      ...(result?.exitCode !== undefined ? { exit_code: result.exitCode } : {}),
      ...(result?.timedOut ? { timed_out: true } : {}),
      ...(result?.elidedBytes ? { elided_bytes: result.elidedBytes } : {}),
      duration_ms: this.clock.now() - t0,
    });
    for (const { policy, effect } of this.hook((p) => p.afterTool?.(this, action))) this.apply(policy, 'afterTool', effect, place.stepId);
  }

  /** Answer a call that will not run. */
  skip(call: ToolCallRequest, place: CallPlace, why: string): void {
    const text = `not run: ${why}`;
    this.conversation.answer(call.id, text);
    this.trace.result(place.stepId, call.id, text, { status: 'skipped', ok: false });
  }

  /** The model wants to finish (a finish call, or a reply without tool calls): accepted unless a policy pushes back. */
  finish(call: ToolCallRequest | null, turn: ModelTurn, place: CallPlace): void {
    const pushBacks: { policyId: string; message: string }[] = [];
    for (const { policy, effect } of this.hook((p) => p.beforeFinish?.(this))) {
      if (effect.type !== 'reject_finish') this.apply(policy, 'beforeFinish', effect, place.stepId);
      else {
        this.record(policy, 'beforeFinish', effect, place.stepId);
        pushBacks.push({ policyId: policy.id, message: effect.message });
      }
    }
    const pushBack = pushBacks.map((p) => p.message).join('\n\n');
    if (call) {
      const text = pushBack || 'Finished.';
      this.conversation.answer(call.id, text);
      this.trace.result(place.stepId, call.id, text, { status: pushBack ? 'refused' : 'done', ok: !pushBack });
    } else if (pushBack) {
      this.conversation.queue(pushBack);
      this.queuedBy.push(...pushBacks.map((p) => p.policyId));
    }
    if (pushBack) return;
    const summary = call?.args?.summary;
    this.finishSummary = typeof summary === 'string' ? summary : turn.content;
    this.end('finished');
  }

  /** Deliver what the policies said during the turn, after every tool call is answered. */
  endTurn(): void {
    const text = this.conversation.flush();
    if (text !== null) this.trace.note('system', text, { delivered_as: 'user', policy_ids: [...new Set(this.queuedBy)] });
    this.queuedBy = [];
  }

  result(): RunResult {
    const exit = this.exit ?? { reason: 'model_error' as const, detail: 'the run ended without an exit reason' };
    const features = detectorFeatures({
      actions: this.actions,
      interventions: this.interventions,
      persisted: persistenceOf(this.input.harness),
      contextOverflow: this.contextOverflow,
      finished: exit.reason === 'finished',
    });
    const { modelCalls, promptTokens, completionTokens, cachedTokens } = this.usage;
    const summary: RunSummary = {
      exitReason: exit.reason,
      steps: this.turns,
      usage: { modelCalls, promptTokens, completionTokens },
      interventions: this.interventions,
      features,
      finishSummary: this.finishSummary,
      stopDetail: exit.detail,
    };
    const hash = harnessHash(this.input.harness);
    const trajectory = this.trace.build({
      session_id: this.attemptId,
      agent: { name: 'tack', version: `harness-${hash.slice(0, 12)}`, model_name: this.input.model.modelName, extra: { harness_hash: hash } },
      final_metrics: {
        total_prompt_tokens: promptTokens,
        total_completion_tokens: completionTokens,
        total_cached_tokens: cachedTokens,
        total_steps: this.trace.lastStepId,
      },
      extra: {
        task_id: this.input.taskId,
        attempt: this.input.attempt,
        seed: this.input.seed,
        exit_reason: exit.reason,
        ...(exit.detail ? { stop_detail: exit.detail } : {}),
        ...(this.finishSummary !== null ? { finish_summary: this.finishSummary } : {}),
        model_calls: modelCalls,
        wall_ms: this.clock.now() - this.started,
        interventions: this.interventions.map(interventionJson),
        features,
      },
    });
    const secrets = this.input.secrets ?? secretsIn(process.env);
    return { trajectory: scrub(trajectory, secrets), summary: scrub(summary, secrets) };
  }

  private secondsLeft(): number {
    return this.input.harness.limits.wallSeconds - (this.clock.now() - this.started) / 1000;
  }

  private hook(call: (p: RuntimePolicy) => PolicyEffect | null | undefined): { policy: RuntimePolicy; effect: PolicyEffect }[] {
    const out: { policy: RuntimePolicy; effect: PolicyEffect }[] = [];
    for (const policy of this.policies) {
      const effect = call(policy);
      if (effect) out.push({ policy, effect });
    }
    return out;
  }

  /** Apply an effect that does not depend on the hook site (inject, stop, note), and record it. */
  private apply(policy: RuntimePolicy, hook: Hook, effect: PolicyEffect, stepId: number): void {
    this.record(policy, hook, effect, stepId);
    if (effect.type === 'inject') {
      this.conversation.queue(effect.message);
      this.queuedBy.push(policy.id);
    } else if (effect.type === 'stop') this.end('policy_stop', `${policy.id} ${policy.kind}: ${effect.detail ?? effect.message}`);
  }

  private record(policy: RuntimePolicy, hook: Hook, effect: PolicyEffect, stepId: number): void {
    this.interventions.push({
      stepId,
      policyId: policy.id,
      kind: policy.kind,
      hook,
      action: effect.type,
      ...('message' in effect ? { message: effect.message } : {}),
      ...(effect.detail ? { detail: effect.detail } : {}),
    });
  }
}

const interventionJson = (i: Intervention): JsonObject => ({
  step_id: i.stepId,
  policy_id: i.policyId,
  kind: i.kind,
  hook: i.hook,
  action: i.action,
  ...(i.message !== undefined ? { message: i.message } : {}),
  ...(i.detail !== undefined ? { detail: i.detail } : {}),
});

/** The value with every secret replaced, wherever it sits (JSON-escaped, as it appears in the text). */
const scrub = <A>(value: A, secrets: readonly string[]): A => {
  if (secrets.length === 0) return value;
  const json = JSON.stringify(value);
  const clean = redactSecrets(json, secrets.map((s) => JSON.stringify(s).slice(1, -1)));
  return clean === json ? value : (JSON.parse(clean) as A);
};
