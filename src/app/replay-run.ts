import { firstDifference } from '../domain/difference.js';
import type { DataOf, EventOf } from '../domain/events.js';
import type { Task } from '../tasks/index.js';
import type { Store } from '../store/port.js';
import type { SandboxOptions } from '../tasks/index.js';
import { atVersion, loadBranch } from './history.js';
import { branchTraces, loadTrajectory } from './traces.js';
import { runSuite } from './run-suite.js';
import { TackError } from './errors.js';
import type { StampContext } from './envelope.js';

/**
 * Re-run a recorded `tack run --record` from its cassettes alone (no model server, no network to a
 * model) and compare what each attempt observed with what was recorded.
 */
export interface ReplayOutcome {
  readonly attempts: number;
  readonly matched: number;
  /** The first attempt whose observation differs, and how. */
  readonly firstDifference: { traceId: string; taskId: string; attempt: number; field: string; recorded: unknown; replayed: unknown } | null;
}

export const replayRun = async (store: Store, branch: string, runId: string, tasksOf: (ids: readonly string[]) => readonly Task[], sandbox: SandboxOptions, ctx: StampContext, concurrency: number): Promise<ReplayOutcome> => {
  const recorded = (await branchTraces(store, branch)).filter((e) => e.metadata.correlationId === runId);
  if (recorded.length === 0) throw new TackError(`no recorded run ${runId} on ${branch} (its id is printed by tack run --record)`);
  const missing = recorded.filter((e) => !e.data.cassetteBlob);
  if (missing.length) throw new TackError(`run ${runId} was not recorded with --record: ${missing[0].data.traceId} has no cassette`);
  const hashes = new Set(recorded.map((e) => e.data.harnessHash));
  if (hashes.size !== 1) throw new TackError(`run ${runId} used ${hashes.size} harnesses; expected one`);
  const loaded = await loadBranch(store.events, branch);
  const version = loaded.state.versions.find((v) => v.harnessHash === recorded[0].data.harnessHash);
  if (!version) throw new TackError(`the harness of run ${runId} is not a version of ${branch}`);
  const state = atVersion(loaded, version.version).state;
  const indexes: Record<string, string> = {};
  const clocks = new Map<string, number[]>();
  for (const e of recorded) {
    indexes[e.data.traceId] = e.data.cassetteBlob!;
    const t = await loadTrajectory(store, e.data.traceBlob);
    clocks.set(e.data.traceId, ((t.extra as { clock?: number[] } | undefined)?.clock ?? []).slice());
  }
  const taskIds = [...new Set(recorded.map((e) => e.data.taskId))];
  const attempts = Math.max(...recorded.map((e) => e.data.attempt)) + 1;
  const replayed: EventOf<'TraceObserved'>[] = [];
  await runSuite({
    store,
    branch,
    harness: state.harness,
    harnessHash: state.harnessHash,
    model: recorded[0].data.model,
    tasks: tasksOf(taskIds),
    attempts,
    concurrency,
    agent: 'llm',
    sandbox,
    cassettes: { kind: 'replay', indexes },
    stampContext: ctx,
    attemptKey: runId,
    record: true,
    clocks,
    sink: async (e) => {
      replayed.push(e);
    },
  });
  const byId = new Map(replayed.map((e) => [e.data.traceId, e.data]));
  let matched = 0;
  for (const r of recorded) {
    const again: DataOf<'TraceObserved'> | undefined = byId.get(r.data.traceId);
    // The cassette pointer says where responses came from, not what was observed.
    const { cassetteBlob: _recordedFrom, ...recordedData } = r.data;
    const d = firstDifference(recordedData, again);
    if (d) return { attempts: recorded.length, matched, firstDifference: { traceId: r.data.traceId, taskId: r.data.taskId, attempt: r.data.attempt, ...d } };
    matched++;
  }
  return { attempts: recorded.length, matched, firstDifference: null };
};
