import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { openFileStore } from '../../src/store/file.js';
import { verifyStore } from '../../src/app/verify.js';
import { loadBranch } from '../../src/app/history.js';
import { branchStream } from '../../src/store/port.js';
import { TACK_BIN, tackOk } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';

/** Deterministic pseudo-random delays, so a failing run can be repeated. */
const lcg = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

interface Trial {
  /** The command exited 0: it reported success, so its event must survive. */
  readonly acked: boolean;
  /** The SIGKILL reached a live process. */
  readonly killed: boolean;
  readonly ms: number;
}

/** Run `tack ARGS`, sending SIGKILL after `killAfterMs` unless it has exited (no kill when undefined). */
const runKilled = (cwd: string, args: string[], killAfterMs: number | undefined): Promise<Trial> =>
  new Promise((res) => {
    const t0 = Date.now();
    const p = spawn(process.execPath, [TACK_BIN, ...args], { cwd, env: { ...process.env, TACK_USER: 'crash' }, stdio: 'ignore' });
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => p.kill('SIGKILL'), killAfterMs);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      res({ acked: code === 0, killed: signal === 'SIGKILL', ms: Date.now() - t0 });
    });
  });

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Edits on a fresh store, each killed at a random moment of its life (seeded), until `kills` kills
 * landed; after every trial the store must open, verify, hold every acknowledged edit and no half one.
 */
const killTrials = async (seed: number, kills: number): Promise<{ killed: number; acked: number }> => {
  const dir = await tempDir();
  tackOk(dir, ['init', '--model', 'm1']);
  const rand = lcg(seed);
  const acked: string[] = [];
  // How long one edit takes changes with the machine's load, so the kill window follows the
  // durations of recent edits that ran to the end (every eighth trial runs without a kill).
  const recent: number[] = [];
  let killed = 0;
  let trials = 0;
  while (killed < kills) {
    assert.ok(trials < kills * 2, `only ${killed} of ${trials} trials were killed before finishing; the kill window is wrong`);
    const text = `rule ${trials}`;
    const measure = recent.length < 3 || trials % 8 === 0;
    const span = recent.length === 0 ? 0 : median(recent.slice(-5)) * 1.2;
    const r = await runKilled(dir, ['edit', 'add-rule', '--section', 'general', '--text', text, '--why', 'kill trial'], measure ? undefined : rand() * span);
    trials++;
    if (measure) {
      assert.ok(r.acked, `an edit without a kill failed (trial ${trials})`);
      recent.push(r.ms);
    }
    if (r.acked) acked.push(text);
    if (r.killed) killed++;
    const store = await openFileStore(join(dir, '.tack'));
    await verifyStore(store);
    const { state, lineage } = await loadBranch(store.events, 'main');
    const texts = new Set(state.harness.prompt.rules.map((x) => x.text));
    // Some kills land after the event is durable but before the process exits, so not every
    // killed edit is lost; what must hold is that no acknowledged one ever is.
    for (const a of acked) assert.ok(texts.has(a), `acknowledged "${a}" lost after trial ${trials}`);
    // No half command: every proposal in the history was committed in the same batch.
    for (const [id, p] of state.proposals) assert.equal(p.status, 'committed', `proposal ${id} left ${p.status} after trial ${trials}`);
    assert.equal(lineage.filter((l) => l.event.type === 'VersionCommitted').length, state.version - 1);
  }
  return { killed, acked: acked.length };
};

describe('crash safety', () => {
  it('SIGKILL of `tack edit` at random moments, 200 times, never corrupts or loses acknowledged events', async () => {
    // Two stores, 100 kills each, side by side: one trial at a time keeps only one core busy.
    const streams = await Promise.all([killTrials(42, 100), killTrials(7, 100)]);
    assert.equal(streams.reduce((n, s) => n + s.killed, 0), 200);
    for (const s of streams) assert.ok(s.acked >= 10, `only ${s.acked} edits finished; the test is not exercising success`);
  });

  it('two processes racing to append to one branch: one wins, one gets a clear conflict, 100 rounds', async () => {
    const dir = await tempDir();
    tackOk(dir, ['init', '--model', 'm1']);
    const writer = join(TACK_BIN, '..', '..', 'dist', 'test', 'support', 'race-writer.js');
    const storeDir = join(dir, '.tack');
    // The same two processes race every round (each reads the branch afresh, then both append at once).
    const procs = ['a', 'b'].map((w) => {
      const p = spawn(process.execPath, [writer, storeDir, 'main'], { stdio: ['pipe', 'pipe', 'inherit'] });
      const lines: string[] = [];
      let waiting: ((line: string) => void) | null = null;
      createInterface({ input: p.stdout }).on('line', (line) => (waiting ? (waiting(line), (waiting = null)) : lines.push(line)));
      const next = () => new Promise<string>((res) => (lines.length > 0 ? res(lines.shift()!) : (waiting = res)));
      const exited = new Promise<number | null>((res) => p.on('exit', (code) => res(code)));
      return { w, p, next, exited };
    });
    for (let round = 0; round < 100; round++) {
      for (const { w, p } of procs) p.stdin.write(`prepare race ${round}${w}\n`);
      for (const { next } of procs) assert.equal(await next(), 'ready', `round ${round}`);
      for (const { p } of procs) p.stdin.write('go\n');
      const results = await Promise.all(procs.map(({ next }) => next()));
      const wins = results.filter((r) => r === 'ok').length;
      assert.equal(wins, 1, `round ${round}: ${JSON.stringify(results)}`);
      const loser = results.find((r) => r !== 'ok')!;
      assert.match(loser, /^conflict: conflict on branch-main: expected revision \d+, but it is at revision \d+; another writer got there first/);
    }
    for (const { p } of procs) p.stdin.end('exit\n');
    for (const { exited } of procs) assert.equal(await exited, 0);
    const store = await openFileStore(storeDir);
    await verifyStore(store);
    const { state } = await loadBranch(store.events, 'main');
    assert.equal(state.version, 101);
    const races = state.harness.prompt.rules.filter((r) => r.text.startsWith('race '));
    assert.equal(races.length, 100);
    assert.equal(new Set(races.map((r) => r.text.slice(0, -1))).size, 100, 'a round stored twice');
    assert.equal((await store.events.read(branchStream('main'))).length, 1 + 3 * 100);
  });
});
