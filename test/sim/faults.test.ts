import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { parseFaults } from '../../src/sim/faults.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { FIXTURES, instructionOf } from './support/fixtures.js';

const TOOLS = [
  { type: 'function' as const, function: { name: 'bash', parameters: { type: 'object', properties: { command: { type: 'string' } } } } },
  { type: 'function' as const, function: { name: 'finish', parameters: { type: 'object', properties: { summary: { type: 'string' } } } } },
];

const request = (model: string, seed: number) => ({
  model,
  messages: [{ role: 'user' as const, content: instructionOf('run-report') }],
  tools: TOOLS,
  seed,
});

const post = (server: SimServer, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('faults on demand', () => {
  let server: SimServer;
  let rateLimited: SimServer;
  before(async () => {
    server = await startSimServer({ suites: [FIXTURES] });
    rateLimited = await startSimServer({ suites: [FIXTURES], faults: { rate429: 1 } });
  });
  after(async () => {
    await server.stop();
    await rateLimited.stop();
  });

  it('answers 429 the first two times a request arrives, then serves it', async () => {
    const body = request('sim:steady', 11);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(rateLimited, body);
      statuses.push(res.status);
      const json = (await res.json()) as { error?: { type: string; code: string }; choices?: unknown[] };
      if (res.status === 429) {
        assert.equal(json.error?.type, 'rate_limit_error');
        assert.equal(json.error?.code, 'rate_limit_exceeded');
        assert.ok(Number(res.headers.get('retry-after-ms')) > 0, 'tells the client when to retry');
      } else assert.equal(json.choices?.length, 1);
    }
    assert.deepEqual(statuses, [429, 429, 200]);
  });

  it('gets through 429 and 500 with the openai client retrying (server option, model suffix, header)', async () => {
    const retrying = new OpenAI({ baseURL: rateLimited.url, apiKey: 'unused', maxRetries: 2 });
    const viaOption = await retrying.chat.completions.create(request('sim:steady', 12));
    assert.equal(viaOption.choices[0].message.tool_calls?.length, 1);

    const onSuffix = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 2 });
    const viaSuffix = await onSuffix.chat.completions.create(request('sim:repeater?rate500=1', 13));
    assert.equal(viaSuffix.model, 'sim:repeater?rate500=1');
    assert.equal(viaSuffix.choices[0].message.tool_calls?.length, 1);

    const noRetry = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
    await assert.rejects(noRetry.chat.completions.create(request('sim:repeater?rate500=1', 14)), (e: unknown) => e instanceof OpenAI.InternalServerError);

    const withHeader = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0, defaultHeaders: { 'x-sim-faults': 'rate429=1' } });
    await assert.rejects(withHeader.chat.completions.create(request('sim:steady', 15)), (e: unknown) => e instanceof OpenAI.RateLimitError);
  });

  it('cuts output short: tool-call arguments become invalid JSON', async () => {
    const res = await post(server, request('sim:steady?truncateRate=1', 16));
    const json = (await res.json()) as { choices: { finish_reason: string; message: { tool_calls: { function: { arguments: string } }[] } }[] };
    const choice = json.choices[0];
    assert.ok(['tool_calls', 'length'].includes(choice.finish_reason));
    assert.throws(() => JSON.parse(choice.message.tool_calls[0].function.arguments));
  });

  it('delays responses: a client with a shorter timeout gives up', async () => {
    const impatient = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0, timeout: 50 });
    await assert.rejects(impatient.chat.completions.create(request('sim:steady?delayMs=1500', 17)), (e: unknown) => e instanceof OpenAI.APIConnectionTimeoutError);
  });

  it('names a bad fault setting', async () => {
    assert.throws(() => parseFaults('rate429=2'), /rate429 needs a rate from 0 to 1, got "2"/);
    assert.throws(() => parseFaults('jitter=3'), /unknown fault "jitter"/);
    const res = await post(server, request('sim:steady?rate429=lots', 18));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /Bad fault suffix in model `sim:steady\?rate429=lots`/);
  });
});
