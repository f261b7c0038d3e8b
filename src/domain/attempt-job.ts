import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { BranchName, intIn, NonEmptyText, Sha256Hex, strict, TraceId, Uuid } from './codecs.js';
import { Harness } from './harness.js';
import { ModelRef, Split } from './events.js';
import { formatDecodeError } from './decode.js';

/**
 * An attempt job: everything a worker on another machine needs to run one attempt exactly as
 * `tack evolve` would have run it here. The harness travels whole (it is small, declarative data) with
 * its hash; the task travels by suite folder, id and content hash, so a worker whose checkout differs
 * refuses it instead of running something else. The model is a reference without any key: a worker
 * takes keys from its own environment.
 */
export const AttemptJob = strict(
  'AttemptJob',
  {
    attemptId: TraceId,
    /** The key traceIdFor mixes in (`evolve` for gated runs): a worker recomputes the attempt id from it. */
    attemptKey: NonEmptyText,
    branch: BranchName,
    harness: Harness,
    harnessHash: Sha256Hex,
    model: ModelRef,
    task: strict('JobTask', { suite: NonEmptyText, id: NonEmptyText, hash: Sha256Hex, split: Split }),
    attempt: intIn(0, 1_000),
    seed: intIn(0, 2 ** 31 - 1),
    /** Record every model response as a cassette blob. */
    record: t.boolean,
    /** What the queueing run asked for; a worker never runs with less isolation than it was started with. */
    unsafeNoSandbox: t.boolean,
    /** Envelope fields for the TraceObserved the worker makes. */
    correlationId: Uuid,
    causationId: t.union([Uuid, t.null]),
  },
  { iteration: intIn(0, 1e6), candidate: t.string },
);
export type AttemptJob = t.TypeOf<typeof AttemptJob>;

export const decodeAttemptJob = (u: unknown): E.Either<string, AttemptJob> => E.mapLeft(formatDecodeError)(AttemptJob.decode(u));

/**
 * The event id of an attempt's TraceObserved: the attempt id's 128 bits written as a UUID. Whoever
 * records the attempt (this process, a worker, a copy into another branch) writes the same event id,
 * so a store deduplicates a repeated write by id.
 */
export const attemptEventId = (attemptId: string): string => {
  const hex = attemptId.slice(2, 34);
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not an attempt id: ${attemptId}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
