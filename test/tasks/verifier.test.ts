import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { excerptOf, readCtrf, readReward } from '../../src/tasks/verifier.js';
import { tempDir } from './fixtures.js';

describe('verifier reward', () => {
  it('reads reward.txt, else reward.json, else reports none', async () => {
    const { dir, cleanup } = await tempDir('reward');
    try {
      assert.deepEqual(await readReward(dir), { reward: null, note: null });
      await writeFile(join(dir, 'reward.json'), JSON.stringify({ reward: 0.5, tests: 2 }));
      assert.deepEqual(await readReward(dir), { reward: 0.5, source: 'reward.json' });
      await writeFile(join(dir, 'reward.json'), JSON.stringify({ accuracy: 0.25 }));
      assert.deepEqual(await readReward(dir), { reward: 0.25, source: 'reward.json' });
      await writeFile(join(dir, 'reward.json'), JSON.stringify({ a: 1, b: 0 }));
      assert.deepEqual(await readReward(dir), { reward: null, note: 'reward.json has no numeric "reward"' });
      await writeFile(join(dir, 'reward.txt'), '1.0\n');
      assert.deepEqual(await readReward(dir), { reward: 1, source: 'reward.txt' }, 'reward.txt wins');
      await writeFile(join(dir, 'reward.txt'), 'passed\n');
      assert.deepEqual(await readReward(dir), { reward: null, note: 'reward.txt is not a number: "passed"' });
    } finally {
      await cleanup();
    }
  });

  it('never follows a link out of the verifier logs', async () => {
    const { dir, cleanup } = await tempDir('reward-link');
    try {
      const outside = join(dir, 'outside.txt');
      await writeFile(outside, '1\n');
      const logs = join(dir, 'logs');
      await mkdir(logs);
      await symlink(outside, join(logs, 'reward.txt'));
      assert.deepEqual(await readReward(logs), { reward: null, note: null });
    } finally {
      await cleanup();
    }
  });

  it('summarises a CTRF report with its failed tests', async () => {
    const { dir, cleanup } = await tempDir('ctrf');
    try {
      const file = join(dir, 'ctrf.json');
      await writeFile(
        file,
        JSON.stringify({
          results: {
            tool: { name: 'pytest' },
            summary: { tests: 2, passed: 1, failed: 1, pending: 0, skipped: 0, other: 0, start: 0, stop: 1 },
            tests: [
              { name: 't.py::test_a', status: 'passed', duration: 1 },
              { name: 't.py::test_b', status: 'failed', duration: 1, message: 'AssertionError: 3 != 4' },
            ],
          },
        }),
      );
      assert.deepEqual(await readCtrf(file), { tests: 2, passed: 1, failed: 1, skipped: 0, failedTests: [{ name: 't.py::test_b', message: 'AssertionError: 3 != 4' }] });
      await writeFile(file, '{"results":');
      assert.equal(await readCtrf(file), null);
    } finally {
      await cleanup();
    }
  });

  it('keeps the head and tail of a long output', () => {
    const long = 'h'.repeat(2000) + 'm'.repeat(10_000) + 't'.repeat(3000);
    const e = excerptOf(long);
    assert.ok(e.startsWith('h'.repeat(1500)) && e.endsWith('t'.repeat(2500)));
    assert.match(e, /\[\.\.\. 11000 chars elided \.\.\.\]/);
    assert.equal(excerptOf('short'), 'short');
  });
});
