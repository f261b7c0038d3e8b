import { closeSync, constants, existsSync, openSync, readSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package.js';
import { StoreError } from './port.js';

/**
 * The file store's writer lock: an exclusive flock(2) on a lock file that stays in place.
 *
 * The kernel releases the lock when its holder dies, however it dies (SIGKILL included), so a dead
 * holder is reclaimed at once and a recycled pid can never keep a store locked. Taking and releasing
 * it writes no directory entry: an earlier lock created and removed a file per append, and those two
 * metadata changes rode along in every append's fdatasync, costing more than the append itself.
 * The holder's pid is written into the file (fixed width, so its size never changes) only so that
 * a writer who gives up can say who holds the store.
 *
 * flock is not in Node's fs module, so a few lines of C do it (native/flock.c, built by `npm ci`).
 */
interface Flock {
  tryLockExclusive(fd: number): boolean;
  tryLockShared(fd: number): boolean;
  unlock(fd: number): void;
}

const ADDON = join('build', 'Release', 'tack_flock.node');

let flock: Flock | undefined;
const native = (): Flock => {
  if (flock) return flock;
  const path = join(PACKAGE_ROOT, ADDON);
  if (!existsSync(path)) throw new StoreError(`tack's store lock (${ADDON}) is not built: run \`npm rebuild\` in tack's folder (it needs a C compiler)`);
  flock = createRequire(import.meta.url)(path) as Flock;
  return flock;
};

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const PID_WIDTH = 12;

const writePid = (fd: number): void => {
  const text = Buffer.from(String(process.pid).padEnd(PID_WIDTH - 1) + '\n');
  writeSync(fd, text, 0, text.length, 0);
};

const readPid = (fd: number): string => {
  const buf = Buffer.alloc(PID_WIDTH);
  const n = readSync(fd, buf, 0, PID_WIDTH, 0);
  return buf.subarray(0, n).toString('utf8').trim() || '?';
};

export interface LockOptions {
  readonly timeoutMs?: number;
  /**
   * A reader's lock: held by any number of readers at once, never together with the writer's. A
   * reader takes it only to look again at a stream's end that a write may have been changing.
   */
  readonly shared?: boolean;
}

/**
 * Run `fn` holding the lock at `path`; released even when `fn` throws. `fn` is synchronous so no
 * other work of this process can interleave while the lock is held.
 */
export const withLock = <A>(path: string, fn: () => A, options: LockOptions = {}): A => {
  const lock = native();
  // Read-write without O_APPEND, so the pid goes at offset 0 (Linux appends every write under O_APPEND).
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const take = options.shared ? (f: number) => lock.tryLockShared(f) : (f: number) => lock.tryLockExclusive(f);
    let wait = 1;
    while (!take(fd)) {
      if (Date.now() > deadline) {
        throw new StoreError(`store is locked by process ${readPid(fd)} (${path}); try again when it has finished`);
      }
      sleep(wait);
      wait = Math.min(wait * 2, 50);
    }
    try {
      if (!options.shared) writePid(fd);
      return fn();
    } finally {
      lock.unlock(fd);
    }
  } finally {
    closeSync(fd);
  }
};
