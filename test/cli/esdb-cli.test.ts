import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startEsdbTestServer } from '../support/esdb-server.js';
import { tackAsync, type CliResult } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';

/** The history transcript through the CLI, on the file store and on EventStoreDB (the gRPC test server). */
const transcript: string[][] = [
  ['init', '--model', 'm1'],
  ['edit', 'add-rule', '--section', 'general', '--text', 'Create required output files first.', '--why', 'seen'],
  ['edit', 'add-rule', '--section', 'recovery', '--text', 'Do not repeat an identical failing command.', '--why', 'loops'],
  ['edit', 'set-policy', '--kind', 'DuplicateCommandGuard', '--why', 'repeats'],
  ['branch', 'qwen', '--from', 'main@2', '--model', 'qwen'],
  ['edit', 'add-rule', '--branch', 'qwen', '--section', 'recovery', '--text', 'Persist PATH across shells.', '--why', 'qwen only'],
  ['tag', 'production', 'main@3'],
  ['log', '--branch', 'qwen'],
  ['log'],
  ['show', 'main@1'],
  ['show', 'qwen', '--json'],
  ['show', 'production'],
  ['diff', 'main', 'qwen'],
  ['why', 'R7'],
  ['why', 'P1'],
  ['blame', 'qwen'],
  ['branches'],
  ['verify'],
];

const normalise = (r: CliResult, location: string) =>
  `${r.code}\n${r.stdout}${r.stderr}`
    .replaceAll(location, '<store>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/g, '<time>')
    .replace(/store sound: .*/, 'store sound');

const ok = async (cwd: string, args: string[], store?: string) => {
  const r = await tackAsync(cwd, store ? [...args, '--store', store] : args);
  assert.equal(r.code, 0, `tack ${args.join(' ')}: ${r.stderr}`);
  return r;
};

describe('the CLI on EventStoreDB', () => {
  let server: Awaited<ReturnType<typeof startEsdbTestServer>>;
  before(async () => {
    server = await startEsdbTestServer({ batchAppend: true });
  });
  after(async () => server.stop());

  it('gives the same output for the history transcript as the file store', async () => {
    const fileDir = await tempDir();
    const esdbDir = await tempDir();
    for (const args of transcript) {
      const f = await tackAsync(fileDir, args);
      const e = await tackAsync(esdbDir, [...args, '--store', server.url]);
      assert.equal(f.code, 0, `file: tack ${args.join(' ')}: ${f.stderr}`);
      assert.equal(normalise(e, server.url), normalise(f, join(fileDir, '.tack')), `tack ${args.join(' ')} differs`);
    }
    assert.equal(existsSync(join(esdbDir, '.tack')), false, 'an esdb run wrote a local store');
  });

  it('store copy from file to esdb and back keeps every version hash and both chains verify', async () => {
    const dir = await tempDir();
    for (const args of transcript.slice(0, 7)) await ok(dir, args);
    const other = await startEsdbTestServer({ batchAppend: false });
    try {
      const there = await ok(dir, ['store', 'copy', '--from', '.tack', '--to', other.url, '--json']);
      const s1 = JSON.parse(there.stdout);
      assert.ok(s1.eventsCopied > 10);
      assert.equal(s1.versionsChecked, 4 + 3, "main v1-v4 and qwen v1-v3");
      const back = await ok(dir, ['store', 'copy', '--from', other.url, '--to', 'back', '--json']);
      assert.equal(JSON.parse(back.stdout).versionsChecked, s1.versionsChecked);
      const a = JSON.parse((await ok(dir, ['branches', '--json'])).stdout);
      const b = JSON.parse((await ok(dir, ['branches', '--json', '--store', 'back'])).stdout);
      assert.deepEqual(b, a);
      assert.equal((await ok(dir, ['verify', '--store', 'back'])).code, 0);
      const again = await tackAsync(dir, ['store', 'copy', '--from', other.url, '--to', 'back']);
      assert.equal(again.code, 0, 'copying the same history again is a no-op');
    } finally {
      await other.stop();
    }
  });

  it('a missing branch and a conflict each give one clear line', async () => {
    const dir = await tempDir();
    const url = server.url.replace('tls=false', 'tls=false');
    const missing = await tackAsync(dir, ['log', '--branch', 'nobody', '--store', url]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr.trim(), /^tack: no branch "nobody"/);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    const twice = await tackAsync(dir, ['init', '--model', 'm', '--branch', 'dup', '--store', url]);
    assert.equal(twice.code, 0, twice.stderr);
    const again = await tackAsync(dir, ['init', '--model', 'm', '--branch', 'dup', '--store', url]);
    assert.equal(again.code, 1);
    assert.match(again.stderr.trim(), /^tack: branch dup already exists/);
  });

  it('a server that is down: one line naming the URL, non-zero exit, nothing written', async () => {
    const dead = await startEsdbTestServer({ batchAppend: true });
    const url = dead.url;
    await dead.stop();
    const dir = await tempDir();
    for (const args of [['init', '--model', 'm'], ['log'], ['edit', 'add-rule', '--section', 'general', '--text', 't', '--why', 'w']]) {
      const r = await tackAsync(dir, [...args, '--store', url]);
      assert.notEqual(r.code, 0);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0].includes(url.replace(/^esdb:\/\//, '')), lines[0]);
      assert.equal(existsSync(join(dir, '.tack')), false);
    }
  });
});
