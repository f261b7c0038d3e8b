import { draw, drawInt } from '../random.js';
import type { Action, AgentContext, Persona } from './action.js';
import { CAREFUL, checkActions, detourAction, doneSummary, finishAction, probeAction, renderSteps, writtenBy } from './render.js';

/** Per-turn chance of a harmless extra look, and how many at most. */
export const DETOUR_RATE = 0.05;
export const MAX_DETOURS = 2;
/** Looks at the environment every persona takes before starting (inclusive range). */
export const ORIENTATION = [1, 2] as const;

/**
 * The ceiling: follows the solution, carrying cd/export into every call (it assumes nothing survives
 * between shell calls), runs the checks, finishes.
 */
export interface WorkState {
  queue: Action[];
  /** Looks at the environment still to take before starting. */
  orientation: number;
  detours: number;
  lastWritten?: string;
  finished: boolean;
}

export const workState = (ctx: AgentContext, queue: Action[]): WorkState => ({
  queue,
  orientation: drawInt(...ORIENTATION, ctx.seed, ctx.persona, 'orientation'),
  detours: 0,
  finished: false,
});

/** A first look around, then the queue head, with a detour on some turns. */
export const nextWork = (s: WorkState, ctx: AgentContext, turn: number): Action => {
  if (s.orientation > 0) return probeAction(ctx, turn);
  if (turn > 0 && s.detours < MAX_DETOURS && draw(ctx.seed, ctx.persona, 'detour', turn) < DETOUR_RATE) return detourAction(ctx, turn, s.lastWritten);
  return s.queue[0] ?? finishAction(doneSummary(ctx));
};

/** Bookkeeping every persona shares after an action ran. */
export const afterWork = (s: WorkState, a: Action): void => {
  if (a.kind === 'probe' && s.orientation > 0) s.orientation--;
  if (a.kind === 'detour') s.detours++;
  if (s.queue[0] === a) s.queue.shift();
  if (a.kind === 'finish') s.finished = true;
  s.lastWritten = writtenBy(a) ?? s.lastWritten;
};

export const steady: Persona<WorkState> = {
  name: 'steady',
  capabilityLimitRate: 0.05,
  start: (ctx) => workState(ctx, [...renderSteps(ctx, 0, CAREFUL), ...checkActions(ctx, true), finishAction(doneSummary(ctx))]),
  hear: (s, intents, ctx) => {
    if (s.finished && intents.has('verify_before_finish')) {
      s.queue = [...checkActions(ctx, true), finishAction(doneSummary(ctx))];
      s.finished = false;
    }
  },
  next: nextWork,
  after: (s, a) => afterWork(s, a),
};
