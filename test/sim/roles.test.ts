import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import OpenAI from 'openai';
import { applyEdit, Edit } from '../../src/domain/edits.js';
import { minimalHarness as initialHarness, type Harness } from '../../src/domain/harness.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { minimalHarness, runAttempt, type AttemptResult } from './support/driver.js';
import { FIXTURES, taskDir } from './support/fixtures.js';

/** What the loop does with an answer: drop a <think> block and a ```json fence, then parse. */
const jsonOf = (content: string | null): Record<string, unknown> =>
  JSON.parse((content ?? '').replace(/<think>[\s\S]*?<\/think>/, '').replace(/^\s*```(?:json)?\s*\n([\s\S]*?)\n```\s*$/, '$1')) as Record<string, unknown>;

const CLASSIFIER_SYSTEM = 'Role: trace-classifier\nYou read one failed attempt of an agent and say why it failed. Answer with JSON only.';
const PROPOSER_SYSTEM = 'Role: harness-proposer\nYou propose small typed edits to an agent harness. Answer with JSON only.';

/** The classifier prompt of src/sim/README.md, built from a driver attempt. */
const classifierPrompt = (task: string, r: AttemptResult, verifierCause: string, hints: string[] = []) =>
  [
    `## Task\nid: ${task}`,
    `## Outcome\nexit reason: ${r.finished ? 'finished' : 'step_budget'}\nverifier cause: ${verifierCause}\nreward: 0\n${r.verifierOutput.slice(0, 400)}`,
    `## Mechanism hints\n${hints.map((h) => `- ${h}`).join('\n') || '- none'}`,
    '## Trace',
    '```json',
    JSON.stringify({ steps: r.calls.map((c, i) => ({ step: i + 1, tool: c.name, arguments: c.args, exitCode: c.exitCode, output: c.result.slice(0, 300) })) }),
    '```',
  ].join('\n');

const harness: Harness = initialHarness(['R1', 'R2', 'R3', 'R4']);

const proposerPrompt = (weaknesses: unknown[], rejected: unknown[] = [], limit = 3) =>
  [
    '## Weaknesses',
    '```json',
    JSON.stringify(weaknesses),
    '```',
    '## Harness',
    '```json',
    JSON.stringify(harness),
    '```',
    '## Protected tasks',
    '```json',
    JSON.stringify(['count-words', 'release-env']),
    '```',
    '## Rejected proposals',
    '```json',
    JSON.stringify(rejected),
    '```',
    `## Limits\nPropose at most ${limit} edits.`,
  ].join('\n');

const REPEATS = {
  weaknessId: 'W1',
  signature: { verifierCause: 'missing_required_artifact', causalStatus: 'root_cause', mechanism: 'repeated_failing_command' },
  description: 'The same failing command is run again and again, then files are deleted.',
  support: 3,
  taskIds: ['run-report'],
  evidence: [{ traceId: 't-0123456789abcdef', taskId: 'run-report', step: 4, excerpt: '/app/bin/summarise.sh > /app/summary.txt (exit 126) x5' }],
};

/** Gives a proposal's new rule or policy the id the loop would mint, then decodes it as a domain edit. */
const mint = (edit: Record<string, unknown>): Edit => {
  const withId = structuredClone(edit) as { rule?: { id?: string }; policy?: { id?: string } };
  if (withId.rule && !withId.rule.id) withId.rule.id = 'R9';
  if (withId.policy && !withId.policy.id) withId.policy.id = 'P1';
  const decoded = Edit.decode(withId);
  assert.ok(E.isRight(decoded), `decodes as an Edit: ${JSON.stringify(edit)}`);
  return decoded.right;
};

describe('sim as trace classifier and harness proposer', () => {
  let server: SimServer;
  let noisy: SimServer;
  let client: OpenAI;
  const ask = async (s: SimServer, system: string, user: string, seed = 1, extra: OpenAI.Chat.ChatCompletionMessageParam[] = []) => {
    const c = s === server ? client : new OpenAI({ baseURL: s.url, apiKey: 'unused', maxRetries: 0 });
    const res = await c.chat.completions.create({ model: 'sim:repeater', seed, messages: [{ role: 'system', content: system }, { role: 'user', content: user }, ...extra] });
    assert.equal(res.choices[0].finish_reason, 'stop');
    assert.equal(res.choices[0].message.tool_calls, undefined);
    return res.choices[0].message.content;
  };
  before(async () => {
    server = await startSimServer({ suites: [FIXTURES], classifier: { noise: 0, malformed: 0 }, proposer: { useless: 0, harmful: 0, malformed: 0 } });
    noisy = await startSimServer({ suites: [FIXTURES], classifier: { noise: 0, malformed: 1 }, proposer: { useless: 0.3, harmful: 0.3, malformed: 0 } });
    client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await server.stop();
    await noisy.stop();
  });
  const agent = (model: string, task: string, seed: number, h = minimalHarness()) =>
    runAttempt({ client: new OpenAI({ baseURL: server.url, apiKey: 'unused' }), model, taskDir: taskDir(task), seed, harness: h });
  const failingAttempt = async (model: string, task: string) => {
    for (let seed = 1; seed < 20; seed++) {
      const r = await agent(model, task, seed);
      if (!r.passed) return r;
    }
    assert.fail(`${model} never failed ${task}`);
  };

  it('classifies failed traces by the mechanism they show', async () => {
    const cases: [string, string, string, string][] = [
      ['sim:repeater', 'run-report', 'missing_required_artifact', 'repeated_failing_command'],
      ['sim:forgetful', 'release-env', 'missing_required_artifact', 'environment_not_persisted'],
      ['sim:prober', 'count-words', 'missing_required_artifact', 'excessive_exploration'],
      ['sim:forgetful', 'inventory-total', 'verifier_assertion', 'finished_without_verification'],
    ];
    for (const [model, task, cause, mechanism] of cases) {
      const answer = jsonOf(await ask(server, CLASSIFIER_SYSTEM, classifierPrompt(task, await failingAttempt(model, task), cause)));
      assert.deepEqual(Object.keys(answer).sort(), ['causalStatus', 'explanation', 'mechanism']);
      assert.equal(answer.mechanism, mechanism, `${model} on ${task}`);
      assert.equal(answer.causalStatus, 'root_cause');
      assert.equal(typeof answer.explanation, 'string');
    }
  });

  it('answers malformed JSON when configured to, and valid JSON in the repair round', async () => {
    const prompt = classifierPrompt('run-report', await failingAttempt('sim:repeater', 'run-report'), 'missing_required_artifact');
    const first = await ask(noisy, CLASSIFIER_SYSTEM, prompt);
    assert.throws(() => jsonOf(first));
    const repaired = await ask(noisy, CLASSIFIER_SYSTEM, prompt, 1, [
      { role: 'assistant', content: first },
      { role: 'user', content: 'That was not valid JSON. Answer again with the JSON object only.' },
    ]);
    assert.equal(jsonOf(repaired).mechanism, 'repeated_failing_command');
  });

  it('proposes typed edits that answer the weakness, decode as edits once ids are minted, and apply', async () => {
    const answer = jsonOf(await ask(server, PROPOSER_SYSTEM, proposerPrompt([REPEATS])));
    const proposals = answer.proposals as Record<string, unknown>[];
    assert.ok(proposals.length >= 1 && proposals.length <= 3);
    for (const p of proposals) {
      assert.equal(p.weaknessId, 'W1');
      for (const k of ['rationale', 'expectedEffect', 'regressionRisk']) assert.equal(typeof p[k], 'string', k);
      assert.deepEqual((p.prediction as { fixes: string[] }).fixes, ['run-report']);
      assert.ok(Array.isArray((p.prediction as { risks: unknown }).risks));
      assert.ok(E.isRight(applyEdit(harness, mint(p.edit as Record<string, unknown>))));
    }
    assert.deepEqual(proposals[0].edit, {
      op: 'SetPolicy',
      policy: {
        kind: 'DuplicateCommandGuard',
        params: {
          allowedRepeats: 1,
          message: 'You already ran this exact command and it failed. Running it again will fail the same way: read the error and try a different approach.',
        },
      },
    });
  });

  it('does not propose again what was rejected, and declines when nothing is actionable', async () => {
    const rejected = [{ weaknessId: 'W1', edit: { op: 'SetPolicy', policy: { id: 'P3', kind: 'DuplicateCommandGuard', params: { allowedRepeats: 1, message: 'You already ran this exact command and it failed. Running it again will fail the same way: read the error and try a different approach.' } } }, reason: 'gate: opt lost 2 passes' }];
    const again = jsonOf(await ask(server, PROPOSER_SYSTEM, proposerPrompt([REPEATS], rejected)));
    for (const p of again.proposals as { edit: { policy?: { kind: string } } }[]) assert.notEqual(p.edit.policy?.kind, 'DuplicateCommandGuard');
    const unclear = { ...REPEATS, signature: { verifierCause: 'verifier_assertion', causalStatus: 'unknown', mechanism: 'no_clear_mechanism' }, description: 'Wrong output.', evidence: [] };
    const declined = jsonOf(await ask(server, PROPOSER_SYSTEM, proposerPrompt([unclear])));
    assert.equal(typeof declined.decline, 'string');
  });

  it('mixes useless and harmful proposals in at the configured rates, all still valid edits', async () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const answer = jsonOf(await ask(noisy, PROPOSER_SYSTEM, proposerPrompt([REPEATS], [], 4), seed));
      for (const p of answer.proposals as { edit: Record<string, unknown> }[]) {
        const edit = mint(p.edit);
        assert.ok(E.isRight(applyEdit(harness, edit)), JSON.stringify(edit));
        if (edit.op === 'AddRule' && edit.rule.section === 'general') kinds.add('useless');
        else if ((edit.op === 'SetPolicy' && edit.policy.kind === 'ToolCallBudget' && edit.policy.params.maxCalls <= 5) || edit.op === 'SetLimit' || (edit.op === 'SetToolOption' && edit.option === 'timeoutSec'))
          kinds.add('harmful');
        else kinds.add('sensible');
      }
    }
    assert.deepEqual([...kinds].sort(), ['harmful', 'sensible', 'useless']);
  });
});
