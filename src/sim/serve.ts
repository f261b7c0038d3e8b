import { startSimServer, SIM_MODELS, type SimServerOptions } from './server.js';

/**
 * `tack sim serve --port P`: runs the sim server in the foreground until SIGINT or SIGTERM, printing
 * where it listens. Resolves once the server has stopped.
 */
export const serveSim = async (options: SimServerOptions, log: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<void> => {
  const server = await startSimServer(options);
  log(`sim models ${SIM_MODELS.join(', ')} at ${server.url} (Ctrl-C stops)`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.stop();
  log('sim server stopped');
};
