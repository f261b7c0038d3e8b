import type { CommandModule } from 'yargs';

/** A CLI command: a yargs module, given a way to set the process exit code. */
export type Command = (setExit: (code: number) => void) => CommandModule<object, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
