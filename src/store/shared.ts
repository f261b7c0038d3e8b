import type { TackEvent } from '../domain/events.js';
import type { ExpectedRevision, ReadOptions } from './port.js';

/**
 * The idempotency rule EventStoreDB gives at a specific expected revision: when the events right
 * after `expected` are exactly these event ids, the append already happened and is a no-op.
 */
export const isIdempotentRetry = (
  stored: readonly { id: string }[],
  events: readonly TackEvent[],
  expected: Exclude<ExpectedRevision, 'any'>,
): boolean => {
  if (events.length === 0) return false;
  const start = expected === 'no_stream' ? 0 : expected + 1;
  if (stored.length < start + events.length) return false;
  return events.every((e, i) => stored[start + i].id === e.id);
};

/** Revisions a read returns, given the stream length and the read options. */
export const readWindow = (length: number, o: ReadOptions): number[] => {
  const max = o.maxCount ?? Number.MAX_SAFE_INTEGER;
  const out: number[] = [];
  if ((o.direction ?? 'forwards') === 'forwards') {
    for (let r = Math.max(0, o.from ?? 0); r < length && out.length < max; r++) out.push(r);
  } else {
    for (let r = Math.min(length - 1, o.from ?? length - 1); r >= 0 && out.length < max; r--) out.push(r);
  }
  return out;
};
