import { draw } from '../random.js';
import type { Action, AgentContext, Persona } from './action.js';
import { CAREFUL, checkActions, detourAction, doneSummary, finishAction, renderSteps, writtenBy } from './render.js';

/** Per-turn chance of a harmless extra look, and how many at most. */
export const DETOUR_RATE = 0.05;
export const MAX_DETOURS = 2;

/**
 * The ceiling: follows the solution, carrying cd/export into every call (it assumes nothing survives
 * between shell calls), runs the checks, finishes.
 */
export interface WorkState {
  queue: Action[];
  detours: number;
  lastWritten?: string;
  finished: boolean;
}

/** The queue head, or a detour on some turns. */
export const nextWork = (s: WorkState, ctx: AgentContext, turn: number): Action => {
  if (turn > 0 && s.detours < MAX_DETOURS && draw(ctx.seed, ctx.persona, 'detour', turn) < DETOUR_RATE) return detourAction(ctx, turn, s.lastWritten);
  return s.queue[0] ?? finishAction(doneSummary(ctx));
};

/** Bookkeeping every persona shares after an action ran. */
export const afterWork = (s: WorkState, a: Action): void => {
  if (a.kind === 'detour') s.detours++;
  if (s.queue[0] === a) s.queue.shift();
  if (a.kind === 'finish') s.finished = true;
  s.lastWritten = writtenBy(a) ?? s.lastWritten;
};

export const steady: Persona<WorkState> = {
  name: 'steady',
  capabilityLimitRate: 0.05,
  start: (ctx) => ({ queue: [...renderSteps(ctx, 0, CAREFUL), ...checkActions(ctx, true), finishAction(doneSummary(ctx))], detours: 0, finished: false }),
  hear: (s, intents, ctx) => {
    if (s.finished && intents.has('verify_before_finish')) {
      s.queue = [...checkActions(ctx, true), finishAction(doneSummary(ctx))];
      s.finished = false;
    }
  },
  next: nextWork,
  after: (s, a) => afterWork(s, a),
};
