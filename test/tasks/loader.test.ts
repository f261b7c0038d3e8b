import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { contentHash, loadSuite, loadTask, parseTaskConfig, TaskFormatError } from '../../src/tasks/loader.js';
import { brokenFixture, copyFixtures, fixtureTask, tempDir } from './fixtures.js';

describe('task loader', () => {
  it('reads task.toml, instruction.md and the task folders of the Harbor layout', () => {
    const task = loadTask(fixtureTask('word-report'));
    assert.equal(task.id, 'word-report');
    assert.equal(task.split, 'adhoc');
    assert.match(task.instruction, /count-words|words of \/app\/data.txt/);
    assert.equal(task.config.schemaVersion, '1.0');
    assert.equal(task.config.agentTimeoutSec, 60);
    assert.equal(task.config.verifierTimeoutSec, 60);
    assert.equal(task.config.environment.buildTimeoutSec, 120);
    assert.equal(task.config.environment.memoryMb, 1024);
    assert.deepEqual(task.config.metadata.tags, ['venv', 'pytest', 'ctrf']);
    assert.ok(task.dockerfile?.endsWith('environment/Dockerfile'));
    assert.match(task.hash, /^[0-9a-f]{64}$/);
  });

  it('reads schema_version, [verifier.env], [environment.env], docker_image and allow_internet', () => {
    const config = parseTaskConfig(
      [
        'schema_version = "1.1"',
        '[verifier]',
        'timeout_sec = 900.0',
        '[verifier.env]',
        'MODE = "strict"',
        '[environment]',
        'docker_image = "alexgshaw/x:20251031"',
        'allow_internet = true',
        'cpus = 2',
        '[environment.env]',
        'DEBUG = 1',
      ].join('\n'),
      'task.toml',
    );
    assert.equal(config.schemaVersion, '1.1');
    assert.equal(config.verifierTimeoutSec, 900);
    assert.deepEqual(config.verifierEnv, { MODE: 'strict' });
    assert.deepEqual(config.environment.env, { DEBUG: '1' });
    assert.equal(config.environment.dockerImage, 'alexgshaw/x:20251031');
    assert.equal(config.environment.allowInternet, true);
    assert.equal(config.environment.cpus, 2);
    assert.equal(config.agentTimeoutSec, 600, 'defaults when [agent] is absent');
  });

  it('rejects the older task.yaml layout with a one-line error naming the folder', () => {
    const dir = brokenFixture('old-layout');
    assert.throws(
      () => loadTask(dir),
      (e: unknown) => e instanceof TaskFormatError && e.message.startsWith(dir) && /task\.yaml/.test(e.message) && !e.message.includes('\n'),
    );
  });

  it('rejects a folder without instruction.md, naming the folder and the file', () => {
    const dir = brokenFixture('missing-instruction');
    assert.throws(() => loadTask(dir), { name: 'TaskFormatError', message: `${dir}: missing instruction.md` });
  });

  it('names each missing required file and bad field', async () => {
    const { dir, cleanup } = await tempDir('loader');
    try {
      await copyFixtures(dir, ['done-file']);
      const task = join(dir, 'done-file');
      await rm(join(task, 'tests', 'test.sh'));
      assert.throws(() => loadTask(task), { message: `${task}: missing tests/test.sh` });
      await writeFile(join(task, 'tests', 'test.sh'), '#!/bin/bash\n');
      await rm(join(task, 'environment'), { recursive: true });
      assert.throws(() => loadTask(task), { message: `${task}: missing environment/Dockerfile (and task.toml names no docker_image)` });
      await writeFile(join(task, 'task.toml'), 'version = "1.0"\n[agent]\ntimeout_sec = "soon"\n');
      assert.throws(() => loadTask(task), { message: `${join(task, 'task.toml')}: timeout_sec must be a positive number, got "soon"` });
      await writeFile(join(task, 'task.toml'), 'version = \n');
      assert.throws(() => loadTask(task), (e: unknown) => e instanceof TaskFormatError && e.message.startsWith(`${join(task, 'task.toml')}: invalid TOML`));
    } finally {
      await cleanup();
    }
  });

  it('hashes task content deterministically and changes the hash when a file or its mode changes', async () => {
    const { dir, cleanup } = await tempDir('hash');
    try {
      await copyFixtures(dir, ['word-report']);
      const task = join(dir, 'word-report');
      const original = loadTask(fixtureTask('word-report')).hash;
      assert.equal(contentHash(task), original, 'a copy hashes the same');
      await writeFile(join(task, 'environment', 'data.txt'), 'the quick brown fox\njumps over the lazy cat\n');
      const edited = contentHash(task);
      assert.notEqual(edited, original);
      await chmod(join(task, 'environment', 'data.txt'), 0o755);
      assert.notEqual(contentHash(task), edited, 'the executable bit is part of the content');
      await chmod(join(task, 'environment', 'data.txt'), 0o644);
      assert.equal(contentHash(task), edited);
    } finally {
      await cleanup();
    }
  });

  it('loads a suite with its splits and a suite hash that follows its tasks', async () => {
    const { dir, cleanup } = await tempDir('suite');
    try {
      await copyFixtures(dir, ['done-file', 'word-report']);
      await writeFile(join(dir, 'splits.json'), JSON.stringify({ opt: ['done-file'], gate: [], test: ['word-report'] }));
      const suite = loadSuite(dir);
      assert.deepEqual(
        suite.tasks.map((t) => [t.id, t.split]),
        [
          ['done-file', 'opt'],
          ['word-report', 'test'],
        ],
      );
      await writeFile(join(dir, 'done-file', 'instruction.md'), 'Create /app/done.txt with the word done in it.\n');
      assert.notEqual(loadSuite(dir).hash, suite.hash);
    } finally {
      await cleanup();
    }
  });

  it('rejects splits that name a missing task or put a task in two splits', async () => {
    const { dir, cleanup } = await tempDir('splits');
    try {
      await copyFixtures(dir, ['done-file']);
      await writeFile(join(dir, 'splits.json'), JSON.stringify({ opt: ['done-file', 'ghost'] }));
      assert.throws(() => loadSuite(dir), { message: `${join(dir, 'splits.json')}: names task ghost, which has no folder in ${dir}` });
      await writeFile(join(dir, 'splits.json'), JSON.stringify({ opt: ['done-file'], test: ['done-file'] }));
      assert.throws(() => loadSuite(dir), { message: `${join(dir, 'splits.json')}: task done-file is in both opt and test` });
      await rm(join(dir, 'splits.json'));
      assert.throws(() => loadSuite(dir), { message: `${dir}: missing splits.json` });
      await mkdir(join(dir, 'not-a-task'));
      await writeFile(join(dir, 'splits.json'), '{}');
      assert.throws(() => loadSuite(dir), { message: `${join(dir, 'not-a-task')}: missing task.toml` });
    } finally {
      await cleanup();
    }
  });
});
