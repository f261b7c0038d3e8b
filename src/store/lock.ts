import { closeSync, fstatSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { StoreError } from './port.js';

/**
 * An exclusive inter-process lock file holding its owner's pid. A lock whose holder process is
 * dead is reclaimed; reclaiming is itself serialised by a second O_EXCL file so that two processes
 * that both find the same dead holder cannot both remove a lock that a third has just taken.
 */
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const isAlive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

interface Holder {
  readonly pid: number;
  readonly ino: number;
  readonly ageMs: number;
}

const readHolder = (path: string): Holder | null => {
  try {
    const st = statSync(path);
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return { pid, ino: st.ino, ageMs: Date.now() - st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
};

/** A holder that wrote no pid yet is only presumed dead once the file is old. */
const isStale = (h: Holder): boolean => (Number.isNaN(h.pid) ? h.ageMs > 5_000 : !isAlive(h.pid));

/** Create the lock file holding this process's pid; its open fd, or null when the lock is taken. */
const tryCreate = (path: string): number | null => {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw e;
  }
  try {
    writeSync(fd, String(process.pid));
  } catch (e) {
    closeSync(fd);
    unlinkSync(path);
    throw e;
  }
  return fd;
};

const unlinkIfSame = (path: string, ino: number): void => {
  try {
    if (statSync(path).ino === ino) unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
};

export interface LockOptions {
  readonly timeoutMs?: number;
}

/**
 * Run `fn` holding the lock at `path`; released even when `fn` throws. `fn` is synchronous so no
 * other work of this process can interleave while the lock is held.
 */
export const withLock = <A>(path: string, fn: () => A, options: LockOptions = {}): A => {
  const fd = acquire(path, options.timeoutMs ?? 30_000);
  try {
    return fn();
  } finally {
    release(path, fd);
  }
};

const acquire = (path: string, timeoutMs: number): number => {
  const reclaimPath = path + '.reclaim';
  const deadline = Date.now() + timeoutMs;
  let wait = 1;
  while (true) {
    const fd = tryCreate(path);
    if (fd !== null) return fd;
    const holder = readHolder(path);
    if (holder && isStale(holder)) {
      const reclaimFd = tryCreate(reclaimPath);
      if (reclaimFd !== null) {
        try {
          const again = readHolder(path);
          if (again && again.ino === holder.ino && isStale(again)) unlinkIfSame(path, again.ino);
        } finally {
          closeSync(reclaimFd);
          unlinkSync(reclaimPath);
        }
        continue;
      }
      const reclaimer = readHolder(reclaimPath);
      if (reclaimer && isStale(reclaimer)) unlinkIfSame(reclaimPath, reclaimer.ino);
    }
    if (Date.now() > deadline) {
      throw new StoreError(`store is locked by process ${holder?.pid ?? '?'} (${path}); try again when it has finished`);
    }
    sleep(wait);
    wait = Math.min(wait * 2, 50);
  }
};

/** Remove the lock if it is still the file this process made (the fd it kept open tells which). */
const release = (path: string, fd: number): void => {
  try {
    unlinkIfSame(path, fstatSync(fd).ino);
  } finally {
    closeSync(fd);
  }
};
