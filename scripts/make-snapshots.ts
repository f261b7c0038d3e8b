/**
 * Writes the golden histories under snapshots/ and, with --update, the outputs they must fold to
 * (harness JSON, log, blame, why), produced by the real `tack` bin. The test replays each history
 * into a fresh store and compares every output byte for byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenHistories, snapshotOutputs, type GoldenHistory } from '../test/support/golden.js';

const root = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
for (const g of goldenHistories()) {
  const dir = join(root, 'snapshots', g.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'history.jsonl'), g.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(dir, 'README.md'), `# ${g.name}\n\n${g.description}\n`);
  const outputs = await snapshotOutputs(g as GoldenHistory, join(dir, 'history.jsonl'));
  for (const [file, text] of Object.entries(outputs)) writeFileSync(join(dir, file), text);
  console.log(`snapshots/${g.name}: ${g.records.length} events, ${Object.keys(outputs).length} outputs`);
}
