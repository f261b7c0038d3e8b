import * as E from 'fp-ts/lib/Either.js';
import type { ModelRef } from '../domain/events.js';
import type { ChatMessage, ChatRequest, ModelTurn, ToolSpec, TurnKey } from './chat.js';
import { readCompletion } from './completion.js';
import { ModelCallError, type ChatEndpoint } from './endpoint.js';

/** What the agent loop talks to: one model, asked for the next turn of a conversation. */
export interface ModelClient {
  readonly modelName: string;
  complete(
    messages: readonly ChatMessage[],
    tools: readonly ToolSpec[],
    call: TurnKey & { readonly seed: number; readonly signal?: AbortSignal },
  ): Promise<ModelTurn>;
}

export { seedFor } from '../domain/seed.js';

/** The request body for a model as a branch records it: id and sampling parameters, plus the seed. */
export const chatRequest = (
  model: ModelRef,
  messages: readonly ChatMessage[],
  tools: readonly ToolSpec[],
  seed: number,
): ChatRequest => ({
  model: model.id,
  messages,
  ...(tools.length > 0 ? { tools } : {}),
  seed,
  ...(model.params?.temperature !== undefined ? { temperature: model.params.temperature } : {}),
  ...(model.params?.maxTokens !== undefined ? { max_tokens: model.params.maxTokens } : {}),
  ...(model.params?.topP !== undefined ? { top_p: model.params.topP } : {}),
});

/** A model behind an endpoint (live HTTP, or a cassette recorder/player wrapped around one). */
export const modelClient = (model: ModelRef, endpoint: ChatEndpoint): ModelClient => ({
  modelName: model.id,
  async complete(messages, tools, call) {
    const raw = await endpoint.send(chatRequest(model, messages, tools, call.seed), { attemptId: call.attemptId, turn: call.turn }, call.signal);
    const turn = readCompletion(raw, call.turn);
    if (E.isLeft(turn)) throw new ModelCallError(`unreadable model response at turn ${call.turn}: ${turn.left}`, 'malformed');
    return turn.right;
  },
});
