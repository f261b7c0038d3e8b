import { registerLocalModels } from '../app/model-endpoint.js';
import { SIM_MODEL_PREFIX } from '../sim/model-id.js';

/**
 * The one place outside src/sim that knows simulated models exist: a `sim:` model named without a
 * base URL is served on a free 127.0.0.1 port for the length of a run, learning the run's suites.
 * TACK_SIM_FAULTS (e.g. `delayMs=200,rate429=0.1`) adds faults, for benchmarks and tests. The
 * simulator's modules are loaded on a sim model's first use: a command that runs no model does not
 * pay for them.
 */
const faultsFromEnv = (): Record<string, number> =>
  Object.fromEntries(
    (process.env.TACK_SIM_FAULTS ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => kv.split('='))
      .map(([k, v]) => [k.trim(), Number(v)]),
  );

export const registerSimModels = (): void =>
  registerLocalModels({
    handles: (id) => id.startsWith(SIM_MODEL_PREFIX),
    start: async (suites) => {
      const { startSimServer } = await import('../sim/server.js');
      const server = await startSimServer({ port: 0, suites, faults: faultsFromEnv() });
      return { baseUrl: server.url, stop: () => server.stop() };
    },
  });
