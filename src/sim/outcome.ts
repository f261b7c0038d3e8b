import { intentsOf, type Intent } from './intent.js';
import { memoByText } from './memo.js';

/**
 * How a tool call went, read from its result text the way a model reads it: an exit code if one is
 * shown, else error words; a refusal or a note inside the result is heard like any other message.
 */
export interface Outcome {
  /** ok / failed: the call ran; refused: a harness declined to run it; invalid: its arguments were rejected. */
  readonly status: 'ok' | 'failed' | 'refused' | 'invalid';
  readonly text: string;
  readonly intents: ReadonlySet<Intent>;
}

const EXIT_CODE = /\b(?:exit(?:ed)?(?:[ _-]?(?:code|status))?|exitcode|return(?:ed)?[ _-]?code|returncode)\b["']?\s*(?:[:=]|with|is)?\s*(-?\d+)/gi;
const STATUS = /\bstatus\b["']?\s*[:=]\s*(-?\d+)/gi;
const TIMED_OUT = /\btimed?[ _-]?out\b|\btimeout\b.{0,20}\bkill/i;
const ERROR_WORDS =
  /\b(error|errors|no such file|not found|permission denied|cannot|can't|failed|fatal|traceback|is a directory|not a directory|unbound variable|syntax error|enoent|eacces)\b/i;
/** A shell error a model notices even when the exit code says 0 (a failing redirect or pipeline stage). */
const PLAIN_ERROR = /^(ba)?sh: (line \d+: )?.*(no such file or directory|command not found|permission denied)/im;
const INVALID_ARGS = /\b(invalid|malformed|unparseable|could not parse|cannot parse|not (a )?valid)\b.{0,40}\b(json|arguments?|args)\b/i;

/** The last exit code the text shows ("exit code: 1", "[exit 1]", {"exitCode":1}, "status: 1"), if any. */
export const exitCodeIn = (text: string): number | null => {
  for (const re of [EXIT_CODE, STATUS]) {
    const all = [...text.matchAll(re)];
    if (all.length) return Number(all[all.length - 1][1]);
  }
  return null;
};

export const readOutcome = (result: string | null): Outcome => outcomeOf(result ?? '');

const outcomeOf = memoByText((text: string): Outcome => {
  const intents = intentsOf(text);
  const code = exitCodeIn(text);
  if (code === null && INVALID_ARGS.test(text)) return { status: 'invalid', text, intents };
  if (intents.has('no_repeat') && code === null) return { status: 'refused', text, intents };
  if (code !== null) return { status: code === 0 && !TIMED_OUT.test(text) && !PLAIN_ERROR.test(text) ? 'ok' : 'failed', text, intents };
  return { status: TIMED_OUT.test(text) || ERROR_WORDS.test(text) ? 'failed' : 'ok', text, intents };
});
