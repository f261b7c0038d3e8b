import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { stamp } from '../../src/app/envelope.js';
import type { Draft, TackEvent } from '../../src/domain/events.js';
import { foldEvents, type BranchState, type LineageEvent } from '../../src/domain/fold.js';
import type { Decision } from '../../src/domain/decide.js';

/** Deterministic envelopes for domain tests. */
export const stampFixed = (drafts: readonly Draft[], start = 0): TackEvent[] => {
  let n = start;
  return stamp(drafts, {
    actor: 'human:tester',
    correlationId: '00000000-0000-4000-8000-000000000000',
    clock: { now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, n)) },
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  });
};

export const asLineage = (events: readonly TackEvent[], stream = 'branch-main', from = 0): LineageEvent[] =>
  events.map((event, i) => ({ stream, revision: from + i, event }));

export const foldOrThrow = (lineage: readonly LineageEvent[]): BranchState => {
  const r = foldEvents(null, lineage);
  if (E.isLeft(r)) throw new Error(`${r.left.where.stream}@${r.left.where.revision}: ${r.left.message}`);
  return r.right;
};

/**
 * Decider specification, read as the domain: given these events, when this decision is taken,
 * then these events (or this refusal).
 */
export const given = (history: readonly Draft[]) => {
  const state = foldOrThrow(asLineage(stampFixed(history)));
  return {
    state,
    when: (decide: (s: BranchState) => Decision) => {
      const result = decide(state);
      return {
        then: (expected: readonly Draft[]) => {
          if (E.isLeft(result)) assert.fail(`refused: ${result.left}`);
          assert.deepEqual(result.right, expected);
          return result.right;
        },
        thenRefuses: (pattern: RegExp) => {
          if (E.isRight(result)) assert.fail(`expected a refusal, got ${JSON.stringify(result.right)}`);
          assert.match(result.left, pattern);
        },
        /** The decision's events, folded on top of the given history. */
        andFold: (): BranchState => {
          if (E.isLeft(result)) assert.fail(`refused: ${result.left}`);
          const all = [...history, ...result.right];
          return foldOrThrow(asLineage(stampFixed(all)));
        },
      };
    },
  };
};
