import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

// Static checks of the built-in suites; running every task (oracle passes, null fails) is the job of
// the runner tests and of scripts/check-suite.sh.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const suites = [
  { name: 'core', minTasks: 36, min: '14,8,14' },
  { name: 'mini', minTasks: 6, min: '2,2,2' },
];

const REQUIRED_FILES = ['task.toml', 'instruction.md', 'environment/Dockerfile', 'tests/test.sh', 'solution/solve.sh'];
const DOCKERFILE_SUBSET = new Set(['FROM', 'WORKDIR', 'ENV', 'COPY', 'RUN']);

const taskIds = (suiteDir: string): string[] =>
  readdirSync(suiteDir)
    .filter((id) => existsSync(join(suiteDir, id, 'task.toml')))
    .sort();

for (const suite of suites) {
  const suiteDir = join(repoRoot, 'suites', suite.name);

  describe(`suites/${suite.name}`, () => {
    it(`has at least ${suite.minTasks} tasks, each with the Harbor layout`, () => {
      const ids = taskIds(suiteDir);
      assert.ok(ids.length >= suite.minTasks, `${ids.length} tasks`);
      for (const id of ids) {
        for (const file of REQUIRED_FILES) assert.ok(existsSync(join(suiteDir, id, file)), `${id}: missing ${file}`);
      }
    });

    it('declares the task.toml fields the runner reads', () => {
      for (const id of taskIds(suiteDir)) {
        const toml = parse(readFileSync(join(suiteDir, id, 'task.toml'), 'utf8')) as Record<string, Record<string, unknown>>;
        assert.equal(toml.version, '1.0', id);
        assert.ok(['easy', 'medium', 'hard'].includes(String(toml.metadata.difficulty)), id);
        assert.equal(typeof toml.metadata.category, 'string', id);
        assert.ok(Number(toml.agent.timeout_sec) > 0 && Number(toml.verifier.timeout_sec) > 0, id);
        assert.equal(toml.environment.workdir, '/app', id);
        assert.equal(toml.environment.allow_internet, false, id);
      }
    });

    it('keeps every Dockerfile inside the supported subset', () => {
      for (const id of taskIds(suiteDir)) {
        const lines = readFileSync(join(suiteDir, id, 'environment/Dockerfile'), 'utf8')
          .replace(/\\\n/g, ' ')
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '' && !l.startsWith('#'));
        assert.match(lines[0], /^FROM (debian:bookworm-slim|python:3\.11-slim-bookworm)$/, id);
        for (const line of lines) assert.ok(DOCKERFILE_SUBSET.has(line.split(' ')[0]), `${id}: ${line}`);
      }
    });

    it('annotates every reference solution with steps, a check and an artifact', () => {
      for (const id of taskIds(suiteDir)) {
        const solution = readFileSync(join(suiteDir, id, 'solution/solve.sh'), 'utf8');
        assert.match(solution, /^# tack-step: \S/m, id);
        assert.match(solution, /^# tack-check: \S/m, id);
        assert.match(solution, /^# tack-artifact: \//m, id);
        assert.equal(solution.split('# tack-draft-begin').length, solution.split('# tack-draft-end').length, id);
      }
    });

    it('has a splits.json that matches the seeded split of scripts/make-splits.js', () => {
      const r = spawnSync(process.execPath, ['scripts/make-splits.js', suiteDir, '--min', suite.min, '--check'], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const splits = JSON.parse(readFileSync(join(suiteDir, 'splits.json'), 'utf8')) as Record<string, string[]>;
      const assigned = [...splits.opt, ...splits.gate, ...splits.test].sort();
      assert.deepEqual(assigned, taskIds(suiteDir));
    });
  });
}
