import assert from 'node:assert/strict';
import { ConflictError, type Store } from '../../src/store/port.js';
import { sampleEvent, sampleEvents } from './events.js';

/**
 * ONE contract every store adapter passes (file, memory, EventStoreDB). Each case gets a fresh,
 * empty store.
 */
export interface ContractCase {
  readonly name: string;
  readonly run: (store: Store) => Promise<void>;
}

const fromOf = (e: { event: { data: unknown } }) => (e.event.data as { from: number }).from;

export const storeContract: ContractCase[] = [
  {
    name: 'a missing stream reads as empty with head -1',
    run: async ({ events }) => {
      assert.deepEqual(await events.read('branch-nope'), []);
      assert.equal(await events.head('branch-nope'), -1);
      assert.deepEqual(await events.listStreams(), []);
    },
  },
  {
    name: 'append at no_stream then at the last revision; reads return events in order with revisions',
    run: async ({ events }) => {
      const r1 = await events.append('branch-a', sampleEvents(3), 'no_stream');
      assert.equal(r1.nextExpectedRevision, 2);
      const r2 = await events.append('branch-a', sampleEvents(2, 3), 2);
      assert.equal(r2.nextExpectedRevision, 4);
      const all = await events.read('branch-a');
      assert.deepEqual(all.map((e) => e.revision), [0, 1, 2, 3, 4]);
      assert.deepEqual(all.map(fromOf), [1, 2, 3, 4, 5]);
      assert.equal(all[0].stream, 'branch-a');
      assert.equal(await events.head('branch-a'), 4);
    },
  },
  {
    name: 'events keep their ids, types, data and metadata',
    run: async ({ events }) => {
      const e = sampleEvent(7);
      await events.append('branch-a', [e], 'no_stream');
      const [got] = await events.read('branch-a');
      assert.deepEqual(got.event, e);
    },
  },
  {
    name: 'reads honour from, direction and maxCount',
    run: async ({ events }) => {
      await events.append('branch-a', sampleEvents(10), 'no_stream');
      assert.deepEqual((await events.read('branch-a', { from: 7 })).map((e) => e.revision), [7, 8, 9]);
      assert.deepEqual((await events.read('branch-a', { from: 2, maxCount: 3 })).map((e) => e.revision), [2, 3, 4]);
      assert.deepEqual((await events.read('branch-a', { direction: 'backwards', maxCount: 2 })).map((e) => e.revision), [9, 8]);
      assert.deepEqual((await events.read('branch-a', { direction: 'backwards', from: 3 })).map((e) => e.revision), [3, 2, 1, 0]);
      assert.deepEqual(await events.read('branch-a', { from: 10 }), []);
    },
  },
  {
    name: 'a wrong expected revision is a ConflictError and writes nothing',
    run: async ({ events }) => {
      await events.append('branch-a', sampleEvents(2), 'no_stream');
      await assert.rejects(events.append('branch-a', sampleEvents(1, 2), 0), (e: unknown) => e instanceof ConflictError && e.actual === 1);
      await assert.rejects(events.append('branch-a', sampleEvents(1, 2), 'no_stream'), ConflictError);
      await assert.rejects(events.append('branch-b', sampleEvents(1), 0), (e: unknown) => e instanceof ConflictError && e.actual === -1);
      assert.equal(await events.head('branch-a'), 1);
      assert.equal(await events.head('branch-b'), -1);
    },
  },
  {
    name: 'expected revision any appends wherever the stream is',
    run: async ({ events }) => {
      await events.append('branch-a', sampleEvents(1), 'any');
      await events.append('branch-a', sampleEvents(1, 1), 'any');
      assert.equal(await events.head('branch-a'), 1);
    },
  },
  {
    name: 'a retried append of the same event ids at the same expected revision is a no-op',
    run: async ({ events }) => {
      const batch = sampleEvents(3);
      await events.append('branch-a', batch, 'no_stream');
      const again = await events.append('branch-a', batch, 'no_stream');
      assert.equal(again.nextExpectedRevision, 2);
      const next = sampleEvents(2, 3);
      await events.append('branch-a', next, 2);
      await events.append('branch-a', next, 2);
      assert.equal((await events.read('branch-a')).length, 5);
    },
  },
  {
    name: 'streams are independent and listed by name',
    run: async ({ events }) => {
      await events.append('branch-b', sampleEvents(1), 'no_stream');
      await events.append('branch-a', sampleEvents(2), 'no_stream');
      await events.append('ids', sampleEvents(1), 'no_stream');
      assert.deepEqual(await events.listStreams(), ['branch-a', 'branch-b', 'ids']);
      assert.equal((await events.read('branch-a')).length, 2);
    },
  },
  {
    name: 'an invalid event is refused and nothing is written',
    run: async ({ events }) => {
      const bad = { ...sampleEvent(1), type: 'NoSuchEvent' } as unknown as ReturnType<typeof sampleEvent>;
      await assert.rejects(events.append('branch-a', [sampleEvent(0), bad], 'no_stream'));
      assert.equal(await events.head('branch-a'), -1);
    },
  },
  {
    name: 'a large batch is appended atomically and read back whole',
    run: async ({ events }) => {
      await events.append('branch-a', sampleEvents(500), 'no_stream');
      const all = await events.read('branch-a');
      assert.equal(all.length, 500);
      assert.equal(fromOf(all[499]), 500);
    },
  },
  {
    name: 'blobs are content addressed and round-trip byte for byte',
    run: async ({ blobs }) => {
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
      const h = await blobs.put(bytes);
      assert.match(h, /^[0-9a-f]{64}$/);
      assert.equal(await blobs.put(bytes), h);
      assert.ok(await blobs.has(h));
      assert.deepEqual(await blobs.get(h), bytes);
      assert.equal(await blobs.get('0'.repeat(64)), null);
      assert.equal(await blobs.has('0'.repeat(64)), false);
      assert.deepEqual(await blobs.list(), [h]);
    },
  },
];
