import { randomUUID } from 'node:crypto';
import {
  ANY,
  END,
  NO_STREAM,
  ROUND_ROBIN,
  START,
  EventStoreDBClient,
  PersistentSubscriptionDoesNotExistError,
  PersistentSubscriptionExistsError,
  jsonEvent,
  persistentSubscriptionToStreamSettingsFromDefaults,
  type EventData,
  type JSONType,
  type PersistentSubscriptionToStreamResolvedEvent,
} from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { checkEvent, type EventOf } from '../domain/events.js';
import { attemptEventId, decodeAttemptJob, type AttemptJob } from '../domain/attempt-job.js';
import {
  CorruptStoreError,
  StoreError,
  type JobConsumer,
  type JobDelivery,
  type ParkedJob,
  type WorkGroupSettings,
  type WorkInfo,
  type WorkQueue,
} from './port.js';
import { EsdbConnection, StreamNaming, decodeRecorded, firstLine, isRecord, toEventData, withDefaultDeadline } from './esdb-wire.js';

/**
 * Attempt jobs on EventStoreDB persistent subscriptions (competing consumers).
 *
 * - Jobs are JSON events `TackAttemptJob` in one stream, `<prefix>jobs`, each with a fresh event id (queueing
 *   the same attempt again, after it was parked, is a new job). Workers consume it through one persistent
 *   subscription group, `workers`, created from the start of the stream with the RoundRobin strategy: each job
 *   goes to one connected worker with room, comes back when that worker neither acknowledges it within the
 *   group's message timeout nor stays connected, and is parked after the group's maximum retry count.
 * - A worker stores the attempt's TraceObserved in `<prefix>attempt-<attempt id>` at expected revision
 *   NO_STREAM with the attempt id as event id: a second delivery of the same attempt cannot store a second
 *   trace (the append conflicts, or is the same write acknowledged again), and then acknowledges the job.
 * - Parked jobs are the server's parked-message stream `$persistentsubscription-<prefix>jobs::workers-parked`:
 *   link events `N@<prefix>jobs` with the reason in their metadata, read here to report them.
 * Neither the jobs stream nor the attempt streams are recorded in `<prefix>index`: they are transport, not
 * history (the TraceObserved is copied into the branch by the run that queued the job), so listings and
 * `tack store copy` leave them out.
 */

export const WORKER_GROUP = 'workers';
const JOB_EVENT = 'TackAttemptJob';
const ENQUEUE_BYTES = 512 * 1024;
const NACK_PREFIX = "Client explicitly NAK'ed message.\n";

/** A connection string with one more query parameter. */
const withParam = (url: string, key: string, value: string): string => `${url}${url.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;

export class EsdbWorkQueue implements WorkQueue {
  readonly location: string;

  constructor(
    private readonly conn: EsdbConnection,
    private readonly naming: StreamNaming,
    /** The store URL with its credentials, for the connections consumers open under their own names. */
    private readonly url: string,
  ) {
    this.location = conn.location;
  }

  private get parkedStream(): string {
    return `$persistentsubscription-${this.naming.jobs}::${WORKER_GROUP}-parked`;
  }

  async ensureGroup(settings: WorkGroupSettings): Promise<WorkGroupSettings> {
    try {
      await this.conn.client.createPersistentSubscriptionToStream(
        this.naming.jobs,
        WORKER_GROUP,
        persistentSubscriptionToStreamSettingsFromDefaults({
          startFrom: START,
          messageTimeout: settings.jobTimeoutMs,
          maxRetryCount: settings.maxRetries,
          consumerStrategyName: ROUND_ROBIN,
        }),
      );
    } catch (err) {
      if (!(err instanceof PersistentSubscriptionExistsError))
        throw this.conn.failure(err, `creating the worker group ${WORKER_GROUP} on ${this.naming.jobs} (it needs an admin user)`);
    }
    const info = await this.info();
    if (!info) throw new StoreError(`EventStoreDB at ${this.location}: the worker group ${WORKER_GROUP} on ${this.naming.jobs} vanished right after it was created`);
    return { jobTimeoutMs: info.settings.jobTimeoutMs, maxRetries: info.settings.maxRetries };
  }

  async enqueue(jobs: readonly AttemptJob[]): Promise<string[]> {
    const ids = jobs.map(() => randomUUID());
    // Appends of at most ENQUEUE_BYTES of job data each, well under the server's 1 MiB maximum append size.
    let batch: EventData[] = [];
    let bytes = 0;
    for (const [i, job] of jobs.entries()) {
      const size = Buffer.byteLength(JSON.stringify(job));
      if (batch.length > 0 && bytes + size > ENQUEUE_BYTES) {
        await this.conn.append(this.naming.jobs, batch, ANY);
        batch = [];
        bytes = 0;
      }
      batch.push(jsonEvent({ id: ids[i], type: JOB_EVENT, data: job as unknown as JSONType }));
      bytes += size;
    }
    if (batch.length > 0) await this.conn.append(this.naming.jobs, batch, ANY);
    return ids;
  }

  async result(attemptId: string): Promise<EventOf<'TraceObserved'> | null> {
    const [first] = await this.conn.read(this.naming.attempt(attemptId), START, false, 1);
    if (!first) return null;
    const { event } = decodeRecorded(`attempt-${attemptId}`, first, this.location);
    if (event.type !== 'TraceObserved' || event.data.traceId !== attemptId)
      throw new CorruptStoreError(`attempt-${attemptId}@0 in ${this.location} is not the TraceObserved of ${attemptId}`);
    return event;
  }

  async storeResult(event: EventOf<'TraceObserved'>): Promise<'stored' | 'duplicate'> {
    const checked = checkEvent(event);
    if (E.isLeft(checked)) throw new StoreError(`refusing to store the result of ${event.data.traceId}: ${checked.left}`);
    if (event.id !== attemptEventId(event.data.traceId)) throw new StoreError(`refusing to store the result of ${event.data.traceId}: its event id is not the attempt id`);
    const outcome = await this.conn.append(this.naming.attempt(event.data.traceId), [toEventData(event)], NO_STREAM);
    if (outcome.kind === 'conflict') return 'duplicate';
    // The same event id at NO_STREAM is acknowledged as a retry of the first write, whoever made it: compare.
    const stored = await this.result(event.data.traceId);
    return stored && JSON.stringify(stored.data) === JSON.stringify(event.data) ? 'stored' : 'duplicate';
  }

  async parkedHead(): Promise<number> {
    const [last] = await this.conn.read(this.parkedStream, END, true, 1);
    return last?.event ? Number(last.event.revision) : -1;
  }

  async parked(after: number): Promise<{ jobs: ParkedJob[]; last: number }> {
    const links = await this.conn.read(this.parkedStream, BigInt(after + 1), false, Number.MAX_SAFE_INTEGER);
    const jobs: ParkedJob[] = [];
    let last = after;
    for (const { event: link } of links) {
      if (!link) continue;
      last = Number(link.revision);
      const target = Buffer.from(link.data as Uint8Array).toString('utf8');
      const at = /^(\d+)@(.+)$/.exec(target);
      const meta = isRecord(link.metadata) ? link.metadata : {};
      const reason = typeof meta.reason === 'string' ? meta.reason.replace(NACK_PREFIX, '').replace(/\s*\n\s*/g, '; ').trim() : 'no reason given';
      const when = typeof meta.added === 'string' ? meta.added : link.created.toISOString();
      if (!at || at[2] !== this.naming.jobs) continue;
      const [job] = await this.conn.read(this.naming.jobs, BigInt(at[1]), false, 1);
      if (!job?.event) continue;
      const decoded = job.event.type === JOB_EVENT ? decodeAttemptJob(job.event.data) : E.left('not a job');
      jobs.push({ jobId: job.event.id, job: E.isRight(decoded) ? decoded.right : null, reason, at: when });
    }
    return { jobs, last };
  }

  async consume(o: { readonly name: string; readonly capacity: number; readonly onJob: (delivery: JobDelivery) => void }): Promise<JobConsumer> {
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(withDefaultDeadline(withParam(this.url, 'connectionName', o.name), this.conn.deadlineMs));
    } catch (err) {
      throw new StoreError(`invalid worker name ${o.name}: ${err instanceof Error ? firstLine(err.message) : String(err)}`);
    }
    const subscription = client.subscribeToPersistentSubscriptionToStream(this.naming.jobs, WORKER_GROUP, { bufferSize: o.capacity });
    let stopping = false;
    let settle: { resolve: () => void; reject: (e: Error) => void } = { resolve: () => undefined, reject: () => undefined };
    const done = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const stop = async () => {
      stopping = true;
      await subscription.unsubscribe();
      await client.dispose();
      settle.resolve();
    };
    subscription.on('error', (err) => {
      if (stopping) return;
      const gone = err instanceof PersistentSubscriptionDoesNotExistError;
      settle.reject(gone ? new StoreError(`EventStoreDB at ${this.location}: there is no worker group ${WORKER_GROUP} on ${this.naming.jobs} (never created, or deleted)`) : this.conn.failure(err, 'taking jobs'));
    });
    subscription.on('end', () => {
      if (!stopping) settle.reject(this.conn.unavailable('the server ended the job subscription'));
    });
    done.catch(() => client.dispose());
    // Jobs come only after the server confirmed the subscription; a refusal arrives as an error instead.
    await Promise.race([new Promise<void>((resolve) => subscription.once('confirmation', () => resolve())), done]);
    subscription.on('data', (resolved: PersistentSubscriptionToStreamResolvedEvent) => {
      const e = resolved.event;
      if (!e) return;
      const job = e.type === JOB_EVENT && e.isJson ? decodeAttemptJob(e.data) : E.left(`event ${e.id} is a ${e.type}, not a ${JOB_EVENT}`);
      o.onJob({
        jobId: e.id,
        job,
        retryCount: resolved.retryCount,
        ack: () => subscription.ack(resolved),
        nack: (action, reason) => subscription.nack(action, reason, resolved),
      });
    });
    return { done, stop };
  }

  async info(): Promise<WorkInfo | null> {
    try {
      const info = await this.conn.client.getPersistentSubscriptionToStreamInfo(this.naming.jobs, WORKER_GROUP);
      return {
        stream: this.naming.jobs,
        group: WORKER_GROUP,
        settings: { jobTimeoutMs: info.settings.messageTimeout, maxRetries: info.settings.maxRetryCount, strategy: info.settings.consumerStrategyName },
        workers: info.connections.map((c) => ({ name: c.connectionName, from: c.from, inFlight: c.inFlightMessages, jobsTaken: Number(c.totalItems) })),
        inFlight: info.stats.totalInFlightMessages,
        parked: Number(info.stats.parkedMessageCount),
      };
    } catch (err) {
      if (err instanceof PersistentSubscriptionDoesNotExistError) return null;
      throw this.conn.failure(err, `reading the worker group ${WORKER_GROUP} on ${this.naming.jobs}`);
    }
  }
}
