import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { readCompletion } from '../../src/agent/completion.js';
import type { ModelTurn } from '../../src/agent/chat.js';

/** The pure reading of raw responses (the HTTP path is covered end to end in conversation.test.ts). */
const read = (message: Record<string, unknown>, extra: Record<string, unknown> = {}): ModelTurn => {
  const r = readCompletion({ choices: [{ message, finish_reason: 'stop' }], ...extra }, 3);
  assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
  return r.right;
};

describe('reading completions from open-model servers', () => {
  it('takes reasoning from reasoning_content, reasoning, or <think> (closed, unclosed, or only closing)', () => {
    assert.equal(read({ content: 'x', reasoning: 'r' }).reasoning, 'r');
    const unclosed = read({ content: 'answer <think>cut off mid-thought' });
    assert.deepEqual([unclosed.content, unclosed.reasoning], ['answer', 'cut off mid-thought']);
    const closingOnly = read({ content: 'template opened it</think>\nThe answer.' });
    assert.deepEqual([closingOnly.content, closingOnly.reasoning], ['The answer.', 'template opened it']);
    const both = read({ content: '<think>b</think>c', reasoning_content: 'a' });
    assert.deepEqual([both.content, both.reasoning], ['c', 'a\n\nb']);
  });

  it('parses tool calls written in the content: tags (even unclosed), bare JSON, fenced JSON', () => {
    const tags = read({ content: 'x <tool_call>{"name":"bash","arguments":{"command":"ls"}}</tool_call><tool_call>{"name":"finish","parameters":{"summary":"s"}}' });
    assert.deepEqual(
      tags.toolCalls.map((c) => [c.id, c.name, c.args, c.origin]),
      [
        ['call_t3_0', 'bash', { command: 'ls' }, 'content'],
        ['call_t3_1', 'finish', { summary: 's' }, 'content'],
      ],
    );
    assert.equal(tags.content, 'x');
    const bare = read({ content: '{"name": "read_file", "arguments": "{\\"path\\": \\"a\\"}"}' });
    assert.deepEqual(bare.toolCalls.map((c) => [c.name, c.args]), [['read_file', { path: 'a' }]]);
    const fenced = read({ content: '```json\n{"name": "list_dir", "arguments": {"path": "."}}\n```' });
    assert.equal(fenced.toolCalls[0].name, 'list_dir');
    assert.equal(read({ content: '{"answer": 42}' }).toolCalls.length, 0, 'JSON that is not a call stays content');
    const broken = read({ content: '<tool_call>{"name": "bash", "arguments": {"command": "ls"</tool_call>' });
    assert.deepEqual([broken.toolCalls[0].name, broken.toolCalls[0].args], ['bash', null]);
  });

  it('makes ids stable and unique, and judges arguments', () => {
    const t = read({
      content: null,
      tool_calls: [
        { id: 'same', function: { name: 'bash', arguments: '{"command":"a"}' } },
        { id: 'same', function: { name: 'bash', arguments: '' } },
        { function: { name: 'bash', arguments: '[1]' } },
      ],
    });
    assert.deepEqual(t.toolCalls.map((c) => c.id), ['same', 'call_t3_1', 'call_t3_2']);
    assert.deepEqual(t.toolCalls[1].args, {}, 'empty arguments mean no arguments');
    assert.equal(t.toolCalls[2].args, null);
    assert.equal(t.toolCalls[2].argumentError, 'arguments must be a JSON object');
    assert.equal(t.content, '');
  });

  it('reads usage and rejects what is not a completion', () => {
    const t = read({ content: 'x' }, { usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 8 } } });
    assert.deepEqual(t.usage, { promptTokens: 12, completionTokens: 3, cachedTokens: 8 });
    assert.deepEqual(read({ content: 'x' }).usage, { promptTokens: 0, completionTokens: 0, cachedTokens: 0 });
    assert.deepEqual(readCompletion({ choices: [] }, 0), E.left('the response has no choices'));
    assert.deepEqual(readCompletion('nope', 0), E.left('the response is not a JSON object'));
  });
});
