import type { ChatMessage, WireToolCall } from './chat.js';

/**
 * The history sent to the model. It keeps the one rule OpenAI-style servers enforce: after an
 * assistant message with tool calls, every call is answered before any other message. Messages
 * from policies wait in a queue until then; breaking the rule is a bug, so it throws.
 */
export class Conversation {
  private history: ChatMessage[];
  private unanswered: string[] = [];
  private queued: string[] = [];

  constructor(system: string, instruction: string) {
    this.history = [
      { role: 'system', content: system },
      { role: 'user', content: instruction },
    ];
  }

  get messages(): readonly ChatMessage[] {
    return this.history;
  }

  assistant(content: string, calls: readonly WireToolCall[]): void {
    this.requireAnswered('an assistant message');
    this.history.push(calls.length > 0 ? { role: 'assistant', content: content === '' ? null : content, tool_calls: calls } : { role: 'assistant', content });
    this.unanswered = calls.map((c) => c.id);
  }

  answer(callId: string, content: string): void {
    const i = this.unanswered.indexOf(callId);
    if (i < 0) throw new Error(`conversation: tool call ${callId} is not awaiting an answer`);
    this.unanswered.splice(i, 1);
    this.history.push({ role: 'tool', tool_call_id: callId, content });
  }

  /** A message for the model, delivered by `flush` once the turn's tool calls are answered. */
  queue(text: string): void {
    this.queued.push(text);
  }

  /** Deliver the queued messages as one user message; returns its text, or null when none waited. */
  flush(): string | null {
    if (this.queued.length === 0) return null;
    this.requireAnswered('a message from the harness');
    const text = this.queued.join('\n\n');
    this.queued = [];
    this.history.push({ role: 'user', content: text });
    return text;
  }

  replace(messages: readonly ChatMessage[]): void {
    this.requireAnswered('compaction');
    this.history = [...messages];
  }

  private requireAnswered(what: string): void {
    if (this.unanswered.length > 0) throw new Error(`conversation: ${what} before tool calls ${this.unanswered.join(', ')} were answered`);
  }
}
