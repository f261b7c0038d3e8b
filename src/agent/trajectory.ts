import type { AtifStep, AtifTrajectory, JsonObject } from './atif.js';
import { ATIF_VERSION } from './atif.js';
import type { ModelTurn } from './chat.js';

/** Where time comes from: injectable, so a replayed run can have the very same timestamps. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface StepDraft extends Mutable<Omit<AtifStep, 'tool_calls' | 'observation' | 'extra'>> {
  tool_calls?: AtifStep['tool_calls'];
  observation?: { results: { source_call_id?: string; content?: string }[] };
  extra?: JsonObject;
}

/** Builds an ATIF trajectory step by step as the run goes. */
export class TrajectoryBuilder {
  private readonly steps: StepDraft[] = [];

  constructor(private readonly clock: Clock) {}

  get lastStepId(): number {
    return this.steps.length;
  }

  /** A system or user step (the prompt, the task, a message from a policy). */
  note(source: 'system' | 'user', message: string, extra?: JsonObject): number {
    return this.push({ source, message, ...(extra ? { extra } : {}) });
  }

  /** An agent step for one model turn; its tool results are added with `result`. */
  agent(turn: ModelTurn, modelName: string, extra: JsonObject): number {
    const step: Omit<StepDraft, 'step_id' | 'timestamp'> = {
      source: 'agent',
      model_name: modelName,
      message: turn.content,
      ...(turn.reasoning ? { reasoning_content: turn.reasoning } : {}),
      ...(turn.toolCalls.length > 0
        ? { tool_calls: turn.toolCalls.map((c) => ({ tool_call_id: c.id, function_name: c.name, arguments: { ...(c.args ?? {}) } })) }
        : {}),
      metrics: {
        prompt_tokens: turn.usage.promptTokens,
        completion_tokens: turn.usage.completionTokens,
        ...(turn.usage.cachedTokens > 0 ? { cached_tokens: turn.usage.cachedTokens } : {}),
      },
      extra,
    };
    return this.push(step);
  }

  /** The answer to one tool call of an agent step, with tack's facts about it under the step's extra.tools. */
  result(stepId: number, callId: string, content: string, facts: JsonObject): void {
    const step = this.steps[stepId - 1];
    step.observation ??= { results: [] };
    step.observation.results.push({ source_call_id: callId, content });
    const extra = (step.extra ??= {});
    const tools = (extra.tools as JsonObject[] | undefined) ?? [];
    tools.push({ call_id: callId, ...facts });
    extra.tools = tools;
  }

  build(root: Omit<AtifTrajectory, 'schema_version' | 'steps'>): AtifTrajectory {
    return { schema_version: ATIF_VERSION, ...root, steps: structuredClone(this.steps) };
  }

  private push(step: Omit<StepDraft, 'step_id' | 'timestamp'>): number {
    const step_id = this.steps.length + 1;
    this.steps.push({ step_id, timestamp: new Date(this.clock.now()).toISOString(), ...step });
    return step_id;
  }
}
