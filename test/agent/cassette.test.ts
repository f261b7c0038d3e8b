import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBlobStore } from '../../src/store/memory.js';
import {
  CassetteCorruptError,
  CassetteDivergenceError,
  CassetteMissingError,
  CassettePlayer,
  CassetteRecorder,
  type CassetteIndex,
} from '../../src/agent/cassette.js';
import { modelClient } from '../../src/agent/model-client.js';
import { runAgent, type RunResult } from '../../src/agent/loop.js';
import { bash, call, finish } from '../support/scripted-llm.js';
import { runScripted, tempWorkspace, testHarness, tickingClock } from '../support/agent-fixtures.js';
import type { ModelRef } from '../../src/domain/events.js';

const ATTEMPT = 'task-1#0';

/** Record one run (server on), returning the blob store, the index hash and the run. */
const record = async (files: Record<string, string>) => {
  const blobs = new MemoryBlobStore();
  let recorder: CassetteRecorder | null = null;
  const { result, llm } = await runScripted({
    files,
    script: [bash('cat data.txt'), call('write_file', { path: 'out.txt', content: 'x' }), bash('ls'), finish('recorded')],
    wrap: (live) => (recorder = new CassetteRecorder(live, blobs)),
  });
  const rec = recorder as unknown as CassetteRecorder;
  assert.deepEqual(rec.attempts(), [ATTEMPT]);
  const indexHash = await rec.saveIndex(ATTEMPT);
  const model: ModelRef = { id: 'scripted-model', baseUrl: llm.baseUrl, params: { temperature: 0.2, maxTokens: 512 } };
  return { blobs, indexHash, index: rec.index(ATTEMPT), result, model };
};

/** Replay from cassettes only: the recording server is closed by now. */
const replay = async (model: ModelRef, player: CassettePlayer, files: Record<string, string>): Promise<RunResult> => {
  const ws = await tempWorkspace(files);
  try {
    return await runAgent({
      harness: testHarness(),
      model: modelClient(model, player),
      workspace: ws.workspace,
      instruction: 'Do the task.',
      taskId: 'task-1',
      attempt: 0,
      seed: 42,
      clock: tickingClock(),
    });
  } finally {
    await ws.cleanup();
  }
};

describe('cassettes', () => {
  it('a recorded run replays offline to the identical trajectory', async () => {
    const files = { 'data.txt': 'A\n' };
    const rec = await record(files);
    assert.equal(Object.keys(rec.index.turns).length, 4);
    const replayed = await replay(rec.model, new CassettePlayer(rec.blobs, { [ATTEMPT]: rec.indexHash }), files);
    assert.deepEqual(replayed.trajectory, rec.result.trajectory);
    assert.deepEqual(replayed.summary, rec.result.summary);
    assert.equal(replayed.summary.finishSummary, 'recorded');
  });

  it('a changed request is a divergence at its turn; the caller chooses whether it is fatal', async () => {
    const rec = await record({ 'data.txt': 'A\n' });
    const changed = { 'data.txt': 'B\n' };
    await assert.rejects(replay(rec.model, new CassettePlayer(rec.blobs, { [ATTEMPT]: rec.indexHash }), changed), (e: unknown) => {
      assert.ok(e instanceof CassetteDivergenceError);
      assert.equal(e.attemptId, ATTEMPT);
      assert.equal(e.turn, 1, 'the cat output differs, so the second request is the first to differ');
      assert.equal(e.expectedHash, rec.index.turns['1'].requestHash);
      assert.notEqual(e.actualHash, e.expectedHash);
      assert.match(e.message, /divergence for attempt task-1#0 at turn 1/);
      return true;
    });
    const tolerant = new CassettePlayer(rec.blobs, { [ATTEMPT]: rec.index }, { onDivergence: 'continue' });
    const r = await replay(rec.model, tolerant, changed);
    assert.equal(r.summary.exitReason, 'finished');
    assert.deepEqual(
      tolerant.divergences.map((d) => d.turn),
      [1, 2, 3],
    );
  });

  it('a missing entry is an error naming the attempt and the turn', async () => {
    const files = { 'data.txt': 'A\n' };
    const rec = await record(files);
    const { ['2']: _dropped, ...turns } = rec.index.turns;
    const partial: CassetteIndex = { ...rec.index, turns };
    await assert.rejects(replay(rec.model, new CassettePlayer(rec.blobs, { [ATTEMPT]: partial }), files), (e: unknown) => {
      assert.ok(e instanceof CassetteMissingError);
      assert.equal(e.turn, 2);
      assert.match(e.message, /attempt task-1#0 turn 2/);
      return true;
    });
    await assert.rejects(replay(rec.model, new CassettePlayer(rec.blobs, {}), files), /no cassette index for attempt task-1#0/);
  });

  it('a corrupted blob surfaces as corrupt, not as a divergence', async () => {
    const files = { 'data.txt': 'A\n' };
    const rec = await record(files);
    const stored = (rec.blobs as unknown as { blobs: Map<string, Buffer> }).blobs;
    const entry = stored.get(rec.index.turns['1'].blob);
    assert.ok(entry);
    entry[entry.length - 2] ^= 0x01;
    await assert.rejects(replay(rec.model, new CassettePlayer(rec.blobs, { [ATTEMPT]: rec.indexHash }), files), (e: unknown) => {
      assert.ok(e instanceof CassetteCorruptError);
      assert.ok(!(e instanceof CassetteDivergenceError));
      assert.equal(e.turn, 1);
      assert.match(e.message, /corrupt entry for attempt task-1#0 turn 1/);
      return true;
    });
    const index = stored.get(rec.indexHash);
    assert.ok(index);
    index[10] ^= 0x01;
    await assert.rejects(replay(rec.model, new CassettePlayer(rec.blobs, { [ATTEMPT]: rec.indexHash }), files), /corrupt index for attempt task-1#0/);
  });
});
