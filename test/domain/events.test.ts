import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent } from '../../src/domain/events.js';
import { minimalHarness, harnessHash } from '../../src/domain/harness.js';
import { applyEdit } from '../../src/domain/edits.js';
import { stampFixed } from '../support/spec.js';

const h0 = minimalHarness(['R1', 'R2', 'R3', 'R4']);
const [initEvent] = stampFixed([
  { type: 'HarnessInitialized', data: { branch: 'main', model: { id: 'm1' }, harness: h0, version: 1, harnessHash: harnessHash(h0) } },
]);
const where = { stream: 'branch-main', revision: 7 };

describe('event decoding', () => {
  it('decodes a valid event unchanged', () => {
    const r = decodeEvent(where, JSON.parse(JSON.stringify(initEvent)));
    assert.equal(r._tag, 'Right');
    assert.deepEqual(r._tag === 'Right' && r.right, initEvent);
  });

  it('a malformed field is named with its stream, revision and path', () => {
    const bad = structuredClone(initEvent) as { data: { harness: { limits: { maxSteps: number } } } };
    bad.data.harness.limits.maxSteps = 0;
    const r = decodeEvent(where, bad);
    assert.equal(r._tag, 'Left');
    assert.match(r._tag === 'Left' ? r.left : '', /^branch-main@7: malformed HarnessInitialized event .*: data\.harness\.limits\.maxSteps: got 0, expected an integer from 1 to 10000$/);
  });

  it('an unknown event type is named', () => {
    const r = decodeEvent(where, { ...initEvent, type: 'HarnessExploded' });
    assert.match(r._tag === 'Left' ? r.left : '', /^branch-main@7: unknown event type "HarnessExploded"/);
  });

  it('a broken envelope is named', () => {
    const r = decodeEvent(where, { ...initEvent, metadata: { ...initEvent.metadata, at: 'yesterday' } });
    assert.match(r._tag === 'Left' ? r.left : '', /^branch-main@7: malformed event: metadata\.at: got "yesterday"/);
    assert.match(decodeEvent(where, 42)._tag === 'Left' ? (decodeEvent(where, 42) as { left: string }).left : '', /branch-main@7/);
  });

  it('unknown fields are refused rather than silently dropped', () => {
    const r = decodeEvent(where, { ...initEvent, data: { ...initEvent.data, apiKey: 'sk-123' } });
    assert.match(r._tag === 'Left' ? r.left : '', /no such field "apiKey"/);
  });

  it('a newer schema version is refused with a clear message', () => {
    const r = decodeEvent(where, { ...initEvent, metadata: { ...initEvent.metadata, schema: 2 } });
    assert.match(r._tag === 'Left' ? r.left : '', /schema 2, newer than this tack reads/);
  });
});

describe('applyEdit', () => {
  it('reports precise errors as Left values', () => {
    const cases: [Parameters<typeof applyEdit>[1], RegExp][] = [
      [{ op: 'AddRule', rule: { id: 'R1', section: 'general', text: 'dup' } }, /rule R1 already exists/],
      [{ op: 'ReplaceRule', id: 'R9', text: 'x' }, /no rule R9/],
      [{ op: 'RemovePolicy', id: 'P1' }, /no policy P1/],
      [{ op: 'SetToolOption', tool: 'bash', option: 'colour', value: 1 }, /no option colour/],
      [{ op: 'SetToolOption', tool: 'bash', option: 'timeoutSec', value: -5 }, /bash\.timeoutSec/],
      [{ op: 'SetLimit', limit: 'maxSteps', value: 0.5 }, /limit maxSteps/],
    ];
    for (const [edit, re] of cases) {
      const r = applyEdit(h0, edit);
      assert.equal(r._tag, 'Left', JSON.stringify(edit));
      assert.match(r._tag === 'Left' ? r.left.message : '', re);
    }
  });

  it('a second policy of the same kind is refused; setting by id retunes it', () => {
    const p = { id: 'P1', kind: 'ExplorationLimit' as const, params: { maxReadOnlySteps: 5, message: 'Act now.' } };
    const h1 = applyEdit(h0, { op: 'SetPolicy', policy: p });
    assert.equal(h1._tag, 'Right');
    if (h1._tag !== 'Right') return;
    const dup = applyEdit(h1.right, { op: 'SetPolicy', policy: { ...p, id: 'P2' } });
    assert.match(dup._tag === 'Left' ? dup.left.message : '', /already exists as P1/);
    const retuned = applyEdit(h1.right, { op: 'SetPolicy', policy: { ...p, params: { ...p.params, maxReadOnlySteps: 9 } } });
    assert.equal(retuned._tag === 'Right' && retuned.right.policies[0].params, retuned._tag === 'Right' ? retuned.right.policies[0].params : null);
    assert.deepEqual(retuned._tag === 'Right' && (retuned.right.policies[0].params as { maxReadOnlySteps: number }).maxReadOnlySteps, 9);
  });
});
