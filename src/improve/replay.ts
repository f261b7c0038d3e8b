import { canonicalJson } from '../domain/canonical.js';
import { firstDifference } from '../domain/difference.js';
import type { DataOf, EventOf, ModelRef, TackEvent } from '../domain/events.js';
import { ModelRef as ModelRefCodec } from '../domain/events.js';
import { decodeWith } from '../domain/decode.js';
import { branchStream, CorruptStoreError, IDS_STREAM, type Store } from '../store/port.js';
import { overlayStore } from '../store/overlay.js';
import { foldLineage, ID_PREFIX, loadBranch, readLineage, type IdKind } from '../app/history.js';
import { fromEvent, runSuite, type Observation } from '../app/run-suite.js';
import { loadTrajectory } from '../app/traces.js';
import type { StampContext } from '../app/envelope.js';
import { TackError } from '../app/errors.js';
import { modelClient } from '../agent/model-client.js';
import { CassetteCorruptError, CassetteDivergenceError, CassetteError, CassettePlayer, putCassette, type CassetteFile, type CassetteIndex } from '../agent/cassette.js';
import type { ChatRequest, TurnKey } from '../agent/chat.js';
import type { ChatEndpoint } from '../agent/endpoint.js';
import type { SandboxOptions, Suite } from '../tasks/index.js';
import { iteration, type EvaluationRequest, type IterationOptions, type LoopEffects } from './evolve.js';
import { gate, tallies } from './gate.js';
import * as E from 'fp-ts/lib/Either.js';

/**
 * Reproducing a branch's evolution from its history. Each finished iteration is run again through the
 * same code as `tack evolve` (`iteration` in evolve.ts) on a scratch copy of the branch, with its
 * effects served from the recording: the attempts each step decided on (EvaluationRecorded), the ids
 * it reserved (IdsReserved with their purpose), the responses of its own model calls (RoleCallsRecorded
 * cassettes). Every event the replay makes must equal the recorded one, field for field.
 *
 * - `decisions`: nothing runs; the recorded traces are the evidence.
 * - `execute`: every attempt runs again in the sandbox with the recorded model responses (cassettes),
 *   the recorded clock readings and the fixed environment (TZ=UTC, LC_ALL=C, fixed file times), and
 *   what it observes must equal the recorded TraceObserved before the decisions are compared.
 */
export type ReplayMode = 'decisions' | 'execute';

export interface ReplayOptions {
  readonly store: Store;
  readonly branch: string;
  readonly suite: Suite;
  readonly mode: ReplayMode;
  readonly concurrency: number;
  readonly sandbox: SandboxOptions;
  readonly stampContext: StampContext;
  /** Cassettes to use instead of the recorded ones, by attempt (trace) id: a what-if replay. */
  readonly cassetteOverrides?: ReadonlyMap<string, CassetteFile>;
  readonly progress?: (line: string) => void;
}

export interface Divergence {
  readonly iteration: number;
  /** The recorded event the replay disagrees with (stream@revision and type), or the attempt. */
  readonly where: string;
  readonly field: string;
  readonly recorded: unknown;
  readonly replayed: unknown;
  readonly attempt?: { readonly traceId: string; readonly taskId: string; readonly attempt: number; readonly turn?: number };
  readonly message: string;
}

export interface IterationReplay {
  readonly iteration: number;
  readonly status: 'matched' | 'diverged' | 'corrupt' | 'open' | 'not-recorded';
  readonly events: number;
  readonly attemptsRun: number;
  readonly note?: string;
}

export interface BranchReplay {
  readonly branch: string;
  readonly mode: ReplayMode;
  readonly status: 'matched' | 'diverged' | 'corrupt' | 'not-recorded' | 'nothing to replay';
  readonly iterations: IterationReplay[];
  /** Harness hashes re-derived by folding the branch (every version). */
  readonly versions: number;
  /** Cherry-picked proposals gated again from their recorded evidence. */
  readonly cherryPicks: number;
  readonly divergence: Divergence | null;
  readonly corrupt: string | null;
}

class Diverged extends Error {
  constructor(readonly detail: Omit<Divergence, 'iteration'>) {
    super(detail.message);
  }
}
class NotRecorded extends Error {}

const text = (x: unknown) => (x === undefined ? 'undefined' : canonicalJson(x));

const short = (x: unknown): string => {
  const s = text(x);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
};

/** Which model turn a difference inside a chat request belongs to: assistant message k is turn k. */
const turnOfMessage = (messages: unknown, field: string): number | undefined => {
  const m = /^messages\[(\d+)\]/.exec(field);
  if (!m || !Array.isArray(messages)) return undefined;
  const k = Number(m[1]);
  const assistantsBefore = messages.slice(0, k).filter((x) => (x as { role?: string }).role === 'assistant').length;
  return (messages[k] as { role?: string } | undefined)?.role === 'assistant' ? assistantsBefore : Math.max(0, assistantsBefore - 1);
};

/** Wraps a cassette player: notes which attempts asked, and keeps every cassette problem with the request that met it. */
class Watched implements ChatEndpoint {
  readonly used = new Set<string>();
  readonly problems: { error: CassetteError; request: ChatRequest }[] = [];
  constructor(private readonly inner: ChatEndpoint) {}
  async send(request: ChatRequest, key: TurnKey, signal?: AbortSignal): Promise<unknown> {
    this.used.add(key.attemptId);
    try {
      return await this.inner.send(request, key, signal);
    } catch (e) {
      if (e instanceof CassetteError) this.problems.push({ error: e, request });
      throw e;
    }
  }
}

const recordedRequest = async (store: Store, attemptId: string, index: CassetteIndex | string | undefined, turn: number): Promise<unknown> =>
  index === undefined ? undefined : (await new CassettePlayer(store.blobs, { [attemptId]: index }).recorded(attemptId, turn))?.request;

/** A cassette problem as the replay reports it: corruption stays corruption, a changed request is a divergence at its turn. */
const cassetteProblem = async (store: Store, indexes: Readonly<Record<string, CassetteIndex | string>>, p: { error: CassetteError; request: ChatRequest }, trace?: { traceId: string; taskId: string; attempt: number }): Promise<Error> => {
  const e = p.error;
  if (e instanceof CassetteCorruptError) return new CorruptStoreError(e.message);
  if (e instanceof CassetteDivergenceError) {
    const before = await recordedRequest(store, e.attemptId, indexes[e.attemptId], e.turn).catch(() => undefined);
    const d = before === undefined ? null : firstDifference(before, p.request);
    const turn = d ? (turnOfMessage((before as { messages?: unknown }).messages, d.field) ?? e.turn) : e.turn;
    return new Diverged({
      where: `attempt ${e.attemptId}`,
      field: d ? `turn ${turn}: ${d.field}` : `turn ${e.turn}: request`,
      recorded: d?.recorded ?? e.expectedHash,
      replayed: d?.replayed ?? e.actualHash,
      ...(trace ? { attempt: { ...trace, turn } } : {}),
      message: `attempt ${e.attemptId}${trace ? ` (${trace.taskId}, attempt ${trace.attempt})` : ''} diverges at turn ${turn}: ${d ? `${d.field} was ${short(d.recorded)}, the replay has ${short(d.replayed)}` : `the request differs from the recording (hash ${e.actualHash.slice(0, 12)}, recorded ${e.expectedHash.slice(0, 12)})`}`,
    });
  }
  return new Diverged({ where: `attempt ${e.attemptId}`, field: `turn ${e.turn}`, recorded: null, replayed: null, message: `${e.message}: the replay asked the model something the recording never answered` });
};

interface Window {
  readonly n: number;
  readonly started: EventOf<'IterationStarted'>;
  /** Own-stream events before IterationStarted. */
  readonly prefix: TackEvent[];
  /** Recorded events of the iteration, with where they are. */
  readonly events: { event: TackEvent; revision: number }[];
  readonly ended: boolean;
}

const windowsOf = (own: readonly { event: TackEvent; revision: number }[]): Window[] => {
  const out: Window[] = [];
  own.forEach((r, i) => {
    if (r.event.type !== 'IterationStarted') return;
    const n = r.event.data.iteration;
    const end = own.findIndex((x, j) => j > i && x.event.type === 'IterationEnded' && x.event.data.iteration === n);
    out.push({
      n,
      started: r.event,
      prefix: own.slice(0, i).map((x) => x.event),
      events: own.slice(i, end < 0 ? own.length : end + 1),
      ended: end >= 0,
    });
  });
  return out;
};

/** Replay every finished iteration of a branch, stopping at the first divergence. */
export const replayBranch = async (o: ReplayOptions): Promise<BranchReplay> => {
  const stream = branchStream(o.branch);
  const lineage = await readLineage(o.store.events, o.branch);
  const state = foldLineage(lineage); // re-derives and checks every version's harness hash
  const own = lineage.filter((e) => e.stream === stream).map((e) => ({ event: e.event, revision: e.revision }));
  const ids = (await o.store.events.read(IDS_STREAM)).map((r) => r.event).filter((e): e is EventOf<'IdsReserved'> => e.type === 'IdsReserved');
  const byTraceId = new Map<string, EventOf<'TraceObserved'>>();
  for (const e of lineage) if (e.event.type === 'TraceObserved' && !byTraceId.has(e.event.data.traceId)) byTraceId.set(e.event.data.traceId, e.event);
  const result = (status: BranchReplay['status'], iterations: IterationReplay[], divergence: Divergence | null = null, corrupt: string | null = null): BranchReplay => ({
    branch: o.branch,
    mode: o.mode,
    status,
    iterations,
    versions: state.versions.length,
    cherryPicks: picks,
    divergence,
    corrupt,
  });
  let picks = 0;
  const windows = windowsOf(own);
  const picked = own.filter((x) => x.event.type === 'EditProposed' && x.event.data.source === 'cherry-pick');
  if (windows.length === 0 && picked.length === 0) return result('nothing to replay', []);
  const done: IterationReplay[] = [];
  const replayed = new Map<string, EventOf<'TraceObserved'>>();
  for (const w of windows) {
    if (!w.ended) {
      done.push({ iteration: w.n, status: 'open', events: w.events.length, attemptsRun: 0, note: 'still open: finish it with tack evolve' });
      continue;
    }
    o.progress?.(`${o.branch}: replaying iteration ${w.n} (${o.mode})`);
    const r = await replayIteration(o, w, ids, byTraceId, replayed);
    done.push(r.summary);
    if (r.summary.status === 'diverged') return result('diverged', done, { iteration: w.n, ...r.divergence! });
    if (r.summary.status === 'corrupt') return result('corrupt', done, null, r.corrupt!);
    if (r.summary.status === 'not-recorded') return result('not-recorded', done);
  }
  for (const p of picked) {
    const d = regateCherryPick(own, p.event as EventOf<'EditProposed'>, byTraceId, stream);
    if (d === 'not-recorded') continue;
    if (d) return result('diverged', done, { iteration: 0, ...d });
    picks++;
  }
  return result('matched', done);
};

/** A cherry-pick's gate decision, derived again from the evidence it recorded. */
const regateCherryPick = (
  own: readonly { event: TackEvent; revision: number }[],
  p: EventOf<'EditProposed'>,
  byTraceId: ReadonlyMap<string, EventOf<'TraceObserved'>>,
  stream: string,
): Omit<Divergence, 'iteration'> | null | 'not-recorded' => {
  const id = p.data.proposalId;
  const ev = (label: string) => own.map((x) => x.event).find((e): e is EventOf<'EvaluationRecorded'> => e.type === 'EvaluationRecorded' && e.data.label === label);
  const base = ev(`cherry-pick:${id}:baseline`);
  const cand = ev(`cherry-pick:${id}:candidate`);
  const decision = own.find((x) => (x.event.type === 'EditAccepted' || x.event.type === 'EditRejected') && x.event.data.proposalId === id);
  if (!base || !cand || !decision) return 'not-recorded';
  const recordedValidation = (decision.event as EventOf<'EditAccepted'> | EventOf<'EditRejected'>).data.validation;
  if (!recordedValidation || recordedValidation.kind !== 'gated') return 'not-recorded';
  const obs = (e: EventOf<'EvaluationRecorded'>) => e.data.traceIds.map((t) => byTraceId.get(t)).filter((x): x is EventOf<'TraceObserved'> => !!x).map((x) => fromEvent(x, true));
  const again = gate(tallies(obs(base)), tallies(obs(cand)), recordedValidation.attemptsPerTask);
  const where = `${stream}@${decision.revision} ${decision.event.type}`;
  const replayedEvent = again.verdict === 'pass' ? { type: 'EditAccepted', data: { proposalId: id, validation: again } } : { type: 'EditRejected', data: { proposalId: id, reason: again.reasons.join('; '), validation: again } };
  const d = firstDifference({ type: decision.event.type, data: decision.event.data }, replayedEvent);
  return d ? { where, field: d.field, recorded: d.recorded, replayed: d.replayed, message: `${where} (cherry-pick ${id}) differs: ${d.field} was ${short(d.recorded)}, the replay derives ${short(d.replayed)}` } : null;
};

const replayIteration = async (
  o: ReplayOptions,
  w: Window,
  ids: readonly EventOf<'IdsReserved'>[],
  byTraceId: ReadonlyMap<string, EventOf<'TraceObserved'>>,
  replayed: Map<string, EventOf<'TraceObserved'>>,
): Promise<{ summary: IterationReplay; divergence?: Omit<Divergence, 'iteration'>; corrupt?: string }> => {
  const n = w.n;
  const stream = branchStream(o.branch);
  const settings = w.started.data.settings;
  if (w.started.data.suiteHash !== o.suite.hash)
    throw new TackError(`iteration ${n} of ${o.branch} ran on suite ${w.started.data.suiteHash.slice(0, 12)}, but ${o.suite.dir} is ${o.suite.hash.slice(0, 12)}: pass the suite it ran on with --suite`);
  const recorded = w.events.filter((x) => x.event.type !== 'TraceObserved');
  const inputs = w.events.map((x) => x.event);
  const evaluations = new Map<string, DataOf<'EvaluationRecorded'>>();
  for (const e of inputs) if (e.type === 'EvaluationRecorded' && !evaluations.has(e.data.label)) evaluations.set(e.data.label, e.data);
  const roleIndexes: Record<string, string> = {};
  for (const e of inputs) if (e.type === 'RoleCallsRecorded') for (const c of e.data.cassettes) roleIndexes[c.attemptId] = c.cassetteBlob;
  const reservations = new Map<IdKind, EventOf<'IdsReserved'>[]>();
  for (const r of ids) if (r.data.purpose?.branch === o.branch && r.data.purpose.iteration === n) reservations.set(r.data.kind, [...(reservations.get(r.data.kind) ?? []), r]);
  const resumed = new Set(inputs.map((e) => e.metadata.correlationId)).size > 1;
  const summary = (status: IterationReplay['status'], events: number, attemptsRun: number, note?: string): IterationReplay => ({ iteration: n, status, events, attemptsRun, ...(note ? { note } : {}) });
  if (evaluations.size === 0) return { summary: summary('not-recorded', 0, 0, 'recorded before evaluations were recorded (no EvaluationRecorded): nothing to replay from') };

  const overlay = overlayStore(o.store, stream);
  await overlay.events.seed([...w.prefix, ...inputs.filter((e) => e.type === 'TraceObserved')]);
  const baseLoaded = await loadBranch(overlay.events, o.branch);
  const model = baseLoaded.state.model;
  let attemptsRun = 0;

  const traceFor = (id: string): EventOf<'TraceObserved'> => {
    const t = byTraceId.get(id);
    if (!t) throw new NotRecorded(`trace ${id} is not in the history of ${o.branch}`);
    return t;
  };
  const checkRequest = (r: EvaluationRequest): DataOf<'EvaluationRecorded'> => {
    const rec = evaluations.get(r.label);
    if (!rec) throw new Diverged({ where: `iteration ${n}`, field: 'evaluations', recorded: [...evaluations.keys()], replayed: r.label, message: `the replay evaluates ${r.label}, which the recorded iteration never did` });
    if (rec.harnessHash !== r.harnessHash)
      throw new Diverged({ where: `evaluation ${r.label}`, field: 'harnessHash', recorded: rec.harnessHash, replayed: r.harnessHash, message: `${r.label}: the recording evaluated harness ${rec.harnessHash.slice(0, 12)}, the replay derives ${r.harnessHash.slice(0, 12)}` });
    const wanted = r.tasks.flatMap((t) => Array.from({ length: r.attempts }, (_, a) => `${t.id}#${a}`));
    const had = rec.traceIds.map((id) => {
      const t = traceFor(id).data;
      return `${t.taskId}#${t.attempt}`;
    });
    if (text(wanted) !== text(had)) {
      const d = firstDifference(had, wanted)!;
      throw new Diverged({ where: `evaluation ${r.label}`, field: `attempts${d.field}`, recorded: d.recorded, replayed: d.replayed, message: `${r.label}: the recording ran other attempts (${d.field}: ${short(d.recorded)} vs ${short(d.replayed)})` });
    }
    return rec;
  };

  const executeAttempts = async (r: EvaluationRequest, rec: DataOf<'EvaluationRecorded'>): Promise<Observation[]> => {
    const todo = rec.traceIds.filter((id) => !replayed.has(id)).map(traceFor);
    if (todo.length) {
      const indexes: Record<string, CassetteIndex | string> = {};
      const clocks = new Map<string, number[]>();
      const attemptIds = new Map<string, string>();
      for (const t of todo) {
        const override = o.cassetteOverrides?.get(t.data.traceId);
        if (!override && !t.data.cassetteBlob) throw new NotRecorded(`trace ${t.data.traceId} was recorded without a cassette (evolve --no-record)`);
        indexes[t.data.traceId] = override ? await putCassette(overlay.blobs, { ...override, attemptId: t.data.traceId }) : t.data.cassetteBlob!;
        const traj = await loadTrajectory(o.store, t.data.traceBlob);
        clocks.set(t.data.traceId, ((traj.extra as { clock?: number[] } | undefined)?.clock ?? []).slice());
        attemptIds.set(`${t.data.taskId}\u0000${t.data.attempt}`, t.data.traceId);
      }
      const player = new Watched(new CassettePlayer(overlay.blobs, indexes, { onDivergence: 'fail' }));
      const got = new Map<string, EventOf<'TraceObserved'>>();
      const taskIds = new Set(todo.map((t) => t.data.taskId));
      const reuse = new Map<string, EventOf<'TraceObserved'>>();
      // Attempts of these tasks already replayed (or not needed) are not run again.
      const needed = new Set(todo.map((t) => `${t.data.taskId}\u0000${t.data.attempt}`));
      await runSuite({
        store: overlay,
        branch: o.branch,
        harness: r.harness,
        harnessHash: r.harnessHash,
        model,
        tasks: r.tasks.filter((t) => taskIds.has(t.id)),
        attempts: r.attempts,
        concurrency: o.concurrency,
        agent: 'llm',
        sandbox: o.sandbox,
        cassettes: { kind: 'replay', indexes: {} },
        endpoint: player,
        stampContext: o.stampContext,
        record: true,
        clocks,
        attemptIds,
        reuse,
        include: (taskId, attempt) => needed.has(`${taskId}\u0000${attempt}`),
        sink: async (e) => {
          got.set(e.data.traceId, e);
        },
      });
      attemptsRun += todo.length;
      for (const t of todo) {
        const problem = player.problems.find((p) => p.error.attemptId === t.data.traceId);
        if (problem) throw await cassetteProblem(overlay, indexes, problem, { traceId: t.data.traceId, taskId: t.data.taskId, attempt: t.data.attempt });
        const again = got.get(t.data.traceId);
        const { cassetteBlob: _c, iteration: _i, candidate: _k, ...was } = t.data;
        const now = again ? (({ cassetteBlob: _c2, iteration: _i2, candidate: _k2, ...rest }) => rest)(again.data) : undefined;
        const d = firstDifference(was, now);
        if (d)
          throw new Diverged({
            where: `attempt ${t.data.traceId}`,
            field: d.field,
            recorded: d.recorded,
            replayed: d.replayed,
            attempt: { traceId: t.data.traceId, taskId: t.data.taskId, attempt: t.data.attempt },
            message: `attempt ${t.data.traceId} (${t.data.taskId}, attempt ${t.data.attempt}) observed something else: ${d.field} was ${short(d.recorded)}, the replay has ${short(d.replayed)}`,
          });
        replayed.set(t.data.traceId, t);
      }
    }
    return rec.traceIds.map((id) => fromEvent(traceFor(id), !rec.ranHere.includes(id)));
  };

  const roleModel = typeof settings.proposerModel === 'string' ? decodeModel(settings.proposerModel) : model;
  const rolePlayer = new Watched(new CassettePlayer(overlay.blobs, roleIndexes, { onDivergence: 'fail' }));
  const taken = new Set<string>();
  const effects: LoopEffects = {
    evaluate: async (r) => {
      const rec = checkRequest(r);
      return o.mode === 'execute' ? executeAttempts(r, rec) : rec.traceIds.map((id) => fromEvent(traceFor(id), !rec.ranHere.includes(id)));
    },
    mint: async (kind: IdKind, count: number) => {
      const next = reservations.get(kind)?.shift();
      if (!next) throw new Diverged({ where: `iteration ${n}`, field: `ids.${kind}`, recorded: null, replayed: count, message: `the replay reserves ${count} ${kind} id(s) the recorded iteration never reserved` });
      if (next.data.count !== count)
        throw new Diverged({ where: `ids@${kind}${next.data.from}`, field: 'count', recorded: next.data.count, replayed: count, message: `the replay reserves ${count} ${kind} id(s) where the recording reserved ${next.data.count}` });
      return Array.from({ length: count }, (_, i) => `${ID_PREFIX[kind]}${next.data.from + i}`);
    },
    openRoles: async (m: ModelRef) => ({
      client: modelClient(m, rolePlayer),
      takeRecorded: async () => {
        const fresh = [...rolePlayer.used].filter((a) => !taken.has(a)).sort();
        fresh.forEach((a) => taken.add(a));
        return fresh.map((attemptId) => ({ attemptId, cassetteBlob: roleIndexes[attemptId] }));
      },
      close: async () => {},
    }),
  };
  const opts: IterationOptions = {
    store: overlay,
    branch: o.branch,
    suite: o.suite,
    attempts: Number(settings.attempts),
    testAttempts: Number(settings.testAttempts),
    candidates: Number(settings.candidates),
    concurrency: Number(settings.concurrency),
    proposer: settings.proposer === 'random' ? 'random' : 'model',
    ...(typeof settings.proposerModel === 'string' ? { proposerModel: roleModel } : {}),
    stampContext: o.stampContext,
  };
  const usage = { taskRuns: 0, modelCalls: 0, tokens: 0 };
  let failure: unknown = null;
  try {
    await iteration(opts, baseLoaded, n, false, usage, effects, () => false);
  } catch (e) {
    failure = e;
  }
  // Compare what the replay appended with what was recorded, event by event.
  const seeded = w.prefix.length + inputs.filter((e) => e.type === 'TraceObserved').length;
  const made = (await overlay.events.read(stream)).slice(seeded).map((r) => r.event);
  for (let i = 0; i < Math.min(made.length, recorded.length); i++) {
    const rec = recorded[i].event;
    const mine = made[i];
    const where = `${stream}@${recorded[i].revision} ${rec.type}`;
    let a: unknown = { type: rec.type, data: rec.data };
    let b: unknown = { type: mine.type, data: mine.data };
    if (resumed && rec.type === 'IterationEnded' && mine.type === 'IterationEnded') {
      // A resumed iteration counts only the work of the process that finished it.
      const strip = (x: TackEvent) => ({ type: x.type, data: { ...(x.data as object), usage: null, invalid: null } });
      a = strip(rec);
      b = strip(mine);
    }
    const d = firstDifference(a, b);
    if (d)
      return {
        summary: summary('diverged', i, attemptsRun),
        divergence: { where, field: d.field, recorded: d.recorded, replayed: d.replayed, message: `${where} differs: ${d.field} was ${short(d.recorded)}, the replay derives ${short(d.replayed)}` },
      };
  }
  if (failure) {
    for (const p of rolePlayer.problems) {
      const err = await cassetteProblem(overlay, roleIndexes, p);
      if (err instanceof CorruptStoreError) return { summary: summary('corrupt', made.length, attemptsRun), corrupt: err.message };
    }
    if (failure instanceof CorruptStoreError || failure instanceof CassetteCorruptError) return { summary: summary('corrupt', made.length, attemptsRun), corrupt: failure.message };
    if (failure instanceof CassetteError && rolePlayer.problems.length) {
      const err = await cassetteProblem(overlay, roleIndexes, rolePlayer.problems[0]);
      if (err instanceof Diverged) return { summary: summary('diverged', made.length, attemptsRun), divergence: err.detail };
    }
    if (failure instanceof Diverged) return { summary: summary('diverged', made.length, attemptsRun), divergence: failure.detail };
    if (failure instanceof NotRecorded) return { summary: summary('not-recorded', made.length, attemptsRun, failure.message) };
    throw failure;
  }
  if (made.length !== recorded.length) {
    const extra = made.length > recorded.length;
    const e = extra ? made[recorded.length] : recorded[made.length].event;
    return {
      summary: summary('diverged', Math.min(made.length, recorded.length), attemptsRun),
      divergence: {
        where: extra ? `${stream} (after ${recorded.length} recorded events)` : `${stream}@${recorded[made.length].revision} ${e.type}`,
        field: 'type',
        recorded: extra ? null : e.type,
        replayed: extra ? e.type : null,
        message: extra ? `the replay makes a ${e.type} the recorded iteration does not have` : `the recorded iteration has a ${e.type} the replay does not make`,
      },
    };
  }
  return { summary: summary('matched', made.length, attemptsRun, resumed ? 'resumed once: its work counts were not compared' : undefined) };
};

const decodeModel = (json: string): ModelRef => {
  const r = decodeWith(ModelRefCodec, JSON.parse(json));
  if (E.isLeft(r)) throw new TackError(`the recorded proposer model is unreadable: ${r.left}`);
  return r.right;
};
