import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { decodeTrajectory, encodeTrajectory, validateAtif, type AtifTrajectory } from '../../src/agent/atif.js';
import { renderTrajectory, summarizeTrace } from '../../src/agent/trace-text.js';
import { bash, call, completion, finish } from '../support/scripted-llm.js';
import { runScripted, testHarness } from '../support/agent-fixtures.js';

const produced = async (): Promise<AtifTrajectory> =>
  (
    await runScripted({
      harness: testHarness({ policies: [{ id: 'P1', kind: 'ExplorationLimit', params: { maxReadOnlySteps: 1, message: 'Act now (test).' } }] }),
      script: [
        completion({ content: '<think>hmm</think>Listing.', calls: [{ id: 'l', name: 'bash', arguments: '{"command":"ls"}' }] }),
        call('write_file', { path: 'a.txt', content: 'hi' }),
        bash('cat a.txt'),
        finish('wrote a.txt'),
      ],
    })
  ).result.trajectory;

/** A trajectory as loose JSON, so tests can break it in any way. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseJson = Record<string, any>;

/** A deep copy of the trajectory changed by `change`. */
const broken = (t: AtifTrajectory, change: (j: LooseJson) => void): unknown => {
  const j = structuredClone(t) as unknown as LooseJson;
  change(j);
  return j;
};

describe('ATIF v1.4 traces', () => {
  it('what the agent writes validates, and survives its stored form', async () => {
    const t = await produced();
    assert.deepEqual(validateAtif(t), []);
    assert.equal(t.schema_version, 'ATIF-v1.4');
    assert.equal(t.session_id, 'task-1#0');
    assert.equal(t.agent.model_name, 'scripted-model');
    assert.equal(t.final_metrics?.total_steps, t.steps.length);
    const back = decodeTrajectory(encodeTrajectory(t));
    assert.ok(E.isRight(back));
    assert.deepEqual(back.right, t);
  });

  it('the validator rejects broken trajectories, naming the field', async () => {
    const t = await produced();
    const cases: [(j: LooseJson) => void, RegExp][] = [
      [(j) => delete j.schema_version, /trajectory\.schema_version: missing/],
      [(j) => (j.schema_version = 'ATIF-v1.3'), /schema_version: expected "ATIF-v1.4"/],
      [(j) => (j.session_id = ''), /session_id: expected a non-empty string/],
      [(j) => delete j.agent.version, /agent\.version: missing/],
      [(j) => (j.steps = []), /steps: empty/],
      [(j) => (j.steps[1].step_id = 7), /steps\[1\]\.step_id: expected 2/],
      [(j) => (j.steps[0].source = 'tool'), /steps\[0\]\.source: expected system, user or agent/],
      [(j) => delete j.steps[2].message, /steps\[2\]\.message: missing/],
      [(j) => (j.steps[1].tool_calls = []), /steps\[1\]\.tool_calls: only agent steps may have it/],
      [(j) => (j.steps[2].tool_calls[0].arguments = '{"command":"ls"}'), /tool_calls\[0\]\.arguments: expected an object, got string/],
      [(j) => delete j.steps[2].tool_calls[0].tool_call_id, /tool_calls\[0\]\.tool_call_id: missing/],
      [(j) => (j.steps[2].observation.results[0].source_call_id = 'nope'), /source_call_id: "nope" names no tool call of this step/],
      [(j) => (j.steps[2].metrics.prompt_tokens = -1), /metrics\.prompt_tokens: expected a non-negative integer/],
      [(j) => (j.steps[2].timestamp = 'yesterday'), /timestamp: expected an ISO 8601 timestamp/],
      [(j) => (j.steps[2].thoughts = 'x'), /steps\[2\]\.thoughts: not an ATIF v1.4 field/],
      [(j) => (j.final_metrics.total_steps = 1.5), /final_metrics\.total_steps: expected a non-negative integer/],
      [(j) => (j.steps[2].observation = { results: 'x' }), /observation\.results: expected an array/],
    ];
    for (const [change, expected] of cases) {
      const errors = validateAtif(broken(t, change));
      assert.ok(errors.some((e) => expected.test(e)), `${expected}: got ${JSON.stringify(errors)}`);
    }
    assert.ok(E.isLeft(decodeTrajectory(Buffer.from('{"schema_version":"ATIF-v1.4"}'))));
    assert.ok(E.isLeft(decodeTrajectory(Buffer.from('not json'))));
  });

  it('renders a readable step-by-step view', async () => {
    const t = await produced();
    const text = renderTrajectory(t);
    assert.match(text, /^trace task-1#0 {2}model scripted-model {2}exit finished\n4 model turns, 4 tool calls, 2 interventions/);
    assert.match(text, /#3 agent turn 0 .*\n {4}thinking: hmm\n {4}says: Listing\.\n {4}\(tolerated: reasoning taken from <think> tags in the content\)\n {4}> \$ ls {2}\[ok\]/);
    assert.match(text, /> write_file a\.txt \(2 chars\) {2}\[ok\]/);
    assert.match(text, /! P1 ExplorationLimit inject: 1 read-only actions in a row/);
    assert.match(text, /#4 system \(harness message\)\n {4}Act now \(test\)\./);
    assert.match(text, /> finish: wrote a\.txt {2}\[ok\]/);
    assert.match(text, /features: toolCalls=3 /);
    assert.deepEqual(summarizeTrace(t), {
      sessionId: 'task-1#0',
      model: 'scripted-model',
      exitReason: 'finished',
      agentSteps: 4,
      toolCalls: 4,
      interventions: 2,
      promptTokens: 400,
      completionTokens: 40,
    });
  });
});
