import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSolution } from '../../src/sim/solution.js';

const SCRIPT = `#!/bin/bash
set -euo pipefail
cd /app
# tack-step: prepare the project
# tack-artifact: out/report.txt
# tack-env
cd proj
export MODE=release
mkdir -p out
# tack-step: write the config
cat > config.ini <<'EOF'
[build]
mode = release
EOF
cat >> notes.txt <<EOF
built in $MODE
EOF
for f in a b; do
  echo "$f" >> list.txt
done
# tack-draft-begin
# sort list.txt > /app/out/report.txt
# tack-draft-end
# tack-step: report
# tack-pitfall: ./report.sh
python3 report.py \\
  --mode "$MODE" > /app/out/report.txt
# tack-check: grep -q release /app/out/report.txt
`;

describe('parseSolution', () => {
  const s = parseSolution(SCRIPT, '/app');

  it('splits steps at tack-step, with commands before the first one as "prepare"', () => {
    assert.deepEqual(
      s.steps.map((st) => st.title),
      ['prepare', 'prepare the project', 'write the config', 'report'],
    );
    assert.equal(s.shellOptions, 'set -euo pipefail');
    assert.deepEqual(s.steps[0].commands.map((c) => c.text), ['cd /app']);
  });

  it('marks tack-env steps and the commands that set environment', () => {
    const step = s.steps[1];
    assert.equal(step.setsEnv, true);
    assert.deepEqual(
      step.commands.map((c) => [c.text, c.setsEnv]),
      [
        ['cd proj', true],
        ['export MODE=release', true],
        ['mkdir -p out', false],
      ],
    );
    assert.equal(s.steps[2].setsEnv, false);
  });

  it('turns a literal heredoc into a file write resolved against the working directory, keeps expanding ones as shell', () => {
    const [config, notes, loop] = s.steps[2].commands;
    assert.deepEqual(config.write, { path: '/app/proj/config.ini', content: '[build]\nmode = release\n' });
    assert.equal(notes.write, undefined, 'an append with $MODE stays a shell command');
    assert.match(notes.text, /^cat >> notes.txt <<EOF\nbuilt in \$MODE\nEOF$/);
    assert.equal(loop.text, 'for f in a b; do\n  echo "$f" >> list.txt\ndone', 'a compound command is one command');
  });

  it('keeps line continuations together, and attaches pitfall and draft to their step', () => {
    const report = s.steps[3];
    assert.equal(report.pitfall, './report.sh');
    assert.deepEqual(report.commands.map((c) => c.text), ['python3 report.py \\\n  --mode "$MODE" > /app/out/report.txt']);
    assert.deepEqual(report.draft?.map((c) => c.text), ['sort list.txt > /app/out/report.txt']);
    assert.equal(s.steps[2].draft, undefined);
  });

  it('collects checks and artifacts, artifacts resolved against the working directory where they are declared', () => {
    assert.deepEqual(s.checks, ['grep -q release /app/out/report.txt']);
    assert.deepEqual(s.artifacts, ['/app/out/report.txt']);
  });

  it('reads a script without markers as one step', () => {
    const plain = parseSolution('#!/bin/sh\necho hi > /app/x\ncat /app/x\n');
    assert.equal(plain.steps.length, 1);
    assert.deepEqual(plain.steps[0].commands.map((c) => c.text), ['echo hi > /app/x', 'cat /app/x']);
    assert.equal(plain.shellOptions, null);
  });

  it('attaches a draft inside a step with no commands yet to that step', () => {
    const inner = parseSolution('# tack-step: a\n# tack-draft-begin\n# echo wrong > /app/y\n# tack-draft-end\necho right > /app/y\n');
    assert.deepEqual(inner.steps[0].draft?.map((c) => c.text), ['echo wrong > /app/y']);
  });
});
