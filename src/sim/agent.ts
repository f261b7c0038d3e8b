import type { ChatMessage } from './conversation.js';
import { readConversation } from './conversation.js';
import { intentsOf, ruleIntentsOf } from './intent.js';
import type { TaskLibrary } from './library.js';
import { readOutcome } from './outcome.js';
import { draw, hashHex } from './random.js';
import type { Action, AgentContext, Persona, ToolName } from './personas/action.js';
import { forgetful } from './personas/forgetful.js';
import { isBeyond, withDetailWrong } from './personas/limit.js';
import { prober } from './personas/prober.js';
import { repeater } from './personas/repeater.js';
import { steady } from './personas/steady.js';

// Each persona has its own state type; the registry only needs them as personas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const PERSONAS: Readonly<Record<string, Persona<any>>> = { prober, repeater, forgetful, steady };

export interface AgentReply {
  readonly content: string | null;
  readonly toolCall?: { readonly id: string; readonly name: string; readonly arguments: string };
}

export interface AgentRequest {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly { readonly function?: { readonly name?: string } }[];
  readonly seed?: number;
}

const TOOL_NAMES: readonly ToolName[] = ['bash', 'read_file', 'write_file', 'edit_file', 'list_dir', 'finish'];

const offeredTools = (req: AgentRequest): Set<ToolName> =>
  new Set(TOOL_NAMES.filter((n) => (req.tools ?? []).some((t) => t.function?.name === n)));

/** Replays the persona over the conversation and returns the action it takes now. */
const decide = <S>(persona: Persona<S>, ctx: AgentContext, messages: readonly ChatMessage[]): { action: Action; turn: number } => {
  const conv = readConversation(messages);
  const state = persona.start(ctx);
  conv.turns.forEach((turn, i) => {
    for (const note of turn.notes) persona.hear(state, intentsOf(note), ctx);
    const intended = persona.next(state, ctx, i);
    const call = turn.calls[0];
    const outcome = call ? readOutcome(call.result) : readOutcome(turn.content);
    if (outcome.status === 'invalid') return;
    persona.after(state, intended, outcome, ctx, i);
    persona.hear(state, outcome.intents, ctx);
  });
  for (const note of conv.trailingNotes) persona.hear(state, intentsOf(note), ctx);
  return { action: persona.next(state, ctx, conv.turns.length), turn: conv.turns.length };
};

const reasoningFor = (a: Action): string => {
  switch (a.kind) {
    case 'probe':
    case 'detour':
      return 'Before changing anything I want to understand the environment better.';
    case 'pitfall':
    case 'slip':
    case 'work':
      return `${a.say} This should get the task done.`;
    case 'env':
      return 'I need the right environment for the next commands.';
    case 'check':
      return 'I should confirm the result is right.';
    case 'cleanup':
      return 'The files seem to be broken, so they should go.';
    case 'finish':
      return 'I think the task is complete.';
  }
};

/** What an agent-role request gets back: one tool call (or, without a matching tool, plain content). */
export const agentReply = (personaName: string, library: TaskLibrary, req: AgentRequest): AgentReply => {
  const persona = PERSONAS[personaName];
  const seed = req.seed ?? 0;
  const tools = offeredTools(req);
  const conv = readConversation(req.messages);
  const task = library.recognise(conv.instruction);
  const callId = (turn: number, args: string) => `call_${hashHex(seed, personaName, turn, args).slice(0, 24)}`;
  if (!task) {
    const summary = 'I could not work out what this task needs, so I am stopping here.';
    return tools.has('finish')
      ? { content: null, toolCall: { id: callId(conv.turns.length, summary), name: 'finish', arguments: JSON.stringify({ summary }) } }
      : { content: summary };
  }
  const limited = isBeyond(personaName, task.id, task.suiteIds, persona.capabilityLimitRate);
  const ctx: AgentContext = {
    persona: personaName,
    task,
    solution: limited ? withDetailWrong(task.solution) : task.solution,
    limited,
    seed,
    tools,
    rules: ruleIntentsOf(conv.system),
  };
  const { action, turn } = decide(persona, ctx, req.messages);
  const voice = draw(seed, personaName, 'voice', turn);
  const content = voice < 0.2 ? `<think>\n${reasoningFor(action)}\n</think>\n${action.say}` : voice < 0.6 ? action.say : null;
  if (!tools.has(action.tool)) {
    const text = action.tool === 'bash' ? `${action.say}\n\n\`\`\`bash\n${action.args.command}\n\`\`\`` : action.say;
    return { content: content && action.tool === 'finish' ? content : text };
  }
  const args = JSON.stringify(action.args);
  return { content, toolCall: { id: callId(turn, args), name: action.tool, arguments: args } };
};
