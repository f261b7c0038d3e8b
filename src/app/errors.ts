/** An error meant for the person at the terminal: one line, exit code 1. */
export class TackError extends Error {
  override readonly name = 'TackError';
}

/** Invalid command-line usage: one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
