import type { AtifTrajectory } from '../agent/atif.js';
import type { ChatMessage } from '../agent/chat.js';
import type { DataOf } from '../domain/events.js';
import type { Harness } from '../domain/harness.js';
import { ROLE_CLASSIFIER, ROLE_PROPOSER } from './protocol.js';
import type { MechanismHint, VerifierCause } from './detect.js';

/**
 * The prompts of the miner and the proposer. Only opt-split material goes in: the caller passes
 * opt traces and opt tasks, never gate or test ones.
 */
export interface TraceStep {
  readonly step: number;
  readonly tool?: string;
  readonly arguments?: unknown;
  readonly exitCode?: number | null;
  readonly output?: string;
  readonly source?: 'policy';
  readonly message?: string;
}

const cap = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n / 2)}\n...[${s.length - n} chars elided]...\n${s.slice(-n / 2)}`);

/** The tool calls, results and interventions of a trajectory, compactly, for a model to read. */
export const traceSteps = (t: AtifTrajectory, outputChars = 600): TraceStep[] => {
  const steps: TraceStep[] = [];
  let n = 0;
  for (const s of t.steps) {
    if (s.source === 'agent') {
      const results = new Map((s.observation?.results ?? []).map((r) => [r.source_call_id, r.content ?? '']));
      for (const c of s.tool_calls ?? []) {
        const out = String(results.get(c.tool_call_id) ?? '');
        const code = /\[exit code (\d+)\]/.exec(out);
        steps.push({ step: ++n, tool: c.function_name, arguments: c.arguments, exitCode: code ? Number(code[1]) : null, output: cap(out, outputChars) });
      }
    } else if (s.source === 'system' && n > 0) {
      steps.push({ step: ++n, source: 'policy', message: cap(s.message ?? '', 300) });
    }
  }
  return steps;
};

export const classifierMessages = (
  trace: DataOf<'TraceObserved'>,
  instruction: string,
  cause: VerifierCause,
  hints: readonly MechanismHint[],
  steps: readonly TraceStep[],
): ChatMessage[] => [
  {
    role: 'system',
    content: [
      ROLE_CLASSIFIER,
      'You analyse one failed attempt of an agent at a terminal task and say why it failed.',
      'Answer only JSON: {"causalStatus": "root_cause" | "contributor" | "friction" | "unknown", "mechanism": "<short snake_case label of what went wrong>", "explanation": "<one or two sentences>"}.',
      'root_cause = the first unrecoverable critical failure; contributor = it made the failure likelier; friction = wasted effort only.',
    ].join('\n'),
  },
  {
    role: 'user',
    content: [
      '## Task',
      `id: ${trace.taskId}`,
      instruction.trim(),
      '## Outcome',
      `exit reason: ${trace.outcome.exitReason}`,
      `verifier cause: ${cause}`,
      `reward: ${trace.outcome.reward}`,
      cap(trace.outcome.verifierExcerpt, 1_500),
      '## Mechanism hints',
      ...(hints.length ? hints.map((h) => `- ${h.label}: ${h.detail}`) : ['- none detected']),
      '## Trace',
      '```json',
      JSON.stringify({ steps }),
      '```',
    ].join('\n'),
  },
];

export interface WeaknessForPrompt {
  readonly weaknessId: string;
  readonly signature: DataOf<'WeaknessClassified'>['signature'];
  readonly description: string;
  readonly support: number;
  readonly taskIds: readonly string[];
  readonly evidence: readonly { traceId: string; taskId: string; step: number; excerpt: string }[];
}

export const proposerMessages = (
  weaknesses: readonly WeaknessForPrompt[],
  harness: Harness,
  protectedTasks: readonly string[],
  rejected: readonly { weaknessId: string; edit: unknown; reason: string }[],
  maxEdits: number,
): ChatMessage[] => [
  {
    role: 'system',
    content: [
      ROLE_PROPOSER,
      'You improve the harness of an agent (its prompt rules, tools, runtime policies and limits) from evidence of its failures.',
      `Propose at most ${maxEdits} materially distinct, minimal edits, each aimed at one weakness, or decline.`,
      'Answer only JSON: {"proposals": [{"weaknessId", "edit", "rationale", "expectedEffect", "regressionRisk", "prediction": {"fixes": [task ids], "risks": [task ids]}}]} or {"decline": "<reason>"}.',
      'An edit is one of: {"op":"AddRule","rule":{"section":"bootstrap|execution|verification|recovery|general","text":...}}, {"op":"ReplaceRule","id":...,"text":...}, {"op":"RemoveRule","id":...}, ' +
        '{"op":"SetPolicy","policy":{"kind":"ToolCallBudget|DuplicateCommandGuard|EnvPersistence|PreCompletionCheck|MissingArtifactRecovery|ExplorationLimit|ContextCompaction","params":{...}}}, {"op":"RemovePolicy","id":...}, ' +
        '{"op":"SetToolOption","tool":...,"option":...,"value":...}, {"op":"SetLimit","limit":"maxSteps|wallSeconds","value":...}. New rules and policies get their ids from tack: leave "id" out.',
    ].join('\n'),
  },
  {
    role: 'user',
    content: [
      '## Weaknesses',
      '```json',
      JSON.stringify(weaknesses, null, 1),
      '```',
      '## Harness',
      '```json',
      JSON.stringify(harness, null, 1),
      '```',
      '## Protected tasks',
      '```json',
      JSON.stringify(protectedTasks),
      '```',
      '## Rejected proposals',
      '```json',
      JSON.stringify(rejected, null, 1),
      '```',
      '## Limits',
      `Propose at most ${maxEdits} edits.`,
    ].join('\n'),
  },
];

export const repairMessages = (messages: readonly ChatMessage[], badAnswer: string, problem: string): ChatMessage[] => [
  ...messages,
  { role: 'assistant', content: badAnswer },
  { role: 'user', content: `That answer could not be used: ${problem}. Answer again with only the JSON object, nothing else.` },
];
