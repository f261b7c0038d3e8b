import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { harnessHash, minimalHarness, type Harness } from '../../src/domain/harness.js';
import { humanEdit, revert, tag, createBranch, propose, accept, reject, commit } from '../../src/domain/decide.js';
import { foldEvents, type BranchState } from '../../src/domain/fold.js';
import type { Draft, TackEvent, ValidationRecord } from '../../src/domain/events.js';
import type { Edit } from '../../src/domain/edits.js';
import { stamp } from '../../src/app/envelope.js';
import { openFileStore } from '../../src/store/file.js';
import { branchStream } from '../../src/store/port.js';
import { tackAsync } from './cli.js';
import { tempDir } from './store-factories.js';

/**
 * Golden histories: built deterministically through the domain's own decisions (fixed clock and
 * ids), so they are valid by construction and the same on every run.
 */
export interface GoldenRecord {
  readonly stream: string;
  readonly event: TackEvent;
}
export interface GoldenHistory {
  readonly name: string;
  readonly description: string;
  readonly records: GoldenRecord[];
  /** The commands whose output is pinned, by output file name. */
  readonly outputs: Record<string, string[]>;
}

class Builder {
  records: GoldenRecord[] = [];
  states = new Map<string, BranchState>();
  private n = 0;
  constructor(private readonly actor: string) {}

  private emit(branch: string, drafts: Draft[], actor = this.actor) {
    const events = stamp(drafts, {
      actor,
      correlationId: `00000000-0000-4000-9000-${String(this.n + 1).padStart(12, '0')}`,
      clock: { now: () => new Date(Date.UTC(2026, 10, 1, 9, 0, 0) + this.n * 60_000) },
      newId: () => `00000000-0000-4000-8000-${String(++this.n).padStart(12, '0')}`,
    });
    const stream = branchStream(branch);
    const own = this.records.filter((r) => r.stream === stream).length;
    const r = foldEvents(this.states.get(branch) ?? null, events.map((event, i) => ({ stream, revision: own + i, event })));
    if (r._tag === 'Left') throw new Error(`golden history invalid: ${r.left.message}`);
    this.states.set(branch, r.right);
    this.records.push(...events.map((event) => ({ stream, event })));
  }
  private decided(d: { _tag: string; left?: string; right?: Draft[] }): Draft[] {
    if (d._tag === 'Left') throw new Error(d.left);
    return d.right!;
  }
  s(branch: string) {
    return this.states.get(branch)!;
  }
  init(branch: string, model: string, harness: Harness) {
    this.emit(branch, [{ type: 'HarnessInitialized', data: { branch, model: { id: model }, harness, version: 1, harnessHash: harnessHash(harness) } }]);
  }
  edit(branch: string, id: string, edit: Edit, why: string) {
    this.emit(branch, this.decided(humanEdit(this.s(branch), id, edit, why)));
  }
  branch(name: string, parent: string, version: number, model: string) {
    const p = this.s(parent);
    const at = this.records.filter((r) => r.stream === branchStream(parent));
    const cut = at.findIndex((r) => (r.event.type === 'VersionCommitted' && r.event.data.version === version) || (version === 1 && r.event.type === 'HarnessInitialized'));
    const parentAt = foldEvents(null, at.slice(0, cut + 1).map((r, i) => ({ stream: r.stream, revision: i, event: r.event })));
    if (parentAt._tag === 'Left' || p.version < version) throw new Error('bad fork');
    this.states.set(name, parentAt.right);
    this.emit(name, this.decided(createBranch(name, parentAt.right, { id: model }, `branch for model ${model}`)));
  }
  tag(branch: string, name: string, version: number) {
    this.emit(branch, this.decided(tag(this.s(branch), name, version)));
  }
  revert(branch: string, id: string, why: string) {
    this.emit(branch, this.decided(revert(this.s(branch), id, why)));
  }
  raw(branch: string, drafts: Draft[], actor?: string) {
    this.emit(branch, drafts, actor);
  }
  propose(branch: string, p: Parameters<typeof propose>[1]) {
    this.emit(branch, this.decided(propose(this.s(branch), p)), 'tack:evolve');
  }
  accept(branch: string, id: string, v: ValidationRecord) {
    this.emit(branch, this.decided(accept(this.s(branch), id, v)), 'tack:evolve');
  }
  reject(branch: string, id: string, reason: string, v: ValidationRecord) {
    this.emit(branch, this.decided(reject(this.s(branch), id, reason, v)), 'tack:evolve');
  }
  commit(branch: string, ids: string[]) {
    this.emit(branch, this.decided(commit(this.s(branch), ids)), 'tack:evolve');
  }
}

const trace = (n: number, taskId: string, split: 'opt' | 'gate' | 'test', passed: boolean, hash: string): Draft => ({
  type: 'TraceObserved',
  data: {
    traceId: `t-${n.toString(16).padStart(16, '0')}`,
    taskId,
    taskHash: n.toString(16).padStart(64, 'c'),
    split,
    attempt: n % 2,
    seed: 1000 + n,
    harnessHash: hash,
    model: { id: 'qwen3.5-35b' },
    outcome: { passed, reward: passed ? 1 : 0, exitReason: passed ? 'finished' : 'step_budget', verifierExcerpt: passed ? 'ok' : 'FAIL: /app/out.txt missing' },
    features: { identicalFailingRepeats: passed ? 0 : 4, readOnlyStreak: 2 },
    usage: { modelCalls: 12, promptTokens: 24000, completionTokens: 1800 },
    steps: 12,
    traceBlob: n.toString(16).padStart(64, 'b'),
    iteration: 1,
  },
});

export const goldenHistories = (): GoldenHistory[] => {
  const h0 = minimalHarness(['R1', 'R2', 'R3', 'R4']);

  const a = new Builder('human:ada');
  a.init('main', 'm1', h0);
  a.edit('main', 'E1', { op: 'AddRule', rule: { id: 'R5', section: 'general', text: 'Create required output files first.' } }, 'outputs were missing');
  a.edit('main', 'E2', { op: 'AddRule', rule: { id: 'R6', section: 'recovery', text: 'Never retry an identical failing command.' } }, 'loops on failures');
  a.edit('main', 'E3', { op: 'SetPolicy', policy: { id: 'P1', kind: 'ExplorationLimit', params: { maxReadOnlySteps: 6, message: 'Stop reading; act now.' } } }, 'probes too long');
  a.branch('qwen', 'main', 3, 'qwen3.5-35b');
  a.edit('qwen', 'E4', { op: 'AddRule', rule: { id: 'R7', section: 'execution', text: 'Persist PATH across shells.' } }, 'env lost between calls');
  a.edit('qwen', 'E5', { op: 'SetToolOption', tool: 'bash', option: 'session', value: 'persistent' }, 'keep the shell');
  a.edit('main', 'E6', { op: 'ReplaceRule', id: 'R5', text: 'Create each required output file before anything else.' }, 'sharper wording');
  a.tag('main', 'production', 4);
  a.edit('main', 'E7', { op: 'SetLimit', limit: 'maxSteps', value: 60 }, 'long tasks');
  a.revert('main', 'E7', 'more steps did not help');
  a.edit('qwen', 'E8', { op: 'RemoveRule', id: 'R6' }, 'persistence made it moot');

  const b = new Builder('human:ada');
  b.init('main', 'qwen3.5-35b', h0);
  const base = b.s('main').harnessHash;
  b.raw(
    'main',
    [
      {
        type: 'IterationStarted',
        data: { iteration: 1, baselineHarnessHash: base, suiteHash: 'd'.repeat(64), splits: { opt: ['csv-report', 'build-fix'], gate: ['log-scan'], test: ['git-rescue'] }, seeds: [1000, 1001], settings: { attempts: 2, candidates: 4 } },
      },
      trace(1, 'csv-report', 'opt', false, base),
      trace(2, 'csv-report', 'opt', false, base),
      trace(3, 'build-fix', 'opt', true, base),
      trace(4, 'build-fix', 'opt', true, base),
      trace(5, 'log-scan', 'gate', true, base),
      trace(6, 'log-scan', 'gate', false, base),
      {
        type: 'WeaknessClassified',
        data: {
          weaknessId: 'W1',
          signature: { verifierCause: 'missing_required_artifact', causalStatus: 'root_cause', mechanism: 'identical_command_repeated' },
          description: 'After a failing build command the agent reran it unchanged until the step budget ran out, never writing /app/out.txt.',
          traceIds: ['t-0000000000000001', 't-0000000000000002'],
          evidence: [
            { traceId: 't-0000000000000001', step: 7, excerpt: '$ make all -> make: *** No rule to make target (4th identical run)' },
            { traceId: 't-0000000000000002', step: 9, excerpt: '$ make all -> make: *** No rule to make target (5th identical run)' },
          ],
          support: 2,
          actionable: true,
          iteration: 1,
        },
      },
    ],
    'tack:evolve',
  );
  const guard = { id: 'P1', kind: 'DuplicateCommandGuard' as const, params: { allowedRepeats: 1, message: 'That command already failed; change your approach.' } };
  b.propose('main', {
    proposalId: 'E1',
    edit: { op: 'SetPolicy', policy: guard },
    rationale: 'Refuse an identical rerun of a failing command so the agent changes approach.',
    source: 'model',
    weaknessIds: ['W1'],
    extra: { iteration: 1, expectedEffect: 'csv-report passes', regressionRisk: 'low', protectedTasks: ['build-fix'], prediction: { fixes: ['csv-report'], risks: [] } },
  });
  b.propose('main', {
    proposalId: 'E2',
    edit: { op: 'SetPolicy', policy: { id: 'P2', kind: 'ToolCallBudget', params: { maxCalls: 5, action: 'stop', message: 'Budget exhausted.' } } },
    rationale: 'Stop runaway loops early.',
    source: 'model',
    weaknessIds: ['W1'],
    extra: { iteration: 1, expectedEffect: 'fewer wasted steps', regressionRisk: 'long tasks may be cut', protectedTasks: ['build-fix'], prediction: { fixes: ['csv-report'], risks: ['build-fix'] } },
  });
  const gated = (candidateOpt: number, candidateGate: number, tasks: [string, 'opt' | 'gate', number, number][], verdict: 'pass' | 'fail', reasons: string[], hits: Pick<Extract<ValidationRecord, { kind: 'gated' }>, 'predictionHits'>): ValidationRecord => ({
    kind: 'gated',
    attemptsPerTask: 2,
    splits: [
      { split: 'opt', attempts: 4, baseline: 2, candidate: candidateOpt },
      { split: 'gate', attempts: 2, baseline: 1, candidate: candidateGate },
    ],
    tasks: tasks.map(([taskId, split, baseline, candidate]) => ({ taskId, split, attempts: 2, baseline, candidate })),
    verdict,
    reasons,
    ...hits,
  });
  b.accept(
    'main',
    'E1',
    gated(4, 2, [['csv-report', 'opt', 0, 2], ['build-fix', 'opt', 2, 2], ['log-scan', 'gate', 1, 2]], 'pass', ['opt +2, gate +1, no protected task regressed'], {
      predictionHits: { fixesHit: ['csv-report'], fixesMissed: [], risksHit: [], risksAvoided: [] },
    }),
  );
  b.reject(
    'main',
    'E2',
    'protected task build-fix passed 2/2 at baseline and 0/2 with the candidate',
    gated(2, 1, [['csv-report', 'opt', 0, 2], ['build-fix', 'opt', 2, 0], ['log-scan', 'gate', 1, 1]], 'fail', ['per-task guard: build-fix 2/2 -> 0/2'], {
      predictionHits: { fixesHit: ['csv-report'], fixesMissed: [], risksHit: ['build-fix'], risksAvoided: [] },
    }),
  );
  b.commit('main', ['E1']);
  b.tag('main', 'evolved-1', 2);

  return [
    {
      name: 'two-branches',
      description: 'Edits by hand on main and a qwen branch forked at version 3; a replaced rule, a tag, a revert, a removed rule, a tool option and a limit.',
      records: a.records,
      outputs: {
        'harness.main.json': ['show', 'main', '--json'],
        'harness.qwen.json': ['show', 'qwen', '--json'],
        'harness.production.json': ['show', 'production', '--json'],
        'log.main.txt': ['log'],
        'log.qwen.txt': ['log', '--branch', 'qwen'],
        'blame.main.txt': ['blame', 'main'],
        'blame.qwen.txt': ['blame', 'qwen'],
        'why.R5.txt': ['why', 'R5', '--branch', 'main'],
        'why.R6.txt': ['why', 'R6', '--branch', 'qwen'],
        'why.P1.txt': ['why', 'P1', '--branch', 'main'],
        'why.tools.bash.session.txt': ['why', 'tools.bash.session'],
        'why.limits.maxSteps.txt': ['why', 'limits.maxSteps'],
        'diff.main.qwen.txt': ['diff', 'main', 'qwen'],
      },
    },
    {
      name: 'evolved',
      description: 'One Self-Harness iteration: traces, a weakness, two model proposals, one accepted by the gate and one rejected by the per-task guard, a commit and a tag.',
      records: b.records,
      outputs: {
        'harness.main.json': ['show', 'main', '--json'],
        'log.main.txt': ['log'],
        'blame.main.txt': ['blame'],
        'why.P1.txt': ['why', 'P1'],
        'why.P1.json': ['why', 'P1', '--json'],
      },
    },
  ];
};

/** Load a history file into a fresh file store, one batch per run of consecutive events of a stream. */
export const loadGolden = async (historyFile: string): Promise<string> => {
  const dir = await tempDir('tack-golden-');
  const store = await openFileStore(join(dir, '.tack'), { create: true });
  const records: GoldenRecord[] = readFileSync(historyFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  let i = 0;
  while (i < records.length) {
    let j = i;
    while (j < records.length && records[j].stream === records[i].stream && records[j].event.metadata.correlationId === records[i].event.metadata.correlationId) j++;
    const head = await store.events.head(records[i].stream);
    await store.events.append(records[i].stream, records.slice(i, j).map((r) => r.event), head < 0 ? 'no_stream' : head);
    i = j;
  }
  return dir;
};

/** Every pinned output of a golden history, as the real bin prints it. */
export const snapshotOutputs = async (g: GoldenHistory, historyFile: string): Promise<Record<string, string>> => {
  const dir = await loadGolden(historyFile);
  const out: Record<string, string> = {};
  for (const [file, args] of Object.entries(g.outputs)) {
    const r = await tackAsync(dir, args);
    if (r.code !== 0) throw new Error(`tack ${args.join(' ')} failed on ${g.name}: ${r.stderr}`);
    out[file] = r.stdout;
  }
  return out;
};
