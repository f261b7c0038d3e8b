import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import {
  BranchName,
  IsoTime,
  intIn,
  NonEmptyText,
  numberIn,
  ProposalId,
  Sha256Hex,
  strict,
  TagName,
  TraceId,
  Uuid,
  WeaknessId,
} from './codecs.js';
import { Harness } from './harness.js';
import { Edit } from './edits.js';
import { formatDecodeError } from './decode.js';
import { compileGuard } from './guard.js';

/** The schema version every event written by this code carries in its metadata. */
export const SCHEMA_VERSION = 1;

/** A model as a branch records it: id, endpoint and sampling parameters. Never a key. */
export const ModelRef = strict(
  'ModelRef',
  { id: NonEmptyText },
  {
    baseUrl: t.string,
    params: strict('ModelParams', {}, { temperature: numberIn(0, 2), maxTokens: intIn(1, 1_000_000), topP: numberIn(0, 1) }),
  },
);
export type ModelRef = t.TypeOf<typeof ModelRef>;

export const Split = t.keyof({ opt: null, gate: null, test: null, adhoc: null }, 'Split');
export type Split = t.TypeOf<typeof Split>;

export const ExitReason = t.keyof(
  {
    finished: null,
    step_budget: null,
    wall_timeout: null,
    policy_stop: null,
    model_error: null,
    environment_unavailable: null,
    sandbox_error: null,
  },
  'ExitReason',
);
export type ExitReason = t.TypeOf<typeof ExitReason>;

export const VerifierCause = t.keyof(
  {
    missing_required_artifact: null,
    missing_dependency: null,
    agent_timeout: null,
    verifier_runtime_error: null,
    verifier_assertion: null,
    reward_zero: null,
    unknown: null,
  },
  'VerifierCause',
);
export const CausalStatus = t.keyof({ root_cause: null, contributor: null, friction: null, unknown: null }, 'CausalStatus');

const Feature = t.union([t.number, t.boolean, t.string]);

export const TraceObserved = strict(
  'TraceObserved',
  {
    traceId: TraceId,
    taskId: NonEmptyText,
    taskHash: Sha256Hex,
    split: Split,
    attempt: intIn(0, 1_000),
    seed: intIn(0, 2 ** 31 - 1),
    harnessHash: Sha256Hex,
    model: ModelRef,
    outcome: strict('Outcome', {
      passed: t.boolean,
      reward: numberIn(0, 1),
      exitReason: ExitReason,
      verifierExcerpt: t.string,
    }),
    features: t.record(t.string, Feature),
    usage: strict('Usage', { modelCalls: intIn(0, 1e9), promptTokens: intIn(0, 1e12), completionTokens: intIn(0, 1e12) }),
    steps: intIn(0, 1e6),
    traceBlob: Sha256Hex,
  },
  { iteration: intIn(0, 1e6), candidate: t.string, cassetteBlob: Sha256Hex },
);

export const WeaknessClassified = strict(
  'WeaknessClassified',
  {
    weaknessId: WeaknessId,
    signature: strict('Signature', { verifierCause: VerifierCause, causalStatus: CausalStatus, mechanism: NonEmptyText }),
    description: NonEmptyText,
    traceIds: t.array(TraceId),
    evidence: t.array(strict('Evidence', { traceId: TraceId, step: intIn(0, 1e6), excerpt: t.string })),
    support: intIn(0, 1e6),
    actionable: t.boolean,
  },
  { iteration: intIn(0, 1e6), skippedBecause: t.string },
);

export const Prediction = strict('Prediction', { fixes: t.array(t.string), risks: t.array(t.string) });

export const EditProposed = strict(
  'EditProposed',
  {
    proposalId: ProposalId,
    weaknessIds: t.array(WeaknessId),
    edit: Edit,
    rationale: NonEmptyText,
    source: t.keyof({ human: null, model: null, random: null, 'cherry-pick': null }),
    baseHarnessHash: Sha256Hex,
  },
  {
    iteration: intIn(0, 1e6),
    expectedEffect: t.string,
    regressionRisk: t.string,
    protectedTasks: t.array(t.string),
    prediction: Prediction,
    origin: strict('Origin', { branch: BranchName, proposalId: ProposalId }),
  },
);

const SplitTally = strict('SplitTally', { split: Split, attempts: intIn(0, 1e9), baseline: intIn(0, 1e9), candidate: intIn(0, 1e9) });
const TaskTally = strict('TaskTally', {
  taskId: t.string,
  split: Split,
  attempts: intIn(0, 1e6),
  baseline: intIn(0, 1e6),
  candidate: intIn(0, 1e6),
});

/** How a decision was validated: a person's say-so, or the regression gate's results. */
export const ValidationRecord = t.union(
  [
    strict('HumanValidation', { kind: t.literal('human') }),
    strict(
      'GatedValidation',
      {
        kind: t.literal('gated'),
        attemptsPerTask: intIn(1, 1_000),
        splits: t.array(SplitTally),
        tasks: t.array(TaskTally),
        verdict: t.keyof({ pass: null, fail: null }),
        reasons: t.array(t.string),
      },
      {
        predictionHits: strict('PredictionHits', {
          fixesHit: t.array(t.string),
          fixesMissed: t.array(t.string),
          risksHit: t.array(t.string),
          risksAvoided: t.array(t.string),
        }),
      },
    ),
  ],
  'ValidationRecord',
);
export type ValidationRecord = t.TypeOf<typeof ValidationRecord>;

export const EventData = {
  HarnessInitialized: strict('HarnessInitialized', {
    branch: BranchName,
    model: ModelRef,
    harness: Harness,
    version: t.literal(1),
    harnessHash: Sha256Hex,
  }),
  BranchCreated: strict('BranchCreated', {
    branch: BranchName,
    parent: strict('ParentRef', { branch: BranchName, version: intIn(1, 1e9) }),
    model: ModelRef,
    reason: t.string,
    harnessHash: Sha256Hex,
  }),
  IterationStarted: strict('IterationStarted', {
    iteration: intIn(1, 1e6),
    baselineHarnessHash: Sha256Hex,
    suiteHash: Sha256Hex,
    splits: strict('Splits', { opt: t.array(t.string), gate: t.array(t.string), test: t.array(t.string) }),
    seeds: t.array(intIn(0, 2 ** 31 - 1)),
    settings: t.record(t.string, t.union([t.number, t.string, t.boolean])),
  }),
  TraceObserved,
  WeaknessClassified,
  EditProposed,
  EditAccepted: strict('EditAccepted', { proposalId: ProposalId, validation: ValidationRecord }),
  EditRejected: strict('EditRejected', { proposalId: ProposalId, reason: NonEmptyText }, { validation: ValidationRecord }),
  EditReverted: strict('EditReverted', { proposalId: ProposalId, reason: NonEmptyText, inverse: Edit }),
  VersionCommitted: strict(
    'VersionCommitted',
    {
      version: intIn(2, 1e9),
      proposalIds: t.array(ProposalId),
      reverted: t.array(ProposalId),
      harnessHash: Sha256Hex,
    },
    { merge: ValidationRecord },
  ),
  VersionTagged: strict('VersionTagged', { tag: TagName, version: intIn(1, 1e9) }),
  IterationEnded: strict('IterationEnded', {
    iteration: intIn(1, 1e6),
    committedVersion: t.union([intIn(2, 1e9), t.null]),
    accepted: t.array(ProposalId),
    rejected: t.array(ProposalId),
    invalid: t.array(strict('InvalidProposal', { weaknessId: t.string, reason: NonEmptyText })),
    usage: strict('IterationUsage', { taskRuns: intIn(0, 1e9), modelCalls: intIn(0, 1e12), tokens: intIn(0, 1e15) }),
    reason: NonEmptyText,
  }),
  IdsReserved: strict(
    'IdsReserved',
    {
      kind: t.keyof({ rule: null, policy: null, proposal: null, weakness: null }),
      from: intIn(1, 1e12),
      count: intIn(1, 1e6),
    },
    /** The loop iteration the ids were reserved for: a replay hands out the same ids in the same order. */
    { purpose: strict('IdsPurpose', { branch: BranchName, iteration: intIn(1, 1e6) }) },
  ),
  /**
   * The attempts one step of the loop decided on (baseline, a candidate, a merge, a test-split score),
   * in task-then-attempt order, and which of them ran in this step rather than being reused.
   */
  EvaluationRecorded: strict('EvaluationRecorded', {
    /** The evolve iteration, or 0 for a decision outside one (a cherry-pick). */
    iteration: intIn(0, 1e6),
    label: NonEmptyText,
    harnessHash: Sha256Hex,
    traceIds: t.array(t.string),
    ranHere: t.array(t.string),
  }),
  /** Where the recorded responses of the loop's own model calls (classifier, proposer) are: cassette indexes by attempt id. */
  RoleCallsRecorded: strict('RoleCallsRecorded', {
    iteration: intIn(1, 1e6),
    role: t.keyof({ classifier: null, proposer: null }),
    cassettes: t.array(strict('RoleCassette', { attemptId: t.string, cassetteBlob: Sha256Hex })),
  }),
} as const;

export type EventType = keyof typeof EventData;
export const EVENT_TYPES = Object.keys(EventData) as EventType[];
export type DataOf<K extends EventType> = t.TypeOf<(typeof EventData)[K]>;

export const Metadata = strict(
  'Metadata',
  {
    at: IsoTime,
    actor: NonEmptyText,
    correlationId: Uuid,
    causationId: t.union([Uuid, t.null]),
    schema: intIn(1, 1000),
  },
);
export type Metadata = t.TypeOf<typeof Metadata>;

export type TackEvent = { [K in EventType]: { id: string; type: K; data: DataOf<K>; metadata: Metadata } }[EventType];
export type EventOf<K extends EventType> = Extract<TackEvent, { type: K }>;

const EnvelopeShape = strict('Envelope', { id: Uuid, type: t.string, data: t.unknown, metadata: Metadata });

/** A readable place in the store: `stream@revision`. */
export interface Where {
  readonly stream: string;
  readonly revision: number;
}
export const whereText = (w: Where): string => `${w.stream}@${w.revision}`;

const isEventType = (type: string): type is EventType => Object.prototype.hasOwnProperty.call(EventData, type);

/**
 * Compiled guards (see guard.ts): they accept only what the io-ts guards below accept, much faster.
 * Each is compiled when first needed (compiling them all cost a short command a twentieth of its
 * start).
 */
let envelopeGuard: ((u: unknown) => boolean) | undefined;
const dataGuards = new Map<string, (u: unknown) => boolean>();
const dataGuardOf = (type: string): ((u: unknown) => boolean) | undefined => {
  let guard = dataGuards.get(type);
  if (!guard && isEventType(type)) dataGuards.set(type, (guard = compileGuard(EventData[type])));
  return guard;
};

/**
 * Whether a value is an event this code reads, as its codecs say (the fast path of decodeEvent: it
 * allocates nothing). False can also mean "ask decodeEvent", which decides and explains.
 */
export const isReadableEvent = (raw: unknown): raw is TackEvent => {
  if (!(envelopeGuard ??= compileGuard(EnvelopeShape))(raw)) return false;
  const { type, data, metadata } = raw as { type: string; data: unknown; metadata: Metadata };
  const dataGuard = dataGuardOf(type);
  return dataGuard !== undefined && metadata.schema <= SCHEMA_VERSION && dataGuard(data);
};

/**
 * Decode one stored event. A malformed or unknown event fails with one line naming the stream,
 * the revision and the field.
 */
export const decodeEvent = (where: Where, raw: unknown): E.Either<string, TackEvent> => {
  // Fast paths: type guards allocate nothing; a full decode runs only to explain a failure.
  if (isReadableEvent(raw)) return E.right(raw);
  if (EnvelopeShape.is(raw) && isEventType(raw.type) && raw.metadata.schema <= SCHEMA_VERSION) {
    if ((EventData[raw.type] as t.Mixed).is(raw.data)) return E.right(raw as TackEvent);
  }
  const env = EnvelopeShape.decode(raw);
  if (E.isLeft(env)) return E.left(`${whereText(where)}: malformed event: ${formatDecodeError(env.left)}`);
  const { id, type, data, metadata } = env.right;
  if (!isEventType(type)) return E.left(`${whereText(where)}: unknown event type "${type}" (event ${id})`);
  if (metadata.schema > SCHEMA_VERSION)
    return E.left(`${whereText(where)}: event ${id} has schema ${metadata.schema}, newer than this tack reads (${SCHEMA_VERSION})`);
  const codec = EventData[type] as t.Mixed;
  const d = codec.decode(data);
  if (E.isLeft(d)) return E.left(`${whereText(where)}: malformed ${type} event ${id}: data.${formatDecodeError(d.left)}`);
  return E.right({ id, type, data: d.right, metadata } as TackEvent);
};

/** Check a new event before it is written: the same codecs as reading, so nothing unreadable is ever stored. */
export const checkEvent = (e: TackEvent): E.Either<string, TackEvent> => decodeEvent({ stream: '(new)', revision: -1 }, e);

/** An event without its envelope: what decisions return before ids and metadata are assigned. */
export type Draft = { [K in EventType]: { type: K; data: DataOf<K> } }[EventType];
