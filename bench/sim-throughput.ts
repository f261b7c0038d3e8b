import { memoryStore } from '../src/store/memory.js';
import { simBatch } from './sim-batch.js';
import { registerSimModels } from '../src/cli/sim-models.js';

/**
 * Task attempts per minute with sim:steady (200 ms per model response) at concurrency 1, 2 and 4,
 * as speedups over concurrency 1 measured in the same run.
 */
export const simThroughput = async (attemptsPerTask = 2): Promise<{ concurrency: number; perMinute: number; speedup: number }[]> => {
  process.env.TACK_SIM_FAULTS = 'delayMs=200';
  registerSimModels();
  const out: { concurrency: number; perMinute: number; speedup: number }[] = [];
  for (const concurrency of [1, 2, 4]) {
    const store = memoryStore();
    const t0 = performance.now();
    const obs = await simBatch(store, { attempts: attemptsPerTask, concurrency });
    const minutes = (performance.now() - t0) / 60_000;
    const perMinute = obs.length / minutes;
    out.push({ concurrency, perMinute, speedup: perMinute / (out[0]?.perMinute ?? perMinute) });
  }
  return out;
};
