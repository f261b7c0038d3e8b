import type OpenAI from 'openai';
import type { ChatRequest, TurnKey } from './chat.js';
import type { ModelRef } from '../domain/events.js';
import { apiKeyFrom, type Env } from './secrets.js';

/**
 * Where model responses come from: a live server over HTTP, or a cassette. Takes a request body,
 * returns the raw completion JSON (reading it is completion.ts's job).
 */
export interface ChatEndpoint {
  /** `signal` abandons the call (the run's wall-time limit). */
  send(request: ChatRequest, key: TurnKey, signal?: AbortSignal): Promise<unknown>;
}

export type ModelCallFailure = 'http' | 'timeout' | 'connection' | 'malformed' | 'aborted';

/** A model call that failed for good (after retries): the run ends with exit reason model_error. */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  constructor(
    message: string,
    readonly failure: ModelCallFailure,
    readonly status: number | null = null,
    /** The server said the prompt no longer fits the model's context window. */
    readonly contextOverflow = false,
  ) {
    super(message);
  }
}

export interface RetryPolicy {
  /** Retries after the first try, for 429, 5xx, timeouts and refused connections. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 16_000 };

export interface HttpEndpointOptions {
  readonly retry?: RetryPolicy;
  /** Per-request timeout. */
  readonly timeoutMs?: number;
  /** Where the API key is read from (TACK_API_KEY, then OPENAI_API_KEY). */
  readonly env?: Env;
}

const CONTEXT_OVERFLOW = /context length|context window|maximum context|too many tokens|prompt is too long|exceeds? the context/i;

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });

const abandoned = (): ModelCallError => new ModelCallError('model call abandoned: the run ran out of time', 'aborted');

/** Exponential backoff without jitter (runs stay reproducible), bounded by maxDelayMs. */
export const backoffMs = (retry: RetryPolicy, attempt: number): number =>
  Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);

/**
 * The `openai` package, loaded on the first model call: it takes a sixth of a `tack` process's start,
 * and most commands (edit, log, why...) never call a model.
 */
type Sdk = typeof OpenAI;
let sdk: Promise<Sdk> | undefined;
const loadSdk = (): Promise<Sdk> => (sdk ??= import('openai').then((m) => m.default));

const isRetryable = (OpenAI: Sdk, e: unknown): boolean =>
  e instanceof OpenAI.APIConnectionError ||
  (e instanceof OpenAI.APIError && typeof e.status === 'number' && (e.status === 429 || e.status === 408 || e.status >= 500));

const rejectsToolChoice = (OpenAI: Sdk, e: unknown): boolean =>
  e instanceof OpenAI.APIError && e.status === 400 && /tool[_ -]?choice/i.test(`${e.message} ${JSON.stringify(e.error ?? '')}`);

const failureOf = (OpenAI: Sdk, e: unknown, tries: number): ModelCallError => {
  const after = tries > 1 ? ` (after ${tries} tries)` : '';
  if (e instanceof OpenAI.APIConnectionTimeoutError) return new ModelCallError(`model request timed out${after}`, 'timeout');
  if (e instanceof OpenAI.APIConnectionError) return new ModelCallError(`cannot reach the model server${after}: ${e.message}`, 'connection');
  if (e instanceof OpenAI.APIError) {
    const detail = `${e.message} ${JSON.stringify(e.error ?? '')}`;
    return new ModelCallError(`model server answered ${e.status ?? '?'}${after}: ${e.message}`, 'http', e.status ?? null, CONTEXT_OVERFLOW.test(detail));
  }
  return new ModelCallError(`model call failed: ${(e as Error).message ?? String(e)}`, 'malformed');
};

/**
 * Any OpenAI-compatible chat-completions server, through the `openai` package. Retries 429, 5xx,
 * timeouts and refused connections with backoff; a server that rejects `tool_choice` is asked again
 * without it, and never sent it again.
 */
export const httpEndpoint = (model: ModelRef, options: HttpEndpointOptions = {}): ChatEndpoint => {
  const retry = options.retry ?? DEFAULT_RETRY;
  const settings = {
    apiKey: apiKeyFrom(options.env ?? process.env),
    ...(model.baseUrl ? { baseURL: model.baseUrl } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs ?? 600_000,
    logLevel: 'off' as const,
  };
  let client: OpenAI | undefined;
  let sendToolChoice = true;
  return {
    async send(request, _key, signal) {
      const OpenAI = await loadSdk();
      client ??= new OpenAI(settings);
      let tries = 0;
      for (let retries = 0; ; ) {
        if (signal?.aborted) throw abandoned();
        tries++;
        const body = { ...request, ...(sendToolChoice && request.tools?.length ? { tool_choice: 'auto' as const } : {}) };
        try {
          return await client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal });
        } catch (e) {
          if (signal?.aborted) throw abandoned();
          if (sendToolChoice && body.tool_choice && rejectsToolChoice(OpenAI, e)) {
            sendToolChoice = false;
            continue;
          }
          if (!isRetryable(OpenAI, e) || retries >= retry.maxRetries) throw failureOf(OpenAI, e, tries);
          await sleep(backoffMs(retry, retries++), signal);
        }
      }
    },
  };
};
