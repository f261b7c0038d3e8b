import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBlobStore } from '../../src/store/memory.js';
import { CassetteRecorder } from '../../src/agent/cassette.js';
import { bash, completion, finish } from '../support/scripted-llm.js';
import { runScripted } from '../support/agent-fixtures.js';

const KEY = 'sk-tack-test-7f3a91c0d2e4b6a8';

const withKey = async <A>(body: () => Promise<A>): Promise<A> => {
  const before = process.env.TACK_API_KEY;
  process.env.TACK_API_KEY = KEY;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env.TACK_API_KEY;
    else process.env.TACK_API_KEY = before;
  }
};

describe('API keys stay out of everything tack writes', () => {
  it('the key from the environment reaches the server and appears nowhere else', async () => {
    const blobs = new MemoryBlobStore();
    const { result, llm } = await withKey(() =>
      runScripted({
        script: [bash('env; echo "key=[$TACK_API_KEY][$OPENAI_API_KEY]"'), completion({ content: 'Looked at the environment.' })],
        wrap: (live) => new CassetteRecorder(live, blobs),
      }),
    );
    assert.equal(result.summary.exitReason, 'finished');
    for (const req of llm.requests) {
      assert.equal(req.headers.authorization, `Bearer ${KEY}`, 'the server legitimately receives the key');
      assert.ok(!req.raw.includes(KEY), 'never in a request body');
    }
    const trajectory = JSON.stringify(result.trajectory);
    assert.match(trajectory, /key=\[\]\[\]/, 'the agent\u2019s commands do not see the key');
    assert.ok(!trajectory.includes(KEY));
    assert.ok(!JSON.stringify(result.summary).includes(KEY));
    const stored = await blobs.list();
    assert.ok(stored.length >= 2);
    for (const hash of stored) assert.ok(!(await blobs.get(hash))!.toString('utf8').includes(KEY), `blob ${hash}`);
  });

  it('a key that reaches the conversation anyway is scrubbed from the trace and the cassettes', async () => {
    const blobs = new MemoryBlobStore();
    const { result } = await withKey(() =>
      runScripted({
        files: { 'leak.txt': `token=${KEY}\n` },
        script: [bash('cat leak.txt'), completion({ content: `I found ${KEY}`, calls: [{ id: 'f', name: 'finish', arguments: { summary: KEY } }] })],
        wrap: (live) => new CassetteRecorder(live, blobs),
      }),
    );
    const trajectory = JSON.stringify(result.trajectory);
    assert.ok(!trajectory.includes(KEY));
    assert.match(trajectory, /token=\[redacted\]/);
    assert.equal(result.summary.finishSummary, '[redacted]');
    for (const hash of await blobs.list()) assert.ok(!(await blobs.get(hash))!.toString('utf8').includes(KEY));
  });

  it('runs without any key against a keyless server', async () => {
    const before = [process.env.TACK_API_KEY, process.env.OPENAI_API_KEY];
    delete process.env.TACK_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const { result, llm } = await runScripted({ script: [finish()] });
      assert.equal(result.summary.exitReason, 'finished');
      assert.equal(llm.requests[0].headers.authorization, 'Bearer no-key');
    } finally {
      if (before[0] !== undefined) process.env.TACK_API_KEY = before[0];
      if (before[1] !== undefined) process.env.OPENAI_API_KEY = before[1];
    }
  });
});
