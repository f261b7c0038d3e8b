import type { EventOf } from '../domain/events.js';
import { branchStream } from '../store/port.js';
import { listBranches } from './history.js';
import { branchTraces } from './traces.js';
import { reuseIndex, runSuite, type Observation, type RunSuiteOptions } from './run-suite.js';
import { stamp } from './envelope.js';
import { attemptEventId } from '../domain/attempt-job.js';

/**
 * The attempt key of gated evaluations (evolve, cherry-pick): attempt ids depend only on the
 * experiment, so the same run is recognised wherever it happened.
 */
export const GATE_ATTEMPT_KEY = 'evolve';

/**
 * Run attempts for a decision on a branch. The same experiment (harness, model and parameters, task
 * content, seed) already run on any branch of the store is reused, not re-run, and evidence found on
 * another branch is copied into this one, so the branch's history holds everything it decided on.
 */
export const evaluateOnBranch = async (o: Omit<RunSuiteOptions, 'reuse' | 'attemptKey' | 'record' | 'agent'>): Promise<Observation[]> => {
  const everywhere: EventOf<'TraceObserved'>[] = [];
  for (const b of await listBranches(o.store.events)) everywhere.push(...(await branchTraces(o.store, b)));
  const own = new Set((await branchTraces(o.store, o.branch)).map((e) => e.data.traceId));
  const obs = await runSuite({ ...o, agent: 'llm', attemptKey: GATE_ATTEMPT_KEY, record: true, reuse: reuseIndex(everywhere) });
  const copies = obs.filter((x) => x.reused && x.event && !own.has(x.event.data.traceId)).map((x) => ({ type: 'TraceObserved' as const, data: x.event!.data }));
  // Each copy keeps the attempt id as its event id, like the original.
  const ids = copies.map((c) => attemptEventId(c.data.traceId));
  if (copies.length) await o.store.events.append(branchStream(o.branch), stamp(copies, { ...o.stampContext, newId: () => ids.shift()! }), 'any');
  return obs;
};
