import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoByObject, memoByText } from '../../src/sim/memo.js';

describe('sim memo', () => {
  it('answers a text it has seen without calling again, and forgets the oldest beyond its bound', () => {
    const calls: string[] = [];
    const upper = memoByText((t: string) => {
      calls.push(t);
      return t.toUpperCase();
    }, 3);
    assert.deepEqual(['a', 'b', 'a', 'c', 'b'].map(upper), ['A', 'B', 'A', 'C', 'B']);
    assert.deepEqual(calls, ['a', 'b', 'c']);
    upper('d'); // a fourth text: 'a', the oldest, goes
    assert.equal(upper('a'), 'A');
    assert.deepEqual(calls, ['a', 'b', 'c', 'd', 'a']);
    assert.equal(upper('c'), 'C');
    assert.equal(calls.length, 5, 'c is still remembered');
  });

  it('answers an object it has seen without calling again, and a different object anew', () => {
    let calls = 0;
    const size = memoByObject((xs: readonly number[]) => {
      calls++;
      return xs.length;
    });
    const xs = [1, 2, 3];
    assert.equal(size(xs), 3);
    assert.equal(size(xs), 3);
    assert.equal(calls, 1);
    assert.equal(size([1, 2, 3]), 3);
    assert.equal(calls, 2);
  });
});
