#!/usr/bin/env node
// Runs after `npm ci` (prepare): says what the machine still needs to run tasks.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const onPath = (name) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
if (!onPath('bwrap')) {
  console.warn(
    'tack: bubblewrap (bwrap) is not installed; tasks run only inside its sandbox. Install it with\n' +
      '  apt-get install bubblewrap python3-pytest python3-venv sqlite3\n' +
      '(or pass --unsafe-no-sandbox to tack run/evolve to run tasks without isolation).',
  );
}
