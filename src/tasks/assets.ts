/** Files tack ships beside its code (the sandbox executor, the offline verifier tooling). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tack') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`tack: cannot find the package root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
};

const ASSETS = join(packageRoot(), 'src', 'tasks', 'assets');

/** The executor that serves one sandbox session (python3, run inside the sandbox). */
export const EXECUTOR_SCRIPT = join(ASSETS, 'sandbox-executor.py');

/** The offline verifier tooling, mounted at /tack during preparation and verification: bin/ and lib/. */
export const OFFLINE_TOOLING_DIR = join(ASSETS, 'offline-tooling');
