import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accept, commit, createBranch, humanEdit, initialize, propose, reject, revert, tag } from '../../src/domain/decide.js';
import { harnessHash, minimalHarness } from '../../src/domain/harness.js';
import type { Draft } from '../../src/domain/events.js';
import type { Edit } from '../../src/domain/edits.js';
import { given } from '../support/spec.js';

const h0 = minimalHarness(['R1', 'R2', 'R3', 'R4']);
const init: Draft = { type: 'HarnessInitialized', data: { branch: 'main', model: { id: 'm1' }, harness: h0, version: 1, harnessHash: harnessHash(h0) } };
const addR5: Edit = { op: 'AddRule', rule: { id: 'R5', section: 'general', text: 'Create outputs first.' } };
const withR5 = { ...h0, prompt: { ...h0.prompt, rules: [...h0.prompt.rules, addR5.rule] } };

describe('decisions', () => {
  it('initialize records the harness, version 1 and its hash', () => {
    const r = initialize('main', { id: 'm1' }, h0);
    assert.equal(r._tag, 'Right');
  });

  it("a person's edit is proposed, accepted as human and committed as the next version", () => {
    given([init])
      .when((s) => humanEdit(s, 'E1', addR5, 'seen in traces'))
      .then([
        {
          type: 'EditProposed',
          data: { proposalId: 'E1', weaknessIds: [], edit: addR5, rationale: 'seen in traces', source: 'human', baseHarnessHash: harnessHash(h0) },
        },
        { type: 'EditAccepted', data: { proposalId: 'E1', validation: { kind: 'human' } } },
        { type: 'VersionCommitted', data: { version: 2, proposalIds: ['E1'], reverted: [], harnessHash: harnessHash(withR5) } },
      ]);
  });

  it('an edit that does not apply is refused', () => {
    given([init])
      .when((s) => humanEdit(s, 'E1', { op: 'ReplaceRule', id: 'R9', text: 'x' }, 'w'))
      .thenRefuses(/no rule R9/);
    given([init])
      .when((s) => propose(s, { proposalId: 'E1', edit: { op: 'RemovePolicy', id: 'P3' }, rationale: 'r', source: 'model' }))
      .thenRefuses(/no policy P3/);
  });

  const proposed: Draft = {
    type: 'EditProposed',
    data: { proposalId: 'E1', weaknessIds: [], edit: addR5, rationale: 'r', source: 'model', baseHarnessHash: harnessHash(h0) },
  };

  it('no accepting an unknown or already-decided proposal', () => {
    given([init]).when((s) => accept(s, 'E7', { kind: 'human' })).thenRefuses(/no proposal E7/);
    given([init, proposed, { type: 'EditRejected', data: { proposalId: 'E1', reason: 'lost passes' } }])
      .when((s) => accept(s, 'E1', { kind: 'human' }))
      .thenRefuses(/already rejected/);
    given([init, proposed, { type: 'EditAccepted', data: { proposalId: 'E1', validation: { kind: 'human' } } }])
      .when((s) => reject(s, 'E1', 'changed my mind'))
      .thenRefuses(/already accepted/);
  });

  it('commit takes only accepted proposals', () => {
    given([init, proposed]).when((s) => commit(s, ['E1'])).thenRefuses(/E1 is proposed, not accepted/);
    const s = given([init, proposed, { type: 'EditAccepted', data: { proposalId: 'E1', validation: { kind: 'human' } } }])
      .when((st) => commit(st, ['E1']))
      .andFold();
    assert.equal(s.version, 2);
    assert.equal(s.harnessHash, harnessHash(withR5));
    assert.equal(s.proposals.get('E1')?.status, 'committed');
  });

  it('no fork beyond the parent head', () => {
    const s = given([init]).state;
    const r = createBranch('qwen', s, { id: 'qwen' }, 'r');
    assert.equal(r._tag, 'Right');
    given([init]).when((st) => createBranch('main', st, { id: 'x' }, 'r')).thenRefuses(/cannot fork from itself/);
  });

  it('revert restores the earlier harness and refuses twice', () => {
    const edited = given([init]).when((s) => humanEdit(s, 'E1', addR5, 'w')).andFold();
    assert.equal(edited.harnessHash, harnessHash(withR5));
    const r = revert(edited, 'E1', 'no help');
    assert.equal(r._tag, 'Right');
    if (r._tag !== 'Right') return;
    const last = r.right[1];
    assert.equal(last.type, 'VersionCommitted');
    assert.equal(last.type === 'VersionCommitted' && last.data.harnessHash, harnessHash(h0));
  });

  it('revert is refused when a later edit changed the same rule', () => {
    const e1 = given([init]).when((s) => humanEdit(s, 'E1', addR5, 'w'));
    const after1 = e1.andFold();
    const d2 = humanEdit(after1, 'E2', { op: 'ReplaceRule', id: 'R5', text: 'Changed.' }, 'w2');
    assert.equal(d2._tag, 'Right');
    if (d2._tag !== 'Right') return;
    const history: Draft[] = [init, ...(humanEdit(given([init]).state, 'E1', addR5, 'w') as { right: Draft[] }).right, ...d2.right];
    given(history).when((s) => revert(s, 'E1', 'x')).thenRefuses(/R5 was changed again by E2/);
  });

  it('tags name existing versions only', () => {
    given([init]).when((s) => tag(s, 'prod', 2)).thenRefuses(/versions 1 to 1/);
    given([init]).when((s) => tag(s, 'prod', 1)).then([{ type: 'VersionTagged', data: { tag: 'prod', version: 1 } }]);
  });
});
