import type { Command } from './types.js';

/**
 * Every `tack` command by name, in the order `tack --help` lists them, each loaded when asked for: a
 * command line loads only the command it runs (and its modules), not all of them.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./init.js')).initCommand,
  edit: async () => (await import('./edit.js')).editCommand,
  log: async () => (await import('./log.js')).logCommand,
  show: async () => (await import('./show.js')).showCommand,
  diff: async () => (await import('./diff.js')).diffCommand,
  blame: async () => (await import('./blame.js')).blameCommand,
  why: async () => (await import('./why.js')).whyCommand,
  branch: async () => (await import('./branch.js')).branchCommand,
  branches: async () => (await import('./branches.js')).branchesCommand,
  tag: async () => (await import('./tag.js')).tagCommand,
  revert: async () => (await import('./revert.js')).revertCommand,
  verify: async () => (await import('./verify.js')).verifyCommand,
  events: async () => (await import('./events.js')).eventsCommand,
  store: async () => (await import('./store.js')).storeCommand,
  run: async () => (await import('./run.js')).runCommand,
  traces: async () => (await import('./traces.js')).tracesCommand,
  trace: async () => (await import('./trace.js')).traceCommand,
  evolve: async () => (await import('./evolve.js')).evolveCommand,
  worker: async () => (await import('./worker.js')).workerCommand,
  workers: async () => (await import('./workers.js')).workersCommand,
  sim: async () => (await import('./sim.js')).simCommand,
  demo: async () => (await import('./demo.js')).demoCommand,
  report: async () => (await import('./report.js')).reportCommand,
  export: async () => (await import('./export.js')).exportCommand,
  'cherry-pick': async () => (await import('./cherry-pick.js')).cherryPickCommand,
  replay: async () => (await import('./replay.js')).replayCommand,
};

/** The command `argv` names (its first word that is not an option or the global --store's value), if tack has it. */
export const commandNamed = (argv: readonly string[]): string | undefined => {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--store') i++;
    else if (!a.startsWith('-')) return Object.prototype.hasOwnProperty.call(COMMANDS, a) ? a : undefined;
  }
  return undefined;
};

/** The command `argv` runs; all of them when it names none tack has (help, or a mistake yargs explains). */
export const commandsFor = async (argv: readonly string[]): Promise<Command[]> => {
  const name = commandNamed(argv);
  return name ? [await COMMANDS[name]()] : Promise.all(Object.values(COMMANDS).map((load) => load()));
};
