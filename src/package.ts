/**
 * tack's own folder and version, found from wherever this code runs (dist/src when imported, the
 * bundle in dist/bundle for the command line, src under a TypeScript loader): the nearest folder above
 * it whose package.json names tack.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  readonly name?: string;
  readonly version?: string;
}

const find = (): { root: string; manifest: Manifest } => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
      if (manifest.name === 'tack') return { root: dir, manifest };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`tack: cannot find the package root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
};

const found = find();

/** The folder holding tack's package.json (and src/, suites/, build/). */
export const PACKAGE_ROOT = found.root;

/** tack's version, from its package.json. */
export const PACKAGE_VERSION = found.manifest.version ?? 'unknown';
