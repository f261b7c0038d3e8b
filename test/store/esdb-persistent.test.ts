import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  EventStoreDBClient,
  PersistentSubscriptionDoesNotExistError,
  PersistentSubscriptionExistsError,
  START,
  jsonEvent,
  persistentSubscriptionToStreamSettingsFromDefaults,
  type PersistentSubscriptionToStream,
  type PersistentSubscriptionToStreamResolvedEvent,
} from '@eventstore/db-client';
import { startEsdbTestServer, type EsdbTestServer } from '../support/esdb-server.js';

/** The test server's persistent subscriptions, driven by the real @eventstore/db-client over gRPC. */

type Delivery = PersistentSubscriptionToStreamResolvedEvent;

/** Deliveries of one subscription, taken in order. */
const inbox = (sub: PersistentSubscriptionToStream) => {
  const queued: Delivery[] = [];
  const waiting: ((d: Delivery) => void)[] = [];
  sub.on('data', (d: Delivery) => {
    const w = waiting.shift();
    if (w) w(d);
    else queued.push(d);
  });
  return {
    next: (): Promise<Delivery> => {
      const d = queued.shift();
      return d ? Promise.resolve(d) : new Promise((resolve) => waiting.push(resolve));
    },
    get pending() {
      return queued.length;
    },
  };
};

const confirmed = (sub: PersistentSubscriptionToStream) => new Promise<void>((resolve, reject) => {
  sub.once('confirmation', () => resolve());
  sub.once('error', reject);
});

const settings = (changes: Parameters<typeof persistentSubscriptionToStreamSettingsFromDefaults>[0]) =>
  persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START, ...changes });

const job = (n: number) => jsonEvent({ type: 'Job', data: { n } });
const numberOf = (d: Delivery): number => (d.event?.data as { n: number }).n;

describe('EventStoreDB test server: persistent subscriptions through the real client', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  const clients: EventStoreDBClient[] = [];
  const named = (name: string) => {
    const c = EventStoreDBClient.connectionString(`${server.url}&connectionName=${name}`);
    clients.push(c);
    return c;
  };
  before(async () => {
    server = await startEsdbTestServer({ batchAppend: true });
    client = EventStoreDBClient.connectionString(server.url);
  });
  after(async () => {
    for (const c of [client, ...clients]) await c.dispose();
    await server.stop();
  });

  it('creates a group once; subscribing to or asking about a missing group says it does not exist', { timeout: 20_000 }, async () => {
    await client.createPersistentSubscriptionToStream('s-create', 'g', settings({}));
    await assert.rejects(client.createPersistentSubscriptionToStream('s-create', 'g', settings({})), PersistentSubscriptionExistsError);
    await assert.rejects(client.getPersistentSubscriptionToStreamInfo('s-create', 'nobody'), PersistentSubscriptionDoesNotExistError);
    const sub = client.subscribeToPersistentSubscriptionToStream('s-create', 'nobody');
    await assert.rejects(confirmed(sub), PersistentSubscriptionDoesNotExistError);
  });

  it('RoundRobin: each event goes to one consumer, in turn; acknowledged events are not delivered again', { timeout: 20_000 }, async () => {
    await client.createPersistentSubscriptionToStream('s-rr', 'g', settings({ messageTimeout: 60_000 }));
    const a = named('a').subscribeToPersistentSubscriptionToStream('s-rr', 'g', { bufferSize: 10 });
    const b = named('b').subscribeToPersistentSubscriptionToStream('s-rr', 'g', { bufferSize: 10 });
    await Promise.all([confirmed(a), confirmed(b)]);
    const [ia, ib] = [inbox(a), inbox(b)];
    await client.appendToStream('s-rr', [job(0), job(1), job(2), job(3)]);
    const got = [await ia.next(), await ib.next(), await ia.next(), await ib.next()];
    assert.deepEqual(got.map(numberOf).sort(), [0, 1, 2, 3]);
    assert.ok(got.every((d) => d.retryCount === 0));
    await a.ack(got[0], got[2]);
    await b.ack(got[1], got[3]);
    await client.appendToStream('s-rr', [job(4)]);
    const fifth = await Promise.race([ia.next(), ib.next()]);
    assert.equal(numberOf(fifth), 4, 'an acknowledged event came back');
    await a.unsubscribe();
    await b.unsubscribe();
  });

  it('a message not acknowledged within the message timeout is delivered again with a higher retry count', { timeout: 20_000 }, async () => {
    await client.createPersistentSubscriptionToStream('s-timeout', 'g', settings({ messageTimeout: 300, maxRetryCount: 5 }));
    const sub = named('slow').subscribeToPersistentSubscriptionToStream('s-timeout', 'g', { bufferSize: 1 });
    await confirmed(sub);
    const box = inbox(sub);
    await client.appendToStream('s-timeout', [job(7)]);
    const first = await box.next();
    assert.equal(first.retryCount, 0);
    const again = await box.next();
    assert.equal(numberOf(again), 7);
    assert.equal(again.retryCount, 1);
    await sub.ack(again);
    const info = await client.getPersistentSubscriptionToStreamInfo('s-timeout', 'g');
    assert.equal(info.stats.totalInFlightMessages, 0);
    assert.equal(info.stats.retryBufferCount, 0);
    await sub.unsubscribe();
  });

  it('a consumer that goes away gives its unacknowledged messages back at once, to another consumer', { timeout: 20_000 }, async () => {
    // A timeout far longer than the test: only the disconnect can explain the redelivery.
    await client.createPersistentSubscriptionToStream('s-gone', 'g', settings({ messageTimeout: 600_000 }));
    const first = named('first').subscribeToPersistentSubscriptionToStream('s-gone', 'g', { bufferSize: 1 });
    await confirmed(first);
    await client.appendToStream('s-gone', [job(1)]);
    const held = await inbox(first).next();
    assert.equal(numberOf(held), 1);
    const second = named('second').subscribeToPersistentSubscriptionToStream('s-gone', 'g', { bufferSize: 1 });
    await confirmed(second);
    await first.unsubscribe();
    const redelivered = await inbox(second).next();
    assert.equal(numberOf(redelivered), 1);
    assert.equal(redelivered.retryCount, 1);
    await second.ack(redelivered);
    await second.unsubscribe();
  });

  it('nack: retry until the retries are spent parks with the server reason, park keeps the client reason, skip drops', { timeout: 20_000 }, async () => {
    await client.createPersistentSubscriptionToStream('s-nack', 'g', settings({ messageTimeout: 60_000, maxRetryCount: 2 }));
    const sub = named('nacker').subscribeToPersistentSubscriptionToStream('s-nack', 'g', { bufferSize: 1 });
    await confirmed(sub);
    const box = inbox(sub);
    await client.appendToStream('s-nack', [job(0), job(1), job(2), job(3)]);
    const retries: number[] = [];
    for (let i = 0; i < 3; i++) {
      const d = await box.next();
      assert.equal(numberOf(d), 0);
      retries.push(d.retryCount);
      await sub.nack('retry', 'still failing', d);
    }
    assert.deepEqual(retries, [0, 1, 2]);
    const one = await box.next();
    assert.equal(numberOf(one), 1);
    await sub.nack('park', 'task folder missing', one);
    const two = await box.next();
    assert.equal(numberOf(two), 2);
    await sub.nack('skip', 'not for us', two);
    const three = await box.next();
    assert.equal(numberOf(three), 3, 'a skipped message came back');
    await sub.ack(three);

    const parked = [];
    for await (const e of client.readStream('$persistentsubscription-s-nack::g-parked', { fromRevision: START })) parked.push(e.event!);
    assert.equal(parked.length, 2);
    assert.deepEqual(
      parked.map((e) => [e.type, Buffer.from(e.data as Uint8Array).toString('utf8'), (e.metadata as { reason: string }).reason]),
      [
        ['$>', '0@s-nack', 'Reached retry count of 2'],
        ['$>', '1@s-nack', "Client explicitly NAK'ed message.\ntask folder missing"],
      ],
    );
    const info = await client.getPersistentSubscriptionToStreamInfo('s-nack', 'g');
    assert.equal(info.stats.parkedMessageCount, 2n);
    assert.equal(info.stats.totalInFlightMessages, 0);
    await sub.unsubscribe();
  });

  it('getInfo names the connected consumers with their in-flight messages and the group settings', { timeout: 20_000 }, async () => {
    await client.createPersistentSubscriptionToStream('s-info', 'g', settings({ messageTimeout: 60_000, maxRetryCount: 4 }));
    const sub = named('w1').subscribeToPersistentSubscriptionToStream('s-info', 'g', { bufferSize: 3 });
    await confirmed(sub);
    const box = inbox(sub);
    await client.appendToStream('s-info', [job(0)]);
    const held = await box.next();
    const info = await client.getPersistentSubscriptionToStreamInfo('s-info', 'g');
    assert.equal(info.settings.messageTimeout, 60_000);
    assert.equal(info.settings.maxRetryCount, 4);
    assert.equal(info.settings.consumerStrategyName, 'RoundRobin');
    assert.equal(info.connections.length, 1);
    assert.equal(info.connections[0].connectionName, 'w1');
    assert.equal(info.connections[0].inFlightMessages, 1);
    assert.equal(info.connections[0].availableSlots, 2);
    assert.equal(info.stats.totalInFlightMessages, 1);
    await sub.ack(held);
    await sub.unsubscribe();
  });
});
