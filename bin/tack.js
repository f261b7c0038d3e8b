#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

// The bundled command line (scripts/bundle.js, from the compiled dist/src).
const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bundle', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('tack: not built; run `npm ci` (or `npm run build`) in the project first\n');
  process.exit(1);
}
// TACK_DEBUG prints stack traces; the bundle's source maps point them at dist/src.
if (process.env.TACK_DEBUG) process.setSourceMapsEnabled(true);
const { run } = await import(main);
process.exitCode = await run(process.argv.slice(2));
