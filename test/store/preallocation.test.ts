import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, fdatasyncSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TackEvent } from '../../src/domain/events.js';
import { encodeBatch, FileEventStore, openFileStore } from '../../src/store/file.js';
import { CorruptStoreError } from '../../src/store/port.js';
import { PROJECT } from '../support/cli.js';
import { sampleEvent, traceEvent } from '../support/events.js';
import { tempDir } from '../support/store-factories.js';

const HOLDER = join(PROJECT, 'dist', 'test', 'support', 'lock-holder.js');
const SECTOR = 512;

/** A valid event of about `size` bytes. */
const sized = traceEvent;

/** Where a stream file's records end: its first NUL byte (or its end). */
const recordsEnd = (bytes: Buffer): number => (bytes.indexOf(0) < 0 ? bytes.length : bytes.indexOf(0));

const streamFile = (dir: string, stream: string) => join(dir, '.tack', 'streams', `${stream}.jsonl`);

/** Write `bytes` at `at` into `file` (a write that reached the disk, whole or in part). */
const writeAt = (file: string, bytes: Buffer, at: number) => {
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, bytes.length, at);
  fdatasyncSync(fd);
  closeSync(fd);
};

/** A store with a stream of a few batches; returns its folder, events, and the next batch as it would be written. */
const storeWithNextBatch = async (stream: string, next: readonly TackEvent[]) => {
  const dir = await tempDir();
  const store = (await openFileStore(join(dir, '.tack'), { create: true })).events;
  const events = [sized(0, 300), sized(1, 700), sized(2, 50), sized(3, 900)];
  await store.append(stream, events.slice(0, 2), 'no_stream');
  await store.append(stream, events.slice(2), 1);
  const file = streamFile(dir, stream);
  const bytes = readFileSync(file);
  const good = recordsEnd(bytes);
  const prev = bytes.subarray(good - 67, good - 3).toString('latin1');
  return { dir, store, events, file, good, batch: encodeBatch(events.length, prev, next, good).bytes, size: bytes.length };
};

describe('file store: preallocated stream files', () => {
  it('appends write over NUL bytes laid down ahead, so the file grows seldom; everything reads back and verifies', async () => {
    const dir = await tempDir();
    const store = (await openFileStore(join(dir, '.tack'), { create: true })).events;
    const sizes = new Set<number>();
    const all: TackEvent[] = [];
    for (let i = 0; i < 60; i++) {
      const batch = [sized(3 * i, 200), sized(3 * i + 1, 250), sized(3 * i + 2, 150)];
      await store.append('branch-main', batch, i === 0 ? 'no_stream' : 3 * i - 1);
      all.push(...batch);
      const bytes = readFileSync(streamFile(dir, 'branch-main'));
      sizes.add(bytes.length);
      const end = recordsEnd(bytes);
      assert.ok(bytes.subarray(end).every((b) => b === 0), 'past the records, only NUL bytes');
      assert.ok(end % SECTOR !== 1 && end % SECTOR !== SECTOR - 1, `a batch ended at ${end}, one byte from a sector boundary`);
    }
    // About 1.5 KB per batch, 90 KB in all: the file grew a handful of times, not 60.
    assert.ok(sizes.size <= 8, `the file changed size ${sizes.size} times in 60 appends`);
    const fresh = new FileEventStore(join(dir, '.tack'));
    assert.deepEqual(
      (await fresh.read('branch-main')).map((r) => r.event),
      all,
    );
    const report = await fresh.verify();
    assert.equal(report.events, 180);
    assert.equal(report.tornBytes, 0);
  });

  it('pads a batch that would end one byte from a sector boundary with a space inside its last record', async () => {
    const events = [sampleEvent(1), sampleEvent(2)];
    let padded = 0;
    for (let at = 0; at < 2 * SECTOR; at++) {
      const { bytes } = encodeBatch(0, '0'.repeat(64), events, at);
      const end = (at + bytes.length) % SECTOR;
      assert.ok(end !== 1 && end !== SECTOR - 1, `at ${at}: the batch ends ${end} bytes past a sector boundary`);
      if (bytes.includes(' ,"hash"')) padded++;
    }
    // Two offsets per sector need the pad: as many as that, no more.
    assert.equal(padded, 4);
    // A padded batch reads back as the events it was made of.
    const dir = await tempDir();
    const store = (await openFileStore(join(dir, '.tack'), { create: true })).events;
    for (let i = 0, seen = 0; seen === 0; i++) {
      assert.ok(i < 2000, 'no batch needed a pad');
      await store.append('branch-pad', [sized(i, i % 97)], i === 0 ? 'no_stream' : i - 1);
      if (readFileSync(streamFile(dir, 'branch-pad')).includes(' ,"hash"')) seen = i + 1;
    }
    const back = await new FileEventStore(join(dir, '.tack')).read('branch-pad');
    assert.deepEqual(
      back.map((r) => r.event),
      back.map((_, i) => sized(i, i % 97)),
    );
    assert.equal((await new FileEventStore(join(dir, '.tack')).verify()).tornBytes, 0);
  });

  it('a write that reached the disk only in part (whole sectors lost) is ignored by readers and cleared by the next append', async () => {
    const next = [sized(10, 1500), sized(11, 1500)];
    const shapes: Array<[string, (batch: Buffer, good: number) => Buffer]> = [
      // The first sectors only: the rest of the batch still NUL.
      ['a prefix to a sector boundary', (b, good) => b.subarray(0, SECTOR * Math.ceil((good + 1) / SECTOR) + SECTOR - good)],
      // A sector in the middle lost, the ones after it written.
      [
        'a lost sector in the middle',
        (b, good) => {
          const copy = Buffer.from(b);
          const from = SECTOR * Math.ceil((good + 700) / SECTOR) - good;
          copy.fill(0, from, from + SECTOR);
          return copy;
        },
      ],
      // The batch's first, partial sector lost: NUL from where the write began.
      [
        'the first sector lost',
        (b, good) => {
          const copy = Buffer.from(b);
          copy.fill(0, 0, SECTOR * Math.ceil((good + 1) / SECTOR) - good);
          return copy;
        },
      ],
    ];
    for (const [name, torn] of shapes) {
      const { dir, events, file, good, batch } = await storeWithNextBatch('branch-t', next);
      assert.ok(batch.length > 3 * SECTOR);
      const written = torn(batch, good);
      writeAt(file, written, good);
      const reader = new FileEventStore(join(dir, '.tack'));
      assert.deepEqual(
        (await reader.read('branch-t')).map((r) => r.event),
        events,
        name,
      );
      const lastByte = good + written.length - [...written].reverse().findIndex((b) => b !== 0);
      assert.equal((await reader.verify()).tornBytes, lastByte - good, name);
      await reader.append('branch-t', [sized(20, 10)], events.length - 1);
      const after = new FileEventStore(join(dir, '.tack'));
      assert.deepEqual(
        (await after.read('branch-t')).map((r) => r.event),
        [...events, sized(20, 10)],
        name,
      );
      assert.equal((await after.verify()).tornBytes, 0, name);
      const bytes = readFileSync(file);
      assert.ok(bytes.subarray(recordsEnd(bytes)).every((b) => b === 0), `${name}: the torn bytes were cleared`);
    }
  });

  it('a changed byte that a torn write could almost explain is still corruption: every read refuses and a writer writes nothing', async () => {
    const cases: Array<[string, (bytes: Buffer, good: number) => number, RegExp]> = [
      ["the last record's newline turned NUL", (_, good) => good - 1, /^store corrupt at branch-c@3: record terminator changed;/],
      ['a NUL inside a record', (_, good) => good - 300, /^store corrupt at branch-c@3: a record holds a NUL byte;/],
      ['a NUL at the first byte of the last batch', (bytes) => bytes.lastIndexOf('\n{"rev":2,') + 1, /^store corrupt at branch-c@2: a record holds a NUL byte;/],
      ['a byte past the records set', (_, good) => good + ((good + 37) % SECTOR === 0 ? 38 : 37), /^store corrupt at branch-c@4: bytes past the end of its records changed;/],
    ];
    for (const [name, where, message] of cases) {
      const { dir, file } = await storeWithNextBatch('branch-c', []);
      const bytes = readFileSync(file);
      const at = where(bytes, recordsEnd(bytes));
      bytes[at] = bytes[at] === 0 ? 0x41 : 0;
      writeFileSync(file, bytes);
      const store = new FileEventStore(join(dir, '.tack'));
      const refused = (e: unknown) => e instanceof CorruptStoreError && message.test(e.message);
      await assert.rejects(store.read('branch-c'), refused, name);
      await assert.rejects(store.verify(), refused, name);
      await assert.rejects(store.append('branch-c', [sized(30, 10)], 3), refused, name);
      assert.deepEqual(readFileSync(file), bytes, `${name}: nothing written`);
    }
  });

  it('a reader that meets a write in progress waits for it under the readers\' lock, then reads the whole batch', async () => {
    const next = [sized(40, 3000), sized(41, 3000)];
    const { dir, events, file, good, batch } = await storeWithNextBatch('branch-w', next);
    // What a reader can see while the writer is copying the batch in: its first bytes, up to no boundary.
    const seen = (good + 1234) % SECTOR === 0 ? 1235 : 1234;
    writeAt(file, batch.subarray(0, seen), good);
    const bytesFile = join(dir, 'batch.bin');
    writeFileSync(bytesFile, batch);
    const writer = spawn(process.execPath, [HOLDER, 'write', join(dir, '.tack', 'lock'), file, String(good), bytesFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((res) => writer.on('exit', (code) => res(code)));
    await new Promise<void>((res, rej) => {
      writer.on('error', rej);
      writer.stdout.once('data', (d) => (String(d) === 'held\n' ? res() : rej(new Error(`writer said ${String(d)}`))));
    });
    const read = await new FileEventStore(join(dir, '.tack')).read('branch-w');
    assert.equal(await exited, 0);
    assert.deepEqual(
      read.map((r) => r.event),
      [...events, ...next],
    );
  });

  it('opens a version 1 store (files without preallocated bytes), marks it version 2, and appends to its streams', async () => {
    const dir = await tempDir();
    const store = (await openFileStore(join(dir, '.tack'), { create: true })).events;
    await store.append('branch-old', [sampleEvent(1), sampleEvent(2)], 'no_stream');
    const file = streamFile(dir, 'branch-old');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, recordsEnd(bytes)));
    const marker = join(dir, '.tack', 'store.json');
    writeFileSync(marker, JSON.stringify({ format: 'tack-file-store', version: 1 }) + '\n');
    const reopened = (await openFileStore(join(dir, '.tack'))).events;
    assert.deepEqual(JSON.parse(readFileSync(marker, 'utf8')), { format: 'tack-file-store', version: 2 });
    assert.equal((await reopened.read('branch-old')).length, 2);
    await reopened.append('branch-old', [sampleEvent(3)], 1);
    assert.equal((await new FileEventStore(join(dir, '.tack')).read('branch-old')).length, 3);
    assert.ok(statSync(file).size > recordsEnd(readFileSync(file)), 'the file is preallocated now');
  });
});
