/** Files tack ships beside its code (the sandbox executor, the offline verifier tooling). */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package.js';

const ASSETS = join(PACKAGE_ROOT, 'src', 'tasks', 'assets');

/** The executor that serves one sandbox session (python3, run inside the sandbox). */
export const EXECUTOR_SCRIPT = join(ASSETS, 'sandbox-executor.py');

/** The offline verifier tooling, mounted at /tack during preparation and verification: bin/ and lib/. */
export const OFFLINE_TOOLING_DIR = join(ASSETS, 'offline-tooling');
