import { resolve } from 'node:path';
import { serveSim } from '../../sim/serve.js';
import { UsageError } from '../../app/errors.js';
import type { GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface SimArgs extends GlobalArgs {
  port: number;
  suite: string[];
}

/** `tack sim serve`: the simulated models on an OpenAI-compatible endpoint, until Ctrl-C. */
export const simCommand: Command = () => ({
  command: 'sim <action>',
  describe: 'simulated models (sim:prober, sim:repeater, sim:forgetful, sim:steady) on an OpenAI-compatible endpoint',
  builder: (y) =>
    y
      .command({
        command: 'serve',
        describe: 'serve the simulated models on 127.0.0.1 until interrupted',
        builder: (c) =>
          c
            .option('port', { type: 'number', default: 8100, describe: 'port on 127.0.0.1 (0: a free one)' })
            .option('suite', { type: 'string', array: true, default: ['suites'], describe: 'task folders the models know' }),
        handler: async (a) => {
          const args = a as unknown as SimArgs;
          if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError('--port must be 0..65535');
          await serveSim({ port: args.port, suites: args.suite.map((s) => resolve(s)) });
        },
      })
      .demandCommand(1, 'name an action: serve'),
  handler: () => {},
});
