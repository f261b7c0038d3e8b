import type { ChatMessage } from './conversation.js';
import { textOf } from './conversation.js';
import { hashHex } from './random.js';

/** The chat-completions request fields the sim reads; anything else is accepted and ignored. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly { readonly type?: string; readonly function?: { readonly name?: string } }[];
  readonly seed?: number;
  readonly stream?: boolean;
}

/** An OpenAI-style error: HTTP status and the `{ error: {...} }` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
  body() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

const invalid = (message: string, param: string | null = null, code: string | null = null) => new ApiError(400, message, 'invalid_request_error', param, code);

/** Checks the body is a chat-completions request the sim can answer. */
export const parseChatRequest = (raw: string): ChatRequest => {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (e) {
    throw invalid(`The request body is not valid JSON: ${(e as Error).message}`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('The request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || !b.model) throw invalid("'model' is required and must be a string.", 'model');
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw invalid("'messages' must be a non-empty array.", 'messages');
  b.messages.forEach((m, i) => {
    if (!m || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string')
      throw invalid(`'messages.${i}' must be an object with a string 'role'.`, `messages.${i}`);
  });
  if (b.stream === true) throw invalid('Streaming is not supported by this server: send stream: false.', 'stream', 'unsupported_value');
  if (b.tools !== undefined && !Array.isArray(b.tools)) throw invalid("'tools' must be an array.", 'tools');
  if (b.seed !== undefined && b.seed !== null && !Number.isInteger(b.seed)) throw invalid("'seed' must be an integer.", 'seed');
  return {
    model: b.model,
    messages: b.messages as ChatMessage[],
    tools: b.tools as ChatRequest['tools'],
    seed: typeof b.seed === 'number' ? b.seed : undefined,
  };
};

export interface Completion {
  readonly content: string | null;
  readonly toolCall?: { readonly id: string; readonly name: string; readonly arguments: string };
  /** The answer was cut short (a fault): finish_reason says so the way real servers do. */
  readonly finishReason?: 'stop' | 'tool_calls' | 'length';
}

/** Rough token count (4 characters a token), enough for usage accounting. */
const tokens = (text: string): number => Math.ceil(text.length / 4);

const promptText = (req: ChatRequest): string =>
  req.messages.map((m) => textOf(m.content) + (m.tool_calls ?? []).map((c) => `${c.function?.name}${JSON.stringify(c.function?.arguments)}`).join('')).join('\n') +
  JSON.stringify(req.tools ?? []);

/** The chat.completion object for one answer. */
export const completionBody = (req: ChatRequest, answer: Completion, created: number) => {
  const completionText = (answer.content ?? '') + (answer.toolCall ? answer.toolCall.name + answer.toolCall.arguments : '');
  const promptTokens = tokens(promptText(req));
  const completionTokens = Math.max(1, tokens(completionText));
  return {
    id: `chatcmpl-${hashHex(req.model, req.seed ?? 0, promptText(req), completionText).slice(0, 29)}`,
    object: 'chat.completion' as const,
    created,
    model: req.model,
    system_fingerprint: 'tack-sim',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content: answer.content,
          refusal: null,
          ...(answer.toolCall
            ? { tool_calls: [{ id: answer.toolCall.id, type: 'function' as const, function: { name: answer.toolCall.name, arguments: answer.toolCall.arguments } }] }
            : {}),
        },
        finish_reason: answer.finishReason ?? (answer.toolCall ? 'tool_calls' : 'stop'),
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
};
