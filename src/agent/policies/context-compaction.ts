import type { PolicyOf } from '../../domain/harness.js';
import type { Action } from '../actions.js';
import type { ChatMessage } from '../chat.js';
import type { RuntimePolicy } from './policy.js';

/**
 * Past a token budget, older turns are replaced by a deterministic digest (commands run, files
 * touched, errors seen) and the last `keepLast` messages are kept, never separating a tool call from
 * its results. The system prompt and the task instruction always stay.
 */

/** Rough and deterministic: about four characters per token. */
export const estimateTokens = (messages: readonly ChatMessage[]): number => Math.ceil(JSON.stringify(messages).length / 4);

interface Digest {
  messages: number;
  readonly commands: string[];
  readonly files: Map<string, Set<string>>;
  readonly errors: string[];
}

const LIST_LIMIT = 40;
const LINE_LIMIT = 200;
const clip = (s: string): string => (s.length > LINE_LIMIT ? s.slice(0, LINE_LIMIT - 3) + '...' : s);

const errorLine = (output: string): string => {
  const lines = output.split('\n').filter((l) => l.trim() !== '' && !/^\[(exit code|timed out)/.test(l));
  return lines.reverse().find((l) => /error|not found|no such|denied|failed|exception|cannot|invalid/i.test(l)) ?? lines[0] ?? '';
};

const VERB: Record<string, string> = { read_file: 'read', write_file: 'written', edit_file: 'edited', list_dir: 'listed' };

const absorb = (digest: Digest, dropped: readonly ChatMessage[], actions: ReadonlyMap<string, Action>): void => {
  digest.messages += dropped.length;
  for (const m of dropped) {
    if (m.role !== 'assistant') continue;
    for (const call of m.tool_calls ?? []) {
      const a = actions.get(call.id);
      if (!a) continue;
      const what = a.command !== null ? `\`${clip(a.command)}\`` : `${a.tool}${a.path ? ` ${a.path}` : ''}`;
      if (a.command !== null) {
        const how = a.status !== 'done' ? a.status : a.timedOut ? 'timed out' : `exit ${a.exitCode ?? 'killed'}`;
        digest.commands.push(`${what} (${how})`);
      }
      if (a.path && VERB[a.tool]) {
        const verbs = digest.files.get(a.path) ?? new Set<string>();
        verbs.add(a.ok ? VERB[a.tool] : `${VERB[a.tool]} (failed)`);
        digest.files.set(a.path, verbs);
      }
      if (!a.ok) digest.errors.push(`${what}: ${clip(errorLine(a.output))}`);
    }
  }
};

const render = (d: Digest): string => {
  const section = (title: string, items: string[]) =>
    items.length === 0
      ? []
      : [`${title}${items.length > LIST_LIMIT ? ` (last ${LIST_LIMIT} of ${items.length})` : ''}:`, ...items.slice(-LIST_LIMIT).map((i) => `- ${i}`)];
  const files = [...d.files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, v]) => `${p}: ${[...v].sort().join(', ')}`);
  return [
    `[Earlier conversation compacted: ${d.messages} messages replaced by this digest.]`,
    ...section('Commands run', d.commands),
    ...section('Files touched', files),
    ...section('Errors seen', d.errors),
  ].join('\n');
};

export const contextCompaction = (policy: PolicyOf<'ContextCompaction'>): RuntimePolicy => {
  const digest: Digest = { messages: 0, commands: [], files: new Map(), errors: [] };
  let compacted = false;
  let reported: { tokens: number; messageCount: number } | null = null;

  const tokensOf = (messages: readonly ChatMessage[]): number =>
    reported && reported.messageCount <= messages.length
      ? reported.tokens + estimateTokens(messages.slice(reported.messageCount))
      : estimateTokens(messages);

  return {
    id: policy.id,
    kind: policy.kind,
    afterModel(run, turn) {
      reported = turn.usage.promptTokens > 0 ? { tokens: turn.usage.promptTokens, messageCount: run.messages.length } : null;
      return null;
    },
    beforeModel(run) {
      const messages = run.messages;
      const tokens = tokensOf(messages);
      if (tokens <= policy.params.tokenBudget) return null;
      const fixed = compacted ? 3 : 2;
      let cut = messages.length - policy.params.keepLast;
      while (cut > fixed && messages[cut].role === 'tool') cut--;
      if (cut <= fixed) return null;
      absorb(digest, messages.slice(fixed, cut), new Map(run.actions.map((a) => [a.callId, a])));
      const text = render(digest);
      compacted = true;
      reported = null;
      return {
        type: 'compact',
        messages: [...messages.slice(0, 2), { role: 'user', content: text }, ...messages.slice(cut)],
        digest: text,
        detail: `about ${tokens} tokens over the budget of ${policy.params.tokenBudget}: ${cut - fixed} messages compacted, ${messages.length - cut} kept`,
      };
    },
  };
};
