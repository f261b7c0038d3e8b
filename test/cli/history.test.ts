import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tack, tackOk, treeDigest } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';
import { minimalHarness } from '../../src/domain/harness.js';

/** The history transcript of the history issue, through the real `tack` bin in an empty folder. */
describe('tack history by hand', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir();
    tackOk(dir, ['init', '--model', 'm1']);
    tackOk(dir, ['edit', 'add-rule', '--section', 'general', '--text', 'Create required output files first.', '--why', 'seen in traces']);
    tackOk(dir, ['edit', 'add-rule', '--section', 'recovery', '--text', 'Do not repeat an identical failing command.', '--why', 'loops']);
    tackOk(dir, ['edit', 'add-rule', '--section', 'verification', '--text', "Run the task's checks before finishing.", '--why', 'checks']);
    tackOk(dir, ['branch', 'qwen', '--from', 'main@2', '--model', 'qwen']);
    tackOk(dir, ['edit', 'add-rule', '--branch', 'qwen', '--section', 'recovery', '--text', 'Persist PATH across shells.', '--why', 'qwen only']);
  });

  it('log of the child shows inherited versions 1 and 2 and its own 3', () => {
    const log = JSON.parse(tackOk(dir, ['log', '--branch', 'qwen', '--json']));
    assert.deepEqual(
      log.versions.map((v: { version: number; branch: string }) => [v.version, v.branch]),
      [
        [3, 'qwen'],
        [2, 'main'],
        [1, 'main'],
      ],
    );
    const text = tackOk(dir, ['log', '--branch', 'qwen']);
    assert.match(text, /version 3 .*\n.*\n.*Persist PATH/);
    assert.match(text, /version 2 \(inherited from main\)/);
    assert.match(text, /why: qwen only/);
  });

  it('show at an older version differs from the head', () => {
    assert.notEqual(tackOk(dir, ['show', 'main@1']), tackOk(dir, ['show', 'main']));
    const v1 = JSON.parse(tackOk(dir, ['show', 'main@1', '--json']));
    const head = JSON.parse(tackOk(dir, ['show', 'main', '--json']));
    assert.equal(v1.version, 1);
    assert.equal(head.version, 4);
    assert.equal(head.harness.prompt.rules.length, v1.harness.prompt.rules.length + 3);
  });

  it('the child has no rule added to its parent after the fork', () => {
    const qwen = tackOk(dir, ['show', 'qwen']);
    assert.match(qwen, /Persist PATH/);
    assert.match(qwen, /Create required output files first/);
    assert.doesNotMatch(qwen, /Do not repeat an identical failing command/);
    assert.doesNotMatch(qwen, /Run the task's checks/);
  });

  it('diff shows the differing rules both ways', () => {
    const d = tackOk(dir, ['diff', 'main', 'qwen']);
    assert.match(d, /^\+ R\d+ \[recovery\] Persist PATH across shells\.$/m);
    assert.match(d, /^- R\d+ \[verification\] Run the task's checks before finishing\.$/m);
    assert.doesNotMatch(d, /Create required output/);
  });

  it('why gives the edit, its author and its reason', () => {
    const head = JSON.parse(tackOk(dir, ['show', 'qwen', '--json']));
    const rule = head.harness.prompt.rules.find((r: { text: string }) => /Persist PATH/.test(r.text));
    const w = tackOk(dir, ['why', rule.id]);
    assert.match(w, /introduced in qwen version 3/);
    assert.match(w, /by human:tester/);
    assert.match(w, /why: qwen only/);
    assert.match(w, /add rule/);
    const j = JSON.parse(tackOk(dir, ['why', rule.id, '--json']));
    assert.equal(j.changes[0].proposal.rationale, 'qwen only');
    assert.equal(j.changes[0].decision.validation.kind, 'human');
  });

  it('blame attributes every rule', () => {
    const b = JSON.parse(tackOk(dir, ['blame', 'qwen', '--json']));
    const shown = JSON.parse(tackOk(dir, ['show', 'qwen', '--json']));
    const ids = shown.harness.prompt.rules.map((r: { id: string }) => r.id).sort();
    assert.deepEqual(b.elements.map((l: { id: string }) => l.id).sort(), ids);
    const own = b.elements.find((l: { summary: string }) => /Persist PATH/.test(l.summary));
    assert.equal(own.version, 3);
    assert.equal(own.branch, 'qwen');
    assert.match(own.proposalId, /^E\d+$/);
    const initial = b.elements.filter((l: { proposalId: string | null }) => l.proposalId === null);
    assert.equal(initial.length, 4);
  });

  it('a policy set with set-policy is explained by why the same way', () => {
    const out = JSON.parse(
      tackOk(dir, ['edit', 'set-policy', '--kind', 'DuplicateCommandGuard', '--params', '{"allowedRepeats":0}', '--why', 'repeats seen', '--json']),
    );
    const id = out.edit.policy.id;
    assert.match(id, /^P\d+$/);
    const w = tackOk(dir, ['why', id]);
    assert.match(w, /policy DuplicateCommandGuard/);
    assert.match(w, /why: repeats seen/);
    assert.match(w, /by human:tester/);
  });

  it('ids are unique across the whole store', () => {
    const ids = new Set<string>();
    for (const b of ['main', 'qwen']) {
      const h = JSON.parse(tackOk(dir, ['show', b, '--json'])).harness;
      for (const r of h.prompt.rules) ids.add(`${b}:${r.id}:${r.text}`);
    }
    const byId = new Map<string, Set<string>>();
    for (const k of ids) {
      const [, id, text] = k.split(':');
      byId.set(id, (byId.get(id) ?? new Set()).add(text));
    }
    for (const [id, texts] of byId) assert.equal(texts.size, 1, `${id} names two different rules`);
  });

  it('verify says the store is sound', () => {
    const r = tack(dir, ['verify']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /store sound: 3 streams/);
  });

  it('tags resolve as refs and revert restores the earlier harness', () => {
    const before = JSON.parse(tackOk(dir, ['show', 'main', '--json']));
    tackOk(dir, ['tag', 'production', 'main@3']);
    assert.equal(JSON.parse(tackOk(dir, ['show', 'production', '--json'])).version, 3);
    const added = JSON.parse(tackOk(dir, ['edit', 'add-rule', '--section', 'general', '--text', 'Temporary.', '--why', 'try', '--json']));
    tackOk(dir, ['revert', added.proposalId, '--why', 'did not help']);
    const after = JSON.parse(tackOk(dir, ['show', 'main', '--json']));
    assert.equal(after.version, before.version + 2);
    assert.equal(after.harnessHash, before.harnessHash);
    assert.match(tackOk(dir, ['log']), /revert E\d+: add rule .*Temporary/);
    assert.notEqual(tack(dir, ['revert', added.proposalId, '--why', 'again']).code, 0);
  });
});

describe('refused commands: one clear line, non-zero exit, store unchanged', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir();
    tackOk(dir, ['init', '--model', 'm1']);
    tackOk(dir, ['edit', 'add-rule', '--section', 'general', '--text', 'A rule.', '--why', 'w']);
  });

  const refused = (name: string, args: string[], pattern: RegExp, setup?: (d: string) => void) =>
    it(name, () => {
      setup?.(dir);
      const before = treeDigest(join(dir, '.tack'));
      const r = tack(dir, args);
      assert.notEqual(r.code, 0);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `expected one line, got: ${r.stderr}`);
      assert.match(lines[0], pattern);
      assert.equal(treeDigest(join(dir, '.tack')), before, 'the store changed');
    });

  refused(
    'a malformed harness file',
    ['init', '--branch', 'other', '--model', 'm', '--harness', 'bad.json'],
    /harness file bad\.json: .*limits\.maxSteps/,
    (d) => {
      const h = { ...minimalHarness(['R1', 'R2', 'R3', 'R4']), limits: { maxSteps: -1, wallSeconds: 10 } };
      writeFileSync(join(d, 'bad.json'), JSON.stringify(h));
    },
  );
  refused('a harness file that is not JSON', ['init', '--branch', 'other', '--model', 'm', '--harness', 'nojson.json'], /harness file nojson\.json/, (d) =>
    writeFileSync(join(d, 'nojson.json'), '{ not json'),
  );
  refused('an unknown policy kind', ['edit', 'set-policy', '--kind', 'TeleportGuard', '--why', 'x'], /unknown policy kind "TeleportGuard"/);
  refused('policy params out of range', ['edit', 'set-policy', '--kind', 'ToolCallBudget', '--params', '{"maxCalls":0}', '--why', 'x'], /maxCalls/);
  refused('a rule id that does not exist', ['edit', 'replace-rule', '--id', 'R999', '--text', 'x', '--why', 'y'], /no rule R999/);
  refused('removing a rule that does not exist', ['edit', 'remove-rule', '--id', 'R998', '--why', 'y'], /no rule R998/);
  refused('a branch name with a slash', ['branch', 'bad/name', '--from', 'main', '--model', 'm'], /invalid branch name "bad\/name"/);
  refused('a branch name with a space', ['branch', 'bad name', '--from', 'main', '--model', 'm'], /invalid branch name "bad name"/);
  refused('a version beyond the head', ['show', 'main@99'], /no version 99/);
  refused('a fork beyond the head', ['branch', 'late', '--from', 'main@9', '--model', 'm'], /no version 9/);
  refused('an unknown tag', ['show', 'no-such-tag'], /unknown ref "no-such-tag"/);
  it('a valid harness file starts a branch, with ids minted by the store', () => {
    const h = minimalHarness(['R1', 'R2', 'R3', 'R4']);
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ ...h, prompt: { ...h.prompt, rules: h.prompt.rules.map(({ section, text }) => ({ section, text })) } }));
    tackOk(dir, ['init', '--branch', 'fromfile', '--model', 'm', '--harness', 'good.json']);
    const ids = JSON.parse(tackOk(dir, ['show', 'fromfile', '--json'])).harness.prompt.rules.map((r: { id: string }) => r.id);
    assert.equal(ids.length, 4);
    assert.ok(!ids.includes('R1'), 'ids must not collide with those main already minted');
  });
  refused('an unknown command', ['frobnicate'], /Unknown argument: frobnicate/);
  refused('a missing required option', ['edit', 'add-rule', '--text', 'x', '--why', 'y'], /section/);

  it('usage errors exit 2 and domain errors exit 1', () => {
    assert.equal(tack(dir, ['frobnicate']).code, 2);
    assert.equal(tack(dir, ['show', 'main@99']).code, 1);
  });

  it('commands outside a store say how to make one', async () => {
    const empty = await tempDir();
    const r = tack(empty, ['log']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no tack store at .*run `tack init`/);
  });
});
