/**
 * An in-process EventStoreDB test server: real gRPC on 127.0.0.1 (random port), built with @grpc/grpc-js on
 * the service definitions and protobuf messages that @eventstore/db-client ships (`generated/*_pb.js`), so the
 * real client talks to it over the real wire format and a wire mismatch fails a test.
 *
 * Server behaviours it reproduces, each with the documentation that states it:
 *
 * - Appending is atomic per call and takes an expected revision: NO_STREAM (the stream must not exist), ANY (no
 *   check), STREAM_EXISTS, or the exact revision of the last event; a mismatch is WrongExpectedVersion with the
 *   stream's current revision, and nothing is written.
 *   https://developers.eventstore.com/clients/grpc/appending-events.html ("Handling concurrency")
 * - Idempotence with a specific expected revision: expected == current writes; expected > current is
 *   WrongExpectedVersion; expected < current compares the event ids with those already stored right after the
 *   expected revision: all equal is an acknowledged no-op (nothing written twice), anything else is
 *   WrongExpectedVersion.
 *   http://docs.geteventstore.com/dotnet-api/4.0.0/optimistic-concurrency-and-idempotence/ ("Idempotence")
 *   https://developers.eventstore.com/clients/grpc/appending-events.html ("eventId")
 * - With ANY the server only does "best effort" deduplication from a cache of recent event ids; this server keeps
 *   no such cache (the weakest behaviour that description allows), so nothing tested here may rely on it.
 *   http://docs.geteventstore.com/dotnet-api/4.0.0/optimistic-concurrency-and-idempotence/ ("If ExpectedVersion.Any is used")
 *   https://discuss.eventstore.com/t/idempotency-confirmation/5172
 * - Reading one stream forwards or backwards, from the start, the end or a revision, up to a maximum count;
 *   revisions start at 0; reading a stream that has no events answers "stream not found" (the client raises
 *   StreamNotFoundError while iterating); reading forwards past the end returns no events.
 *   https://developers.eventstore.com/clients/grpc/reading-events.html
 * - Event metadata is opaque bytes, stored and returned as written. Names starting with `$` are reserved for the
 *   server; `$correlationId` and `$causationId` are the ones for correlation and causation, read only by
 *   projections such as $by_correlation_id (so storage does not interpret them). `$by_category` takes the part
 *   of a stream name before the first `-` as its category.
 *   https://docs.kurrent.io/server/v22.10/streams.html ("Metadata and reserved names")
 *   https://developers.eventstore.com/server/v24.10/features/projections/system.html ("By category", "By correlation ID")
 *   https://github.com/NFIBrokerage/spear/commit/791fb1b00c145af543a68f625dda3477dff14ea9 (a client's docs listing
 *   `$correlationId` / `$causationId` as the reserved event metadata names)
 * - One append may carry at most 1,048,576 bytes of event data and metadata (the default MaxAppendSize); more is
 *   refused with "maximum append size exceeded".
 *   https://hexdocs.pm/spear/writing_events.html (a client's guide quoting the server's limit and error)
 * - ServerFeatures.GetSupportedMethods lists the gRPC methods the server offers; client 6.x appends through the
 *   BatchAppend bidirectional stream when it is listed and through the Append client stream otherwise.
 *   Stated by the client's own code, not by a documentation page: `dist/Client/ServerFeatures.js` and
 *   `dist/streams/appendToStream/index.js` in @eventstore/db-client 6.2.1, and the comments in its protos.
 *
 * - Persistent subscriptions (consumer groups, ack, nack, redelivery after the message timeout or a disconnect,
 *   parking): esdb-persistent.ts, which names its sources point by point.
 *
 * Not reproduced: $all reads, catch-up subscriptions, deletes and tombstones (answered UNIMPLEMENTED and not advertised),
 * stream metadata ($maxCount, ACLs), authentication, the BatchAppend per-request deadline, clustering and
 * leader election, and the on-disk log. Positions are a simple counter, not byte offsets in a transaction log.
 */
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import featuresGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import featuresPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import type * as AnyPb from 'google-protobuf/google/protobuf/any_pb.js';
import type * as EmptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import {
  identifierOf,
  invalidArgument,
  streamNameOf,
  unimplemented,
  uuidMessage,
  uuidText,
  type ProposedEvent,
  type StoredEvent,
} from './esdb-proto.js';
import { persistentSubscriptions } from './esdb-persistent.js';

export type { ProposedEvent, StoredEvent } from './esdb-proto.js';

// The protobuf runtime the generated stubs themselves load, so the messages built here are the classes they serialize.
const requireFromStubs = createRequire(createRequire(import.meta.url).resolve('@eventstore/db-client/generated/status_pb.js'));
const { Any } = requireFromStubs('google-protobuf/google/protobuf/any_pb.js') as typeof AnyPb;
const { Empty: ProtoEmpty } = requireFromStubs('google-protobuf/google/protobuf/empty_pb.js') as typeof EmptyPb;

/** The server's default MaxAppendSize. */
export const MAX_APPEND_SIZE = 1_048_576;

/** grpc status codes used in BatchAppend error statuses (google.rpc.Code). */
const RPC_FAILED_PRECONDITION = 9;
const RPC_INVALID_ARGUMENT = 3;

/** One append call as the server received it, kept so tests can inspect the wire. */
export interface ReceivedAppend {
  readonly via: 'Append' | 'BatchAppend';
  readonly stream: string;
  readonly events: readonly ProposedEvent[];
}

type Expected =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

type Outcome =
  | { readonly kind: 'written'; readonly current: bigint; readonly position: bigint }
  | { readonly kind: 'wrong_expected_version'; readonly current: bigint }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'missing_metadata'; readonly property: string };

export interface EsdbTestServer {
  /** `esdb://127.0.0.1:PORT?tls=false` */
  readonly url: string;
  readonly port: number;
  /** Every stream and its events, as stored. */
  readonly streams: ReadonlyMap<string, readonly StoredEvent[]>;
  /** Every append call received, in order. */
  readonly received: readonly ReceivedAppend[];
  /** While on, appends are received but never answered, like a server that hangs. */
  stallAppends(on: boolean): void;
  /** Stops listening and cancels open calls, like a server going down. */
  stop(): Promise<void>;
}

const proposedOf = (m: streamsPb.AppendReq.ProposedMessage | streamsPb.BatchAppendReq.ProposedMessage): ProposedEvent => ({
  id: uuidText(m.getId()),
  type: m.getMetadataMap().get('type') ?? '',
  contentType: m.getMetadataMap().get('content-type') ?? '',
  data: m.getData_asU8(),
  customMetadata: m.getCustomMetadata_asU8(),
});

class InMemoryLog {
  readonly streams = new Map<string, StoredEvent[]>();
  readonly received: ReceivedAppend[] = [];
  stalled = false;
  private nextPosition = 0n;
  private readonly listeners: ((stream: string) => void)[] = [];

  /** Call `listener` after every write with the stream written to (persistent subscriptions follow streams live). */
  onWrite(listener: (stream: string) => void): void {
    this.listeners.push(listener);
  }

  /** A write the server makes itself (a parked message), not an append call. */
  writeSystem(stream: string, event: ProposedEvent): void {
    const stored = this.streams.get(stream) ?? [];
    this.streams.set(stream, [...stored, { ...event, created: BigInt(Date.now()) * 10_000n, position: this.nextPosition++ }]);
    this.listeners.forEach((l) => l(stream));
  }

  commit(via: ReceivedAppend['via'], stream: string, expected: Expected, events: readonly ProposedEvent[]): Outcome {
    this.received.push({ via, stream, events });
    const missing = events.find((e) => e.type === '' || e.contentType === '');
    if (missing) return { kind: 'missing_metadata', property: missing.type === '' ? 'type' : 'content-type' };
    const size = events.reduce((n, e) => n + e.data.length + e.customMetadata.length, 0);
    if (size > MAX_APPEND_SIZE) return { kind: 'too_large' };
    const stored = this.streams.get(stream) ?? [];
    const current = BigInt(stored.length - 1);
    const write = (): Outcome => {
      const created = BigInt(Date.now()) * 10_000n;
      const added = events.map((e) => ({ ...e, created, position: this.nextPosition++ }));
      if (added.length > 0) {
        this.streams.set(stream, [...stored, ...added]);
        queueMicrotask(() => this.listeners.forEach((l) => l(stream)));
      }
      return { kind: 'written', current: BigInt(stored.length + added.length - 1), position: added.at(-1)?.position ?? this.nextPosition };
    };
    if (expected.kind === 'any') return write();
    if (expected.kind === 'stream_exists') return current < 0n ? { kind: 'wrong_expected_version', current } : write();
    const wanted = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (wanted === current) return write();
    if (wanted > current) return { kind: 'wrong_expected_version', current };
    const start = Number(wanted) + 1;
    const alreadyWritten =
      events.length > 0 && start + events.length <= stored.length && events.every((e, i) => stored[start + i].id === e.id);
    return alreadyWritten
      ? { kind: 'written', current: wanted + BigInt(events.length), position: stored[start + events.length - 1].position }
      : { kind: 'wrong_expected_version', current };
  }

  /** The revisions a read returns, or null when the stream has no events. */
  read(stream: string, from: 'start' | 'end' | bigint, backwards: boolean, count: bigint): number[] | null {
    const stored = this.streams.get(stream);
    if (!stored || stored.length === 0) return null;
    const out: number[] = [];
    const last = stored.length - 1;
    if (!backwards) {
      const first = from === 'start' ? 0 : from === 'end' ? stored.length : Number(from);
      for (let r = first; r <= last && BigInt(out.length) < count; r++) out.push(r);
    } else {
      const first = from === 'end' ? last : from === 'start' ? 0 : Math.min(Number(from), last);
      for (let r = first; r >= 0 && BigInt(out.length) < count; r--) out.push(r);
    }
    return out;
  }
}

const expectedOfAppend = (o: streamsPb.AppendReq.Options): Expected => {
  const C = streamsPb.AppendReq.Options.ExpectedStreamRevisionCase;
  switch (o.getExpectedStreamRevisionCase()) {
    case C.REVISION:
      return { kind: 'revision', revision: BigInt(o.getRevision()) };
    case C.NO_STREAM:
      return { kind: 'no_stream' };
    case C.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      return { kind: 'any' };
  }
};

const expectedOfBatch = (o: streamsPb.BatchAppendReq.Options): Expected => {
  const C = streamsPb.BatchAppendReq.Options.ExpectedStreamPositionCase;
  switch (o.getExpectedStreamPositionCase()) {
    case C.STREAM_POSITION:
      return { kind: 'revision', revision: BigInt(o.getStreamPosition()) };
    case C.NO_STREAM:
      return { kind: 'no_stream' };
    case C.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      return { kind: 'any' };
  }
};

const appendResponse = (expected: Expected, outcome: Outcome): streamsPb.AppendResp | Partial<grpc.StatusObject> => {
  const resp = new streamsPb.AppendResp();
  switch (outcome.kind) {
    case 'missing_metadata':
      return invalidArgument(`Required metadata property ${outcome.property} is missing`, 'missing-required-metadata-property', {
        'required-properties': 'type,content-type',
      });
    case 'too_large':
      return invalidArgument(`Maximum Append Size of ${MAX_APPEND_SIZE} Exceeded.`, 'maximum-append-size-exceeded', {
        'maximum-append-size': String(MAX_APPEND_SIZE),
      });
    case 'written': {
      const success = new streamsPb.AppendResp.Success();
      if (outcome.current < 0n) success.setNoStream(new sharedPb.Empty());
      else success.setCurrentRevision(outcome.current.toString());
      success.setPosition(
        new streamsPb.AppendResp.Position().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()),
      );
      return resp.setSuccess(success);
    }
    case 'wrong_expected_version': {
      // Both the current fields and the deprecated 20.6.0 ones, so a client reading either finds them.
      const w = new streamsPb.AppendResp.WrongExpectedVersion();
      if (outcome.current < 0n) w.setCurrentNoStream(new sharedPb.Empty()).setNoStream2060(new sharedPb.Empty());
      else w.setCurrentRevision(outcome.current.toString()).setCurrentRevision2060(Number(outcome.current));
      if (expected.kind === 'revision') w.setExpectedRevision(expected.revision.toString()).setExpectedRevision2060(Number(expected.revision));
      else if (expected.kind === 'no_stream') w.setExpectedNoStream(new sharedPb.Empty());
      else if (expected.kind === 'stream_exists') w.setExpectedStreamExists(new sharedPb.Empty()).setStreamExists2060(new sharedPb.Empty());
      else w.setExpectedAny(new sharedPb.Empty()).setAny2060(new sharedPb.Empty());
      return resp.setWrongExpectedVersion(w);
    }
  }
};

const packed = (message: { serializeBinary(): Uint8Array }, typeName: string): AnyPb.Any => {
  const any = new Any();
  any.pack(message.serializeBinary(), typeName);
  return any;
};

const batchResponse = (
  correlationId: sharedPb.UUID,
  options: streamsPb.BatchAppendReq.Options,
  expected: Expected,
  outcome: Outcome,
): streamsPb.BatchAppendResp => {
  const resp = new streamsPb.BatchAppendResp().setCorrelationId(correlationId).setStreamIdentifier(options.getStreamIdentifier());
  if (expected.kind === 'revision') resp.setStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') resp.setNoStream(new ProtoEmpty());
  else if (expected.kind === 'stream_exists') resp.setStreamExists(new ProtoEmpty());
  else resp.setAny(new ProtoEmpty());
  const status = new statusPb.Status();
  switch (outcome.kind) {
    case 'written': {
      const success = new streamsPb.BatchAppendResp.Success();
      if (outcome.current < 0n) success.setNoStream(new ProtoEmpty());
      else success.setCurrentRevision(outcome.current.toString());
      success.setPosition(
        new sharedPb.AllStreamPosition().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()),
      );
      return resp.setSuccess(success);
    }
    case 'wrong_expected_version': {
      const w = new sharedPb.WrongExpectedVersion();
      if (outcome.current < 0n) w.setCurrentNoStream(new ProtoEmpty());
      else w.setCurrentStreamRevision(outcome.current.toString());
      if (expected.kind === 'revision') w.setExpectedStreamPosition(expected.revision.toString());
      else if (expected.kind === 'no_stream') w.setExpectedNoStream(new ProtoEmpty());
      else if (expected.kind === 'stream_exists') w.setExpectedStreamExists(new ProtoEmpty());
      else w.setExpectedAny(new ProtoEmpty());
      status.setCode(RPC_FAILED_PRECONDITION).setMessage('WrongExpectedVersion');
      status.setDetails(packed(w, 'event_store.client.WrongExpectedVersion'));
      return resp.setError(status);
    }
    case 'too_large':
      status.setCode(RPC_INVALID_ARGUMENT).setMessage(`Maximum Append Size of ${MAX_APPEND_SIZE} Exceeded.`);
      status.setDetails(packed(new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(MAX_APPEND_SIZE), 'event_store.client.MaximumAppendSizeExceeded'));
      return resp.setError(status);
    case 'missing_metadata':
      status.setCode(RPC_INVALID_ARGUMENT).setMessage(`Required metadata property ${outcome.property} is missing`);
      status.setDetails(packed(new sharedPb.BadRequest().setMessage(status.getMessage()), 'event_store.client.BadRequest'));
      return resp.setError(status);
  }
};

const streamsImplementation = (log: InMemoryLog): streamsGrpc.IStreamsServer => ({
  read: (call) => {
    const options = call.request.getOptions();
    const streamOptions = options?.getStream();
    if (!options || !streamOptions) return call.emit('error', unimplemented('reading $all'));
    if (options.hasSubscription()) return call.emit('error', unimplemented('subscriptions'));
    const stream = streamNameOf(streamOptions.getStreamIdentifier());
    const R = streamsPb.ReadReq.Options.StreamOptions.RevisionOptionCase;
    const revisionCase = streamOptions.getRevisionOptionCase();
    const from = revisionCase === R.REVISION ? BigInt(streamOptions.getRevision()) : revisionCase === R.END ? 'end' : 'start';
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    const structured = options.getUuidOption()?.hasStructured() ?? false;
    const revisions = log.read(stream, from, backwards, BigInt(options.getCount()));
    if (revisions === null) {
      call.write(new streamsPb.ReadResp().setStreamNotFound(new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(identifierOf(stream))));
      return call.end();
    }
    const stored = log.streams.get(stream) ?? [];
    for (const revision of revisions) {
      const e = stored[revision];
      const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
        .setId(uuidMessage(e.id, structured))
        .setStreamIdentifier(identifierOf(stream))
        .setStreamRevision(String(revision))
        .setCommitPosition(e.position.toString())
        .setPreparePosition(e.position.toString())
        .setCustomMetadata(e.customMetadata)
        .setData(e.data);
      recorded.getMetadataMap().set('type', e.type).set('content-type', e.contentType).set('created', e.created.toString());
      call.write(
        new streamsPb.ReadResp().setEvent(new streamsPb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(e.position.toString())),
      );
    }
    call.end();
  },

  append: (call, callback) => {
    const messages: streamsPb.AppendReq[] = [];
    call.on('data', (m: streamsPb.AppendReq) => messages.push(m));
    call.on('error', () => {});
    call.on('end', () => {
      if (log.stalled) return;
      const options = messages[0]?.getOptions();
      if (!options) return callback(invalidArgument('the first append message must carry the options', 'invalid-argument'));
      const stream = streamNameOf(options.getStreamIdentifier());
      const events = messages.slice(1).flatMap((m) => {
        const p = m.getProposedMessage();
        return p ? [proposedOf(p)] : [];
      });
      const expected = expectedOfAppend(options);
      const response = appendResponse(expected, log.commit('Append', stream, expected, events));
      if (response instanceof streamsPb.AppendResp) callback(null, response);
      else callback(response);
    });
  },

  batchAppend: (call) => {
    const pending = new Map<string, { options?: streamsPb.BatchAppendReq.Options; events: ProposedEvent[] }>();
    call.on('error', () => {});
    call.on('end', () => call.end());
    call.on('data', (req: streamsPb.BatchAppendReq) => {
      if (log.stalled) return;
      const correlationId = req.getCorrelationId();
      const key = uuidText(correlationId);
      const batch = pending.get(key) ?? { events: [] };
      if (req.hasOptions()) batch.options = req.getOptions();
      batch.events.push(...req.getProposedMessagesList().map(proposedOf));
      pending.set(key, batch);
      if (!req.getIsFinal()) return;
      pending.delete(key);
      const options = batch.options;
      if (!correlationId || !options) return call.destroy(new Error('a batch append ended without options'));
      const stream = streamNameOf(options.getStreamIdentifier());
      const expected = expectedOfBatch(options);
      call.write(batchResponse(correlationId, options, expected, log.commit('BatchAppend', stream, expected, batch.events)));
    });
  },

  delete: (_call, callback) => callback(unimplemented('deleting streams')),
  tombstone: (_call, callback) => callback(unimplemented('tombstoning streams')),
});

const supportedMethods = (batchAppend: boolean, more: readonly featuresPb.SupportedMethod[]): featuresPb.SupportedMethods => {
  const s = streamsGrpc.StreamsService;
  const offered = [s.read, s.append, ...(batchAppend ? [s.batchAppend] : []), featuresGrpc.ServerFeaturesService.getSupportedMethods];
  const methods = offered.map(({ path }) => {
    const [, service, method] = path.split('/');
    return new featuresPb.SupportedMethod().setServiceName(service.toLowerCase()).setMethodName(method.toLowerCase());
  });
  return new featuresPb.SupportedMethods().setMethodsList([...methods, ...more]).setEventStoreServerVersion('24.10.0');
};

/** Start a fresh, empty server; `batchAppend` decides whether ServerFeatures advertises BatchAppend. */
export const startEsdbTestServer = async ({ batchAppend }: { batchAppend: boolean }): Promise<EsdbTestServer> => {
  const log = new InMemoryLog();
  const server = new grpc.Server();
  server.addService(streamsGrpc.StreamsService, streamsImplementation(log));
  const persistent = persistentSubscriptions(log);
  server.addService(persistent.definition, persistent.implementation);
  const features: featuresGrpc.IServerFeaturesServer = {
    getSupportedMethods: (_call, callback) => callback(null, supportedMethods(batchAppend, persistent.methods)),
  };
  server.addService(featuresGrpc.ServerFeaturesService, features);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    streams: log.streams,
    received: log.received,
    stallAppends: (on) => {
      log.stalled = on;
    },
    stop: async () => {
      persistent.stop();
      server.forceShutdown();
    },
  };
};
