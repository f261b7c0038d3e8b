import * as E from 'fp-ts/lib/Either.js';
import type { ModelTurn, TokenUsage, ToolCallRequest } from './chat.js';

/**
 * Reading a raw chat-completions response the way open-model servers really send it: reasoning in
 * `reasoning_content`/`reasoning` or inline `<think>` blocks, tool calls without ids, arguments as an
 * object or as invalid JSON, tool calls left as `<tool_call>` text or bare JSON in the content, and a
 * finish_reason that does not say tool_calls. Pure: the same response always reads the same way.
 */
type Json = Record<string, unknown>;

const isObject = (u: unknown): u is Json => typeof u === 'object' && u !== null && !Array.isArray(u);
const text = (u: unknown): string => (typeof u === 'string' ? u : '');
const count = (u: unknown): number => (typeof u === 'number' && Number.isFinite(u) && u >= 0 ? Math.floor(u) : 0);

/** A stable id for a call the server did not name: the same turn and position always give the same id. */
export const generatedCallId = (turn: number, index: number): string => `call_t${turn}_${index}`;

interface Arguments {
  readonly args: Json | null;
  readonly raw: string;
  readonly error: string | null;
  readonly wasObject: boolean;
}

const readArguments = (u: unknown): Arguments => {
  if (isObject(u)) return { args: u, raw: JSON.stringify(u), error: null, wasObject: true };
  const raw = typeof u === 'string' ? u : u === undefined || u === null ? '' : JSON.stringify(u);
  if (raw.trim() === '') return { args: {}, raw, error: null, wasObject: false };
  try {
    const parsed: unknown = JSON.parse(raw);
    if (isObject(parsed)) return { args: parsed, raw, error: null, wasObject: false };
    return { args: null, raw, error: 'arguments must be a JSON object', wasObject: false };
  } catch (e) {
    return { args: null, raw, error: `arguments are not valid JSON (${(e as Error).message})`, wasObject: false };
  }
};

interface Extracted {
  readonly rest: string;
  readonly reasoning: string[];
}

/** Inline reasoning: `<think>...</think>` blocks, an unclosed `<think>` (cut off), or a bare `</think>`. */
const extractThinking = (content: string): Extracted => {
  const reasoning: string[] = [];
  let rest = content.replace(/<think>([\s\S]*?)<\/think>/g, (_m, inner: string) => {
    reasoning.push(inner.trim());
    return '';
  });
  const open = rest.indexOf('<think>');
  if (open >= 0) {
    reasoning.push(rest.slice(open + 7).trim());
    rest = rest.slice(0, open);
  }
  const close = rest.indexOf('</think>');
  if (close >= 0) {
    reasoning.push(rest.slice(0, close).trim());
    rest = rest.slice(close + 8);
  }
  return { rest: rest.trim(), reasoning: reasoning.filter((r) => r.length > 0) };
};

interface ContentCall {
  readonly name: string;
  readonly args: Arguments;
}

const callFromJson = (body: string): ContentCall | null => {
  try {
    const parsed: unknown = JSON.parse(body);
    if (!isObject(parsed) || typeof parsed.name !== 'string') return null;
    return { name: parsed.name, args: readArguments(parsed.arguments ?? parsed.parameters ?? {}) };
  } catch {
    const name = /"name"\s*:\s*"([^"]+)"/.exec(body)?.[1];
    if (!name) return null;
    return { name, args: { args: null, raw: body, error: 'the tool call in the message text is not valid JSON', wasObject: false } };
  }
};

/** Tool calls written into the text: `<tool_call>{...}</tool_call>` blocks, or the whole text being one call. */
const extractContentCalls = (content: string): { rest: string; calls: ContentCall[] } => {
  const calls: ContentCall[] = [];
  const rest = content.replace(/<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/g, (m, body: string) => {
    const call = callFromJson(body);
    if (!call) return m;
    calls.push(call);
    return '';
  });
  if (calls.length > 0) return { rest: rest.trim(), calls };
  const whole = /^\s*(?:```(?:json)?\s*)?(\{[\s\S]*\})\s*(?:```)?\s*$/.exec(content)?.[1];
  if (whole) {
    const call = callFromJson(whole);
    if (call && !call.args.error) return { rest: '', calls: [call] };
  }
  return { rest: content, calls: [] };
};

const usageOf = (u: unknown): TokenUsage => {
  const usage = isObject(u) ? u : {};
  const details = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  return {
    promptTokens: count(usage.prompt_tokens),
    completionTokens: count(usage.completion_tokens),
    cachedTokens: count(details.cached_tokens),
  };
};

/** Read one raw completion for model call `turn`; Left names what makes it unreadable. */
export const readCompletion = (raw: unknown, turn: number): E.Either<string, ModelTurn> => {
  if (!isObject(raw)) return E.left('the response is not a JSON object');
  const choices = raw.choices;
  if (!Array.isArray(choices) || choices.length === 0 || !isObject(choices[0])) return E.left('the response has no choices');
  const choice = choices[0];
  const message = isObject(choice.message) ? choice.message : null;
  if (!message) return E.left('the first choice has no message');
  const notes: string[] = [];

  const thinking = extractThinking(text(message.content));
  if (thinking.reasoning.length > 0) notes.push('reasoning taken from <think> tags in the content');
  const fieldReasoning = text(message.reasoning_content) || text(message.reasoning);
  const reasoning = [fieldReasoning.trim(), ...thinking.reasoning].filter((r) => r.length > 0).join('\n\n');

  const nativeCalls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isObject) : [];
  let content = thinking.rest;
  const found: { id: unknown; name: string; args: Arguments; origin: 'native' | 'content' }[] = [];
  if (nativeCalls.length > 0) {
    for (const call of nativeCalls) {
      const fn = isObject(call.function) ? call.function : {};
      found.push({ id: call.id, name: text(fn.name), args: readArguments(fn.arguments), origin: 'native' });
    }
  } else {
    const parsed = extractContentCalls(content);
    if (parsed.calls.length > 0) notes.push(`${parsed.calls.length} tool call(s) parsed from the message text`);
    content = parsed.rest;
    for (const call of parsed.calls) found.push({ id: undefined, name: call.name, args: call.args, origin: 'content' });
  }

  const seen = new Set<string>();
  const toolCalls: ToolCallRequest[] = found.map((c, index) => {
    const given = typeof c.id === 'string' && c.id.trim() !== '' && !seen.has(c.id) ? c.id : null;
    const id = given ?? generatedCallId(turn, index);
    seen.add(id);
    if (c.args.wasObject) notes.push(`call ${id}: arguments sent as an object`);
    if (c.args.error) notes.push(`call ${id}: ${c.args.error}`);
    return {
      id,
      name: c.name,
      args: c.args.args,
      rawArguments: c.args.raw,
      argumentError: c.args.error,
      origin: c.origin,
      idGenerated: given === null,
    };
  });
  const generated = toolCalls.filter((c) => c.idGenerated && c.origin === 'native').length;
  if (generated > 0) notes.push(`${generated} tool call id(s) missing or repeated: stable ids generated`);

  const finishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : null;
  if (toolCalls.length > 0 && finishReason !== 'tool_calls') notes.push(`finish_reason "${finishReason}" with tool calls`);
  if (finishReason === 'length') notes.push('the reply was cut off at the token limit');

  return E.right({ content, reasoning: reasoning || null, toolCalls, finishReason, usage: usageOf(raw.usage), notes });
};
