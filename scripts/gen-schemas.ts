/**
 * Writes schemas/*.schema.json from the io-ts codecs (`npm run schemas`). A test fails when the
 * committed files differ from what this generates.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSchemas } from '../src/domain/schemas.js';

const root = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const dir = join(root, 'schemas');
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(generateSchemas())) {
  writeFileSync(join(dir, name), JSON.stringify(schema, null, 2) + '\n');
}
console.log(`wrote ${Object.keys(generateSchemas()).length} schemas to ${dir}`);
