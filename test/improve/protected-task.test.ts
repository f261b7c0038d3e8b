import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bash, completion, finish } from '../support/scripted-llm.js';
import { PROJECT, tackAsync } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';

/**
 * A proposal is injected into the loop through the model it asks: an edit that makes two failing opt
 * tasks pass and breaks one that passed in every baseline attempt. The opt split gains (2 -> 4 of 6)
 * and the gate split holds, so the aggregate rule alone would accept it; tack rejects it for the
 * protected task.
 */
const MINI = join(PROJECT, 'suites', 'mini');
const MARK = 'Prefer the quick path on every task.';

describe('an injected proposal that helps opt tasks but breaks a protected task', () => {
  it('is rejected by the per-task guard, and the record says so', async () => {
    const suite = join(await tempDir(), 'suite');
    const tasks = { fixA: 'csv-total', fixB: 'release-build', keep: 'clean-names', gate: 'greet-fix' };
    for (const t of Object.values(tasks)) cpSync(join(MINI, t), join(suite, t), { recursive: true });
    mkdirSync(suite, { recursive: true });
    writeFileSync(join(suite, 'splits.json'), JSON.stringify({ opt: [tasks.fixA, tasks.fixB, tasks.keep], gate: [tasks.gate], test: [] }));
    const solutions = new Map(Object.values(tasks).map((t) => [t, readFileSync(join(suite, t, 'solution', 'solve.sh'), 'utf8')]));
    const instructions = new Map(Object.values(tasks).map((t) => [readFileSync(join(suite, t, 'instruction.md'), 'utf8').trim().slice(0, 60), t]));

    // The model: solves a task or not depending on the harness it is given (the rule in its prompt);
    // as classifier and proposer it answers the JSON the loop asks for, proposing the harmful rule.
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const r = JSON.parse(body);
        const messages = r.messages as { role: string; content: string | null }[];
        const system = messages[0].content ?? '';
        const reply = (x: { status: number; body: unknown }) => {
          res.writeHead(x.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(x.body));
        };
        if (system.includes('Role: trace-classifier'))
          return reply(completion({ content: JSON.stringify({ causalStatus: 'root_cause', mechanism: 'gave_up_early', explanation: 'did nothing' }) }));
        if (system.includes('Role: harness-proposer')) {
          const weaknessId = /"weaknessId": "(W\d+)"/.exec(messages[1].content ?? '')![1];
          const edit = { op: 'AddRule', rule: { section: 'general', text: MARK } };
          return reply(completion({ content: JSON.stringify({ proposals: [{ weaknessId, edit, rationale: 'act quickly', expectedEffect: 'fixes the two', regressionRisk: 'low', prediction: { fixes: [tasks.fixA, tasks.fixB], risks: [] } }] }) }));
        }
        const task = [...instructions].find(([head]) => (messages[1].content ?? '').includes(head))![1];
        const withRule = system.includes(MARK);
        const solves = task === tasks.gate || (withRule ? task !== tasks.keep : task === tasks.keep);
        const acted = messages.some((m) => m.role === 'assistant');
        if (acted || !solves) return reply(finish('done'));
        return reply(bash(solutions.get(task)!));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
    try {
      const dir = await tempDir();
      assert.equal((await tackAsync(dir, ['init', '--model', 'scripted', '--base-url', url])).code, 0);
      const ev = await tackAsync(dir, ['evolve', '--suite', suite, '--iterations', '1', '--attempts', '2', '--test-attempts', '1', '--json']);
      assert.equal(ev.code, 0, ev.stderr);
      const rejected = (await tackAsync(dir, ['events', '--type', 'EditRejected'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(rejected.length, 1);
      const v = rejected[0].data.validation;
      assert.equal(v.verdict, 'fail');
      assert.deepEqual(v.splits, [
        { split: 'opt', attempts: 6, baseline: 2, candidate: 4 },
        { split: 'gate', attempts: 2, baseline: 2, candidate: 2 },
      ]);
      assert.equal(rejected[0].data.reason, `per-task guard: ${tasks.keep} (opt) passed 2/2 at baseline and 0/2 with the candidate`);
      const shown = JSON.parse((await tackAsync(dir, ['show', '--json'])).stdout);
      assert.equal(shown.version, 1, 'the harmful edit was committed');
    } finally {
      server.close();
    }
  });
});
