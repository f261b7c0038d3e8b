import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventStoreDBClient, NO_STREAM, binaryEvent } from '@eventstore/db-client';
import { sha256 } from '../../src/domain/canonical.js';
import type { TackEvent } from '../../src/domain/events.js';
import { copyStore } from '../../src/store/copy.js';
import { openEsdbStore } from '../../src/store/esdb.js';
import { memoryStore } from '../../src/store/memory.js';
import { StoreError, type Store } from '../../src/store/port.js';
import { startEsdbTestServer, type EsdbTestServer } from '../support/esdb-server.js';
import { sampleEvent, sampleEvents } from '../support/events.js';

/** A valid TraceObserved whose full trace is the blob `traceBlob`. */
const traceEvent = (traceBlob: string): TackEvent => ({
  ...sampleEvent(0),
  type: 'TraceObserved',
  data: {
    traceId: 't-0123456789abcdef',
    taskId: 'hello-world',
    taskHash: 'a'.repeat(64),
    split: 'opt',
    attempt: 0,
    seed: 7,
    harnessHash: 'b'.repeat(64),
    model: { id: 'sim:careless' },
    outcome: { passed: false, reward: 0, exitReason: 'finished', verifierExcerpt: 'missing /app/out.txt' },
    features: { probes: 3 },
    usage: { modelCalls: 4, promptTokens: 900, completionTokens: 120 },
    steps: 4,
    traceBlob,
  },
});

/** Every stream with its recorded events, and every blob with its bytes. */
const contents = async (store: Store) => {
  const streams: Record<string, unknown> = {};
  for (const s of await store.events.listStreams()) streams[s] = await store.events.read(s);
  const blobs: Record<string, Buffer | null> = {};
  for (const h of await store.blobs.list()) blobs[h] = await store.blobs.get(h);
  return { streams, blobs };
};

const withEsdb = async (run: (server: EsdbTestServer, store: Store) => Promise<void>) => {
  const server = await startEsdbTestServer({ batchAppend: true });
  const store = await openEsdbStore(server.url);
  try {
    await run(server, store);
  } finally {
    await store.close();
    await server.stop();
  }
};

const sourceHistory = async (): Promise<Store> => {
  const store = memoryStore();
  const trace = await store.blobs.put(Buffer.from('{"schema_version":"ATIF-v1.4"}'));
  await store.blobs.put(Buffer.alloc(700_000, 3));
  await store.events.append('branch-main', sampleEvents(3), 'no_stream');
  await store.events.append('branch-main', [traceEvent(trace)], 2);
  await store.events.append('branch-qwen', sampleEvents(2), 'no_stream');
  await store.events.append('ids', sampleEvents(600), 'no_stream');
  return store;
};

describe('copyStore', () => {
  it('copies memory -> EventStoreDB -> memory: same streams, ids, revisions and blobs; a second run copies nothing', async () => {
    const source = await sourceHistory();
    const back = memoryStore();
    await withEsdb(async (_server, esdb) => {
      const there = await copyStore(source, esdb);
      assert.equal(there.eventsCopied, 606);
      assert.equal(there.blobsCopied, 2);
      assert.deepEqual(there.missingBlobs, []);
      assert.deepEqual(
        there.streams.map((s) => [s.stream, s.events, s.copied]),
        [
          ['branch-main', 4, 4],
          ['branch-qwen', 2, 2],
          ['ids', 600, 600],
        ],
      );
      assert.deepEqual(await contents(esdb), await contents(source));
      const again = await copyStore(source, esdb);
      assert.equal(again.eventsCopied, 0);
      assert.equal(again.blobsCopied, 0);
      assert.equal(again.blobsAlreadyThere, 2);
      await copyStore(esdb, back);
    });
    assert.deepEqual(await contents(back), await contents(source));
  });

  it('refuses a target stream with different events and writes nothing', async () => {
    const source = await sourceHistory();
    const target = memoryStore();
    await target.events.append('branch-qwen', sampleEvents(1), 'no_stream');
    await assert.rejects(copyStore(source, target), (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.match(e.message, /branch-qwen there already holds different events \(from revision 0\)/);
      return true;
    });
    assert.deepEqual(await target.events.listStreams(), ['branch-qwen']);
    assert.deepEqual(await target.blobs.list(), []);
  });

  it('completes a target that holds the first events of a stream (a copy that stopped part way)', async () => {
    const source = await sourceHistory();
    const target = memoryStore();
    const firstTwo = (await source.events.read('branch-main', { maxCount: 2 })).map((r) => r.event);
    await target.events.append('branch-main', firstTwo, 'no_stream');
    const summary = await copyStore(source, target);
    assert.deepEqual(summary.streams.find((s) => s.stream === 'branch-main'), { stream: 'branch-main', events: 4, copied: 2 });
    assert.deepEqual(await contents(target), await contents(source));
  });

  it('copies blobs that events refer to even when the source does not list them, and reports those it lacks', async () => {
    await withEsdb(async (server, esdb) => {
      const unlisted = Buffer.from('a trace whose blob index entry was lost');
      const hash = sha256(unlisted);
      const raw = EventStoreDBClient.connectionString(server.url);
      try {
        await raw.appendToStream(
          `tackblob-${hash}`,
          binaryEvent({ type: 'TackBlobChunk', data: unlisted, metadata: { index: 0, count: 1, size: unlisted.length } }),
          { expectedRevision: NO_STREAM },
        );
      } finally {
        await raw.dispose();
      }
      const absent = 'c'.repeat(64);
      await esdb.events.append('branch-main', [traceEvent(hash), traceEvent(absent)], 'no_stream');
      assert.deepEqual(await esdb.blobs.list(), []);
      const target = memoryStore();
      const summary = await copyStore(esdb, target);
      assert.equal(summary.blobsCopied, 1);
      assert.deepEqual(summary.missingBlobs, [absent]);
      assert.deepEqual(await target.blobs.get(hash), unlisted);
    });
  });
});
