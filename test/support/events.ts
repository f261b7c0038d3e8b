import { randomUUID } from 'node:crypto';
import type { TackEvent } from '../../src/domain/events.js';

/** A small valid event for store tests: an id reservation with a distinct `from`. */
export const sampleEvent = (n: number, id: string = randomUUID()): TackEvent => ({
  id,
  type: 'IdsReserved',
  data: { kind: 'rule', from: n + 1, count: 1 },
  metadata: {
    at: '2026-01-01T00:00:00.000Z',
    actor: 'test',
    correlationId: '00000000-0000-4000-8000-000000000000',
    causationId: null,
    schema: 1,
  },
});

export const sampleEvents = (count: number, start = 0): TackEvent[] =>
  Array.from({ length: count }, (_, i) => sampleEvent(start + i));
