import type { Command } from './types.js';
import { initCommand } from './init.js';
import { editCommand } from './edit.js';
import { logCommand } from './log.js';
import { showCommand } from './show.js';
import { diffCommand } from './diff.js';
import { blameCommand } from './blame.js';
import { whyCommand } from './why.js';
import { branchCommand } from './branch.js';
import { branchesCommand } from './branches.js';
import { tagCommand } from './tag.js';
import { revertCommand } from './revert.js';
import { verifyCommand } from './verify.js';
import { eventsCommand } from './events.js';
import { storeCommand } from './store.js';
import { runCommand } from './run.js';
import { tracesCommand } from './traces.js';
import { traceCommand } from './trace.js';
import { evolveCommand } from './evolve.js';
import { workerCommand } from './worker.js';
import { workersCommand } from './workers.js';
import { simCommand } from './sim.js';
import { demoCommand } from './demo.js';
import { exportCommand } from './export.js';
import { reportCommand } from './report.js';
import { cherryPickCommand } from './cherry-pick.js';
import { replayCommand } from './replay.js';

/** Every `tack` command, in the order `tack --help` lists them. */
export const commands: Command[] = [
  initCommand,
  editCommand,
  logCommand,
  showCommand,
  diffCommand,
  blameCommand,
  whyCommand,
  branchCommand,
  branchesCommand,
  tagCommand,
  revertCommand,
  verifyCommand,
  eventsCommand,
  storeCommand,
  runCommand,
  tracesCommand,
  traceCommand,
  evolveCommand,
  workerCommand,
  workersCommand,
  simCommand,
  demoCommand,
  reportCommand,
  exportCommand,
  cherryPickCommand,
  replayCommand,
];
