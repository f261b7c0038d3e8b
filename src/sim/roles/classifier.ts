import { canonicalJson } from '../../domain/canonical.js';
import { readConversation, type ChatMessage } from '../conversation.js';
import { draw, hashHex } from '../random.js';
import { dress, jsonIn, sectionsOf } from './prompt.js';

/** What the classifier answers: the causal status and mechanism of one failed trace. */
export interface Classification {
  readonly causalStatus: 'root_cause' | 'contributor' | 'friction' | 'unknown';
  readonly mechanism: string;
  readonly explanation: string;
}

export interface ClassifierOptions {
  /** Share of answers with a plausible but different label (a synonym mechanism, or a weaker status). */
  readonly noise: number;
  /** Share of first answers that are not valid JSON (a repair round then gets valid JSON). */
  readonly malformed: number;
}

export const CLASSIFIER_DEFAULTS: ClassifierOptions = { noise: 0.1, malformed: 0.05 };

interface TraceStep {
  readonly tool?: string;
  readonly arguments?: Record<string, unknown>;
  readonly exitCode?: number | null;
  readonly output?: string;
  readonly source?: string;
  readonly message?: string;
}

const READ_ONLY = /^(ls|cat|head|tail|less|more|find|grep|rg|wc|file|stat|ps|env|printenv|which|type|pwd|id|whoami|uname|df|du|tree|echo|sort|uniq|diff|cmp|git (status|log|diff|show))\b/;
const CHECK_LIKE = /\b(test|diff|cmp|pytest|verify|check)\b|\bgrep -q|\[\s/;
const ENV_ONLY_LINE = /^(set\s+[-+]\w+|export\s|cd(\s|$)|source\s|\.\s|[A-Za-z_]\w*=\S*\s*$)/;
const ENV_LOST = /command not found|no such file|unbound variable|no targets specified|no makefile|not set/i;

const commandOf = (s: TraceStep): string => (typeof s.arguments?.command === 'string' ? s.arguments.command : '');
const failed = (s: TraceStep): boolean => typeof s.exitCode === 'number' && s.exitCode !== 0;
const isReadOnly = (s: TraceStep): boolean =>
  s.tool === 'read_file' || s.tool === 'list_dir' || (s.tool === 'bash' && READ_ONLY.test(commandOf(s).trim()) && !/>/.test(commandOf(s)));
const changes = (s: TraceStep): boolean =>
  s.tool === 'write_file' || s.tool === 'edit_file' || (s.tool === 'bash' && !isReadOnly(s) && !CHECK_LIKE.test(commandOf(s)));

const stepsOf = (trace: unknown): TraceStep[] => {
  const list = Array.isArray(trace) ? trace : trace && typeof trace === 'object' ? (trace as { steps?: unknown }).steps : undefined;
  return Array.isArray(list) ? list.filter((s): s is TraceStep => !!s && typeof s === 'object') : [];
};

/** The labels of the detector hints (`- label: details` bullets); details may quote anything. */
const hintLabels = (hints: string): string =>
  hints
    .split('\n')
    .map((l) => /^\s*[-*]\s*([\w -]+?)\s*(:|$)/.exec(l)?.[1] ?? '')
    .join(' ');

/** The mechanism a trace shows, from the trace itself, else from the detector hints. */
const analyse = (steps: readonly TraceStep[], outcome: string, hints: string): Classification => {
  const calls = steps.filter((s) => typeof s.tool === 'string' && s.source !== 'policy' && s.source !== 'user');
  const bashCalls = calls.filter((s) => s.tool === 'bash');
  let run = { command: '', length: 0 };
  let best = run;
  for (const s of bashCalls) {
    if (failed(s) && commandOf(s) === run.command) run = { command: run.command, length: run.length + 1 };
    else run = failed(s) ? { command: commandOf(s), length: 1 } : { command: '', length: 0 };
    if (run.length > best.length) best = run;
  }
  const deletedAt = bashCalls.findIndex((s, i) => /(^|\s|;|&&)rm\s/.test(commandOf(s)) && bashCalls.slice(0, i).some(failed));
  let streak = 0;
  let longest = 0;
  for (const s of calls) {
    streak = isReadOnly(s) ? streak + 1 : 0;
    longest = Math.max(longest, streak);
  }
  const envLost = bashCalls.some((s, i) => {
    const lines = commandOf(s).split('\n').map((l) => l.trim()).filter(Boolean);
    if (!lines.length || !lines.every((l) => ENV_ONLY_LINE.test(l)) || !lines.some((l) => !l.startsWith('set '))) return false;
    return bashCalls.slice(i + 1, i + 4).some((n) => failed(n) && ENV_LOST.test(n.output ?? ''));
  });
  const lastChange = calls.map(changes).lastIndexOf(true);
  const checkedAfter = calls.slice(lastChange + 1).some((s) => s.tool === 'bash' && CHECK_LIKE.test(commandOf(s)));
  const lastCheck = [...calls].reverse().find((s) => s.tool === 'bash' && CHECK_LIKE.test(commandOf(s)));
  const finished = calls.some((s) => s.tool === 'finish') || /exit reason:\s*finish/i.test(outcome);
  const budget = /exit reason:\s*(step|budget|max|timeout|wall)/i.test(outcome);
  const missing = /missing[_ ](required[_ ])?artifact/i.test(outcome);
  const wrong = /assertion|reward[_ ]zero|wrong/i.test(outcome);

  if (best.length >= 3 || /repeat|identical|duplicate/i.test(hints))
    return {
      causalStatus: 'root_cause',
      mechanism: 'repeated_failing_command',
      explanation:
        (best.length >= 3 ? `The command "${best.command.split('\n').pop()}" failed ${best.length} times in a row without any change to the approach` : 'The same failing command was run again and again') +
        (deletedAt >= 0 ? '; the agent then deleted files and gave up.' : '.'),
    };
  if (envLost || /variable|environment|export|\bpath\b/i.test(hints))
    return {
      causalStatus: 'root_cause',
      mechanism: 'environment_not_persisted',
      explanation: 'The agent set environment (cd/export) in one shell call and relied on it in the next, where it no longer existed.',
    };
  if ((longest >= 12 && (budget || missing || lastChange < 0)) || /read.?only|explor/i.test(hints))
    return {
      causalStatus: 'root_cause',
      mechanism: 'excessive_exploration',
      explanation: `The agent spent ${longest || 'many'} steps reading and listing before acting and ran out of budget before producing the outputs.`,
    };
  if (finished && !checkedAfter && (wrong || /without.*(check|verif)/i.test(hints)))
    return {
      causalStatus: 'root_cause',
      mechanism: 'finished_without_verification',
      explanation: 'The agent finished right after its last change without running any check; the result was subtly wrong.',
    };
  if (deletedAt >= 0 || /delet/i.test(hints))
    return { causalStatus: 'contributor', mechanism: 'deleted_files_after_errors', explanation: 'After errors the agent deleted files instead of fixing their cause.' };
  if (lastCheck && failed(lastCheck) && finished)
    return { causalStatus: 'contributor', mechanism: 'finished_despite_failed_check', explanation: 'The last check failed and the agent finished anyway.' };
  if (/context/i.test(hints))
    return { causalStatus: 'contributor', mechanism: 'context_overflow', explanation: 'The conversation outgrew the context and earlier facts were lost.' };
  if (missing)
    return { causalStatus: 'contributor', mechanism: 'missing_artifact_not_created', explanation: 'A required output file was never created.' };
  return { causalStatus: 'unknown', mechanism: 'no_clear_mechanism', explanation: 'The trace shows no recognisable failure mechanism; the result was simply wrong.' };
};

const SYNONYMS: Readonly<Record<string, string>> = {
  repeated_failing_command: 'retry_loop',
  environment_not_persisted: 'lost_shell_state',
  excessive_exploration: 'analysis_paralysis',
  finished_without_verification: 'premature_finish',
  deleted_files_after_errors: 'destructive_cleanup',
};

const noisy = (c: Classification, seed: number, key: string): Classification => {
  const synonym = SYNONYMS[c.mechanism];
  if (synonym && draw(seed, key, 'noise-kind') < 0.5) return { ...c, mechanism: synonym };
  return c.causalStatus === 'root_cause' ? { ...c, causalStatus: 'contributor' } : { ...c, causalStatus: 'friction' };
};

/** The classifier's answer: JSON derived only from the trace, outcome and hints in the prompt. */
export const classifierReply = (messages: readonly ChatMessage[], seed: number, options: ClassifierOptions): string => {
  const conv = readConversation(messages);
  const prompt = conv.instruction;
  const sections = sectionsOf(prompt);
  const classification = analyse(stepsOf(jsonIn(sections.get('trace'))), sections.get('outcome') ?? '', hintLabels(sections.get('mechanism hints') ?? ''));
  // Draws follow what the answer is about, not every byte of the trace: outputs carry bytes that
  // change from run to run (a compiler's temporary file names), and a draw keyed on them made two
  // runs of the same evolution disagree.
  const key = hashHex('classifier', canonicalJson(classification));
  const repair = conv.turns.length > 0;
  const answer = draw(seed, key, 'noise') < options.noise ? noisy(classification, seed, key) : classification;
  return dress(answer, seed, key, !repair && draw(seed, key, 'malformed') < options.malformed, 'Let me look at where the trace first went wrong.');
};
