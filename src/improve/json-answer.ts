import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { decodeWith } from '../domain/decode.js';

/**
 * The JSON in a model's answer, as open models send it: maybe after a <think> block, maybe in a
 * ```json fence, maybe with prose around it.
 */
export const extractJson = (content: string): E.Either<string, unknown> => {
  const text = content.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  const fenced = /```(?:json)?\s*\n?([\s\S]*?)```/i.exec(text);
  const candidates = [fenced?.[1], text, text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)].filter((c): c is string => !!c && c.trim().length > 0);
  let lastError = 'the answer is empty';
  for (const c of candidates) {
    try {
      return E.right(JSON.parse(c));
    } catch (e) {
      lastError = `not valid JSON (${(e as Error).message})`;
    }
  }
  return E.left(lastError);
};

export const parseAnswer = <A>(codec: t.Type<A, unknown, unknown>, content: string): E.Either<string, A> => {
  const json = extractJson(content);
  return E.isLeft(json) ? json : decodeWith(codec, json.right);
};
