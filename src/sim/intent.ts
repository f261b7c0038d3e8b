/**
 * What a message means to a simulated agent. Policies and people word their messages freely, so the sim
 * reads meaning from groups of synonyms that must co-occur within a sentence (or two adjacent ones),
 * never from exact strings: "Enough exploration", "quit investigating and make the change now" and
 * "stop reading files" all mean stop_exploring, while an unrelated remark means nothing.
 */
import { memoByText } from './memo.js';

export type Intent =
  /** Stop exploring and act. */
  | 'stop_exploring'
  /** Do not repeat the same command; change approach. */
  | 'no_repeat'
  /** A needed file is missing: recreate it. */
  | 'recreate_artifact'
  /** Verify (run the checks) before finishing. */
  | 'verify_before_finish'
  /** Shell state does not carry over between calls: keep cd/export/PATH in the same command. */
  | 'keep_environment';

const HALT = /\b(stop|stopping|enough|quit|cease|halt|no more|no further|don'?t keep|do not keep|too (much|long|many)|done (exploring|investigating|reading|looking))\b/;
const EXPLORE =
  /\b(explor\w*|investigat\w*|reading|read(ing)? (files|more|around)|re-?read\w*|look(ing)? around|inspect\w*|prob(e|es|ed|ing)|survey\w*|examin\w*|brows\w*|research\w*|poking|digging|scann?ing|gather(ing)? (information|context)|orient\w*)\b/;
const ACT =
  /\b(act|acting|take action|implement\w*|make the (change|changes|fix|edit)s?|start (working|writing|building|doing|making|changing|the work|on the task)|begin (working|writing|the work|making)|get to work|do the (task|work)|write the (required |needed |final )?(output|outputs|file|files|result|results|answer|solution)|produce (the )?(output|result)s?|create the (required |needed )?(output|outputs|file|files|artifact|artifacts)|(apply|make) (your|the) (fix|change|edit)|solve (it|the task)|actually do)\b/;
const NOW = /\b(now|immediately|right away|at once|time to|straight away|without further|asap|no longer)\b/;

const SAME = /\b(same|identical|exact|exactly|again|repeat\w*|already|duplicate\w*|once more|re-?tr(y|ied|ying)|re-?run\w*|twice|verbatim|over and over)\b/;
const NEG =
  /\b(not|don'?t|won'?t|will not|never|refus\w*|block\w*|reject\w*|no more|stop|avoid|cannot|can'?t|isn'?t allowed|not allowed|denied|declin\w*|pointless|no point)\b/;
const COMMAND = /\b(command|commands|call|calls|action|actions|invocation|approach|same thing)\b/;
const CHANGE = /\b(change|different|another|alternative|new approach|other (way|approach|method)|rethink|switch|instead|something else)\b/;
const APPROACH = /\b(approach|strategy|method|plan|tactic|way|command|thing)\b/;

const MISSING = /\b(missing|not found|no such file|doesn'?t exist|does not exist|not exist|gone|deleted|removed|absent|lost|disappeared|not there)\b/;
const RECREATE =
  /\b(recreat\w*|re-create\w*|regenerat\w*|restor\w*|rebuild\w*|remake|redo)\b|\b(create|generate|write|produce|make|build)\b[^.]{0,40}\b(again|missing|deleted|removed|lost|back)\b/;

const VERIFY = /\b(verif\w*|check|checks|checked|checking|test|tests|tested|testing|validat\w*|confirm\w*|make sure|ensure|sanity)\b/;
const FINISHING =
  /\b(finish\w*|done|complet\w*|submit\w*|wrap(ping)? up|declar\w*|end the task|conclud\w*|hand(ing)? (it )?in|call(ing)? finish)\b/;
const BEFORE = /\b(before|prior to|first|not yet|until|haven'?t|have not|did not|didn'?t|without)\b/;

const ENVIRONMENT =
  /\b(environment|env|variables?|exports?|exported|path|cwd|working director(y|ies)|current director(y|ies)|cd|shell state)\b/;
const PERSIST =
  /\b(persist\w*|fresh (shell|subshell|process)|new (shell|subshell|process)|separate (shell|shells|process|processes|calls|commands)|each (call|command|tool call|shell)|every (call|command|shell)|same (command|call|line)|chain\w*|not (kept|preserved|carried|remembered|shared)|don'?t (carry|persist)|do not (carry|persist)|lost|reset|profile|bashrc|across)\b/;

/** Sentences of a text, and (with `pairs`) each two adjacent ones, since a thought may span both. */
const sentencesOf = (text: string, pairs: boolean): string[] => {
  const sentences = text
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .split(/[.!?;\n]+|:\s/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (!pairs) return sentences;
  const windows = [...sentences];
  for (let i = 0; i + 1 < sentences.length; i++) windows.push(`${sentences[i]} ${sentences[i + 1]}`);
  return windows;
};

const meanings: readonly [Intent, (s: string) => boolean][] = [
  ['stop_exploring', (s) => (HALT.test(s) && EXPLORE.test(s)) || (ACT.test(s) && (NOW.test(s) || HALT.test(s)))],
  ['no_repeat', (s) => (SAME.test(s) && NEG.test(s) && (COMMAND.test(s) || CHANGE.test(s))) || (CHANGE.test(s) && APPROACH.test(s) && (SAME.test(s) || NEG.test(s)))],
  ['recreate_artifact', (s) => MISSING.test(s) && RECREATE.test(s)],
  ['verify_before_finish', (s) => VERIFY.test(s) && (FINISHING.test(s) || BEFORE.test(s))],
  ['keep_environment', (s) => ENVIRONMENT.test(s) && PERSIST.test(s)],
];

/** The intents a message (a user message, a tool result, an injected note) carries. */
export const intentsOf = (text: string): Set<Intent> => new Set(intentsOfText(text));

const intentsOfText = memoByText((text: string): ReadonlySet<Intent> => {
  const found = new Set<Intent>();
  for (const s of sentencesOf(text, true)) for (const [intent, holds] of meanings) if (holds(s)) found.add(intent);
  return found;
});

const LIMIT = /\b(no more than|at most|limit\w*|few|quickly|early|briefly|don'?t spend|do not spend|avoid (long|lengthy|excessive|extended)|minimi[sz]e|within \d+|max(imum)?|cap)\b/;
const EARLY_OUTPUT = /\b(create|write|produce)\b.{0,50}\b(output|file|artifact)s?\b.{0,40}\b(early|first|immediately|right away|up front|before)\b/;
const RUN_CHECKS = /\b(run|execute|fix|failing|failed|fails|tests|checks)\b/;

/**
 * Which of a persona's weaknesses a system prompt addresses, one sentence at a time (rules are
 * separate lines that must not be read together). A rule counts only when it names the
 * weakness specifically: a generic "check your result" does not tell a model to run the checks and fix
 * failures, and "read the error and adjust" does not forbid repeating a command.
 */
export const ruleIntentsOf = (systemPrompt: string): Set<Intent> => {
  const found = new Set<Intent>();
  for (const s of sentencesOf(systemPrompt, false)) {
    if ((EXPLORE.test(s) && LIMIT.test(s)) || EARLY_OUTPUT.test(s) || (HALT.test(s) && EXPLORE.test(s))) found.add('stop_exploring');
    if (SAME.test(s) && NEG.test(s) && COMMAND.test(s)) found.add('no_repeat');
    if (MISSING.test(s) && RECREATE.test(s)) found.add('recreate_artifact');
    if (VERIFY.test(s) && (FINISHING.test(s) || BEFORE.test(s)) && RUN_CHECKS.test(s)) found.add('verify_before_finish');
    if (ENVIRONMENT.test(s) && PERSIST.test(s)) found.add('keep_environment');
  }
  return found;
};
