import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT, tackAsync, treeDigest } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';
import { openFileStore } from '../../src/store/file.js';
import type { TackEvent } from '../../src/domain/events.js';

const MINI = join(PROJECT, 'suites', 'mini');

/**
 * `tack replay`: an evolve iteration on sim:repeater (the mini suite), then its decisions re-derived
 * from the history alone, its attempts re-run from cassettes, and the ways a replay must fail: a
 * changed tool-call argument (a divergence at that turn), a corrupted cassette blob (corruption), a
 * forged decision (a divergence naming the event and field).
 */
describe('tack replay --decisions / --execute', () => {
  let dir = '';
  const ok = async (cwd: string, args: string[]) => {
    const r = await tackAsync(cwd, args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return r;
  };
  const replay = (cwd: string, args: string[]) => tackAsync(cwd, ['replay', '--suite', MINI, '--json', ...args]);

  before(async () => {
    dir = await tempDir();
    await ok(dir, ['init', '--model', 'sim:repeater']);
    await ok(dir, ['evolve', '--suite', MINI, '--iterations', '1', '--attempts', '2', '--candidates', '2', '--test-attempts', '1']);
  });

  it('--decisions re-derives every event of the iteration exactly, and writes nothing', async () => {
    const digest = treeDigest(join(dir, '.tack'));
    const r = await replay(dir, ['--decisions']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const j = JSON.parse(r.stdout);
    assert.equal(j.branches.length, 1);
    const b = j.branches[0];
    assert.equal(b.status, 'matched');
    assert.equal(b.iterations[0].status, 'matched');
    // IterationStarted, evaluations, weaknesses, proposals, decisions, merge, IterationEnded: all compared.
    assert.ok(b.iterations[0].events >= 8, `only ${b.iterations[0].events} events compared`);
    assert.equal(b.iterations[0].attemptsRun, 0);
    assert.ok(b.versions >= 1);
    assert.equal(treeDigest(join(dir, '.tack')), digest, 'a replay writes nothing to the store');
  });

  it('--execute re-runs every attempt from the cassettes to the same observations and decisions', async () => {
    const r = await replay(dir, ['--execute', '--concurrency', '2']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const b = JSON.parse(r.stdout).branches[0];
    assert.equal(b.status, 'matched', JSON.stringify(b.divergence));
    const traces = JSON.parse((await ok(dir, ['traces', '--json'])).stdout).traces as { traceId: string }[];
    assert.equal(b.iterations[0].attemptsRun, new Set(traces.map((t) => t.traceId)).size);
  });

  it('a changed tool-call argument in a cassette is reported as a divergence at that turn', async () => {
    const traces = JSON.parse((await ok(dir, ['traces', '--json'])).stdout).traces as { traceId: string; split: string }[];
    // The first opt attempt with a tool call after turn 0.
    let target: { traceId: string; turn: number } | null = null;
    for (const t of traces.filter((x) => x.split === 'opt')) {
      const c = JSON.parse((await ok(dir, ['trace', 'cassette', t.traceId])).stdout);
      const turn = c.turns.find((x: { turn: number; response: { choices: { message: { tool_calls?: unknown[] } }[] } }) => x.turn > 0 && x.turn < c.turns.length - 1 && x.response.choices[0].message.tool_calls?.length);
      if (turn) {
        turn.response.choices[0].message.tool_calls[0].function.arguments = JSON.stringify({ command: 'echo a different command' });
        writeFileSync(join(dir, 'changed.json'), JSON.stringify(c));
        target = { traceId: t.traceId, turn: turn.turn };
        break;
      }
    }
    assert.ok(target, 'no attempt with a tool call to change');
    const r = await replay(dir, ['--execute', '--cassette', `${target.traceId}=${join(dir, 'changed.json')}`]);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const b = JSON.parse(r.stdout).branches[0];
    assert.equal(b.status, 'diverged');
    assert.equal(b.divergence.attempt.traceId, target.traceId);
    assert.equal(b.divergence.attempt.turn, target.turn);
    assert.match(b.divergence.field, /tool_calls\[0\]\.function\.arguments/);
    assert.match(b.divergence.replayed, /a different command/);
  });

  it('a corrupted cassette blob is reported as corruption, not as a divergence', async () => {
    const copy = await tempDir();
    cpSync(join(dir, '.tack'), join(copy, '.tack'), { recursive: true });
    const traces = JSON.parse((await ok(copy, ['traces', '--json'])).stdout).traces as { traceId: string; split: string }[];
    const shown = JSON.parse((await ok(copy, ['trace', traces.find((t) => t.split === 'opt')!.traceId, '--json'])).stdout);
    const blobPath = (h: string) => join(copy, '.tack', 'blobs', h.slice(0, 2), h.slice(2));
    const index = JSON.parse(readFileSync(blobPath(shown.trace.cassetteBlob), 'utf8'));
    const entry = blobPath(index.turns['0'].blob);
    const bytes = readFileSync(entry);
    bytes[20] = bytes[20] === 0x41 ? 0x42 : 0x41;
    writeFileSync(entry, bytes);
    const r = await replay(copy, ['--execute']);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const b = JSON.parse(r.stdout).branches[0];
    assert.equal(b.status, 'corrupt');
    assert.equal(b.divergence, null);
    assert.match(b.corrupt, /corrupt entry for attempt t-[0-9a-f]+ turn 0/);
  });

  it('a forged gate decision in a copied history is a divergence naming the event and field', async () => {
    const forged = await tempDir();
    const src = await openFileStore(join(dir, '.tack'));
    const dst = await openFileStore(join(forged, '.tack'), { create: true });
    let changed = false;
    try {
      for (const stream of await src.events.listStreams()) {
        const events = (await src.events.read(stream)).map((r) => r.event);
        const out = events.map((e): TackEvent => {
          if (changed || e.type !== 'EditRejected' || !e.data.validation || e.data.validation.kind !== 'gated') return e;
          changed = true;
          const v = e.data.validation;
          return { ...e, data: { ...e.data, validation: { ...v, tasks: v.tasks.map((t, i) => (i === 0 ? { ...t, candidate: t.candidate === 0 ? 1 : 0 } : t)) } } };
        });
        await dst.events.append(stream, out, 'no_stream');
      }
    } finally {
      await src.close();
      await dst.close();
    }
    assert.ok(changed, 'the iteration rejected no gated proposal to forge');
    cpSync(join(dir, '.tack', 'blobs'), join(forged, '.tack', 'blobs'), { recursive: true });
    const r = await replay(forged, ['--decisions']);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const b = JSON.parse(r.stdout).branches[0];
    assert.equal(b.status, 'diverged');
    assert.match(b.divergence.where, /^branch-main@\d+ EditRejected$/);
    assert.match(b.divergence.field, /^data\.validation\.tasks\[0\]\.candidate$/);
  });

  it('refuses a suite that is not the one the iteration ran on, and bad options, with one line', async () => {
    const r = await tackAsync(dir, ['replay', '--decisions', '--suite', join(PROJECT, 'suites', 'core')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /^tack: iteration 1 of main ran on suite [0-9a-f]{12}, but .*suites\/core is [0-9a-f]{12}: pass the suite it ran on with --suite$/);
    const both = await tackAsync(dir, ['replay', '--decisions', '--execute']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /choose one of --decisions or --execute/);
    writeFileSync(join(dir, 'bad.json'), '{"kind":"nope"}');
    const bad = await tackAsync(dir, ['replay', '--execute', '--suite', MINI, '--cassette', `t-0123456789abcdef=${join(dir, 'bad.json')}`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr.trim(), /^tack: --cassette .*bad\.json: not a cassette document/);
  });
});
