/**
 * The chat-completions vocabulary the agent speaks: the messages, tool specs and request body sent to
 * any OpenAI-compatible server. Plain JSON data, so a request can be hashed (cassettes) and replayed.
 */
export interface WireToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

export type ChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string | null; readonly tool_calls?: readonly WireToolCall[] }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string };

export interface ToolSpec {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description: string;
    readonly parameters: Readonly<Record<string, unknown>>;
  };
}

/** The request body, minus transport details (tool_choice): what a cassette's request hash covers. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolSpec[];
  readonly seed: number;
  readonly temperature?: number;
  readonly max_tokens?: number;
  readonly top_p?: number;
}

/** Which model call of which attempt: the key cassettes store responses under. */
export interface TurnKey {
  readonly attemptId: string;
  /** 0-based index of the model call within the attempt. */
  readonly turn: number;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
}

/** One tool call as the agent will act on it, after tolerating what the server sent. */
export interface ToolCallRequest {
  readonly id: string;
  readonly name: string;
  /** The parsed arguments, or null when they were not a JSON object. */
  readonly args: Readonly<Record<string, unknown>> | null;
  /** The arguments as the server sent them, as text (an object is serialised). */
  readonly rawArguments: string;
  readonly argumentError: string | null;
  /** `native` from the tool_calls field, `content` parsed out of the message text. */
  readonly origin: 'native' | 'content';
  readonly idGenerated: boolean;
}

/** One model reply, normalised. */
export interface ModelTurn {
  readonly content: string;
  readonly reasoning: string | null;
  readonly toolCalls: readonly ToolCallRequest[];
  readonly finishReason: string | null;
  readonly usage: TokenUsage;
  /** What had to be tolerated to read this reply (missing ids, object arguments, think tags...). */
  readonly notes: readonly string[];
}
