import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreLock, withLock } from '../../src/store/lock.js';
import { StoreError } from '../../src/store/port.js';
import { PROJECT } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';

const HOLDER = join(PROJECT, 'dist', 'test', 'support', 'lock-holder.js');

/** What another process gets when it tries the lock (or the readers' lock) for 200 ms. */
const tryFromAnotherProcess = (path: string, shared = false): string =>
  spawnSync(process.execPath, [HOLDER, shared ? 'try-shared' : 'try', path], { encoding: 'utf8' }).stdout;

/** Another process that takes the lock and keeps it until killed. */
const holdInAnotherProcess = (path: string) =>
  new Promise<{ pid: number; kill: () => Promise<void> }>((res, rej) => {
    const p = spawn(process.execPath, [HOLDER, 'hold', path], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.on('error', rej);
    p.stdout.once('data', (d) => {
      if (String(d) !== 'held\n') rej(new Error(`holder said ${String(d)}`));
      res({ pid: p.pid!, kill: () => new Promise((done) => (p.kill('SIGKILL'), p.on('exit', () => done()))) });
    });
  });

describe('store lock', () => {
  it('keeps other processes out while the work runs, and lets them in after, also when the work throws', async () => {
    const path = join(await tempDir(), 'lock');
    const inside = withLock(path, () => tryFromAnotherProcess(path));
    assert.equal(inside, `store is locked by process ${process.pid} (${path}); try again when it has finished`);
    assert.equal(tryFromAnotherProcess(path), 'ran');
    assert.throws(() => withLock(path, () => assert.fail('boom')), /boom/);
    assert.equal(tryFromAnotherProcess(path), 'ran');
  });

  it("readers' lock: readers share it, the writer's lock excludes them and they exclude the writer", async () => {
    const path = join(await tempDir(), 'lock');
    assert.equal(
      withLock(path, () => tryFromAnotherProcess(path, true), { shared: true }),
      'ran',
    );
    assert.match(
      withLock(path, () => tryFromAnotherProcess(path), { shared: true }),
      /^store is locked by process/,
    );
    assert.match(
      withLock(path, () => tryFromAnotherProcess(path, true)),
      new RegExp(`^store is locked by process ${process.pid} `),
    );
    assert.equal(tryFromAnotherProcess(path), 'ran');
  });

  it('waits for a live holder until it gives up, naming it; a holder killed while holding it blocks nobody', async () => {
    const path = join(await tempDir(), 'lock');
    const holder = await holdInAnotherProcess(path);
    assert.throws(
      () => withLock(path, () => 'ran', { timeoutMs: 200 }),
      (e: unknown) => e instanceof StoreError && e.message === `store is locked by process ${holder.pid} (${path}); try again when it has finished`,
    );
    await holder.kill();
    assert.equal(
      withLock(path, () => 'ran', { timeoutMs: 200 }),
      'ran',
    );
  });

  it('writes no directory entry to take or release the lock (the lock file stays)', async () => {
    const dir = await tempDir();
    const path = join(dir, 'lock');
    withLock(path, () => undefined);
    const before = statSync(dir, { bigint: true });
    const ino = statSync(path).ino;
    for (let i = 0; i < 20; i++) withLock(path, () => undefined);
    const after = statSync(dir, { bigint: true });
    assert.equal(after.mtimeNs, before.mtimeNs, 'the store folder changed');
    assert.equal(statSync(path).ino, ino);
  });

  it('a lock kept open follows its path: after the file is removed, or replaced, it locks the file the path names now', async () => {
    const path = join(await tempDir(), 'lock');
    const lock = new StoreLock(path);
    try {
      lock.run(() => undefined);
      rmSync(path);
      assert.equal(lock.run(() => tryFromAnotherProcess(path)).startsWith(`store is locked by process ${process.pid} `), true);
      writeFileSync(path + '.new', '');
      renameSync(path + '.new', path);
      assert.match(lock.run(() => tryFromAnotherProcess(path)), new RegExp(`^store is locked by process ${process.pid} `));
      assert.equal(tryFromAnotherProcess(path), 'ran');
    } finally {
      lock.close();
    }
  });

  it('a lock kept open names its holder again after another process held it', async () => {
    const path = join(await tempDir(), 'lock');
    const lock = new StoreLock(path);
    try {
      lock.run(() => undefined);
      const other = await holdInAnotherProcess(path);
      assert.throws(() => lock.run(() => undefined, { timeoutMs: 200 }), new RegExp(`^StoreError: store is locked by process ${other.pid} `));
      await other.kill();
      assert.match(lock.run(() => tryFromAnotherProcess(path)), new RegExp(`^store is locked by process ${process.pid} `));
      // The same, with the other holder's pid written in place (the file is the same one).
      writeFileSync(path, '1          \n');
      assert.match(lock.run(() => tryFromAnotherProcess(path)), new RegExp(`^store is locked by process ${process.pid} `));
    } finally {
      lock.close();
    }
  });
});
