import { randomUUID } from 'node:crypto';
import { SCHEMA_VERSION, type Draft, type TackEvent } from '../domain/events.js';

/** Where effects that make envelopes come from: injectable so tests and replays are deterministic. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface StampContext {
  readonly actor: string;
  readonly correlationId: string;
  /** What caused the first event; each later event in the batch is caused by the one before. */
  readonly causationId?: string | null;
  readonly clock?: Clock;
  readonly newId?: () => string;
}

/** Give drafts their envelopes: ids, time, actor, correlation and a causation chain. */
export const stamp = (drafts: readonly Draft[], ctx: StampContext): TackEvent[] => {
  const newId = ctx.newId ?? randomUUID;
  const at = (ctx.clock ?? systemClock).now().toISOString();
  let cause = ctx.causationId ?? null;
  return drafts.map((d) => {
    const id = newId();
    const e = {
      id,
      type: d.type,
      data: d.data,
      metadata: { at, actor: ctx.actor, correlationId: ctx.correlationId, causationId: cause, schema: SCHEMA_VERSION },
    } as TackEvent;
    cause = id;
    return e;
  });
};
