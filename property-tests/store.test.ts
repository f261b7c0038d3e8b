import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { encodeBatch, FileEventStore, openFileStore } from '../src/store/file.js';
import { MemoryEventStore } from '../src/store/memory.js';
import { ConflictError, CorruptStoreError, type EventStore, type ExpectedRevision } from '../src/store/port.js';
import { sampleEvent, sampleEvents } from '../test/support/events.js';
import { tempDir } from '../test/support/store-factories.js';
import { historyArb, RUNS } from './support/arbitraries.js';

describe('file store properties', () => {
  it('any single-byte change to a stored record fails verify, naming the stream and revision', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, fc.nat(), fc.integer({ min: 1, max: 255 }), async (events, at, delta) => {
        const dir = await tempDir();
        try {
          const store = await openFileStore(join(dir, '.tack'), { create: true });
          await store.events.append('branch-main', events, 'no_stream');
          await store.events.verify();
          const file = join(dir, '.tack', 'streams', 'branch-main.jsonl');
          const bytes = readFileSync(file);
          // A byte of the records: past them the file holds the NUL bytes laid down ahead of appends.
          const records = bytes.indexOf(0) < 0 ? bytes.length : bytes.indexOf(0);
          const i = at % records;
          bytes[i] = (bytes[i] + delta) % 256;
          writeFileSync(file, bytes);
          await assert.rejects(new FileEventStore(join(dir, '.tack')).verify(), (e: unknown) => e instanceof CorruptStoreError && /branch-main@\d+/.test(e.message));
          await assert.rejects(new FileEventStore(join(dir, '.tack')).read('branch-main'), CorruptStoreError);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a batch that reached the disk in some of its sectors only reads as if never written, and the next append clears it', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, fc.integer({ min: 1, max: 4 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), async (events, n, lost) => {
        const dir = await tempDir();
        try {
          const store = await openFileStore(join(dir, '.tack'), { create: true });
          await store.events.append('branch-main', events, 'no_stream');
          const file = join(dir, '.tack', 'streams', 'branch-main.jsonl');
          const bytes = readFileSync(file);
          const good = bytes.indexOf(0);
          const next = encodeBatch(events.length, bytes.subarray(good - 67, good - 3).toString('latin1'), sampleEvents(n, 500), good).bytes;
          // The sectors the batch touches; those marked lost keep their NUL bytes.
          const first = Math.floor(good / 512);
          const last = Math.floor((good + next.length - 1) / 512);
          const kept = Buffer.from(next);
          let whole = true;
          for (let k = first; k <= last; k++) {
            if (!lost[(k - first) % lost.length]) continue;
            kept.fill(0, Math.max(0, k * 512 - good), Math.min(next.length, (k + 1) * 512 - good));
            whole = false;
          }
          fc.pre(!whole);
          const torn = Buffer.from(bytes);
          kept.copy(torn, good);
          writeFileSync(file, torn);
          const reader = new FileEventStore(join(dir, '.tack'));
          assert.equal((await reader.read('branch-main')).length, events.length);
          await reader.append('branch-main', sampleEvents(1, 900), events.length - 1);
          const after = new FileEventStore(join(dir, '.tack'));
          const back = await after.read('branch-main');
          assert.deepEqual(
            back.map((r) => r.event.id),
            [...events.map((e) => e.id), back[events.length]?.event.id],
          );
          assert.deepEqual(back[events.length].event.data, sampleEvent(900).data);
          assert.equal((await after.verify()).tornBytes, 0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('two appenders at one expected revision: exactly one wins, the other gets a conflict', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), async (prefix, n1, n2) => {
        const dir = await tempDir();
        try {
          const a = new FileEventStore((await openFileStore(join(dir, '.tack'), { create: true })).events.location);
          const b = new FileEventStore(a.location);
          if (prefix > 0) await a.append('branch-x', sampleEvents(prefix), 'no_stream');
          await b.head('branch-x');
          const expected: ExpectedRevision = prefix > 0 ? prefix - 1 : 'no_stream';
          const results = await Promise.allSettled([a.append('branch-x', sampleEvents(n1, 100), expected), b.append('branch-x', sampleEvents(n2, 200), expected)]);
          const won = results.filter((r) => r.status === 'fulfilled');
          assert.equal(won.length, 1);
          const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
          assert.ok(lost.reason instanceof ConflictError);
          const total = (await new FileEventStore(a.location).read('branch-x')).length;
          assert.equal(total, prefix + (results[0].status === 'fulfilled' ? n1 : n2));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** Model-based: the file store and the in-memory store answer every operation sequence alike. */
interface Real {
  file: EventStore;
  memory: EventStore;
  counter: number;
}
type Outcome = { ok: unknown } | { err: string };
const outcome = async (p: Promise<unknown>): Promise<Outcome> => {
  try {
    return { ok: await p };
  } catch (e) {
    return { err: (e as Error).name };
  }
};
const STREAMS = ['branch-a', 'branch-b', 'ids'];

class AppendCommand implements fc.AsyncCommand<object, Real> {
  constructor(
    readonly stream: string,
    readonly count: number,
    readonly expectation: 'head' | 'stale' | 'any' | 'no_stream',
    readonly replay: boolean,
  ) {}
  check = () => true;
  async run(_m: object, r: Real) {
    const head = await r.memory.head(this.stream);
    const expected: ExpectedRevision =
      this.expectation === 'any' ? 'any' : this.expectation === 'no_stream' ? 'no_stream' : this.expectation === 'stale' ? head - 1 : head < 0 ? 'no_stream' : head;
    const events = sampleEvents(this.count, (r.counter += this.count));
    const [f, m] = [await outcome(r.file.append(this.stream, events, expected)), await outcome(r.memory.append(this.stream, events, expected))];
    assert.deepEqual(f, m);
    if (this.replay) assert.deepEqual(await outcome(r.file.append(this.stream, events, expected)), await outcome(r.memory.append(this.stream, events, expected)));
  }
  toString = () => `append(${this.stream}, ${this.count}, ${this.expectation}${this.replay ? ', replayed' : ''})`;
}

class ReadCommand implements fc.AsyncCommand<object, Real> {
  constructor(
    readonly stream: string,
    readonly from: number | undefined,
    readonly backwards: boolean,
    readonly maxCount: number | undefined,
  ) {}
  check = () => true;
  async run(_m: object, r: Real) {
    const opts = { from: this.from, direction: this.backwards ? ('backwards' as const) : ('forwards' as const), maxCount: this.maxCount };
    assert.deepEqual(await r.file.read(this.stream, opts), await r.memory.read(this.stream, opts));
    assert.deepEqual(await r.file.head(this.stream), await r.memory.head(this.stream));
    assert.deepEqual(await r.file.listStreams(), await r.memory.listStreams());
  }
  toString = () => `read(${this.stream}, ${this.from}, ${this.backwards}, ${this.maxCount})`;
}

describe('file store vs memory store', () => {
  it('give the same reads for any generated sequence of operations', async () => {
    const commands = [
      fc
        .tuple(fc.constantFrom(...STREAMS), fc.integer({ min: 0, max: 4 }), fc.constantFrom('head' as const, 'stale' as const, 'any' as const, 'no_stream' as const), fc.boolean())
        .map(([s, n, e, r]) => new AppendCommand(s, n, e, r)),
      fc
        .tuple(fc.constantFrom(...STREAMS), fc.option(fc.nat(12), { nil: undefined }), fc.boolean(), fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }))
        .map(([s, f, b, m]) => new ReadCommand(s, f, b, m)),
    ];
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 15 }), async (cmds) => {
        const dir = await tempDir();
        try {
          const file = (await openFileStore(join(dir, '.tack'), { create: true })).events;
          await fc.asyncModelRun(() => ({ model: {}, real: { file, memory: new MemoryEventStore(), counter: 0 } }), cmds);
          assert.deepEqual(readdirSync(join(dir, '.tack', 'streams')).filter((f) => f.endsWith('.tmp')), []);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
  });
});
