import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { EventStoreDBClient, NO_STREAM, binaryEvent, jsonEvent } from '@eventstore/db-client';
import { sha256 } from '../../src/domain/canonical.js';
import type { TackEvent } from '../../src/domain/events.js';
import { BLOB_CHUNK_BYTES, openEsdbStore } from '../../src/store/esdb.js';
import { ConflictError, CorruptStoreError, StoreError, StoreUnavailableError, type Store } from '../../src/store/port.js';
import { startEsdbTestServer, MAX_APPEND_SIZE, type EsdbTestServer } from '../support/esdb-server.js';
import { sampleEvent, sampleEvents } from '../support/events.js';

const PATHS = [
  { name: 'BatchAppend', batchAppend: true },
  { name: 'Append', batchAppend: false },
] as const;

const withServer = async (batchAppend: boolean, run: (server: EsdbTestServer, store: Store) => Promise<void>) => {
  const server = await startEsdbTestServer({ batchAppend });
  const store = await openEsdbStore(server.url);
  try {
    await run(server, store);
  } finally {
    await store.close();
    await server.stop();
  }
};

/** The plain client on the same server, to write what a misbehaving or older writer could have written. */
const withRawClient = async (server: EsdbTestServer, run: (client: EventStoreDBClient) => Promise<void>) => {
  const client = EventStoreDBClient.connectionString(server.url);
  try {
    await run(client);
  } finally {
    await client.dispose();
  }
};

const freePort = async (): Promise<number> => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
};

const metadataOnWire = (bytes: Uint8Array): Record<string, unknown> => JSON.parse(Buffer.from(bytes).toString('utf8'));

describe('EventStoreDB store: server down', () => {
  it('a refused connection is a one-line StoreUnavailableError naming the URL without its credentials', async () => {
    const port = await freePort();
    await assert.rejects(openEsdbStore(`esdb://admin:s3cret@127.0.0.1:${port}?tls=false`), (e: unknown) => {
      assert.ok(e instanceof StoreUnavailableError);
      assert.ok(e.message.includes(`esdb://127.0.0.1:${port}?tls=false`), e.message);
      assert.ok(!e.message.includes('s3cret'), e.message);
      assert.ok(!e.message.includes('\n'), e.message);
      return true;
    });
  });

  it('a server that accepts connections and never answers fails at the deadline instead of hanging', { timeout: 15_000 }, async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      await assert.rejects(
        openEsdbStore(`esdb://127.0.0.1:${port}?tls=false`, { deadlineMs: 300 }),
        (e: unknown) => e instanceof StoreUnavailableError && e.message.includes(`esdb://127.0.0.1:${port}?tls=false`),
      );
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  for (const path of PATHS) {
    it(`a server gone after open: append and read are StoreUnavailableError and nothing is written (${path.name})`, async () => {
      const server = await startEsdbTestServer({ batchAppend: path.batchAppend });
      const store = await openEsdbStore(server.url);
      try {
        await store.events.append('branch-a', sampleEvents(1), 'no_stream');
        const received = server.received.length;
        await server.stop();
        await assert.rejects(store.events.append('branch-a', sampleEvents(1, 1), 0), StoreUnavailableError);
        await assert.rejects(store.events.append('branch-b', sampleEvents(1), 'no_stream'), StoreUnavailableError);
        await assert.rejects(store.events.read('branch-a'), (e: unknown) => e instanceof StoreUnavailableError && e.message.includes(server.url));
        assert.equal(server.received.length, received);
        assert.equal(server.streams.get('tackbranch-a')?.length, 1);
        assert.equal(server.streams.has('tackbranch-b'), false);
      } finally {
        await store.close();
      }
    });
  }

  for (const path of PATHS) {
    it(`an append the server never answers fails at the deadline instead of hanging (${path.name})`, { timeout: 15_000 }, async () => {
      const server = await startEsdbTestServer({ batchAppend: path.batchAppend });
      const store = await openEsdbStore(server.url, { deadlineMs: 300 });
      try {
        await store.events.append('branch-a', sampleEvents(1), 'no_stream');
        server.stallAppends(true);
        await assert.rejects(
          store.events.append('branch-a', sampleEvents(1, 1), 0),
          (e: unknown) => e instanceof StoreUnavailableError && e.message.includes(server.url),
        );
        assert.equal(server.streams.get('tackbranch-a')?.length, 1);
      } finally {
        await store.close();
        await server.stop();
      }
    });
  }

  it('a URL that is not an EventStoreDB connection string is a StoreError naming it, without its credentials', async () => {
    await assert.rejects(openEsdbStore('http://user:pw@localhost:2113'), (e: unknown) => {
      assert.ok(e instanceof StoreError && !(e instanceof StoreUnavailableError));
      assert.match(e.message, /invalid EventStoreDB URL http:\/\/localhost:2113/);
      assert.ok(!e.message.includes('pw@'), e.message);
      return true;
    });
  });
});

for (const path of PATHS) {
  describe(`EventStoreDB store over ${path.name}`, () => {
    it('a wrong expected revision is a ConflictError with the actual revision; a concurrent writer loses cleanly', async () => {
      await withServer(path.batchAppend, async (server, store) => {
        await store.events.append('branch-a', sampleEvents(3), 'no_stream');
        await assert.rejects(store.events.append('branch-a', sampleEvents(1, 3), 1), (e: unknown) => {
          assert.ok(e instanceof ConflictError);
          assert.equal(e.actual, 2);
          assert.equal(e.stream, 'branch-a');
          assert.match(e.message, /conflict on branch-a: expected revision 1, but it is at revision 2/);
          return true;
        });
        const other = await openEsdbStore(server.url);
        try {
          const [mine, theirs] = await Promise.allSettled([
            store.events.append('branch-a', sampleEvents(1, 3), 2),
            other.events.append('branch-a', sampleEvents(1, 3), 2),
          ]);
          const outcomes = [mine, theirs].map((r) => r.status).sort();
          assert.deepEqual(outcomes, ['fulfilled', 'rejected']);
          const lost = [mine, theirs].find((r) => r.status === 'rejected') as PromiseRejectedResult;
          assert.ok(lost.reason instanceof ConflictError && lost.reason.actual === 3);
        } finally {
          await other.close();
        }
        assert.equal(await store.events.head('branch-a'), 3);
      });
    });

    it('the wire carries tack ids, types, JSON data and $correlationId / $causationId metadata; reads round-trip exactly', async () => {
      await withServer(path.batchAppend, async (server, store) => {
        const first = sampleEvent(0);
        const caused: TackEvent = {
          ...sampleEvent(1),
          metadata: { ...sampleEvent(1).metadata, correlationId: '11111111-2222-4333-8444-555555555555', causationId: first.id },
        };
        await store.events.append('branch-a', [first, caused], 'no_stream');
        const append = server.received.find((r) => r.stream === 'tackbranch-a');
        assert.ok(append);
        assert.equal(append.via, path.name);
        assert.deepEqual(
          append.events.map((e) => [e.id, e.type, e.contentType]),
          [first, caused].map((e) => [e.id, e.type, 'application/json']),
        );
        assert.deepEqual(JSON.parse(Buffer.from(append.events[1].data).toString('utf8')), caused.data);
        const [m0, m1] = append.events.map((e) => metadataOnWire(e.customMetadata));
        assert.equal(m0.$correlationId, first.metadata.correlationId);
        assert.equal('$causationId' in m0, false);
        assert.equal(m1.$correlationId, '11111111-2222-4333-8444-555555555555');
        assert.equal(m1.$causationId, first.id);
        assert.deepEqual(
          { at: m1.at, actor: m1.actor, schema: m1.schema },
          { at: caused.metadata.at, actor: caused.metadata.actor, schema: caused.metadata.schema },
        );
        assert.deepEqual(
          (await store.events.read('branch-a')).map((r) => r.event),
          [first, caused],
        );
      });
    });

    it('branches share the category before the first "-"; a prefix keeps histories apart on one server', async () => {
      await withServer(path.batchAppend, async (server, store) => {
        await store.events.append('branch-main', sampleEvents(1), 'no_stream');
        await store.events.append('branch-qwen-3', sampleEvents(1), 'no_stream');
        await store.events.append('ids', sampleEvents(1), 'no_stream');
        await store.blobs.put(Buffer.from('trace'));
        const names = [...server.streams.keys()].sort();
        assert.deepEqual(names, [
          `tackblob-${sha256('trace')}`,
          'tackblobindex',
          'tackbranch-main',
          'tackbranch-qwen-3',
          'tackids',
          'tackindex',
        ]);
        const categories = names.filter((n) => n.includes('branch')).map((n) => n.split('-')[0]);
        assert.deepEqual(categories, ['tackbranch', 'tackbranch']);
        const team = await openEsdbStore(server.url, { prefix: 'team2' });
        try {
          assert.deepEqual(await team.events.listStreams(), []);
          await team.events.append('branch-main', sampleEvents(2), 'no_stream');
          assert.equal(server.streams.get('team2branch-main')?.length, 2);
          assert.deepEqual(await team.events.listStreams(), ['branch-main']);
          assert.deepEqual(await store.events.listStreams(), ['branch-main', 'branch-qwen-3', 'ids']);
        } finally {
          await team.close();
        }
        await assert.rejects(openEsdbStore(server.url, { prefix: 'my-team' }), StoreError);
        await assert.rejects(store.events.append('index', sampleEvents(1), 'no_stream'), /reserved/);
      });
    });

    it('an append over the server maximum append size is refused with one line and writes no events', async () => {
      await withServer(path.batchAppend, async (server, store) => {
        const big = (n: number): TackEvent => ({
          ...sampleEvent(n),
          type: 'IterationStarted',
          data: {
            iteration: n + 1,
            baselineHarnessHash: 'a'.repeat(64),
            suiteHash: 'b'.repeat(64),
            splits: { opt: [], gate: [], test: [] },
            seeds: [],
            settings: { note: 'x'.repeat(MAX_APPEND_SIZE / 2) },
          },
        });
        await assert.rejects(store.events.append('branch-a', [big(0), big(1), big(2)], 'no_stream'), (e: unknown) => {
          assert.ok(e instanceof StoreError && !(e instanceof ConflictError) && !(e instanceof StoreUnavailableError));
          assert.match(e.message, /maximum append size/);
          assert.ok(!e.message.includes('\n'));
          return true;
        });
        assert.equal(server.streams.has('tackbranch-a'), false);
        assert.deepEqual(await store.events.listStreams(), []);
      });
    });

    it('blobs larger than a chunk are split under the append limit, and an interrupted put resumes', async () => {
      await withServer(path.batchAppend, async (server, store) => {
        const bytes = Buffer.from(Array.from({ length: 2 * BLOB_CHUNK_BYTES + 1000 }, (_, i) => (i * 7) % 256));
        const hash = sha256(bytes);
        await withRawClient(server, async (raw) => {
          // Only the first chunk of three made it, as after a crash mid-put.
          await raw.appendToStream(
            `tackblob-${hash}`,
            binaryEvent({ type: 'TackBlobChunk', data: bytes.subarray(0, BLOB_CHUNK_BYTES), metadata: { index: 0, count: 3, size: bytes.length } }),
            { expectedRevision: NO_STREAM },
          );
        });
        assert.equal(await store.blobs.has(hash), false);
        assert.equal(await store.blobs.get(hash), null);
        assert.equal(await store.blobs.put(bytes), hash);
        const chunks = server.streams.get(`tackblob-${hash}`) ?? [];
        assert.equal(chunks.length, 3);
        assert.ok(chunks.every((c) => c.data.length + c.customMetadata.length <= MAX_APPEND_SIZE));
        assert.deepEqual(await store.blobs.get(hash), bytes);
        assert.deepEqual(await store.blobs.list(), [hash]);
        await store.blobs.put(bytes);
        assert.equal(server.streams.get(`tackblob-${hash}`)?.length, 3);
      });
    });

    it('a complete blob missing from the blob index is listed again once a writer puts it', async () => {
      await withServer(path.batchAppend, async (server, store) => {
        const bytes = Buffer.from('written by a writer whose index append was lost');
        const hash = sha256(bytes);
        await withRawClient(server, async (raw) => {
          await raw.appendToStream(
            `tackblob-${hash}`,
            binaryEvent({ type: 'TackBlobChunk', data: bytes, metadata: { index: 0, count: 1, size: bytes.length } }),
            { expectedRevision: NO_STREAM },
          );
        });
        assert.ok(await store.blobs.has(hash));
        assert.deepEqual(await store.blobs.list(), []);
        assert.equal(await store.blobs.put(bytes), hash);
        assert.equal(server.streams.get(`tackblob-${hash}`)?.length, 1);
        assert.deepEqual(await store.blobs.list(), [hash]);
      });
    });

    it('a blob whose stored bytes do not match its hash is a CorruptStoreError', async () => {
      await withServer(path.batchAppend, async (server, store) => {
        const hash = sha256('hello');
        await withRawClient(server, async (raw) => {
          await raw.appendToStream(
            `tackblob-${hash}`,
            binaryEvent({ type: 'TackBlobChunk', data: Buffer.from('jello'), metadata: { index: 0, count: 1, size: 5 } }),
            { expectedRevision: NO_STREAM },
          );
        });
        await assert.rejects(store.blobs.get(hash), (e: unknown) => e instanceof CorruptStoreError && e.message.includes(`blob ${hash}`));
      });
    });

    it('listing reconciles the index with the real streams', async () => {
      await withServer(path.batchAppend, async (server, store) => {
        await store.events.append('branch-a', sampleEvents(1), 'no_stream');
        await withRawClient(server, async (raw) => {
          // A stream created without its index entry (an index append lost, or an older writer).
          await raw.appendToStream('tackbranch-raw', jsonEvent({ type: 'IdsReserved', data: sampleEvent(0).data }), { expectedRevision: NO_STREAM });
          // An entry for a stream that never got its events, and a repeated entry.
          await raw.appendToStream('tackindex', jsonEvent({ type: 'TackStreamIndexed', data: { stream: 'tackbranch-ghost' } }));
          await raw.appendToStream('tackindex', jsonEvent({ type: 'TackStreamIndexed', data: { stream: 'tackbranch-a' } }));
        });
        // An append that fails after its index entry was written.
        await assert.rejects(store.events.append('branch-c', sampleEvents(1), 4), ConflictError);
        const entries = (server.streams.get('tackindex') ?? []).map((e) => JSON.parse(Buffer.from(e.data).toString('utf8')).stream);
        assert.ok(entries.includes('tackbranch-c') && entries.includes('tackbranch-ghost'));
        assert.deepEqual(await store.events.listStreams(), ['branch-a']);

        const later = await openEsdbStore(server.url);
        try {
          await later.events.append('branch-raw', sampleEvents(1, 1), 0);
          assert.deepEqual(await later.events.listStreams(), ['branch-a', 'branch-raw']);
          assert.deepEqual(await store.events.listStreams(), ['branch-a', 'branch-raw']);
        } finally {
          await later.close();
        }
      });
    });
  });
}
