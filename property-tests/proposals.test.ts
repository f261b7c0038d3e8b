import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Edit } from '../src/domain/edits.js';
import { minimalHarness } from '../src/domain/harness.js';
import { randomProposals } from '../src/improve/propose.js';
import { RUNS } from './support/arbitraries.js';

describe('random proposals (the ablation)', () => {
  it('every edit drawn for any seed is a valid typed edit that an EditProposed can carry', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.integer({ min: 1, max: 8 }), async (seed, count) => {
        let n = 0;
        const mint = { rule: async () => `R${++n}`, policy: async () => `P${++n}` };
        const r = await randomProposals(minimalHarness(['R100', 'R101', 'R102', 'R103', 'R104', 'R105', 'R106', 'R107']), count, seed, mint, ['W1']);
        for (const c of r.candidates) assert.ok(Edit.is(c.edit) && Edit.decode(c.edit)._tag === 'Right', JSON.stringify(c.edit));
      }),
      { numRuns: RUNS },
    );
  });
});
