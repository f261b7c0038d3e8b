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

/** A valid event of `size` bytes and more: a trace whose verifier excerpt is that long. */
export const traceEvent = (n: number, size: number): TackEvent => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'TraceObserved',
  data: {
    traceId: `t-${n.toString(16).padStart(16, '0')}`,
    taskId: 'task-a',
    taskHash: 'a'.repeat(64),
    split: 'opt',
    attempt: 0,
    seed: 1,
    harnessHash: 'b'.repeat(64),
    model: { id: 'm1' },
    outcome: { passed: false, reward: 0, exitReason: 'finished', verifierExcerpt: 'x'.repeat(size) },
    features: {},
    usage: { modelCalls: 1, promptTokens: 1, completionTokens: 1 },
    steps: 1,
    traceBlob: 'c'.repeat(64),
  },
  metadata: { at: '2026-01-01T00:00:00.000Z', actor: 'test', correlationId: '00000000-0000-4000-8000-000000000000', causationId: null, schema: 1 },
});
