import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateAtif, type JsonObject } from '../../src/agent/atif.js';
import { seedFor } from '../../src/agent/model-client.js';
import { completion, finish, httpError, bash } from '../support/scripted-llm.js';
import { runScripted, testHarness, toolCallRuleBroken } from '../support/agent-fixtures.js';

describe('agent conversation with an open-model server (real HTTP, real openai client)', () => {
  it('tolerates parallel calls, missing ids, object and invalid arguments, <think>, calls in content, and a 500', async () => {
    let notes = '';
    const { result, llm } = await runScripted({
      script: [
        httpError(500, 'upstream overloaded'),
        completion({
          content: '<think>Look first, then write.</think>I will look around.',
          calls: [
            { id: 'a1', name: 'bash', arguments: JSON.stringify({ command: 'echo one' }) },
            { name: 'write_file', arguments: { path: 'notes.txt', content: 'hello' } },
          ],
          finish_reason: 'stop',
        }),
        completion({
          calls: [
            { id: 'bad1', name: 'bash', arguments: '{"command": "echo broken' },
            { id: 'r1', name: 'read_file', arguments: '{"path":"notes.txt"}' },
          ],
        }),
        completion({
          content: 'Checking.\n<tool_call>{"name": "bash", "arguments": {"command": "cat notes.txt"}}</tool_call>',
          reasoning_content: 'The file should say hello.',
          finish_reason: 'stop',
        }),
        finish('wrote notes.txt'),
      ],
      inspect: async (root) => {
        notes = await readFile(join(root, 'notes.txt'), 'utf8');
      },
    });

    assert.equal(result.summary.exitReason, 'finished');
    assert.equal(result.summary.finishSummary, 'wrote notes.txt');
    assert.equal(result.summary.steps, 4);
    assert.deepEqual(result.summary.usage, { modelCalls: 4, promptTokens: 400, completionTokens: 40 });
    assert.equal(notes, 'hello');
    assert.equal(llm.requests.length, 5, 'the 500 was retried');
    assert.equal(llm.remaining(), 0);

    const t = result.trajectory;
    assert.deepEqual(validateAtif(t), []);
    assert.deepEqual(
      t.steps.map((s) => s.source),
      ['system', 'user', 'agent', 'agent', 'agent', 'agent'],
    );
    const [, , first, second, third, last] = t.steps;
    assert.equal(first.reasoning_content, 'Look first, then write.');
    assert.equal(first.message, 'I will look around.');
    assert.deepEqual(first.tool_calls, [
      { tool_call_id: 'a1', function_name: 'bash', arguments: { command: 'echo one' } },
      { tool_call_id: 'call_t0_1', function_name: 'write_file', arguments: { path: 'notes.txt', content: 'hello' } },
    ]);
    assert.deepEqual(first.observation?.results, [
      { source_call_id: 'a1', content: 'one\n[exit code 0]' },
      { source_call_id: 'call_t0_1', content: 'wrote 5 bytes to /app/notes.txt' },
    ]);
    const firstNotes = (first.extra?.notes as string[]).join(' | ');
    assert.match(firstNotes, /arguments sent as an object/);
    assert.match(firstNotes, /ids generated/);
    assert.match(firstNotes, /finish_reason "stop" with tool calls/);

    assert.deepEqual(second.tool_calls?.[0], { tool_call_id: 'bad1', function_name: 'bash', arguments: {} });
    const badFacts = (second.extra?.calls as JsonObject[])[0];
    assert.equal(badFacts.raw_arguments, '{"command": "echo broken');
    assert.match(String(badFacts.argument_error), /not valid JSON/);
    assert.match(second.observation?.results[0].content ?? '', /not a valid JSON object.*nothing was run/);
    assert.deepEqual(second.observation?.results[1], { source_call_id: 'r1', content: 'hello' });

    assert.equal(third.message, 'Checking.');
    assert.equal(third.reasoning_content, 'The file should say hello.');
    assert.deepEqual(third.tool_calls, [{ tool_call_id: 'call_t2_0', function_name: 'bash', arguments: { command: 'cat notes.txt' } }]);
    assert.equal((third.extra?.calls as JsonObject[])[0].origin, 'content');
    assert.deepEqual(third.observation?.results, [{ source_call_id: 'call_t2_0', content: 'hello\n[exit code 0]' }]);
    assert.equal(last.tool_calls?.[0].function_name, 'finish');

    // What went back to the server.
    for (const [i, req] of llm.requests.entries()) {
      assert.equal(req.body.seed, 42, `request ${i} carries the seed`);
      assert.equal(req.body.model, 'scripted-model');
      assert.equal(req.body.temperature, 0.2);
      assert.equal(req.body.max_tokens, 512);
      assert.deepEqual(
        req.body.tools.map((x: { function: { name: string } }) => x.function.name),
        ['bash', 'read_file', 'write_file', 'edit_file', 'list_dir', 'finish'],
      );
      assert.equal(toolCallRuleBroken(req.body.messages), null);
    }
    for (const req of llm.requests.slice(3)) {
      assert.ok(!req.raw.includes('echo broken'), 'the invalid arguments never go back to the server');
      const sanitized = req.body.messages.find((m: { tool_calls?: { id: string }[] }) => m.tool_calls?.some((c) => c.id === 'bad1'));
      assert.equal(sanitized.tool_calls[0].function.arguments, '{}');
    }
    const afterThink = llm.requests[2].body.messages[2];
    assert.equal(afterThink.content, 'I will look around.', 'reasoning is not sent back');
    const fromContent = llm.requests[4].body.messages.at(-2);
    assert.deepEqual(fromContent.tool_calls[0].id, 'call_t2_0', 'a call found in the content goes back as a proper tool call');
    assert.equal(fromContent.content, 'Checking.');
  });

  it('asks again without tool_choice when the server rejects it, and never sends it again', async () => {
    const vllmWithoutToolParser = httpError(400, '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set');
    const { result, llm } = await runScripted({ script: [vllmWithoutToolParser, bash('true'), finish()] });
    assert.equal(result.summary.exitReason, 'finished');
    assert.deepEqual(
      llm.requests.map((r) => r.body.tool_choice),
      ['auto', undefined, undefined],
    );
  });

  it('retries 429 and timeouts with backoff, then gives up with model_error', async () => {
    const slow = { ...bash('true'), delayMs: 1_000 };
    const { result, llm } = await runScripted({
      timeoutMs: 300,
      script: [httpError(429, 'rate limited'), bash('true'), slow, httpError(503, 'down'), httpError(503, 'down'), httpError(503, 'down')],
    });
    assert.equal(result.summary.exitReason, 'model_error');
    assert.match(result.summary.stopDetail ?? '', /503.*after 4 tries/);
    assert.equal(llm.requests.length, 6);
    assert.equal(result.summary.steps, 1);
  });

  it('a context-window error ends the run with the contextOverflow feature', async () => {
    const { result } = await runScripted({ script: [httpError(400, "This model's maximum context length is 8192 tokens")] });
    assert.equal(result.summary.exitReason, 'model_error');
    assert.equal(result.summary.features.contextOverflow, true);
  });

  it('a reply without tool calls is taken as finishing', async () => {
    const { result } = await runScripted({ script: [completion({ content: 'All done.' })] });
    assert.equal(result.summary.exitReason, 'finished');
    assert.equal(result.summary.finishSummary, 'All done.');
  });

  it('stops at the step budget and at the wall-time limit', async () => {
    const loop = Array.from({ length: 5 }, () => bash('true'));
    const steps = await runScripted({ script: loop, harness: testHarness({ limits: { maxSteps: 3 } }) });
    assert.equal(steps.result.summary.exitReason, 'step_budget');
    assert.equal(steps.result.summary.steps, 3);

    let t = 0;
    const wall = await runScripted({
      script: loop,
      harness: testHarness({ limits: { wallSeconds: 5 } }),
      clock: { now: () => (t += 1_000) },
    });
    assert.equal(wall.result.summary.exitReason, 'wall_timeout');
    assert.ok(wall.result.summary.steps < 3);
  });

  it('abandons a model call that outlives the wall-time limit', async () => {
    const { result, llm } = await runScripted({
      script: [{ ...bash('true'), delayMs: 5_000 }],
      harness: testHarness({ limits: { wallSeconds: 1 } }),
      clock: { now: () => Date.now() },
    });
    assert.equal(result.summary.exitReason, 'wall_timeout');
    assert.equal(result.summary.stopDetail, 'during a model call');
    assert.equal(llm.requests.length, 1);
  });

  it('disabled tools are not offered, and calling one is answered with an error', async () => {
    const h = testHarness();
    const harness = testHarness({ tools: { read_file: { ...h.tools.read_file, enabled: false }, list_dir: { ...h.tools.list_dir, enabled: false } } });
    const { result, llm } = await runScripted({ harness, script: [completion({ calls: [{ id: 'x', name: 'read_file', arguments: '{"path":"a"}' }] }), finish()] });
    assert.deepEqual(
      llm.requests[0].body.tools.map((x: { function: { name: string } }) => x.function.name),
      ['bash', 'write_file', 'edit_file', 'finish'],
    );
    assert.match(result.trajectory.steps[2].observation?.results[0].content ?? '', /unknown tool "read_file"/);
  });

  it('derives seeds from task and attempt only', () => {
    assert.equal(seedFor('t', 0), seedFor('t', 0));
    assert.notEqual(seedFor('t', 0), seedFor('t', 1));
    assert.notEqual(seedFor('t', 0), seedFor('u', 0));
    for (const s of [seedFor('t', 0), seedFor('x', 99)]) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 31);
  });
});
