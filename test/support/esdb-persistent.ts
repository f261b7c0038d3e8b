/**
 * The PersistentSubscriptions gRPC service of the in-process EventStoreDB test server (esdb-server.ts): consumer
 * groups on one stream with competing consumers, built on the service definition and messages that
 * @eventstore/db-client ships (`generated/persistent_*`), so the real client's create, subscribe, ack, nack and
 * get-info calls run over the real wire.
 *
 * Server behaviours it reproduces, each with where it is stated. The exact rules (what is retried, when a
 * message is parked, what happens on a disconnect) come from the server's own code, named last in each point.
 *
 * - A group is created once per (stream, group name) and keeps its position and in-flight messages on the
 *   server; creating it again fails with "exists" (the client's PersistentSubscriptionExistsError), subscribing
 *   to a group that does not exist fails with "does not exist" (PersistentSubscriptionDoesNotExistError). A
 *   group starts from the start of the stream, its end, or a revision, and follows the stream live.
 *   https://developers.eventstore.com/server/v24.6/features/persistent-subscriptions.html ("Concepts", "Consumer groups")
 *   https://developers.eventstore.com/clients/grpc/subscribing-to-streams/persistent-subscriptions.html ("Creating a subscription group")
 *   https://github.com/kurrent-io/KurrentDB/blob/master/src/KurrentDB.Core/Services/Transport/Grpc/RpcExceptions.cs
 * - Every consumer connected to a group gets a share of its events (competing consumers, at-least-once). The
 *   buffer size a consumer subscribes with is how many unacknowledged messages the server lets it hold.
 *   RoundRobin gives each event to the next consumer in turn, skipping consumers whose buffer is full until
 *   they ack or nack; DispatchToSingle gives events to one consumer until its buffer is full, then the next.
 *   Retried messages go out before new ones. A maximum subscriber count (0 = unbounded) refuses more
 *   consumers with "maximum subscribers reached".
 *   https://developers.eventstore.com/clients/grpc/subscribing-to-streams/persistent-subscriptions.html ("Connecting to a subscription group", "Consumer strategies")
 *   https://docs.rs/eventstore/2.3.0/eventstore/enum.SystemConsumerStrategy.html (the strategies' definitions)
 *   https://github.com/kurrent-io/KurrentDB/blob/master/src/KurrentDB.Core/Services/PersistentSubscription/PersistentSubscription.cs (PushToClients)
 * - A message neither acknowledged nor nacked within the group's message timeout is retried: delivered again
 *   with its retry count one higher. A message whose retry count has reached the group's maximum retry count is
 *   parked instead, with the reason "Reached retry count of N".
 *   `messageTimeout` and `maxRetryCount` in @eventstore/db-client's persistentSubscriptionSettings.d.ts ("after which
 *   a message should be considered to be timeout and retried", "before a message gets considered to be parked")
 *   PersistentSubscription.cs (NotifyClockTick, ActionTakenForRetriedMessage, RetryMessage)
 * - A consumer that disconnects (its call is cancelled or its process dies) gives back its unacknowledged
 *   messages at once: each is retried (retry count + 1), or parked when its retries are spent.
 *   PersistentSubscription.cs (RemoveClientByConnectionId)
 * - Ack removes a message whoever holds it. Nack actions: retry (like a timeout: retried, or parked once the
 *   retries are spent), park (parked at once with "Client explicitly NAK'ed message." and the client's reason),
 *   skip (dropped, never delivered again), stop (the server's StopSubscription does nothing; the message is
 *   removed from processing like skip).
 *   https://hexdocs.pm/spear/0.9.0/Spear.PersistentSubscription.html (nack_action: park, retry, skip)
 *   https://pub.dev/documentation/eventstore_client/latest/eventstore_client/PersistentSubscriptionNackEventAction.html
 *   PersistentSubscription.cs (NotAcknowledgeMessagesProcessed, HandleNackedMessage, StopSubscription)
 * - A parked message is a link event (type `$>`, data `<revision>@<stream>`, not JSON) appended to the stream
 *   `$persistentsubscription-<stream>::<group>-parked`, with `{ added, reason, subscriptionEventNumber }` as JSON
 *   metadata; the group's info counts parked messages.
 *   https://developers.eventstore.com/server/v23.10/persistent-subscriptions.html#parked-messages (the name, with
 *   stream and group in the order https://github.com/EventStore/EventStore/issues/4139 corrects)
 *   https://github.com/kurrent-io/KurrentDB/blob/master/src/KurrentDB.Core/Services/PersistentSubscription/PersistentSubscriptionMessageParker.cs
 * - Subscribing is answered first with a confirmation whose id is `<stream>::<group>`; each event carries its
 *   retry count. A consumer's name is the `connection-name` header the client sends; GetInfo lists the
 *   connections (name, peer, in-flight messages, available slots, items delivered) and the group's settings,
 *   in-flight and parked counts.
 *   https://github.com/kurrent-io/KurrentDB/blob/master/src/KurrentDB.Core/Services/Transport/Grpc/PersistentSubscriptions.Read.cs
 *   https://hexdocs.pm/spear/Spear.PersistentSubscription.Info.html (the info's fields)
 * - ServerFeatures lists Create, Read and GetInfo with the feature "stream"; client 6.x asks for GetInfo over
 *   gRPC only when it is listed (else it falls back to HTTP). Stated by the client's code:
 *   `dist/persistentSubscription/getPersistentSubscriptionToStreamInfo.js` in @eventstore/db-client 6.2.1.
 *
 * Not reproduced: groups on `$all`; the Pinned and PinnedByCorrelation strategies (Create answers
 * UNIMPLEMENTED); Update, Delete, List, ReplayParked and RestartSubsystem (UNIMPLEMENTED, not advertised);
 * checkpoints (no checkpoint stream is written: a group lives as long as the server process, and its info has
 * no last checkpointed position); resolveLinkTos; the read and live buffers (events are delivered straight from
 * the log; the buffer settings are kept and reported, nothing more); rates and extra statistics (reported as 0);
 * the parked stream's ACL (admins only on a real server) and authentication. Timeouts are checked every
 * TICK_MS, where the real server checks on its own periodic tick, so a redelivery can come up to a tick late on
 * either.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import persistentGrpc from '@eventstore/db-client/generated/persistent_grpc_pb.js';
import persistentPb from '@eventstore/db-client/generated/persistent_pb.js';
import featuresPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import { exceptionStatus, identifierOf, streamNameOf, unimplemented, uuidMessage, uuidText, type ProposedEvent, type StoredEvent } from './esdb-proto.js';

/** How often message timeouts are checked. */
export const TICK_MS = 50;

/** What the service needs from the server's log. */
export interface SubscribableLog {
  readonly streams: ReadonlyMap<string, readonly StoredEvent[]>;
  onWrite(listener: (stream: string) => void): void;
  writeSystem(stream: string, event: ProposedEvent): void;
}

type Strategy = 'RoundRobin' | 'DispatchToSingle';

interface GroupSettings {
  readonly startFrom: 'start' | 'end' | bigint;
  readonly messageTimeoutMs: number;
  readonly maxRetryCount: number;
  readonly maxSubscriberCount: number;
  readonly strategy: Strategy;
  readonly resolveLinks: boolean;
  readonly extraStatistics: boolean;
  readonly checkpointAfterMs: number;
  readonly minCheckpointCount: number;
  readonly maxCheckpointCount: number;
  readonly liveBufferSize: number;
  readonly readBatchSize: number;
  readonly historyBufferSize: number;
}

interface Message {
  readonly revision: number;
  readonly retryCount: number;
}

interface Consumer {
  readonly call: grpc.ServerDuplexStream<persistentPb.ReadReq, persistentPb.ReadResp>;
  readonly bufferSize: number;
  readonly structured: boolean;
  readonly connectionName: string;
  readonly from: string;
  readonly inFlight: Set<string>;
  delivered: number;
}

interface Outstanding {
  readonly message: Message;
  readonly consumer: Consumer;
  readonly expires: number;
}

class Group {
  nextRevision: number;
  readonly retry: Message[] = [];
  readonly outstanding = new Map<string, Outstanding>();
  readonly consumers: Consumer[] = [];
  private turn = 0;
  parkedCount = 0;
  delivered = 0;

  constructor(
    private readonly log: SubscribableLog,
    readonly stream: string,
    readonly name: string,
    readonly settings: GroupSettings,
  ) {
    const length = log.streams.get(stream)?.length ?? 0;
    this.nextRevision = settings.startFrom === 'start' ? 0 : settings.startFrom === 'end' ? length : Number(settings.startFrom);
  }

  get id(): string {
    return `${this.stream}::${this.name}`;
  }

  get parkedStream(): string {
    return `$persistentsubscription-${this.id}-parked`;
  }

  private events(): readonly StoredEvent[] {
    return this.log.streams.get(this.stream) ?? [];
  }

  /** Hand out retried messages first, then new events, while some consumer has room. */
  push(): void {
    while (true) {
      const retried = this.retry.length > 0;
      const message = retried ? this.retry[0] : this.nextRevision < this.events().length ? { revision: this.nextRevision, retryCount: 0 } : null;
      if (!message) return;
      const consumer = this.pick();
      if (!consumer) return;
      if (retried) this.retry.shift();
      else this.nextRevision++;
      this.deliver(consumer, message);
    }
  }

  private pick(): Consumer | null {
    const n = this.consumers.length;
    for (let i = 0; i < n; i++) {
      const index = this.settings.strategy === 'RoundRobin' ? (this.turn + i) % n : i;
      const c = this.consumers[index];
      if (c.inFlight.size < c.bufferSize) {
        if (this.settings.strategy === 'RoundRobin') this.turn = (index + 1) % n;
        return c;
      }
    }
    return null;
  }

  private deliver(consumer: Consumer, message: Message): void {
    const e = this.events()[message.revision];
    this.outstanding.set(e.id, { message, consumer, expires: Date.now() + this.settings.messageTimeoutMs });
    consumer.inFlight.add(e.id);
    consumer.delivered++;
    this.delivered++;
    const recorded = new persistentPb.ReadResp.ReadEvent.RecordedEvent()
      .setId(uuidMessage(e.id, consumer.structured))
      .setStreamIdentifier(identifierOf(this.stream))
      .setStreamRevision(String(message.revision))
      .setCommitPosition(e.position.toString())
      .setPreparePosition(e.position.toString())
      .setCustomMetadata(e.customMetadata)
      .setData(e.data);
    recorded.getMetadataMap().set('type', e.type).set('content-type', e.contentType).set('created', e.created.toString());
    const event = new persistentPb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(e.position.toString()).setRetryCount(message.retryCount);
    consumer.call.write(new persistentPb.ReadResp().setEvent(event));
  }

  /** Take a message out of processing, whoever holds it. */
  private release(id: string): Outstanding | undefined {
    const o = this.outstanding.get(id);
    this.outstanding.delete(id);
    for (const c of this.consumers) c.inFlight.delete(id);
    return o;
  }

  private retryOrPark(message: Message): void {
    if (message.retryCount >= this.settings.maxRetryCount) this.park(message, `Reached retry count of ${this.settings.maxRetryCount}`);
    else this.retry.push({ revision: message.revision, retryCount: message.retryCount + 1 });
  }

  private park(message: Message, reason: string): void {
    const metadata = { added: new Date().toISOString(), reason, subscriptionEventNumber: message.revision };
    this.log.writeSystem(this.parkedStream, {
      id: randomUUID(),
      type: '$>',
      contentType: 'application/octet-stream',
      data: Buffer.from(`${message.revision}@${this.stream}`, 'utf8'),
      customMetadata: Buffer.from(JSON.stringify(metadata), 'utf8'),
    });
    this.parkedCount++;
  }

  ack(ids: readonly string[]): void {
    ids.forEach((id) => this.release(id));
    this.push();
  }

  nack(ids: readonly string[], action: persistentPb.ReadReq.Nack.Action, reason: string): void {
    const A = persistentPb.ReadReq.Nack.Action;
    for (const id of ids) {
      const o = this.release(id);
      if (!o) continue;
      if (action === A.RETRY || action === A.UNKNOWN) this.retryOrPark(o.message);
      else if (action === A.PARK) this.park(o.message, `Client explicitly NAK'ed message.\n${reason}`);
    }
    this.push();
  }

  /** Retry (or park) every message whose timeout has passed. */
  tick(now: number): void {
    const expired = [...this.outstanding.entries()].filter(([, o]) => o.expires <= now).sort(([, a], [, b]) => a.message.revision - b.message.revision);
    for (const [id, o] of expired) {
      this.release(id);
      this.retryOrPark(o.message);
    }
    if (expired.length > 0) this.push();
  }

  connect(consumer: Consumer): void {
    this.consumers.push(consumer);
    this.push();
  }

  /** A consumer gone: its unacknowledged messages are retried at once (or parked when their retries are spent). */
  disconnect(consumer: Consumer): void {
    const at = this.consumers.indexOf(consumer);
    if (at < 0) return;
    this.consumers.splice(at, 1);
    const lost = [...consumer.inFlight].map((id) => [id, this.outstanding.get(id)] as const).filter((x): x is readonly [string, Outstanding] => x[1] !== undefined);
    lost.sort(([, a], [, b]) => a.message.revision - b.message.revision);
    for (const [id, o] of lost) {
      this.release(id);
      this.retryOrPark(o.message);
    }
    this.push();
  }

  info(): persistentPb.SubscriptionInfo {
    const s = this.settings;
    const info = new persistentPb.SubscriptionInfo()
      .setEventSource(this.stream)
      .setGroupName(this.name)
      .setStatus('Live')
      .setConnectionsList(
        this.consumers.map((c) =>
          new persistentPb.SubscriptionInfo.ConnectionInfo()
            .setFrom(c.from)
            .setUsername('')
            .setAverageItemsPerSecond(0)
            .setTotalItems(String(c.delivered))
            .setCountSinceLastMeasurement('0')
            .setAvailableSlots(c.bufferSize - c.inFlight.size)
            .setInFlightMessages(c.inFlight.size)
            .setConnectionName(c.connectionName),
        ),
      )
      .setAveragePerSecond(0)
      .setTotalItems(String(this.delivered))
      .setCountSinceLastMeasurement('0')
      .setLastCheckpointedEventPosition('')
      .setLastKnownEventPosition(this.events().length > 0 ? String(this.events().length - 1) : '')
      .setResolveLinkTos(s.resolveLinks)
      .setStartFrom(s.startFrom === 'start' ? '0' : s.startFrom === 'end' ? '-1' : s.startFrom.toString())
      .setMessageTimeoutMilliseconds(s.messageTimeoutMs)
      .setExtraStatistics(s.extraStatistics)
      .setMaxRetryCount(s.maxRetryCount)
      .setLiveBufferSize(s.liveBufferSize)
      .setBufferSize(s.historyBufferSize)
      .setReadBatchSize(s.readBatchSize)
      .setCheckPointAfterMilliseconds(s.checkpointAfterMs)
      .setMinCheckPointCount(s.minCheckpointCount)
      .setMaxCheckPointCount(s.maxCheckpointCount)
      .setReadBufferCount(Math.max(0, this.events().length - this.nextRevision))
      .setLiveBufferCount('0')
      .setRetryBufferCount(this.retry.length)
      .setTotalInFlightMessages(this.outstanding.size)
      .setOutstandingMessagesCount(this.outstanding.size)
      .setNamedConsumerStrategy(s.strategy)
      .setMaxSubscriberCount(s.maxSubscriberCount)
      .setParkedMessageCount(String(this.parkedCount));
    return info;
  }
}

const notFound = (stream: string, group: string) =>
  exceptionStatus(grpc.status.NOT_FOUND, `Subscription group ${group} on stream ${stream} does not exist.`, 'persistent-subscription-does-not-exist', {
    'stream-name': stream,
    'group-name': group,
  });

/** The group's settings from a Create request; the stream's start comes from the deprecated revision field when the client sends no stream options (client 6.x). */
const settingsOf = (options: persistentPb.CreateReq.Options): GroupSettings | string => {
  const s = options.getSettings();
  if (!s) return 'a create request without settings';
  const C = persistentPb.CreateReq.ConsumerStrategy;
  const named = s.getConsumerStrategy() || (s.getNamedConsumerStrategy() === C.ROUNDROBIN ? 'RoundRobin' : s.getNamedConsumerStrategy() === C.DISPATCHTOSINGLE ? 'DispatchToSingle' : 'Pinned');
  if (named !== 'RoundRobin' && named !== 'DispatchToSingle') return `the ${named} consumer strategy`;
  const T = persistentPb.CreateReq.Settings.MessageTimeoutCase;
  const messageTimeoutMs = s.getMessageTimeoutCase() === T.MESSAGE_TIMEOUT_TICKS ? Number(BigInt(s.getMessageTimeoutTicks()) / 10_000n) : s.getMessageTimeoutMs();
  const A = persistentPb.CreateReq.Settings.CheckpointAfterCase;
  const checkpointAfterMs = s.getCheckpointAfterCase() === A.CHECKPOINT_AFTER_TICKS ? Number(BigInt(s.getCheckpointAfterTicks()) / 10_000n) : s.getCheckpointAfterMs();
  let startFrom: GroupSettings['startFrom'];
  const stream = options.getStream();
  if (stream) {
    const R = persistentPb.CreateReq.StreamOptions.RevisionOptionCase;
    startFrom = stream.getRevisionOptionCase() === R.REVISION ? BigInt(stream.getRevision()) : stream.getRevisionOptionCase() === R.END ? 'end' : 'start';
  } else {
    const revision = BigInt(s.getRevision() || '0');
    startFrom = revision === 0n ? 'start' : revision === 18446744073709551615n ? 'end' : revision;
  }
  return {
    startFrom,
    messageTimeoutMs,
    maxRetryCount: s.getMaxRetryCount(),
    maxSubscriberCount: s.getMaxSubscriberCount(),
    strategy: named,
    resolveLinks: s.getResolveLinks(),
    extraStatistics: s.getExtraStatistics(),
    checkpointAfterMs,
    minCheckpointCount: s.getMinCheckpointCount(),
    maxCheckpointCount: s.getMaxCheckpointCount(),
    liveBufferSize: s.getLiveBufferSize(),
    readBatchSize: s.getReadBatchSize(),
    historyBufferSize: s.getHistoryBufferSize(),
  };
};

export interface PersistentSubscriptionsService {
  readonly definition: typeof persistentGrpc.PersistentSubscriptionsService;
  readonly implementation: persistentGrpc.IPersistentSubscriptionsServer;
  /** What ServerFeatures advertises for this service. */
  readonly methods: featuresPb.SupportedMethod[];
  /** Stop the timeout clock. */
  stop(): void;
}

export const persistentSubscriptions = (log: SubscribableLog): PersistentSubscriptionsService => {
  const groups = new Map<string, Group>();
  const key = (stream: string, group: string) => `${stream}::${group}`;
  log.onWrite((stream) => {
    for (const g of groups.values()) if (g.stream === stream) g.push();
  });
  const clock = setInterval(() => {
    const now = Date.now();
    for (const g of groups.values()) g.tick(now);
  }, TICK_MS);
  clock.unref();

  const implementation: persistentGrpc.IPersistentSubscriptionsServer = {
    create: (call, callback) => {
      const options = call.request.getOptions();
      if (!options) return callback(unimplemented('a create request without options'));
      if (options.hasAll()) return callback(unimplemented('persistent subscriptions to $all'));
      const stream = streamNameOf(options.getStream()?.getStreamIdentifier() ?? options.getStreamIdentifier());
      const name = options.getGroupName();
      if (groups.has(key(stream, name)))
        return callback(
          exceptionStatus(grpc.status.ALREADY_EXISTS, `Subscription group ${name} on stream ${stream} exists.`, 'persistent-subscription-exists', {
            'stream-name': stream,
            'group-name': name,
          }),
        );
      const settings = settingsOf(options);
      if (typeof settings === 'string') return callback(unimplemented(settings));
      groups.set(key(stream, name), new Group(log, stream, name, settings));
      callback(null, new persistentPb.CreateResp());
    },

    read: (call) => {
      let joined: { group: Group; consumer: Consumer } | null = null;
      const leave = () => {
        if (joined) joined.group.disconnect(joined.consumer);
        joined = null;
      };
      call.on('data', (req: persistentPb.ReadReq) => {
        if (!joined) {
          const options = req.getOptions();
          if (!options) return call.emit('error', unimplemented('a subscription that does not start with its options'));
          if (options.hasAll()) return call.emit('error', unimplemented('persistent subscriptions to $all'));
          const stream = streamNameOf(options.getStreamIdentifier());
          const name = options.getGroupName();
          const group = groups.get(key(stream, name));
          if (!group) return call.emit('error', notFound(stream, name));
          if (group.settings.maxSubscriberCount > 0 && group.consumers.length >= group.settings.maxSubscriberCount)
            return call.emit(
              'error',
              exceptionStatus(grpc.status.FAILED_PRECONDITION, `Maximum subscriptions reached for subscription group ${name} on stream ${stream}.`, 'maximum-subscribers-reached', {
                'stream-name': stream,
                'group-name': name,
              }),
            );
          const consumer: Consumer = {
            call,
            bufferSize: Math.max(1, options.getBufferSize()),
            structured: options.getUuidOption()?.hasStructured() ?? false,
            connectionName: String(call.metadata.get('connection-name')[0] ?? '<unknown>'),
            from: call.getPeer(),
            inFlight: new Set(),
            delivered: 0,
          };
          call.write(new persistentPb.ReadResp().setSubscriptionConfirmation(new persistentPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(group.id)));
          joined = { group, consumer };
          group.connect(consumer);
          return;
        }
        const ack = req.getAck();
        const nack = req.getNack();
        if (ack) joined.group.ack(ack.getIdsList().map(uuidText));
        else if (nack) joined.group.nack(nack.getIdsList().map(uuidText), nack.getAction(), nack.getReason());
      });
      call.on('cancelled', leave);
      call.on('error', leave);
      call.on('close', leave);
      call.on('end', () => {
        leave();
        call.end();
      });
    },

    getInfo: (call, callback) => {
      const options = call.request.getOptions();
      if (!options || options.hasAll()) return callback(unimplemented('persistent subscriptions to $all'));
      const stream = streamNameOf(options.getStreamIdentifier());
      const group = groups.get(key(stream, options.getGroupName()));
      if (!group) return callback(notFound(stream, options.getGroupName()));
      callback(null, new persistentPb.GetInfoResp().setSubscriptionInfo(group.info()));
    },

    update: (_call, callback) => callback(unimplemented('updating persistent subscriptions')),
    delete: (_call, callback) => callback(unimplemented('deleting persistent subscriptions')),
    list: (_call, callback) => callback(unimplemented('listing persistent subscriptions')),
    replayParked: (_call, callback) => callback(unimplemented('replaying parked messages')),
    restartSubsystem: (_call, callback) => callback(unimplemented('restarting the persistent subscription subsystem')),
  };

  const s = persistentGrpc.PersistentSubscriptionsService;
  const methods = [s.create, s.read, s.getInfo].map(({ path }) => {
    const [, service, method] = path.split('/');
    return new featuresPb.SupportedMethod().setServiceName(service.toLowerCase()).setMethodName(method.toLowerCase()).setFeaturesList(['stream']);
  });
  return { definition: s, implementation, methods, stop: () => clearInterval(clock) };
};
