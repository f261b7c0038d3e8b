import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gate, type Tally } from '../../src/improve/gate.js';

const t = (taskId: string, split: 'opt' | 'gate', passes: number, attempts = 2): Tally => ({ taskId, split, attempts, passes });

describe('the regression gate', () => {
  it('accepts a candidate that gains on a split and loses nowhere', () => {
    const r = gate([t('a', 'opt', 0), t('b', 'opt', 2), t('g', 'gate', 1)], [t('a', 'opt', 2), t('b', 'opt', 2), t('g', 'gate', 1)], 2, { fixes: ['a'], risks: ['b'] });
    assert.equal(r.verdict, 'pass');
    assert.deepEqual(r.splits, [
      { split: 'opt', attempts: 4, baseline: 2, candidate: 4 },
      { split: 'gate', attempts: 2, baseline: 1, candidate: 1 },
    ]);
    assert.deepEqual(r.predictionHits, { fixesHit: ['a'], fixesMissed: [], risksHit: [], risksAvoided: ['b'] });
  });

  it('rejects a candidate that makes a split lose passes, even if another gains', () => {
    const r = gate([t('a', 'opt', 0), t('g', 'gate', 2), t('h', 'gate', 1)], [t('a', 'opt', 2), t('g', 'gate', 1), t('h', 'gate', 1)], 2);
    assert.equal(r.verdict, 'fail');
    assert.ok(r.reasons.some((x) => /gate split loses passes: 3 -> 2/.test(x)));
  });

  it('rejects a candidate that gains nothing', () => {
    const r = gate([t('a', 'opt', 1)], [t('a', 'opt', 1)], 2);
    assert.equal(r.verdict, 'fail');
    assert.deepEqual(r.reasons, ['no split gains passes']);
  });

  it('rejects a candidate that helps opt tasks but breaks a protected task, for that reason', () => {
    // Totals rise on opt (2 -> 5 of 8) and hold on gate, yet task b, passing in every baseline
    // attempt, now fails in most: the aggregate rule alone would accept this.
    const base = [t('a', 'opt', 0), t('b', 'opt', 2), t('c', 'opt', 0), t('d', 'opt', 0), t('g', 'gate', 1)];
    const cand = [t('a', 'opt', 2), t('b', 'opt', 0), t('c', 'opt', 2), t('d', 'opt', 1), t('g', 'gate', 1)];
    const r = gate(base, cand, 2, { fixes: ['a', 'c'], risks: [] });
    assert.equal(r.verdict, 'fail');
    assert.deepEqual(r.reasons, ['per-task guard: b (opt) passed 2/2 at baseline and 0/2 with the candidate']);
    assert.deepEqual(r.predictionHits?.fixesHit, ['a', 'c']);
  });

  it('a protected task failing in half of the attempts is not "most": the guard holds back only majorities', () => {
    const r = gate([t('a', 'opt', 0), t('b', 'opt', 2)], [t('a', 'opt', 2), t('b', 'opt', 1)], 2);
    assert.equal(r.verdict, 'pass');
    const three = gate([t('a', 'opt', 0, 3), t('b', 'opt', 3, 3)], [t('a', 'opt', 3, 3), t('b', 'opt', 1, 3)], 3);
    assert.equal(three.verdict, 'fail');
  });
});
