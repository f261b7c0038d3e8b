import { draw } from '../random.js';
import type { Action, AgentContext, Persona } from './action.js';
import { CAREFUL, checkActions, doneSummary, envAction, finishAction, renderSteps, type Style } from './render.js';
import { afterWork, nextWork, workState, type WorkState } from './steady.js';

/**
 * Seen in GLM-5: sets environment (export, PATH, cd) in one shell call and relies on it in the next, so
 * with a fresh shell per call later commands fail or do the wrong thing; writes a first version and
 * finishes without checking it. Pushed back before finishing, it runs the checks and redoes what fails,
 * carrying the environment this time. When the shell does keep state, its split calls just work.
 */
export const FORGETFUL = {
  /** Chance per step that sets environment of putting the environment in a call of its own. */
  split: 0.9,
  /** Chance per step with a draft of writing the draft version. */
  draft: 0.95,
  /** After a failure: chance it realises the shell forgot its environment and chains from then on... */
  realise: 0.15,
  /** ...or that it re-runs the environment alone and retries (failing again in a fresh shell). */
  retry: 0.45,
  /** With a system-prompt rule about shell state (or about running checks before finishing), it obeys with this probability. */
  ruleHeeded: 0.4,
  /** Push-back rounds it answers before it insists on finishing. */
  maxPushBacks: 3,
};

interface ForgetfulState extends WorkState {
  chains: boolean;
  verifies: boolean;
  pushBacks: number;
  checkFailed: boolean;
  fixed: boolean;
  /** Steps whose failure it has already answered. */
  answered: number[];
  failedSteps: number[];
}

const styleOf = (ctx: AgentContext, chains: boolean): Style =>
  chains
    ? { ...CAREFUL, useDraft: (i) => draw(ctx.seed, 'forgetful', 'draft', i) < FORGETFUL.draft }
    : {
        carryEnv: false,
        splitEnv: (i) => draw(ctx.seed, 'forgetful', 'split', i) < FORGETFUL.split,
        useDraft: (i) => draw(ctx.seed, 'forgetful', 'draft', i) < FORGETFUL.draft,
      };

const tail = (s: ForgetfulState, ctx: AgentContext): Action[] => [...(s.verifies ? checkActions(ctx, true) : []), finishAction(doneSummary(ctx))];

/** Where redoing must start: the first step it drafted, that failed, or that set environment it lost. */
const fixFrom = (s: ForgetfulState, ctx: AgentContext): number => {
  const steps = ctx.solution.steps;
  const style = styleOf(ctx, false);
  const candidates = [
    ...s.failedSteps,
    ...steps.map((st, i) => (st.draft && style.useDraft(i) ? i : -1)),
    ...steps.map((st, i) => (st.commands.some((c) => c.setsEnv) ? i : -1)),
  ].filter((i) => i >= 0);
  return candidates.length ? Math.min(...candidates) : Math.max(0, steps.length - 1);
};

const redo = (s: ForgetfulState, ctx: AgentContext): void => {
  s.fixed = true;
  s.checkFailed = false;
  s.chains = true;
  s.queue = [...renderSteps(ctx, fixFrom(s, ctx), CAREFUL), ...checkActions(ctx, true), finishAction(doneSummary(ctx))];
};

/** Answer to "verify before finishing": run the checks (or, with none, redo what visibly failed). */
const verifyNow = (s: ForgetfulState, ctx: AgentContext): void => {
  s.verifies = true;
  s.finished = false;
  s.fixed = false;
  s.checkFailed = false;
  if (ctx.solution.checks.length) s.queue = [...checkActions(ctx, true), finishAction(doneSummary(ctx))];
  else if (s.failedSteps.length) redo(s, ctx);
  else s.queue = [finishAction(doneSummary(ctx))];
};

export const forgetful: Persona<ForgetfulState> = {
  name: 'forgetful',
  capabilityLimitRate: 0.12,
  start: (ctx) => {
    const chains = ctx.rules.has('keep_environment') && draw(ctx.seed, 'forgetful', 'env-rule') < FORGETFUL.ruleHeeded;
    const verifies = ctx.rules.has('verify_before_finish') && draw(ctx.seed, 'forgetful', 'check-rule') < FORGETFUL.ruleHeeded;
    const s: ForgetfulState = { ...workState(ctx, []), chains, verifies, pushBacks: 0, checkFailed: false, fixed: false, answered: [], failedSteps: [] };
    s.queue = [...renderSteps(ctx, 0, styleOf(ctx, chains)), ...tail(s, ctx)];
    return s;
  },
  hear: (s, intents, ctx) => {
    if (intents.has('keep_environment') && !s.chains) {
      s.chains = true;
      const from = s.queue.find((a) => a.step !== undefined)?.step;
      if (from !== undefined) s.queue = [...renderSteps(ctx, from, styleOf(ctx, true)), ...tail(s, ctx)];
    }
    if (!intents.has('verify_before_finish')) return;
    if (s.finished) {
      if (s.pushBacks++ < FORGETFUL.maxPushBacks) verifyNow(s, ctx);
    } else if (!s.verifies) {
      s.verifies = true;
      s.queue = [...s.queue.filter((a) => a.kind !== 'finish' && a.kind !== 'check'), ...tail(s, ctx)];
    }
  },
  next: nextWork,
  after: (s, a, outcome, ctx) => {
    const failed = outcome.status === 'failed';
    if (a.kind === 'check' && failed) s.checkFailed = true;
    if (a.kind === 'work' && failed && a.step !== undefined && !s.chains && !s.answered.includes(a.step)) {
      s.answered.push(a.step);
      s.failedSteps.push(a.step);
      const r = draw(ctx.seed, 'forgetful', 'recover', a.step);
      if (r < FORGETFUL.realise) {
        s.chains = true;
        s.queue = [...renderSteps(ctx, a.step, styleOf(ctx, true)), ...tail(s, ctx)];
        return;
      }
      afterWork(s, a);
      const env = envAction(ctx, a.step);
      if (r < FORGETFUL.realise + FORGETFUL.retry && env) s.queue.unshift(env, a);
      return;
    }
    if (a.kind === 'work' && failed && a.step !== undefined && !s.failedSteps.includes(a.step)) s.failedSteps.push(a.step);
    afterWork(s, a);
    if (s.queue[0]?.kind === 'finish' && s.checkFailed && !s.fixed) redo(s, ctx);
  },
};
