import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Policy } from '../../src/domain/harness.js';
import type { RunResult } from '../../src/agent/loop.js';
import { validateAtif, type JsonObject } from '../../src/agent/atif.js';
import { bash, call, completion, everythingTold, finish, lastMessages, reactive } from '../support/scripted-llm.js';
import { runScripted, testHarness, toolCallRuleBroken } from '../support/agent-fixtures.js';

/** Each policy changes the outcome of a scripted conversation; its messages are the test's own wording. */

const fileIn = async (root: string, path: string): Promise<string | null> => readFile(join(root, path), 'utf8').catch(() => null);

const interventions = (result: RunResult, kind: string) => {
  const inSummary = result.summary.interventions.filter((i) => i.kind === kind);
  const inTrace = (result.trajectory.extra?.interventions as JsonObject[]).filter((i) => i.kind === kind);
  assert.equal(inTrace.length, inSummary.length, 'every intervention is in the trace');
  assert.deepEqual(validateAtif(result.trajectory), []);
  return inSummary;
};

/** Run the same model under a harness without and with the policy; `outputs` are files read back. */
const withAndWithout = async (options: {
  policy: Policy;
  model: () => ReturnType<typeof reactive>;
  outputs: string[];
  files?: Record<string, string>;
  maxSteps?: number;
}) => {
  const run = async (policies: Policy[]) => {
    const files: Record<string, string | null> = {};
    const r = await runScripted({
      script: options.model(),
      files: options.files,
      harness: testHarness({ policies, limits: { maxSteps: options.maxSteps ?? 10 } }),
      inspect: async (root) => {
        for (const f of options.outputs) files[f] = await fileIn(root, f);
      },
    });
    for (const req of r.llm.requests) assert.equal(toolCallRuleBroken(req.body.messages), null);
    return { ...r, files };
  };
  return { without: await run([]), with: await run([options.policy]) };
};

describe('runtime policies', () => {
  it('ToolCallBudget redirects the model after maxCalls tool calls', async () => {
    const M = 'Budget note from the test: stop listing and write answer.txt.';
    const prober = () =>
      reactive((req) =>
        lastMessages(req).startsWith('wrote') ? finish() : lastMessages(req).includes(M) ? call('write_file', { path: 'answer.txt', content: '42' }) : bash('ls'),
      );
    const policy: Policy = { id: 'P1', kind: 'ToolCallBudget', params: { maxCalls: 3, action: 'redirect', message: M } };
    const r = await withAndWithout({ policy, model: prober, outputs: ['answer.txt'] });
    assert.equal(r.without.result.summary.exitReason, 'step_budget');
    assert.equal(r.without.files['answer.txt'], null);
    assert.equal(r.with.result.summary.exitReason, 'finished');
    assert.equal(r.with.files['answer.txt'], '42');
    const [i] = interventions(r.with.result, 'ToolCallBudget');
    assert.deepEqual([i.policyId, i.hook, i.action, i.message], ['P1', 'afterTool', 'inject', M]);
    const told = r.with.llm.requests[3].body.messages.at(-1);
    assert.deepEqual([told.role, told.content], ['user', M], 'the redirect comes after the third tool result');
    const step = r.with.result.trajectory.steps.find((s) => s.message === M);
    assert.equal(step?.source, 'system');
    assert.deepEqual(step?.extra, { delivered_as: 'user', policy_ids: ['P1'] });
  });

  it('ToolCallBudget with action stop ends the run', async () => {
    const M = 'Out of budget (test wording).';
    const { result } = await runScripted({
      script: reactive(() => bash('ls')),
      harness: testHarness({ policies: [{ id: 'P4', kind: 'ToolCallBudget', params: { maxCalls: 2, action: 'stop', message: M } }] }),
    });
    assert.equal(result.summary.exitReason, 'policy_stop');
    assert.equal(result.summary.steps, 2);
    const [i] = interventions(result, 'ToolCallBudget');
    assert.deepEqual([i.action, i.message], ['stop', M]);
  });

  it('DuplicateCommandGuard refuses a failing command repeated beyond allowedRepeats, and the model changes approach', async () => {
    const M = 'Refused by the test guard: that failed already, try something else.';
    const failing = 'echo run >> attempts.log; exit 3';
    const repeater = () =>
      reactive((req) => {
        const told = lastMessages(req);
        if (told.startsWith('fixed')) return finish();
        if (told === M) return bash('echo fixed > result.txt; cat result.txt');
        return bash(failing);
      });
    const policy: Policy = { id: 'P2', kind: 'DuplicateCommandGuard', params: { allowedRepeats: 1, message: M } };
    const r = await withAndWithout({ policy, model: repeater, outputs: ['attempts.log', 'result.txt'], maxSteps: 6 });
    assert.equal(r.without.result.summary.exitReason, 'step_budget');
    assert.equal(r.without.files['attempts.log'], 'run\n'.repeat(6));
    assert.equal(r.without.result.summary.features.maxIdenticalFailingRun, 6);
    assert.equal(r.with.result.summary.exitReason, 'finished');
    assert.equal(r.with.files['attempts.log'], 'run\nrun\n', 'the refused repeat did not run');
    assert.equal(r.with.files['result.txt'], 'fixed\n');
    const [i] = interventions(r.with.result, 'DuplicateCommandGuard');
    assert.deepEqual([i.hook, i.action, i.message], ['beforeTool', 'refuse', M]);
    const refusedStep = r.with.result.trajectory.steps[i.stepId - 1];
    assert.equal(refusedStep.observation?.results[0].content, M);
    assert.equal(r.with.result.summary.features.refusedCalls, 1);
  });

  it('EnvPersistence keeps exported variables, PATH and cwd across shell calls', async () => {
    const forgetful = () =>
      reactive((_req, n) =>
        [
          bash('chmod +x bin/greet; export PATH="$PWD/bin:$PATH"; export GREETING=hello; mkdir -p build; cd build'),
          bash('echo "$GREETING" > out.txt; greet >> out.txt'),
          finish(),
        ][n],
      );
    const policy: Policy = { id: 'P3', kind: 'EnvPersistence', params: { persist: ['exports', 'path', 'cwd'] } };
    const files = { 'bin/greet': '#!/bin/sh\necho greet-ok\n' };
    const r = await withAndWithout({ policy, model: forgetful, files, outputs: ['out.txt', 'build/out.txt'] });
    assert.equal(r.without.files['out.txt'], '\n', 'a fresh shell lost GREETING, PATH and the cd');
    assert.equal(r.without.result.summary.features.envSetThenMissing, true);
    assert.match(r.without.result.trajectory.steps[3].observation?.results[0].content ?? '', /greet: command not found/);
    assert.equal(r.with.files['build/out.txt'], 'hello\ngreet-ok\n');
    assert.equal(r.with.files['out.txt'], null);
    assert.equal(r.with.result.summary.features.envSetThenMissing, false);
    const [i] = interventions(r.with.result, 'EnvPersistence');
    assert.equal(i.action, 'note');
    assert.match(i.detail ?? '', /export GREETING/);
    assert.match(i.detail ?? '', /PATH/);
    assert.match(i.detail ?? '', /cwd .*\/build/);

    const session = await runScripted({
      script: forgetful(),
      files,
      harness: testHarness({ tools: { bash: { ...testHarness().tools.bash, session: 'persistent' } } }),
      inspect: async (root) => assert.equal(await fileIn(root, 'build/out.txt'), 'hello\ngreet-ok\n'),
    });
    assert.equal(session.result.summary.interventions.length, 0, 'a persistent session is a tool setting, not an intervention');
  });

  it('PreCompletionCheck pushes back a finish without a check, and the model checks and fixes', async () => {
    const M = 'Test checklist: run the check on result.txt before you finish.';
    const CHECK = 'grep -qx final result.txt';
    const forgetful = () =>
      reactive((req, n) => {
        const told = lastMessages(req);
        if (n === 0) return call('write_file', { path: 'result.txt', content: 'draft' });
        if (told === M) return bash(CHECK);
        if (told.includes('[exit code 1]')) return call('write_file', { path: 'result.txt', content: 'final' });
        if (told.startsWith('wrote') && everythingTold(req).includes(M)) return bash(CHECK);
        return finish();
      });
    const policy: Policy = { id: 'P5', kind: 'PreCompletionCheck', params: { maxRounds: 2, message: M } };
    const r = await withAndWithout({ policy, model: forgetful, outputs: ['result.txt'] });
    assert.equal(r.without.result.summary.exitReason, 'finished');
    assert.equal(r.without.files['result.txt'], 'draft');
    assert.equal(r.without.result.summary.features.finishedWithoutCheck, true);
    assert.equal(r.with.result.summary.exitReason, 'finished');
    assert.equal(r.with.files['result.txt'], 'final');
    assert.equal(r.with.result.summary.features.checkAfterLastWrite, true);
    const [i] = interventions(r.with.result, 'PreCompletionCheck');
    assert.deepEqual([i.hook, i.action, i.message], ['beforeFinish', 'reject_finish', M]);
    assert.equal(r.with.result.trajectory.steps[i.stepId - 1].observation?.results[0].content, M, 'the finish call is answered with the push-back');
  });

  it('PreCompletionCheck gives up after maxRounds push-backs', async () => {
    const M = 'Test checklist again.';
    const { result } = await runScripted({
      script: [call('write_file', { path: 'a', content: 'x' }), finish(), finish(), finish()],
      harness: testHarness({ policies: [{ id: 'P6', kind: 'PreCompletionCheck', params: { maxRounds: 2, message: M } }] }),
    });
    assert.equal(result.summary.exitReason, 'finished');
    assert.equal(result.summary.steps, 4);
    assert.equal(interventions(result, 'PreCompletionCheck').length, 2);
  });

  it('PreCompletionCheck also pushes back a reply that ends without a tool call', async () => {
    const M = 'Test checklist: check first.';
    const { result, llm } = await runScripted({
      script: [call('write_file', { path: 'a', content: 'x' }), completion({ content: 'Done.' }), bash('cat a'), completion({ content: 'Done now.' })],
      harness: testHarness({ policies: [{ id: 'P6', kind: 'PreCompletionCheck', params: { maxRounds: 2, message: M } }] }),
    });
    assert.equal(result.summary.exitReason, 'finished');
    assert.equal(result.summary.finishSummary, 'Done now.');
    assert.deepEqual(llm.requests[2].body.messages.at(-1), { role: 'user', content: M });
    assert.equal(interventions(result, 'PreCompletionCheck').length, 1);
  });

  it('MissingArtifactRecovery names the missing file, and the model recreates it', async () => {
    const M = 'Test wording: a file you need is gone, create it again.';
    const repeater = () =>
      reactive((req, n) => {
        const told = lastMessages(req);
        if (n === 0) return bash('cat config.json');
        if (told.includes(M)) return call('write_file', { path: 'config.json', content: '{}' });
        return finish('gave up');
      });
    const policy: Policy = { id: 'P7', kind: 'MissingArtifactRecovery', params: { message: M } };
    const r = await withAndWithout({ policy, model: repeater, outputs: ['config.json'] });
    assert.equal(r.without.files['config.json'], null);
    assert.equal(r.with.files['config.json'], '{}');
    const [i] = interventions(r.with.result, 'MissingArtifactRecovery');
    assert.equal(i.action, 'inject');
    assert.equal(i.message, `${M}\nMissing: config.json`);
    assert.equal(r.with.llm.requests[1].body.messages.at(-1).content, `${M}\nMissing: config.json`);
  });

  it('ExplorationLimit nudges after maxReadOnlySteps read-only actions in a row', async () => {
    const M = 'Test nudge: enough reading, act now.';
    const reads = [bash('ls -la'), call('read_file', { path: 'notes.md' }), bash('cat notes.md | grep x; pwd'), call('list_dir', { path: '.' })];
    const prober = () =>
      reactive((req, n) => {
        const told = lastMessages(req);
        if (told.startsWith('wrote')) return finish();
        if (told.includes(M)) return call('write_file', { path: 'out.txt', content: 'acted' });
        return reads[n % reads.length];
      });
    const policy: Policy = { id: 'P8', kind: 'ExplorationLimit', params: { maxReadOnlySteps: 3, message: M } };
    const r = await withAndWithout({ policy, model: prober, files: { 'notes.md': 'x\n' }, outputs: ['out.txt'] });
    assert.equal(r.without.result.summary.exitReason, 'step_budget');
    assert.equal(r.without.result.summary.features.longestReadOnlyStreak, 10);
    assert.equal(r.with.result.summary.exitReason, 'finished');
    assert.equal(r.with.files['out.txt'], 'acted');
    const [i] = interventions(r.with.result, 'ExplorationLimit');
    assert.deepEqual([i.action, i.message, i.detail], ['inject', M, '3 read-only actions in a row']);
  });

  it('ContextCompaction keeps the conversation under a small context window with a digest', async () => {
    const WINDOW = 9_000;
    const BIG = "head -c 2000 /dev/zero | tr '\\0' a";
    const model = () =>
      reactive((req, n) => {
        if (req.raw.length > WINDOW) return { status: 400, body: { error: { message: "This model's maximum context length is 2048 tokens" } } };
        const usage = { prompt_tokens: Math.ceil(JSON.stringify(req.body.messages).length / 4), completion_tokens: 10 };
        if (n < 6) return completion({ calls: [{ id: `big${n}`, name: 'bash', arguments: JSON.stringify({ command: `${BIG} # ${n}` }) }], usage });
        return completion({ calls: [{ id: 'done', name: 'finish', arguments: '{"summary":"ok"}' }], usage });
      });
    const policy: Policy = { id: 'P9', kind: 'ContextCompaction', params: { tokenBudget: 1_000, keepLast: 4 } };
    const r = await withAndWithout({ policy, model, outputs: [] });
    assert.equal(r.without.result.summary.exitReason, 'model_error');
    assert.equal(r.without.result.summary.features.contextOverflow, true);
    assert.equal(r.with.result.summary.exitReason, 'finished');
    const compactions = interventions(r.with.result, 'ContextCompaction');
    assert.ok(compactions.length >= 1);
    assert.equal(compactions[0].action, 'compact');
    const last = r.with.llm.requests.at(-1)!;
    assert.equal(last.body.messages[0].role, 'system');
    assert.equal(last.body.messages[1].content, 'Do the task.');
    const digest = last.body.messages[2].content as string;
    assert.match(digest, /^\[Earlier conversation compacted: \d+ messages replaced by this digest\.\]/);
    assert.match(digest, /Commands run:\n- `head -c 2000 \/dev\/zero \| tr '\\0' a # 0` \(exit 0\)/);
    assert.ok(last.body.messages.length <= 3 + 4 + 1);
    const trace = r.with.result.trajectory;
    assert.equal(trace.steps.filter((s) => s.extra?.compaction).length, compactions.length, 'each compaction is a step of the trace');
    assert.equal(trace.steps.filter((s) => s.source === 'agent').length, 7, 'the trace keeps every turn');
  });
});
