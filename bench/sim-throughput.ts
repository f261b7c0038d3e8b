import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSuite } from '../src/tasks/index.js';
import { minimalHarness, harnessHash } from '../src/domain/harness.js';
import { memoryStore } from '../src/store/memory.js';
import { runSuite } from '../src/app/run-suite.js';
import { registerSimModels } from '../src/cli/sim-models.js';

/**
 * Task attempts per minute with sim:steady (200 ms per model response) at concurrency 1, 2 and 4,
 * as speedups over concurrency 1 measured in the same run.
 */
export const simThroughput = async (attemptsPerTask = 2): Promise<{ concurrency: number; perMinute: number; speedup: number }[]> => {
  process.env.TACK_SIM_FAULTS = 'delayMs=200';
  registerSimModels();
  const suite = loadSuite(resolve(fileURLToPath(import.meta.url), '..', '..', '..', 'suites', 'mini'));
  const harness = minimalHarness(['R1', 'R2', 'R3', 'R4']);
  const out: { concurrency: number; perMinute: number; speedup: number }[] = [];
  for (const concurrency of [1, 2, 4]) {
    const store = memoryStore();
    const t0 = performance.now();
    const obs = await runSuite({
      store,
      branch: 'bench',
      harness,
      harnessHash: harnessHash(harness),
      model: { id: 'sim:steady' },
      tasks: suite.tasks,
      attempts: attemptsPerTask,
      concurrency,
      agent: 'llm',
      sandbox: {},
      cassettes: { kind: 'live' },
      stampContext: { actor: 'tack:bench', correlationId: '00000000-0000-4000-8000-000000000000' },
      record: false,
    });
    const minutes = (performance.now() - t0) / 60_000;
    const perMinute = obs.length / minutes;
    out.push({ concurrency, perMinute, speedup: perMinute / (out[0]?.perMinute ?? perMinute) });
  }
  return out;
};
