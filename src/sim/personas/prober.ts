import { draw, drawInt } from '../random.js';
import type { AgentContext, Persona } from './action.js';
import { CAREFUL, checkActions, doneSummary, finishAction, probeAction, renderSteps } from './render.js';
import { afterWork, nextWork, workState, type WorkState } from './steady.js';

/**
 * Seen in MiniMax M2.5: probes the environment (listings, configs, processes, re-reading files) far
 * longer than the task allows before acting, so required outputs come late or never. Told to stop
 * exploring, it acts at once.
 */
export const PROBER = {
  /** Share of attempts with a short exploration that still leaves room for the work. */
  shortShare: 0.4,
  short: [6, 16] as const,
  long: [34, 60] as const,
  /** With a system-prompt rule against long exploration, it obeys with this probability. */
  ruleHeeded: 0.4,
  heeded: [2, 5] as const,
  /** Chance, before each work action while still untold, of going back to re-read something. */
  relapse: 0.2,
};

interface ProberState extends WorkState {
  probesPlanned: number;
  probes: number;
  told: boolean;
}

const plannedProbes = (ctx: AgentContext): number => {
  const heeded = ctx.rules.has('stop_exploring') && draw(ctx.seed, 'prober', 'rule') < PROBER.ruleHeeded;
  const [lo, hi] = heeded ? PROBER.heeded : draw(ctx.seed, 'prober', 'short') < PROBER.shortShare ? PROBER.short : PROBER.long;
  return drawInt(lo, hi, ctx.seed, 'prober', 'n');
};

export const prober: Persona<ProberState> = {
  name: 'prober',
  capabilityLimitRate: 0.12,
  start: (ctx) => ({
    ...workState(ctx, [...renderSteps(ctx, 0, CAREFUL), ...checkActions(ctx, true), finishAction(doneSummary(ctx))]),
    orientation: 0,
    probesPlanned: plannedProbes(ctx),
    probes: 0,
    told: false,
  }),
  hear: (s, intents) => {
    if (intents.has('stop_exploring') || intents.has('recreate_artifact')) s.told = true;
  },
  next: (s, ctx, turn) => {
    if (!s.told && s.probes < s.probesPlanned) return probeAction(ctx, s.probes);
    if (!s.told && s.queue.length > 1 && draw(ctx.seed, 'prober', 'relapse', turn) < PROBER.relapse) return probeAction(ctx, s.probes);
    return nextWork(s, ctx, turn);
  },
  after: (s, a) => {
    if (a.kind === 'probe') s.probes++;
    afterWork(s, a);
  },
};
