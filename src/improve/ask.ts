import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { ChatMessage } from '../agent/chat.js';
import type { ModelClient } from '../agent/model-client.js';
import { parseAnswer } from './json-answer.js';
import { repairMessages } from './prompts.js';

export interface Answer<A> {
  readonly value: E.Either<string, A>;
  readonly modelCalls: number;
  readonly tokens: number;
}

/**
 * Ask a model for JSON of a given shape: one repair round when the first answer does not parse or
 * does not fit, then the failure is reported (never thrown), with the work it cost.
 */
export const askJson = async <A>(
  client: ModelClient,
  codec: t.Type<A, unknown, unknown>,
  messages: readonly ChatMessage[],
  key: { readonly attemptId: string; readonly seed: number },
): Promise<Answer<A>> => {
  let calls = 0;
  let tokens = 0;
  const ask = async (m: readonly ChatMessage[], turn: number) => {
    calls++;
    const reply = await client.complete(m, [], { attemptId: key.attemptId, turn, seed: key.seed });
    tokens += reply.usage.promptTokens + reply.usage.completionTokens;
    return reply.content;
  };
  const first = await ask(messages, 0);
  const parsed = parseAnswer(codec, first);
  if (E.isRight(parsed)) return { value: parsed, modelCalls: calls, tokens };
  const second = await ask(repairMessages(messages, first, parsed.left), 1);
  const repaired = parseAnswer(codec, second);
  return { value: E.isRight(repaired) ? repaired : E.left(`${parsed.left}; after repair: ${repaired.left}`), modelCalls: calls, tokens };
};
