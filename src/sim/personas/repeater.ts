import { draw, drawInt } from '../random.js';
import type { Action, AgentContext, Persona } from './action.js';
import { CAREFUL, checkActions, doneSummary, finishAction, pitfallAction, renderSteps, writtenPaths } from './render.js';
import { afterWork, nextWork, workState, type WorkState } from './steady.js';

/**
 * Seen in Qwen3.5-35B-A3B: when a command fails it runs the identical command again, and after several
 * tries deletes the files it takes for broken and finishes. Refused a duplicate (or told to change
 * approach) it runs the real fix; told to recreate a missing file it does so and carries on.
 * On tasks with a known pitfall it runs the pitfall first; elsewhere it sometimes misremembers a file
 * name in its first command for a step.
 */
export const REPEATER = {
  /** Runs of the same failing command before it gives up (inclusive range). */
  runsBeforeGivingUp: [3, 6] as const,
  /** From the second run on, chance per run that it changes approach by itself. */
  insight: 0.04,
  /** With a system-prompt rule against repeating commands, it obeys with this probability. */
  ruleHeeded: 0.4,
  /** Chance, on a task without a pitfall, of misremembering a file name in one command. */
  slip: 0.75,
};

interface RepeaterState extends WorkState {
  /** Consecutive failed runs of the queue head. */
  runs: number;
  giveUpAt: number;
  heedsRule: boolean;
  /** Step of the command it gave up on, with the files it then deleted. */
  gaveUp?: { step: number; deleted: string[] };
}

/** Commands whose file arguments a misremembered name makes fail, instead of creating a stray file. */
const READERS = /^(cat|head|tail|wc|sort|uniq|cut|grep|awk|sed|tr|python3|python|bash|sh|node|perl|gcc|cc|cp|diff|cmp|jq|tar|gzip|gunzip|zcat|md5sum|sha256sum|base64|chmod|file|xxd|source)\b/;

/** A plausible wrong name: the singular or plural of the real one. */
const misremember = (path: string): string => path.replace(/([^/.]+)(\.[A-Za-z0-9]+)?$/, (_, stem: string, ext = '') => (stem.endsWith('s') ? stem.slice(0, -1) : `${stem}s`) + ext);

/** The first command of the solution reading an existing file, with that file's name misremembered. */
const slipOf = (ctx: AgentContext): { step: number; command: string } | undefined => {
  const written = new Set(writtenPaths(ctx.solution));
  for (const [i, step] of ctx.solution.steps.entries()) {
    for (const c of step.commands) {
      if (c.setsEnv || c.write || c.text.includes('\n') || !READERS.test(c.text.trim())) continue;
      const m = /(?<![\w.>-])(\/[\w./-]*\w)(?=[\s;|)]|$)/.exec(c.text.replace(/(['"]).*?\1/g, (q) => ' '.repeat(q.length)));
      if (!m || written.has(m[1]) || m[1].split('/').length < 3) continue;
      return { step: i, command: c.text.slice(0, m.index) + misremember(m[1]) + c.text.slice(m.index + m[1].length) };
    }
  }
  return undefined;
};

const workQueue = (ctx: AgentContext): Action[] => {
  const work = renderSteps(ctx, 0, CAREFUL);
  const firsts = new Map<number, Action>();
  ctx.solution.steps.forEach((s, i) => s.pitfall && firsts.set(i, pitfallAction(ctx, i, s.pitfall, 'pitfall')));
  if (firsts.size === 0 && draw(ctx.seed, 'repeater', 'slip') < REPEATER.slip) {
    const slip = slipOf(ctx);
    if (slip) firsts.set(slip.step, pitfallAction(ctx, slip.step, slip.command, 'slip'));
  }
  const out: Action[] = [];
  for (const a of work) {
    const first = a.step === undefined ? undefined : firsts.get(a.step);
    if (first) {
      out.push(first);
      firsts.delete(a.step!);
    }
    out.push(a);
  }
  return [...out, ...checkActions(ctx, true), finishAction(doneSummary(ctx))];
};

/** Files it takes for broken: solution outputs the failing command names, else the required artifacts. */
const brokenFiles = (ctx: AgentContext, command: string): string[] => {
  const written = writtenPaths(ctx.solution);
  const named = written.filter((p) => command.includes(p));
  return (named.length ? named : [...ctx.solution.artifacts]).slice(0, 2);
};

const changeApproach = (s: RepeaterState): void => {
  s.runs = 0;
  const head = s.queue[0];
  if (head && head.kind !== 'finish') s.queue.shift();
};

const giveUp = (s: RepeaterState, ctx: AgentContext, failed: Action): void => {
  const deleted = brokenFiles(ctx, failed.args.command ?? '');
  s.gaveUp = { step: failed.step ?? ctx.solution.steps.length, deleted };
  s.runs = 0;
  s.queue = [
    ...(deleted.length
      ? [{ tool: 'bash', args: { command: `rm -rf ${deleted.join(' ')}` }, kind: 'cleanup', say: 'These files look broken; removing them.' } as Action]
      : []),
    finishAction('The command keeps failing, so I removed the broken files. Nothing else can be done.'),
  ];
};

/** Back to work after giving up: from the step that wrote what it deleted (or the one it gave up on). */
const resume = (s: RepeaterState, ctx: AgentContext): void => {
  const { step, deleted } = s.gaveUp!;
  const writers = ctx.solution.steps.map((st, i) => (st.commands.some((c) => deleted.some((d) => c.text.includes(d) || c.write?.path === d)) ? i : -1)).filter((i) => i >= 0);
  const from = Math.min(step, ...writers);
  s.gaveUp = undefined;
  s.finished = false;
  s.queue = [...renderSteps(ctx, Math.min(from, ctx.solution.steps.length), CAREFUL), ...checkActions(ctx, true), finishAction(doneSummary(ctx))];
};

export const repeater: Persona<RepeaterState> = {
  name: 'repeater',
  capabilityLimitRate: 0.12,
  start: (ctx) => ({
    ...workState(ctx, workQueue(ctx)),
    runs: 0,
    giveUpAt: drawInt(...REPEATER.runsBeforeGivingUp, ctx.seed, 'repeater', 'runs'),
    heedsRule: ctx.rules.has('no_repeat') && draw(ctx.seed, 'repeater', 'rule') < REPEATER.ruleHeeded,
  }),
  hear: (s, intents, ctx) => {
    const redirected = intents.has('no_repeat') || intents.has('recreate_artifact');
    if (redirected && s.gaveUp) resume(s, ctx);
    else if (redirected && s.runs > 0) changeApproach(s);
    else if (s.finished && intents.has('verify_before_finish')) {
      s.finished = false;
      s.queue = [...checkActions(ctx, true), finishAction(doneSummary(ctx))];
    }
  },
  next: (s, ctx, turn) => (s.runs > 0 ? s.queue[0] : nextWork(s, ctx, turn)),
  after: (s, a, outcome, ctx, turn) => {
    if (a.kind === 'detour' || a.kind === 'probe') return afterWork(s, a);
    if (outcome.status === 'refused') return changeApproach(s);
    if (outcome.status !== 'failed' || a.tool !== 'bash' || a.kind === 'cleanup') {
      s.runs = 0;
      return afterWork(s, a);
    }
    s.runs++;
    if (s.heedsRule || (s.runs >= 2 && draw(ctx.seed, 'repeater', 'insight', turn) < REPEATER.insight)) changeApproach(s);
    else if (s.runs >= s.giveUpAt) giveUp(s, ctx, a);
  },
};
