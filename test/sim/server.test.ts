import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { serveSim } from '../../src/sim/serve.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { FIXTURES, instructionOf } from './support/fixtures.js';

const TOOLS = [
  { name: 'bash', parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
  { name: 'write_file', parameters: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] } },
  { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
  { name: 'list_dir', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
  { name: 'finish', parameters: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] } },
].map((f) => ({ type: 'function' as const, function: { ...f, description: `the ${f.name} tool` } }));

const post = async (server: SimServer, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
};

describe('sim server speaks chat completions', () => {
  let server: SimServer;
  before(async () => {
    server = await startSimServer({ suites: [FIXTURES] });
  });
  after(() => server.stop());

  it('answers the real openai client with a tool call it can parse, and plays a whole task through it', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are an agent. Call finish when done.' },
      { role: 'user', content: instructionOf('count-words') },
    ];
    const used: string[] = [];
    for (let turn = 0; turn < 30; turn++) {
      const res = await client.chat.completions.create({ model: 'sim:steady', messages, tools: TOOLS, seed: 7 });
      assert.equal(res.object, 'chat.completion');
      assert.equal(res.model, 'sim:steady');
      const choice = res.choices[0];
      assert.equal(choice.finish_reason, 'tool_calls');
      const call = choice.message.tool_calls?.[0];
      assert.ok(call && call.type === 'function', 'one function tool call');
      assert.ok(TOOLS.some((t) => t.function.name === call.function.name), `${call.function.name} is an offered tool`);
      const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
      for (const required of TOOLS.find((t) => t.function.name === call.function.name)!.function.parameters.required)
        assert.equal(typeof args[required], 'string', `${call.function.name}.${required}`);
      assert.ok(res.usage && res.usage.total_tokens === res.usage.prompt_tokens + res.usage.completion_tokens);
      used.push(call.function.name);
      messages.push(choice.message);
      if (call.function.name === 'finish') break;
      messages.push({ role: 'tool', tool_call_id: call.id, content: 'exit code: 0\n' });
    }
    assert.equal(used[used.length - 1], 'finish', 'the task ends with finish');
    assert.ok(used.includes('write_file'), 'the heredoc of the solution is written with write_file');
    assert.ok(used.includes('bash'));
  });

  it('returns chat.completion JSON field by field over raw HTTP', async () => {
    const res = await post(server, {
      model: 'sim:forgetful',
      messages: [
        { role: 'system', content: 'You are an agent.' },
        { role: 'user', content: instructionOf('release-env') },
      ],
      tools: TOOLS,
      seed: 3,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const b = res.body;
    assert.equal(typeof b.id, 'string');
    assert.match(b.id as string, /^chatcmpl-[0-9a-f]+$/);
    assert.equal(b.object, 'chat.completion');
    assert.ok(Number.isInteger(b.created) && (b.created as number) > 1_600_000_000);
    assert.equal(b.model, 'sim:forgetful');
    const choices = b.choices as Record<string, unknown>[];
    assert.equal(choices.length, 1);
    const [choice] = choices;
    assert.equal(choice.index, 0);
    assert.equal(choice.logprobs, null);
    assert.equal(choice.finish_reason, 'tool_calls');
    const message = choice.message as Record<string, unknown>;
    assert.equal(message.role, 'assistant');
    assert.ok(message.content === null || typeof message.content === 'string');
    const calls = message.tool_calls as Record<string, unknown>[];
    assert.equal(calls.length, 1);
    assert.match(calls[0].id as string, /^call_[0-9a-f]+$/);
    assert.equal(calls[0].type, 'function');
    const fn = calls[0].function as Record<string, unknown>;
    assert.equal(typeof fn.name, 'string');
    assert.equal(typeof fn.arguments, 'string', 'arguments is a JSON string, not an object');
    assert.equal(typeof JSON.parse(fn.arguments as string), 'object');
    const usage = b.usage as Record<string, number>;
    for (const k of ['prompt_tokens', 'completion_tokens', 'total_tokens']) assert.ok(Number.isInteger(usage[k]) && usage[k] > 0, k);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  });

  it('answers in plain content with finish_reason "stop" when no tool fits', async () => {
    const res = await post(server, { model: 'sim:steady', messages: [{ role: 'user', content: instructionOf('count-words') }] });
    assert.equal(res.status, 200);
    const choice = (res.body.choices as Record<string, unknown>[])[0];
    const message = choice.message as Record<string, unknown>;
    assert.equal(choice.finish_reason, 'stop');
    assert.equal(message.tool_calls, undefined);
    assert.equal(typeof message.content, 'string');
  });

  it('lists its models', async () => {
    const client = new OpenAI({ baseURL: server.url, apiKey: 'unused' });
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.deepEqual(ids.sort(), ['sim:forgetful', 'sim:prober', 'sim:repeater', 'sim:steady']);
  });

  it('rejects streaming, malformed bodies and unknown models with OpenAI-style errors', async () => {
    const messages = [{ role: 'user', content: 'hi' }];
    const stream = await post(server, { model: 'sim:steady', messages, stream: true });
    assert.equal(stream.status, 400);
    assert.deepEqual(Object.keys(stream.body.error as object).sort(), ['code', 'message', 'param', 'type']);
    assert.equal((stream.body.error as Record<string, unknown>).param, 'stream');
    assert.equal((stream.body.error as Record<string, unknown>).type, 'invalid_request_error');

    const broken = await post(server, '{"model": "sim:steady", "messages": [');
    assert.equal(broken.status, 400);
    assert.match((broken.body.error as Record<string, string>).message, /not valid JSON/);

    const noMessages = await post(server, { model: 'sim:steady' });
    assert.equal(noMessages.status, 400);
    assert.equal((noMessages.body.error as Record<string, unknown>).param, 'messages');

    const unknown = await post(server, { model: 'sim:genius', messages });
    assert.equal(unknown.status, 404);
    assert.equal((unknown.body.error as Record<string, unknown>).code, 'model_not_found');

    const client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.NotFoundError);
      return true;
    });
  });
});

describe('tack sim serve', () => {
  it('serves on the given port until SIGINT, then stops', async () => {
    const probe = await startSimServer({ suites: [] });
    const port = probe.port;
    await probe.stop();
    const lines: string[] = [];
    let listening!: () => void;
    const started = new Promise<void>((resolve) => (listening = resolve));
    const done = serveSim({ port, suites: [FIXTURES] }, (line) => {
      lines.push(line);
      listening();
    });
    await started;
    assert.match(lines[0], new RegExp(`sim:steady.* at http://127\\.0\\.0\\.1:${port}/v1 `));
    const models = (await (await fetch(`http://127.0.0.1:${port}/v1/models`)).json()) as { data: unknown[] };
    assert.equal(models.data.length, 4);
    process.emit('SIGINT');
    await done;
    assert.deepEqual(lines.slice(1), ['sim server stopped']);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/v1/models`));
  });
});
