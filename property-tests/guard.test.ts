import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type * as t from 'io-ts';
import { EVENT_TYPES, EventData, Metadata } from '../src/domain/events.js';
import { Harness } from '../src/domain/harness.js';
import { compileGuard, fastMatch } from '../src/domain/guard.js';
import { arbitraryOf, RUNS } from './support/arbitraries.js';

type Mutation = { path: number[]; kind: 'set' | 'delete' | 'add'; value: unknown; key: string };

/** Change a value somewhere inside `v` (a copy): set a field or element, delete one, or add a key. */
const mutate = (v: unknown, m: Mutation): unknown => {
  const copy = structuredClone(v);
  let node: unknown = copy;
  let parent: Record<string, unknown> | unknown[] | null = null;
  let at: string | number = '';
  for (const step of m.path) {
    if (node === null || typeof node !== 'object') break;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    parent = node as Record<string, unknown>;
    at = keys[step % keys.length];
    node = (node as Record<string, unknown>)[at as string];
  }
  if (m.kind === 'add' && node !== null && typeof node === 'object' && !Array.isArray(node)) (node as Record<string, unknown>)[m.key] = m.value;
  else if (parent === null) return m.value;
  else if (m.kind === 'delete' && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[at as string];
  else (parent as Record<string, unknown>)[at as string] = m.value;
  return copy;
};

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 6 }),
  kind: fc.constantFrom('set' as const, 'delete' as const, 'add' as const),
  value: fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.string(), fc.integer(), fc.double()),
  key: fc.string({ maxLength: 6 }),
});

const codecs: [string, t.Mixed][] = [...EVENT_TYPES.map((k): [string, t.Mixed] => [k, EventData[k]]), ['Metadata', Metadata], ['Harness', Harness]];

describe('compiled guards', () => {
  for (const [name, codec] of codecs) {
    const guard = compileGuard(codec);
    it(`${name}: the compiled guard answers as io-ts does, for valid values and for changed ones`, () => {
      fc.assert(
        fc.property(arbitraryOf(codec), mutationArb, (valid, m) => {
          assert.equal(codec.is(valid), true);
          assert.equal(guard(valid), true);
          const changed = mutate(valid, m);
          assert.equal(guard(changed), codec.is(changed), JSON.stringify(changed));
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('a counted character class reads as a length check and a repetition, with the same answers', () => {
    const patterns = [/^[0-9a-f]{64}$/, /^t-[0-9a-f]{16,64}$/, /^[a-c]{0,3}$/, /^R[1-9][0-9]*$/];
    // One arbitrary per pattern, made once (building fc.stringMatching's for every run took most of the time).
    const cases = patterns.map((re) =>
      fc.tuple(
        fc.constant(re),
        fc.oneof(fc.stringMatching(re), fc.stringMatching(re).map((x) => x + 'a'), fc.stringMatching(re).map((x) => x.slice(1)), fc.stringMatching(/^[0-9a-ft-]{0,70}$/), fc.string({ maxLength: 70 })),
      ),
    );
    fc.assert(
      fc.property(fc.oneof(...cases), ([re, s]) => {
        const fast = fastMatch(re);
        assert.equal(s.length >= fast.minLength && s.length <= fast.maxLength && fast.re.test(s), re.test(s), `${re.source} on ${JSON.stringify(s)}`);
      }),
      { numRuns: RUNS * 10 },
    );
  });
});
