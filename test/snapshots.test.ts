import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenHistories, snapshotOutputs } from './support/golden.js';
import { PROJECT } from './support/cli.js';

/**
 * Golden histories replayed into a fresh store must print exactly the committed harness, log,
 * blame and why. After a deliberate output change: `npm run snapshots`, then review the diff.
 */
describe('snapshots/', () => {
  for (const g of goldenHistories()) {
    it(`${g.name}: the committed history is the one the generator builds`, () => {
      const committed = readFileSync(join(PROJECT, 'snapshots', g.name, 'history.jsonl'), 'utf8');
      assert.equal(committed, g.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    });

    it(`${g.name}: folds to the committed outputs byte for byte`, async () => {
      const dir = join(PROJECT, 'snapshots', g.name);
      const outputs = await snapshotOutputs(g, join(dir, 'history.jsonl'));
      const files = readdirSync(dir).filter((f) => f !== 'history.jsonl' && f !== 'README.md').sort();
      assert.deepEqual(files, Object.keys(outputs).sort());
      for (const [file, text] of Object.entries(outputs)) assert.equal(text, readFileSync(join(dir, file), 'utf8'), `snapshots/${g.name}/${file}`);
    });
  }

  it('at least one history has two branches, a revert and a tag', () => {
    const ok = goldenHistories().some((g) => {
      const streams = new Set(g.records.map((r) => r.stream));
      const types = new Set(g.records.map((r) => r.event.type));
      return streams.size >= 2 && types.has('EditReverted') && types.has('VersionTagged') && types.has('BranchCreated');
    });
    assert.ok(ok);
  });
});
