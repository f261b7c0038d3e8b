import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TackEvent } from '../../src/domain/events.js';
import { encodeRecord, FileEventStore, GENESIS, openFileStore, scanStream } from '../../src/store/file.js';
import { CorruptStoreError } from '../../src/store/port.js';
import { sampleEvent, traceEvent } from '../support/events.js';
import { tempDir } from '../support/store-factories.js';
import { TACK_BIN, tackAsync, tackOk, treeDigest } from '../support/cli.js';

/** Deterministic pseudo-random numbers, so a failing case can be repeated. */
const lcg = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

/** Stream lines for `events`, in batches of 1 to 3, chained from `prev` at revision `rev`. */
const linesOf = (events: readonly TackEvent[], rev = 0, prev = GENESIS): { text: string; prev: string } => {
  const rand = lcg(7);
  let text = '';
  for (let i = 0; i < events.length; ) {
    const n = Math.min(events.length - i, 1 + Math.floor(rand() * 3));
    for (let j = 0; j < n; j++) {
      const line = encodeRecord(rev + i + j, [j, n], prev, events[i + j]);
      prev = line.slice(line.length - 67, line.length - 3);
      text += line;
    }
    i += n;
  }
  return { text, prev };
};

/** The error a scan of the whole buffer on this thread gives (no worker), or null. */
const sequentialError = (stream: string, bytes: Buffer): string | null => {
  try {
    scanStream(stream, bytes);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
};

describe('file store: long streams (read ahead on a worker thread)', () => {
  let dir = '';
  let file = '';
  let events: TackEvent[] = [];
  let original = Buffer.alloc(0);

  before(async () => {
    dir = await tempDir();
    await openFileStore(join(dir, '.tack'), { create: true });
    // About 25 MB: more than the worker's whole ring of buffers, with one 5 MB line in the middle.
    events = Array.from({ length: 60_000 }, (_, i) => sampleEvent(i, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`));
    // A valid event whose one line is longer than any read buffer.
    events.splice(30_000, 0, traceEvent(99_999_999, 5 << 20));
    file = join(dir, '.tack', 'streams', 'branch-big.jsonl');
    writeFileSync(file, linesOf(events).text);
    original = readFileSync(file);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back every event, in order, and verifies', async () => {
    const store = new FileEventStore(join(dir, '.tack'));
    const read = await store.read('branch-big');
    assert.equal(read.length, events.length);
    assert.deepEqual(read[30_000].event, events[30_000]);
    assert.deepEqual(
      read.map((r) => r.revision),
      events.map((_, i) => i),
    );
    assert.deepEqual(read[59_999].event, events[59_999]);
    const report = await store.verify();
    assert.equal(report.events, events.length);
    assert.equal(report.tornBytes, 0);
    assert.equal(await store.head('branch-big'), events.length - 1);
  });

  it('tack itself (the bundled command line) reads it on its read-ahead worker, with no warning', async () => {
    // The worker is a file of its own beside the bundle's code; were it missing, reads would go on
    // without it and only this warning would tell.
    const r = await tackAsync(dir, ['events', '--branch', 'big', '--type', 'TraceObserved']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, events.filter((e) => e.type === 'TraceObserved').length);
    assert.ok(lines.length > 0);
    assert.doesNotMatch(r.stderr, /read-ahead worker failed/);
    assert.equal(r.stderr, '');
  });

  it('a changed byte anywhere fails verify and every read, with the same message as a scan on one thread', async () => {
    const rand = lcg(42);
    const bigAt = original.indexOf('xxxxxxxx');
    const positions = [0, 5, original.length - 1, original.length - 40, bigAt + 3_000_000, 2 << 20, (2 << 20) - 1, ...Array.from({ length: 3 }, () => Math.floor(rand() * original.length))];
    // A store that has read the stream before, and so checks again without parsing what it had read.
    const cached = new FileEventStore(join(dir, '.tack'));
    assert.equal((await cached.read('branch-big')).length, events.length);
    try {
      for (const at of positions) {
        const bytes = Buffer.from(original);
        bytes[at] = (bytes[at] + 1 + Math.floor(rand() * 254)) % 256;
        writeFileSync(file, bytes);
        const expected = sequentialError('branch-big', bytes);
        assert.ok(expected, `byte ${at}: a scan on one thread must fail`);
        assert.match(expected, /^store corrupt at branch-big@\d+: /);
        const store = new FileEventStore(join(dir, '.tack'));
        await assert.rejects(store.verify(), (e: unknown) => e instanceof CorruptStoreError && e.message === expected, `verify, byte ${at}`);
        await assert.rejects(store.read('branch-big'), (e: unknown) => e instanceof CorruptStoreError && e.message === expected, `read, byte ${at}`);
        await assert.rejects(store.forEach('branch-big', () => {}), (e: unknown) => e instanceof CorruptStoreError && e.message === expected, `forEach, byte ${at}`);
        await assert.rejects(cached.read('branch-big'), (e: unknown) => e instanceof CorruptStoreError && e.message === expected, `read again, byte ${at}`);
      }
    } finally {
      writeFileSync(file, original);
    }
  });

  it('a torn batch at the end is ignored by readers and cut by the next append', async () => {
    // One batch of three records, the last one unfinished: a write that did not reach the disk whole.
    let prev = original.subarray(original.length - 67, original.length - 3).toString('latin1');
    let text = '';
    for (let j = 0; j < 3; j++) {
      const line = encodeRecord(events.length + j, [j, 3], prev, sampleEvent(70_000 + j));
      prev = line.slice(line.length - 67, line.length - 3);
      text += line;
    }
    const torn = text.slice(0, text.length - 100);
    try {
      appendFileSync(file, torn);
      const store = new FileEventStore(join(dir, '.tack'));
      assert.equal((await store.read('branch-big')).length, events.length);
      assert.equal((await store.verify()).tornBytes, Buffer.byteLength(torn));
      await store.append('branch-big', [sampleEvent(80_000)], events.length - 1);
      const after = await new FileEventStore(join(dir, '.tack')).read('branch-big');
      assert.equal(after.length, events.length + 1);
      assert.deepEqual(after[events.length].event, sampleEvent(80_000, after[events.length].event.id));
    } finally {
      writeFileSync(file, original);
    }
  });
});

describe('file store: a process rereading a changed stream', () => {
  it('reuses the events it had read when only new batches were added, and rereads whatever else changed', async () => {
    const dir = await tempDir();
    try {
      const store = (await openFileStore(join(dir, '.tack'), { create: true })).events;
      await store.append('branch-a', [sampleEvent(0), sampleEvent(1)], 'no_stream');
      const before = await store.read('branch-a');
      await store.append('branch-a', [sampleEvent(2)], 1);
      const after = await store.read('branch-a');
      assert.equal(after.length, 3);
      assert.ok(after[0] === before[0] && after[1] === before[1], 'the events read before are the same objects');
      assert.deepEqual(after[2].event, sampleEvent(2, after[2].event.id));

      // Another valid history written over the same file: nothing of the old one may be reused.
      const other = await tempDir();
      const elsewhere = (await openFileStore(join(other, '.tack'), { create: true })).events;
      const replaced = [sampleEvent(10), sampleEvent(11), sampleEvent(12), sampleEvent(13)];
      await elsewhere.append('branch-a', replaced, 'no_stream');
      const file = join(dir, '.tack', 'streams', 'branch-a.jsonl');
      writeFileSync(file, readFileSync(join(other, '.tack', 'streams', 'branch-a.jsonl')));
      rmSync(other, { recursive: true, force: true });
      assert.deepEqual(
        (await store.read('branch-a')).map((r) => r.event),
        replaced,
      );

      // A changed byte in what was read before is caught, as on a first read.
      const bytes = readFileSync(file);
      bytes[40] ^= 1;
      writeFileSync(file, bytes);
      await assert.rejects(store.read('branch-a'), (e: unknown) => e instanceof CorruptStoreError && /^store corrupt at branch-a@0: /.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('file store: files held open between appends', () => {
  const openFds = () => readdirSync('/proc/self/fd').length;

  it('appends to the file a stream path names now, after it was removed or replaced', async () => {
    const dir = await tempDir();
    try {
      const store = await openFileStore(join(dir, '.tack'), { create: true });
      const file = join(dir, '.tack', 'streams', 'branch-a.jsonl');
      const e = Array.from({ length: 13 }, (_, k) => sampleEvent(k));
      await store.events.append('branch-a', [e[0]], 'no_stream');
      rmSync(file);
      await store.events.append('branch-a', [e[1]], 'no_stream');
      const fresh = () => openFileStore(join(dir, '.tack')).then(async (s) => (await s.events.read('branch-a')).map((r) => r.event));
      assert.deepEqual(await fresh(), [e[1]]);

      // Replaced by a file renamed into place (another history of two events).
      const other = await tempDir();
      const elsewhere = await openFileStore(join(other, '.tack'), { create: true });
      await elsewhere.events.append('branch-a', [e[10], e[11]], 'no_stream');
      await elsewhere.close();
      renameSync(join(other, '.tack', 'streams', 'branch-a.jsonl'), file);
      rmSync(other, { recursive: true, force: true });
      await assert.rejects(store.events.append('branch-a', [e[2]], 0), /expected revision 0/i);
      await store.events.append('branch-a', [e[12]], 1);
      assert.deepEqual(await fresh(), [e[10], e[11], e[12]]);
      assert.equal((await store.events.verify()).events, 3);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps at most 32 streams open, and close() lets every file go', async () => {
    const dir = await tempDir();
    try {
      const before = openFds();
      const store = await openFileStore(join(dir, '.tack'), { create: true });
      const first = sampleEvent(0);
      const more = [sampleEvent(100), sampleEvent(101)];
      await store.events.append('branch-0', [first], 'no_stream');
      for (let i = 1; i < 3; i++) await store.events.append(`branch-${i}`, [sampleEvent(i)], 'no_stream');
      assert.equal(openFds(), before + 4, 'the lock and three streams');
      for (let i = 3; i < 40; i++) await store.events.append(`branch-${i}`, [sampleEvent(i)], 'no_stream');
      assert.equal(openFds(), before + 33, 'the lock and 32 streams');
      await store.events.append('branch-0', [more[0]], 0);
      assert.equal(openFds(), before + 33);
      await store.close();
      assert.equal(openFds(), before);
      // A closed store opens its files again when asked to append.
      await store.events.append('branch-0', [more[1]], 1);
      assert.deepEqual((await store.events.read('branch-0')).map((r) => r.event), [first, ...more]);
      await store.close();
      assert.equal(openFds(), before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('file store: a store this process may only read', () => {
  /** `tack ARGS` in `dir` with `dir` mounted read-only (bubblewrap, which tack needs anyway). */
  const readOnly = (dir: string, args: readonly string[]) => {
    const r = spawnSync(
      'bwrap',
      ['--bind', '/', '/', '--ro-bind', dir, dir, '--dev', '/dev', '--proc', '/proc', '--chdir', dir, process.execPath, TACK_BIN, ...args],
      { encoding: 'utf8', env: { ...process.env, TACK_STORE: undefined } },
    );
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('reads and verifies it, refuses to write to it with a clear message, and reports corruption as it would elsewhere', async () => {
    const dir = await tempDir();
    try {
      tackOk(dir, ['init', '--model', 'sim:steady']);
      tackOk(dir, ['edit', 'add-rule', '--section', 'general', '--text', 'Check the exit code.', '--why', 'read-only test']);
      const before = treeDigest(dir);
      assert.match(readOnly(dir, ['log']).stdout, /^version 2 /m);
      assert.equal(readOnly(dir, ['verify']).code, 0);
      const edit = readOnly(dir, ['edit', 'add-rule', '--section', 'general', '--text', 'More.', '--why', 'read-only test']);
      assert.equal(edit.code, 1);
      assert.equal(edit.stderr, `tack: cannot write to this store: ${join(dir, '.tack', 'lock')} may not be written by this process (EROFS)\n`);
      assert.equal(treeDigest(dir), before, 'nothing written');

      // A changed byte past the records: a reader looks again under the readers' lock, which it
      // takes on the lock file opened read-only, and then names the corruption.
      const file = join(dir, '.tack', 'streams', 'branch-main.jsonl');
      const bytes = readFileSync(file);
      const good = bytes.indexOf(0);
      bytes[good + ((good + 37) % 512 === 0 ? 38 : 37)] = 0x41;
      writeFileSync(file, bytes);
      const log = readOnly(dir, ['log']);
      assert.equal(log.code, 1);
      assert.match(log.stderr, /^tack: store corrupt at branch-main@\d+: bytes past the end of its records changed; run `tack verify`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
