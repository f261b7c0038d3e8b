import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { applyEdit, type Edit } from '../src/domain/edits.js';
import { harnessHash, minimalHarness, type Harness } from '../src/domain/harness.js';
import type { Draft, TackEvent } from '../src/domain/events.js';
import { why } from '../src/domain/audit.js';
import { encodeRecord, GENESIS, openFileStore } from '../src/store/file.js';
import { loadBranch, loadState } from '../src/app/history.js';
import { stamp } from '../src/app/envelope.js';
import { sampleEvents } from '../test/support/events.js';

/**
 * History benchmarks: fold vs the JSON parse floor, durable appends vs SQLite, `why` on a long
 * history. Every figure is a ratio against a baseline measured in the same run.
 */
export const EVENT_MIX =
  'per iteration of 101 events: 1 IterationStarted, 90 TraceObserved, 3 WeaknessClassified, 3 EditProposed, 2 EditRejected, 1 EditAccepted, 1 VersionCommitted';

const time = <A>(f: () => A): { ms: number; value: A } => {
  const t0 = process.hrtime.bigint();
  const value = f();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
};
const timeAsync = async <A>(f: () => Promise<A>): Promise<{ ms: number; value: A }> => {
  const t0 = process.hrtime.bigint();
  const value = await f();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
};

/** Write a valid single-branch history of about `count` events straight into a file store. */
export const writeHistory = async (dir: string, count: number): Promise<{ ruleId: string }> => {
  await openFileStore(dir, { create: true });
  const fd = openSync(join(dir, 'streams', 'branch-main.jsonl'), 'w');
  let n = 0;
  let prev = GENESIS;
  let rev = 0;
  let chunk = '';
  const put = (drafts: Draft[]) => {
    for (const e of stamp(drafts, {
      actor: 'tack:bench',
      correlationId: '00000000-0000-4000-8000-000000000000',
      clock: { now: () => new Date(Date.UTC(2026, 0, 1) + n * 1000) },
      newId: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`,
    })) {
      const line = encodeRecord(rev++, [0, 1], prev, e as TackEvent);
      prev = line.slice(line.length - 67, line.length - 3);
      chunk += line;
    }
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  };
  let h: Harness = minimalHarness(['R1', 'R2', 'R3', 'R4']);
  put([{ type: 'HarnessInitialized', data: { branch: 'main', model: { id: 'bench' }, harness: h, version: 1, harnessHash: harnessHash(h) } }]);
  let version = 1;
  let proposal = 0;
  let rule = 4;
  let lastAdded = '';
  for (let it = 1; rev < count; it++) {
    const base = harnessHash(h);
    put([{ type: 'IterationStarted', data: { iteration: it, baselineHarnessHash: base, suiteHash: 'd'.repeat(64), splits: { opt: ['a', 'b'], gate: ['c'], test: ['d'] }, seeds: [1, 2], settings: { attempts: 2 } } }]);
    const traces: string[] = [];
    for (let k = 0; k < 90; k++) {
      const traceId = `t-${(it * 1000 + k).toString(16).padStart(16, '0')}`;
      traces.push(traceId);
      put([
        {
          type: 'TraceObserved',
          data: {
            traceId,
            taskId: `task-${k % 30}`,
            taskHash: 'c'.repeat(64),
            split: k % 3 === 0 ? 'gate' : 'opt',
            attempt: k % 2,
            seed: k,
            harnessHash: base,
            model: { id: 'bench', params: { temperature: 0.7 } },
            outcome: { passed: k % 4 !== 0, reward: k % 4 !== 0 ? 1 : 0, exitReason: 'finished', verifierExcerpt: 'FAILED test_outputs.py::test_file - AssertionError' },
            features: { identicalFailingRepeats: k % 5, readOnlyStreak: k % 7, finishedWithoutCheck: false },
            usage: { modelCalls: 14, promptTokens: 31000, completionTokens: 2100 },
            steps: 14,
            traceBlob: 'b'.repeat(64),
            iteration: it,
          },
        },
      ]);
    }
    const weaknesses = [1, 2, 3].map((w) => `W${it * 3 + w}`);
    for (const w of weaknesses)
      put([
        {
          type: 'WeaknessClassified',
          data: {
            weaknessId: w,
            signature: { verifierCause: 'verifier_assertion', causalStatus: 'root_cause', mechanism: 'identical_command_repeated' },
            description: 'reran a failing command unchanged',
            traceIds: traces.slice(0, 4),
            evidence: traces.slice(0, 2).map((traceId) => ({ traceId, step: 5, excerpt: '$ make -> error' })),
            support: 4,
            actionable: true,
            iteration: it,
          },
        },
      ]);
    const ids = [1, 2, 3].map(() => `E${++proposal}`);
    const accepted: Edit = lastAdded && it % 2 === 0 ? { op: 'RemoveRule', id: lastAdded } : { op: 'AddRule', rule: { id: `R${++rule}`, section: 'general', text: `Rule from iteration ${it}.` } };
    if (accepted.op === 'AddRule') lastAdded = accepted.rule.id;
    else lastAdded = '';
    const edits: Edit[] = [accepted, { op: 'SetLimit', limit: 'maxSteps', value: 10 + it }, { op: 'SetLimit', limit: 'wallSeconds', value: 60 + it }];
    ids.forEach((proposalId, i) =>
      put([{ type: 'EditProposed', data: { proposalId, weaknessIds: [weaknesses[i]], edit: edits[i], rationale: 'from the miner', source: 'model', baseHarnessHash: base } }]),
    );
    put([{ type: 'EditRejected', data: { proposalId: ids[1], reason: 'gate lost passes' } }]);
    put([{ type: 'EditRejected', data: { proposalId: ids[2], reason: 'gate lost passes' } }]);
    put([{ type: 'EditAccepted', data: { proposalId: ids[0], validation: { kind: 'gated', attemptsPerTask: 2, splits: [{ split: 'opt', attempts: 40, baseline: 20, candidate: 24 }], tasks: [], verdict: 'pass', reasons: ['opt +4'] } } }]);
    const next = applyEdit(h, accepted);
    if (next._tag === 'Left') throw new Error(next.left.message);
    h = next.right;
    put([{ type: 'VersionCommitted', data: { version: ++version, proposalIds: [ids[0]], reverted: [], harnessHash: harnessHash(h) } }]);
  }
  writeSync(fd, chunk);
  // On disk before anything is timed: the kernel writing hundreds of MB back later would land in
  // whatever figure runs then (the durable appends come next).
  fdatasyncSync(fd);
  closeSync(fd);
  return { ruleId: lastAdded || `R${rule - 1}` };
};

/** The floor: read the same file and JSON-parse every line, nothing else. */
const parseFloor = (file: string): number => {
  const buf = readFileSync(file);
  let pos = 0;
  let n = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    JSON.parse(buf.toString('utf8', pos, nl));
    pos = nl + 1;
    n++;
  }
  return n;
};

export interface Figure {
  readonly name: string;
  readonly ours: number;
  readonly baseline: number;
  readonly unit: string;
  /** ours / baseline for times (lower is better), or as stated. */
  readonly ratio: number;
  readonly goal: string;
  readonly met: boolean;
  readonly note?: string;
}

export const foldFigure = async (dir: string, events: number): Promise<Figure> => {
  await writeHistory(dir, events);
  const file = join(dir, 'streams', 'branch-main.jsonl');
  parseFloor(file);
  const floor = Math.min(...[0, 1].map(() => time(() => parseFloor(file)).ms));
  const store = await openFileStore(dir);
  const fold = (await timeAsync(() => loadState(store.events, 'main'))).ms;
  const ratio = fold / floor;
  return { name: `fold ${events.toLocaleString('en')} events (decode + fold) vs read+JSON.parse floor`, ours: fold, baseline: floor, unit: 'ms', ratio, goal: '<= 1.5x', met: ratio <= 1.5, note: EVENT_MIX };
};

/**
 * Durable appends of the file store vs SQLite storing the same events. Each batch is stored by both,
 * one right after the other (which goes first alternates), and each append is timed alone: on this
 * noisy machine a disk's flush can take twice as long for seconds at a time, and only batches taken
 * side by side see the same disk. The figure is SQLite's total time over the file store's for the
 * `batches` pairs after the first `warmup`, with whatever each pays now and then (SQLite's WAL
 * checkpoints, the file store's preallocation) counted where it falls: a long-lived writer's speed.
 * The first pairs are reported beside it: V8 optimizes the append path only after a few thousand
 * appends (each runs little JavaScript between its waits for the disk), so they show a process's
 * first appends. So is the spread over blocks of batches.
 */
export const appendFigure = async (dir: string, batches: number, warmup = batches, blocks = 10): Promise<Figure> => {
  mkdirSync(dir, { recursive: true });
  const store = await openFileStore(join(dir, 'tack'), { create: true });
  const db = new Database(join(dir, 'sqlite.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE events (stream TEXT NOT NULL, revision INTEGER NOT NULL, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL, PRIMARY KEY (stream, revision))');
  const insert = db.prepare('INSERT INTO events (stream, revision, id, body) VALUES (?, ?, ?, ?)');
  const batch = db.transaction((events: TackEvent[], from: number) => events.forEach((e, j) => insert.run('branch-main', from + j, e.id, JSON.stringify(e))));
  const total = warmup + batches;
  const payloads = Array.from({ length: total }, (_, i) => sampleEvents(3, i * 3));
  const ours = async (i: number) => (await timeAsync(() => store.events.append('branch-main', payloads[i], i === 0 ? 'no_stream' : i * 3 - 1))).ms;
  const sqlite = (i: number) => time(() => batch(payloads[i], i * 3)).ms;
  const times: { ours: number; sqlite: number }[] = [];
  for (let i = 0; i < total; i++) times.push(i % 2 === 0 ? { ours: await ours(i), sqlite: sqlite(i) } : { sqlite: sqlite(i), ours: await ours(i) });
  db.close();
  await store.close();
  const sum = (from: number, to: number) =>
    times.slice(from, to).reduce((a, t) => ({ ours: a.ours + t.ours, sqlite: a.sqlite + t.sqlite }), { ours: 0, sqlite: 0 });
  const first = sum(0, warmup);
  const all = sum(warmup, total);
  const size = Math.ceil(batches / blocks);
  const spread = Array.from({ length: blocks }, (_, b) => sum(warmup + b * size, Math.min(total, warmup + (b + 1) * size)))
    .filter((t) => t.ours > 0)
    .map((t) => t.sqlite / t.ours)
    .sort((a, b) => a - b);
  const ratio = all.sqlite / all.ours;
  return {
    name: `durable appends, ${batches} batches of 3 events after ${warmup}, each stored by both side by side: file store vs SQLite (WAL, synchronous=FULL)`,
    ours: all.ours / batches,
    baseline: all.sqlite / batches,
    unit: 'ms per batch',
    ratio,
    goal: 'speed >= 1.0x SQLite',
    met: ratio >= 1,
    note:
      `ratio = SQLite's total time / the file store's (above 1: faster than SQLite); both make each batch durable before the next; ` +
      `the first ${warmup} batches (a process's first appends): ${(first.sqlite / first.ours).toFixed(2)}x, ${(first.ours / warmup).toFixed(2)} ms vs ${(first.sqlite / warmup).toFixed(2)} ms; ` +
      `over ${spread.length} blocks of ${size} batches after them: lowest ${spread[0].toFixed(2)}x, highest ${spread[spread.length - 1].toFixed(2)}x`,
  };
};

export const whyFigure = async (dir: string, events: number): Promise<Figure> => {
  const { ruleId } = await writeHistory(dir, events);
  const file = join(dir, 'streams', 'branch-main.jsonl');
  const floor = time(() => parseFloor(file)).ms;
  const store = await openFileStore(dir);
  await loadBranch(store.events, 'main');
  const t = await timeAsync(async () => {
    const { state, lineage } = await loadBranch(store.events, 'main');
    const w = why(state, lineage, ruleId);
    if (!w) throw new Error(`why ${ruleId}: nothing`);
    return w;
  });
  return {
    name: `why ${ruleId} on a ${events.toLocaleString('en')}-event history (store open)`,
    ours: t.ms,
    baseline: floor,
    unit: 'ms',
    ratio: t.ms / floor,
    goal: '< 100 ms',
    met: t.ms < 100,
    note: 'timed after the store is open and the branch loaded once in this process (stream read, every hash checked, events decoded and folded); baseline = read+JSON.parse floor of the same file',
  };
};

export const writeResults = (file: string, figures: readonly Figure[]): void => writeFileSync(file, JSON.stringify({ figures }, null, 2) + '\n');
