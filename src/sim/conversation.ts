/**
 * The chat-completions request as the sim reads it: the system prompt, the task instruction (the first
 * user message), and for each earlier assistant turn the tool calls it made, their results, and the
 * messages that arrived before it (anything a harness or person injected).
 */
export interface ChatToolCall {
  readonly id?: string;
  readonly type?: string;
  readonly function: { readonly name: string; readonly arguments: unknown };
}

export interface ChatMessage {
  readonly role: string;
  readonly content?: unknown;
  readonly tool_calls?: readonly ChatToolCall[];
  readonly tool_call_id?: string;
}

export interface PastCall {
  readonly name: string;
  /** Parsed arguments, or null when they were not valid JSON. */
  readonly args: Readonly<Record<string, unknown>> | null;
  /** The tool message answering this call, or null when none did. */
  readonly result: string | null;
}

export interface PastTurn {
  /** Messages heard before this turn: user or system messages after the instruction. */
  readonly notes: readonly string[];
  readonly calls: readonly PastCall[];
  readonly content: string;
}

export interface Conversation {
  readonly system: string;
  readonly instruction: string;
  readonly turns: readonly PastTurn[];
  /** Messages after the last assistant turn that were not tool results. */
  readonly trailingNotes: readonly string[];
}

/** Text of a message content: a string, or the text parts of a content array. */
export const textOf = (content: unknown): string => {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : ''))
      .join('\n');
  return '';
};

const argsOf = (raw: unknown): Record<string, unknown> | null => {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw !== 'string') return null;
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

export const readConversation = (messages: readonly ChatMessage[]): Conversation => {
  const system: string[] = [];
  let instruction: string | null = null;
  const turns: { notes: string[]; calls: { id?: string; name: string; args: Record<string, unknown> | null; result: string | null }[]; content: string }[] = [];
  let pending: string[] = [];
  for (const m of messages) {
    const text = textOf(m.content);
    if (m.role === 'system' || m.role === 'developer') {
      if (instruction === null) system.push(text);
      else pending.push(text);
    } else if (m.role === 'user') {
      if (instruction === null) instruction = text;
      else pending.push(text);
    } else if (m.role === 'assistant') {
      turns.push({
        notes: pending,
        calls: (m.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function?.name ?? '', args: argsOf(c.function?.arguments), result: null })),
        content: text,
      });
      pending = [];
    } else if (m.role === 'tool') {
      const last = turns[turns.length - 1];
      if (!last) continue;
      const call = last.calls.find((c) => c.id !== undefined && c.id === m.tool_call_id && c.result === null) ?? last.calls.find((c) => c.result === null);
      if (call) call.result = text;
      else pending.push(text);
    }
  }
  return {
    system: system.join('\n'),
    instruction: instruction ?? '',
    turns: turns.map((t) => ({ notes: t.notes, content: t.content, calls: t.calls.map(({ name, args, result }) => ({ name, args, result })) })),
    trailingNotes: pending,
  };
};
