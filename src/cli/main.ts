import yargs, { type Argv } from 'yargs';
import { TackError, UsageError } from '../app/errors.js';
import { StoreError } from '../store/port.js';
import { PACKAGE_VERSION } from '../package.js';
import { stdio } from './context.js';
import { commandsFor } from './commands/index.js';
import { registerSimModels } from './sim-models.js';

registerSimModels();

/**
 * The tack command line. Exit codes: 0 ok, 1 error (one line on stderr), 2 usage; commands that
 * gate (verify, replay) document their own non-zero codes.
 */
export const run = async (argv: readonly string[]): Promise<number> => {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  let parser: Argv = yargs([...argv])
    .scriptName('tack')
    .usage('tack <command> [options]\n\nEvent-sourced version control for LLM agent harnesses.')
    .option('store', {
      type: 'string',
      describe: 'store folder or URL (esdb://host:2113?tls=false); default $TACK_STORE or ./.tack',
      global: true,
    })
    .strict()
    .demandCommand(1, 'name a command')
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .help()
    .version(PACKAGE_VERSION)
    .wrap(Math.min(110, process.stdout.columns || 100));
  for (const c of await commandsFor(argv)) parser = parser.command(c(setExit));
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (e) {
    return reportError(e);
  }
};

const oneLine = (m: string): string => m.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');

const reportError = (e: unknown): number => {
  if (e instanceof UsageError || (e instanceof Error && e.name === 'YError')) {
    stdio.err(`tack: ${oneLine((e as Error).message)} (see tack --help)`);
    return 2;
  }
  if (e instanceof TackError || e instanceof StoreError) {
    stdio.err(`tack: ${e.message}`);
    return 1;
  }
  const msg = e instanceof Error ? e.message : String(e);
  stdio.err(`tack: ${msg.split('\n')[0]}`);
  if (process.env.TACK_DEBUG) stdio.err(String((e as Error)?.stack ?? e));
  return 1;
};
