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
  sameFile(fd: number, path: string): boolean;
}

const ADDON = join('build', 'Release', 'tack_flock.node');

let flock: Flock | undefined;
const native = (): Flock => {
  if (flock) return flock;
  const path = join(PACKAGE_ROOT, ADDON);
  if (!existsSync(path)) throw new StoreError(`tack's store lock (${ADDON}) is not built: run \`npm rebuild\` in tack's folder (it needs a C compiler)`);
  flock = createRequire(import.meta.url)(path) as Flock;
  if (typeof flock.sameFile !== 'function') {
    flock = undefined;
    throw new StoreError(`tack's store lock (${ADDON}) is from an older tack: run \`npm rebuild\` in tack's folder`);
  }
  return flock;
};

/**
 * Whether `path` still names the file open as `fd` (false when nothing is there). It looks at the
 * inode number only: a stat would look at the file's times, which makes its next fdatasync dearer.
 */
export const sameFile = (fd: number, path: string): boolean => native().sameFile(fd, path);

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const PID_WIDTH = 12;

/** How opening a file for writing fails where this process may only read. */
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

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
 * The lock of one store, kept open between uses by a long-lived store (close() lets it go). Each
 * use checks, once the lock is taken, that the path still names the file it holds: a lock on a file
 * that was removed and made again would exclude nobody.
 */
export class StoreLock {
  private fd: number | null = null;
  /** Whether fd is open for writing (a reader of a read-only store holds it read-only). */
  private writable = false;
  private readonly pid = Buffer.from(String(process.pid).padEnd(PID_WIDTH - 1) + '\n');
  /** Where claim reads the pid the file holds (one buffer for every append). */
  private readonly held = Buffer.alloc(PID_WIDTH);

  constructor(readonly path: string) {}

  /**
   * Run `fn` holding the lock; released even when `fn` throws. `fn` is synchronous so no other work
   * of this process can interleave while the lock is held.
   */
  run<A>(fn: () => A, options: LockOptions = {}): A {
    const lock = native();
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let wait = 1;
    const shared = options.shared === true;
    let fd = this.open(shared);
    for (;;) {
      if (shared ? lock.tryLockShared(fd) : lock.tryLockExclusive(fd)) {
        if (lock.sameFile(fd, this.path)) break;
        lock.unlock(fd);
        this.close();
        fd = this.open(shared);
        continue;
      }
      if (Date.now() > deadline) {
        throw new StoreError(`store is locked by process ${readPid(fd)} (${this.path}); try again when it has finished`);
      }
      sleep(wait);
      wait = Math.min(wait * 2, 50);
    }
    try {
      if (!shared) this.claim(fd);
      return fn();
    } finally {
      lock.unlock(fd);
    }
  }

  /**
   * Write this process's pid into the file (fixed width, so its size never changes) when it is not
   * there already: a write changes the file's times, which the next append's fdatasync would commit.
   */
  private claim(fd: number): void {
    if (readSync(fd, this.held, 0, PID_WIDTH, 0) === PID_WIDTH && this.held.equals(this.pid)) return;
    writeSync(fd, this.pid, 0, this.pid.length, 0);
  }

  /**
   * The lock file, open read-write (created if missing). A reader that may not write there (a store
   * on a read-only mount, or another user's) takes the readers' lock on it open read-only: flock
   * needs no write access, and no writer can be at work where the lock file cannot be written.
   */
  private open(shared: boolean): number {
    if (this.fd !== null && (this.writable || shared)) return this.fd;
    this.close();
    try {
      // Read-write without O_APPEND, so the pid goes at offset 0 (Linux appends every write under O_APPEND).
      this.fd = openSync(this.path, constants.O_RDWR | constants.O_CREAT, 0o644);
      this.writable = true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (!READ_ONLY.has(code)) throw e;
      if (!shared) throw new StoreError(`cannot write to this store: ${this.path} may not be written by this process (${code})`);
      this.fd = openSync(this.path, constants.O_RDONLY);
      this.writable = false;
    }
    return this.fd;
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    this.writable = false;
    closeSync(fd);
  }
}

/** Run `fn` holding the lock at `path`, opened for this once. */
export const withLock = <A>(path: string, fn: () => A, options: LockOptions = {}): A => {
  const lock = new StoreLock(path);
  try {
    return lock.run(fn, options);
  } finally {
    lock.close();
  }
};
