import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withLock } from '../../src/store/lock.js';
import { StoreError } from '../../src/store/port.js';
import { tempDir } from '../support/store-factories.js';

/** The pid of a process that has exited. */
const deadPid = (): number => {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
};

describe('store lock', () => {
  it('holds the lock file with this pid while the work runs, and removes it after, also when the work throws', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir, 'lock');
      const seen = withLock(path, () => readFileSync(path, 'utf8'));
      assert.equal(seen, String(process.pid));
      assert.equal(existsSync(path), false);
      assert.throws(() => withLock(path, () => assert.fail('boom')), /boom/);
      assert.equal(existsSync(path), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reclaims a lock whose holder is dead, and waits for a live one until it gives up', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir, 'lock');
      writeFileSync(path, String(deadPid()));
      assert.equal(
        withLock(path, () => 'ran'),
        'ran',
      );
      writeFileSync(path, String(process.ppid));
      assert.throws(
        () => withLock(path, () => 'ran', { timeoutMs: 200 }),
        (e: unknown) => e instanceof StoreError && e.message.startsWith(`store is locked by process ${process.ppid}`),
      );
      assert.equal(readFileSync(path, 'utf8'), String(process.ppid));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never removes a lock file that is not the one it made', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir, 'lock');
      withLock(path, () => {
        // As if another process had wrongly reclaimed this lock and taken it.
        unlinkSync(path);
        writeFileSync(path, String(process.ppid));
      });
      assert.equal(readFileSync(path, 'utf8'), String(process.ppid));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
