import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { foldEvents } from '../src/domain/fold.js';
import { applyEdit, Edit } from '../src/domain/edits.js';
import { Harness } from '../src/domain/harness.js';
import { decodeEvent, EVENT_TYPES, EventData, Metadata, SCHEMA_VERSION } from '../src/domain/events.js';
import { indexLineage, why } from '../src/domain/audit.js';
import { arbitraryOf, historyArb, lineageOf, RUNS } from './support/arbitraries.js';

const fold = (events: Parameters<typeof lineageOf>[0]) => {
  const r = foldEvents(null, lineageOf(events));
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

describe('fold laws', () => {
  it('fold is deterministic', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        assert.deepEqual(fold(events), fold(events));
      }),
      { numRuns: RUNS },
    );
  });

  it('folding in chunks equals folding at once', () => {
    fc.assert(
      fc.property(historyArb, fc.array(fc.nat(), { maxLength: 5 }), (events, cuts) => {
        const lineage = lineageOf(events);
        const points = [...new Set(cuts.map((c) => 1 + (c % lineage.length)))].sort((a, b) => a - b);
        let state = null;
        let from = 0;
        for (const p of [...points, lineage.length]) {
          const r = foldEvents(state, lineage.slice(from, p));
          if (r._tag === 'Left') {
            if (from === p) continue;
            throw new Error(r.left.message);
          }
          state = r.right;
          from = p;
        }
        assert.deepEqual(state, fold(events));
      }),
      { numRuns: RUNS },
    );
  });

  it('the state at revision k plus the rest equals the full fold, for every k', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const lineage = lineageOf(events);
        const full = fold(events);
        for (let k = 1; k < lineage.length; k++) {
          const atK = foldEvents(null, lineage.slice(0, k));
          if (atK._tag === 'Left') throw new Error(atK.left.message);
          const rest = foldEvents(atK.right, lineage.slice(k));
          assert.equal(rest._tag, 'Right');
          assert.deepEqual(rest._tag === 'Right' && rest.right, full);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('applyEdit', () => {
  it('never throws on arbitrary edits and harnesses', () => {
    fc.assert(
      fc.property(arbitraryOf(Harness), arbitraryOf(Edit), (h, e) => {
        const r = applyEdit(h as Harness, e as Edit);
        assert.ok(r._tag === 'Left' || r._tag === 'Right');
        if (r._tag === 'Left') assert.ok(r.left.message.length > 0);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('event codecs', () => {
  for (const type of EVENT_TYPES) {
    it(`${type} survives encode/decode (JSON and io-ts) unchanged`, () => {
      fc.assert(
        fc.property(arbitraryOf(EventData[type]), arbitraryOf(Metadata), fc.uuid({ version: 4 }), (data, metadata, id) => {
          const event = { id, type, data, metadata: { ...(metadata as object), schema: SCHEMA_VERSION } };
          const wire = JSON.parse(JSON.stringify(event));
          const r = decodeEvent({ stream: 'branch-p', revision: 0 }, wire);
          if (r._tag === 'Left') throw new Error(r.left);
          assert.deepEqual(r.right, event);
          assert.deepEqual(JSON.parse(JSON.stringify(EventData[type].encode(r.right.data as never))), wire.data);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('why', () => {
  it('finds, for every element, the same events as an index of the whole lineage', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const lineage = lineageOf(events);
        const state = fold(events);
        const ix = indexLineage(lineage);
        for (const [id, prov] of state.provenance) {
          const answer = why(state, lineage, id)!;
          assert.equal(answer.changes.length, prov.history.length);
          answer.changes.forEach((link, i) => {
            const p = prov.history[i].proposalId;
            if (p === null) return assert.equal(link.proposal, null);
            const pe = ix.proposed.get(p)!;
            assert.deepEqual(link.proposal, { ...pe.data, actor: pe.metadata.actor, at: pe.metadata.at });
            const de = ix.decided.get(p);
            assert.equal(link.decision?.validation, de?.type === 'EditAccepted' ? de.data.validation : undefined);
            const re = prov.history[i].change === 'reverted' ? ix.reverted.get(p) : undefined;
            assert.equal(link.revert?.reason, re?.data.reason);
          });
        }
      }),
      { numRuns: RUNS },
    );
  });
});
