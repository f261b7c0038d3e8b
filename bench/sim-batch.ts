import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSuite } from '../src/tasks/index.js';
import { minimalHarness, harnessHash } from '../src/domain/harness.js';
import { runSuite, type RunSuiteOptions } from '../src/app/run-suite.js';
import type { Store } from '../src/store/port.js';

export const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');

/**
 * One batch of sim:steady attempts on suites/mini with the minimal harness, as the throughput
 * benchmarks run it (the model's 200 ms latency comes from TACK_SIM_FAULTS, set by the caller).
 */
export const simBatch = (
  store: Store,
  options: { attempts: number; concurrency: number } & Partial<Pick<RunSuiteOptions, 'attemptKey' | 'record' | 'remote'>>,
) => {
  const suite = loadSuite(join(PROJECT_ROOT, 'suites', 'mini'));
  const harness = minimalHarness(['R1', 'R2', 'R3', 'R4']);
  return runSuite({
    store,
    branch: 'bench',
    harness,
    harnessHash: harnessHash(harness),
    model: { id: 'sim:steady' },
    tasks: suite.tasks,
    agent: 'llm',
    sandbox: {},
    cassettes: { kind: 'live' },
    stampContext: { actor: 'tack:bench', correlationId: '00000000-0000-4000-8000-000000000000' },
    record: false,
    ...options,
  });
};
