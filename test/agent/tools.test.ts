import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import type { JsonObject } from '../../src/agent/atif.js';
import { capOutput } from '../../src/agent/tools/output-cap.js';
import { ShellSession } from '../../src/agent/tools/shell-session.js';
import { Toolbox } from '../../src/agent/tools/toolbox.js';
import { classifyCommand } from '../../src/agent/command-kinds.js';
import { missingFileIn } from '../../src/agent/actions.js';
import { bash, finish } from '../support/scripted-llm.js';
import { runScripted, tempWorkspace, testHarness } from '../support/agent-fixtures.js';

/** Processes whose command line contains `needle`. */
const processesMatching = async (needle: string): Promise<number[]> => {
  const found: number[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').join(' ').includes(needle)) found.push(Number(pid));
  }
  return found;
};

const eventually = async (check: () => Promise<boolean>, tries = 50): Promise<boolean> => {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
};

describe('bash tool', () => {
  it('kills a command that never ends, with its children, at the timeout', async () => {
    const h = testHarness();
    const { result } = await runScripted({
      harness: testHarness({ tools: { bash: { ...h.tools.bash, timeoutSec: 1 } } }),
      script: [bash('sleep 987.123 & sleep 987.456'), finish()],
    });
    const step = result.trajectory.steps[2];
    assert.match(step.observation?.results[0].content ?? '', /\[timed out after 1 s: the command and its child processes were killed\]$/);
    assert.equal((step.extra?.tools as JsonObject[])[0].timed_out, true);
    assert.equal(result.summary.features.timedOutCommands, 1);
    assert.ok(await eventually(async () => (await processesMatching('sleep 987.')).length === 0), 'no process of the command survives');
  });

  it('caps 10 MB of output head and tail, with the elided count', async () => {
    const { result } = await runScripted({
      script: [bash("head -c 10000000 /dev/zero | tr '\\0' x; echo; echo THE-END"), finish()],
    });
    const content = result.trajectory.steps[2].observation?.results[0].content ?? '';
    const cap = testHarness().tools.bash.outputCapBytes;
    const elided = 10_000_009 - cap;
    assert.ok(content.includes(`[... ${elided} bytes elided ...]`), content.slice(4990, 5060));
    assert.ok(content.startsWith('xxxx'));
    assert.ok(content.endsWith('THE-END\n[exit code 0]'));
    assert.ok(content.length < cap + 200);
    assert.equal((result.trajectory.steps[2].extra?.tools as JsonObject[])[0].elided_bytes, elided);
  });

  it('a persistent session keeps exports, PATH and cwd, survives exit, and keeps state when killed', async () => {
    const ws = await tempWorkspace({ 'sub/keep': '' });
    try {
      const session = new ShellSession(new Set(['exports', 'path', 'cwd'] as const));
      const run = async (command: string, timeoutSec = 10) => {
        const r = await ws.workspace.exec(session.wrap(command), { timeoutSec });
        return { ...r, output: session.absorb(r.output) };
      };
      const first = await run('export A="x y"; export PATH="/opt/tack-test:$PATH"; cd sub; echo hi');
      assert.equal(first.output, 'hi\n');
      assert.equal(first.exitCode, 0);
      const second = await run('echo "$A|${PATH%%:*}|$(basename "$PWD")"; exit 7');
      assert.deepEqual([second.output, second.exitCode], ['x y|/opt/tack-test|sub\n', 7]);
      assert.deepEqual(session.carried(new Set(['exports', 'path', 'cwd'])), ['export A', 'PATH', `cwd ${ws.root}/sub`]);
      const killed = await run('export A=changed; cd ..; sleep 5', 1);
      assert.equal(killed.timedOut, true);
      const third = await run('echo "$A" $(basename "$PWD"); unset A');
      assert.equal(third.output, 'x y sub\n', 'the killed call left the state as it was');
      const fourth = await run('echo "${A-gone}"');
      assert.equal(fourth.output, 'gone\n', 'an unset variable stays unset');
      const syntax = await run('if then');
      assert.match(syntax.output, /syntax error/);
      assert.equal(syntax.exitCode, 2);
    } finally {
      await ws.cleanup();
    }
  });

  it('a fresh shell per call keeps nothing', async () => {
    const ws = await tempWorkspace();
    try {
      const box = new Toolbox(testHarness(), '/app');
      const ctx = { workspace: ws.workspace, secondsLeft: () => 60 };
      await box.run('bash', { command: 'export A=1; cd /tmp' }, ctx);
      const r = await box.run('bash', { command: 'echo "[${A-}]"; pwd' }, ctx);
      assert.equal(r.content, `[]\n${ws.root}\n[exit code 0]`);
    } finally {
      await ws.cleanup();
    }
  });
});

describe('file tools', () => {
  it('read, write, edit and list, with clear errors', async () => {
    const ws = await tempWorkspace({ 'a.txt': 'one two two\n', 'dir/b.txt': 'b' });
    try {
      const h = testHarness();
      const box = new Toolbox({ ...h, tools: { ...h.tools, read_file: { enabled: true, outputCapBytes: 256 } } }, '/app');
      const ctx = { workspace: ws.workspace, secondsLeft: () => 60 };
      assert.deepEqual(await box.run('read_file', { path: '/app/a.txt' }, ctx), { content: 'one two two\n', ok: true, elidedBytes: 0, path: '/app/a.txt' });
      const missing = await box.run('read_file', { path: 'nope.txt' }, ctx);
      assert.deepEqual([missing.ok, missing.content], [false, 'read_file: /app/nope.txt: No such file or directory']);
      const outside = await box.run('read_file', { path: '/etc/passwd' }, ctx);
      assert.match(outside.content, /outside the workspace/);

      const ambiguous = await box.run('edit_file', { path: 'a.txt', old: 'two', new: '2' }, ctx);
      assert.deepEqual([ambiguous.ok, ambiguous.content], [false, 'edit_file: the old string occurs 2 times in /app/a.txt; include more context so it occurs once; nothing changed']);
      const absent = await box.run('edit_file', { path: 'a.txt', old: 'three', new: '3' }, ctx);
      assert.deepEqual([absent.ok, absent.content], [false, 'edit_file: the old string was not found in /app/a.txt; nothing changed']);
      const edited = await box.run('edit_file', { path: 'a.txt', old: 'one two', new: 'ONE' }, ctx);
      assert.equal(edited.ok, true);
      assert.equal(await readFile(`${ws.root}/a.txt`, 'utf8'), 'ONE two\n');

      await box.run('write_file', { path: 'new/deep/c.txt', content: 'x'.repeat(1000) }, ctx);
      const capped = await box.run('read_file', { path: 'new/deep/c.txt' }, ctx);
      assert.equal(capped.elidedBytes, 1000 - 256);
      assert.match(capped.content, /\[\.\.\. 744 bytes elided \.\.\.\]/);

      const listing = await box.run('list_dir', { path: '.' }, ctx);
      assert.equal(listing.content, 'a.txt (8 bytes)\ndir/\nnew/');
      const badArgs = await box.run('write_file', { path: 'x' }, ctx);
      assert.equal(badArgs.content, 'write_file: the argument "content" must be a string');
    } finally {
      await ws.cleanup();
    }
  });
});

describe('output cap, command kinds, missing files', () => {
  it('caps on character boundaries', () => {
    const text = 'é'.repeat(1000);
    const c = capOutput(text, 301);
    assert.ok(!c.text.includes('\uFFFD'));
    assert.equal(Buffer.byteLength(text) - c.elided, Buffer.byteLength(c.text.replace(/\n\[\.\.\. \d+ bytes elided \.\.\.\]\n/, '')));
    assert.deepEqual(capOutput('short', 300), { text: 'short', elided: 0 });
  });

  it('classifies shell commands', () => {
    const kinds = (c: string) => {
      const k = classifyCommand(c);
      return [k.readOnly, k.writes, k.deletes];
    };
    assert.deepEqual(kinds('ls -la /app && cat x | grep y'), [true, false, false]);
    assert.deepEqual(kinds('git status; pwd'), [true, false, false]);
    assert.deepEqual(kinds('echo hi > out.txt'), [false, true, false]);
    assert.deepEqual(kinds('python3 run.py 2>&1 >/dev/null'), [false, false, false]);
    assert.deepEqual(kinds("grep -n '>' file"), [true, false, false]);
    assert.deepEqual(kinds('cat > f.py <<EOF\nprint(1 > 0)\nEOF'), [false, true, false]);
    assert.deepEqual(kinds('rm -rf build'), [false, true, true]);
    assert.deepEqual(kinds("sed -i 's/a/b/' f"), [false, true, false]);
    assert.deepEqual(kinds('find . -name "*.pyc" -delete'), [false, true, true]);
    assert.deepEqual(kinds('pytest -q'), [false, false, false]);
  });

  it('finds missing files in error output', () => {
    assert.deepEqual(missingFileIn('cat: config.json: No such file or directory'), { path: 'config.json' });
    assert.deepEqual(missingFileIn("FileNotFoundError: [Errno 2] No such file or directory: '/app/data.csv'"), { path: '/app/data.csv' });
    assert.deepEqual(missingFileIn("python3: can't open file '/app/run.py': [Errno 2] No such file or directory"), { path: '/app/run.py' });
    assert.deepEqual(missingFileIn("ls: cannot access 'out': No such file or directory"), { path: 'out' });
    assert.equal(missingFileIn('bash: line 1: foo: command not found'), null);
  });
});
