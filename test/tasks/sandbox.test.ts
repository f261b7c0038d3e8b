import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadTask } from '../../src/tasks/loader.js';
import { runTasks, type AgentFn } from '../../src/tasks/runner.js';
import { nullAgent, oracleAgent } from '../../src/tasks/reference-agents.js';
import { resolveSandboxMode, runInSandbox, SandboxError, SandboxSession, UNSAFE_WARNING, WorkspaceFileError } from '../../src/tasks/sandbox.js';
import { copyEnvironment, prepareEnvironment } from '../../src/tasks/environment.js';
import { fixtureTask, hostProcessesWith, repoRoot, tempDir } from './fixtures.js';


/** The host's root home when tack can write there (it runs as root in CI), else the user's home. */
const hostHome = (): string => (process.getuid?.() === 0 ? '/root' : homedir());

describe('sandbox', () => {
  let cacheDir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  let server: Server;
  let connections = 0;
  let port = 0;
  before(async () => {
    ({ dir: cacheDir, cleanup } = await tempDir('sandbox-cache'));
    server = createServer((socket) => {
      connections += 1;
      socket.end('hello from the host\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await cleanup();
  });

  /** The done-file fixture's environment, prepared and copied for one attempt. */
  const doneFileCopy = async (name: string) => {
    const sandbox = resolveSandboxMode();
    const env = await prepareEnvironment(loadTask(fixtureTask('done-file')), { ...sandbox, cacheDir });
    assert.ok(env.status === 'ready');
    const { dir, cleanup: done } = await tempDir(name);
    return { sandbox, env, dir, paths: await copyEnvironment(env, dir), done };
  };

  it('blocks writes outside the task root, the network and host files, and kills what an attempt leaves running', async () => {
    const token = randomBytes(6).toString('hex');
    const marker = join(hostHome(), `.tack-sandbox-test-${token}`);
    await writeFile(marker, `secret ${token}\n`);
    const sleepA = `86400.${parseInt(token.slice(0, 4), 16)}1`;
    const sleepB = `86400.${parseInt(token.slice(0, 4), 16)}2`;
    const seen: Record<string, { exitCode: number | null; output: string }> = {};
    let readOnlyWrite: unknown = null;
    const probe: AgentFn = async ({ workspace }) => {
      const run = async (name: string, command: string): Promise<void> => {
        const r = await workspace.exec(command, { timeoutSec: 20 });
        seen[name] = { exitCode: r.exitCode, output: r.output };
      };
      await run('write-usr', `echo x > /usr/bin/tack-probe-${token}`);
      await workspace.writeFile(`/usr/lib/tack-probe-${token}`, 'x').catch((e: unknown) => (readOnlyWrite = e));
      await run('write-etc', `echo x > /etc/tack-probe-${token} && cat /etc/tack-probe-${token}`);
      await run('tcp', `exec 3<>/dev/tcp/127.0.0.1/${port} && echo CONNECTED && cat <&3`);
      await run('dns', 'curl -sS --max-time 5 http://example.com/ 2>&1');
      await run('read-home', `cat ${marker}; ls -a ${hostHome()} /home`);
      await run('project', `test -e ${repoRoot}package.json && echo VISIBLE || echo hidden`);
      // Started, then waited for until both have become `sleep` (a ps right after `&` can still see
      // nohup's own name while it execs).
      const running = (s: string) => `ps -eo args | grep -qx 'sleep ${s}'`;
      await run(
        'background',
        `nohup sleep ${sleepA} >/dev/null 2>&1 & setsid sleep ${sleepB} >/dev/null 2>&1 < /dev/null & ` +
          `for i in $(seq 200); do ${running(sleepA)} && ${running(sleepB)} && break; sleep 0.05; done; echo started`,
      );
      await run('still-running', 'ps -eo args');
      await workspace.writeFile('/app/done.txt', 'done\n');
      return { exitReason: 'finished' };
    };
    try {
      const [result] = await runTasks({ tasks: [loadTask(fixtureTask('done-file'))], attempts: 1, concurrency: 1, agent: probe, cacheDir });
      assert.equal(result.exitReason, 'finished', result.error ?? '');
      assert.equal(result.passed, true);

      // Writes: the host's /usr is read-only; the private task root takes other writes and is discarded.
      assert.notEqual(seen['write-usr'].exitCode, 0);
      assert.match(seen['write-usr'].output, /Read-only file system/);
      assert.ok(readOnlyWrite instanceof WorkspaceFileError && readOnlyWrite.code === 'EROFS');
      assert.equal(existsSync(`/usr/bin/tack-probe-${token}`), false);
      assert.equal(existsSync(`/usr/lib/tack-probe-${token}`), false);
      assert.equal(seen['write-etc'].output, 'x\n');
      assert.equal(existsSync(`/etc/tack-probe-${token}`), false, 'the write stayed in the attempt copy');

      // Network: the host's loopback server is unreachable, and names do not resolve.
      assert.notEqual(seen.tcp.exitCode, 0);
      assert.doesNotMatch(seen.tcp.output, /CONNECTED|hello from the host/);
      assert.equal(connections, 0);
      assert.match(seen.dns.output, /Could not resolve host/);

      // Host files: the host's home, /home and the project are not there.
      assert.doesNotMatch(seen['read-home'].output, new RegExp(`secret ${token}`));
      assert.doesNotMatch(seen['read-home'].output, new RegExp(`^\\.tack-sandbox-test-${token}$`, 'm'), 'not listed in the home folder');
      assert.match(seen['read-home'].output, /No such file or directory/);
      assert.equal(seen.project.output, 'hidden\n');

      // Processes: background ones persist across commands within the attempt, and none outlives it.
      assert.match(seen['still-running'].output, new RegExp(`sleep ${sleepA.replace('.', '\\.')}`));
      assert.match(seen['still-running'].output, new RegExp(`sleep ${sleepB.replace('.', '\\.')}`));
      assert.deepEqual(hostProcessesWith(sleepA), []);
      assert.deepEqual(hostProcessesWith(sleepB), []);

      // The result says what happened.
      const kinds = result.sandbox.events.map((e) => e.kind);
      assert.ok(kinds.includes('read_only_write'));
      assert.ok(kinds.includes('network_unreachable'));
      const killed = result.sandbox.events.find((e) => e.kind === 'processes_killed_at_close');
      assert.ok(killed !== undefined && killed.detail.includes(`sleep ${sleepA}`) && killed.detail.includes(`sleep ${sleepB}`));
      assert.equal(result.sandbox.settings.mode, 'bubblewrap');
      const notes = result.notes.join('\n');
      assert.match(notes, /sandbox: bubblewrap; network none: own network namespace with loopback only/);
      assert.match(notes, /sandbox read only write: echo x > \/usr\/bin\/tack-probe-/);
      assert.match(notes, /sandbox network unreachable: curl/);
      assert.match(notes, /sandbox processes killed at close: /);
    } finally {
      await rm(marker, { force: true });
    }
  });

  it('bounds what a command prints, returns when the command ends even if a background process writes on, and kills at the timeout', async () => {
    const { sandbox, env, paths, done } = await doneFileCopy('session');
    const session = await SandboxSession.start(sandbox.bwrap!, { ...paths, binds: [] }, env.env, env.workdir);
    try {
      const huge = await session.exec("head -c 20000000 /dev/zero | tr '\\0' a; echo; echo end", { timeoutSec: 60 });
      assert.equal(huge.exitCode, 0);
      assert.ok(huge.output.length < 17_000_000, 'head and tail only');
      assert.match(huge.output, /\[\.\.\. \d+ bytes elided by the sandbox \.\.\.\]/);
      assert.ok(huge.output.endsWith('a\nend\n'));
      const chatty = await session.exec('(while true; do echo background; sleep 0.01; done) & echo main', { timeoutSec: 30 });
      assert.equal(chatty.timedOut, false);
      assert.match(chatty.output, /^main\n/);
      const hung = await session.exec('echo before; sleep 600', { timeoutSec: 1 });
      assert.deepEqual([hung.exitCode, hung.timedOut, hung.output], [null, true, 'before\n']);
      const failed = await session.exec('exit 3', { timeoutSec: 5 });
      assert.equal(failed.exitCode, 3);
      assert.equal((await session.exec('pwd; echo $TZ $LC_ALL $HOME $PATH', { timeoutSec: 5 })).output, '/app\nUTC C /root /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
      // No way back to the host: /proc (and so the host's sysctls) is read-only, no CAP_SYS_ADMIN, no remount.
      assert.match((await session.exec('awk \'$2=="/proc"{print $4}\' /proc/mounts', { timeoutSec: 5 })).output, /^ro,/);
      const capEff = /CapEff:\s+([0-9a-f]+)/.exec((await session.exec('cat /proc/self/status', { timeoutSec: 5 })).output);
      assert.ok(capEff !== null);
      const CAP_SYS_ADMIN = 21n;
      const CAP_MKNOD = 27n;
      assert.equal((BigInt('0x' + capEff[1]) >> CAP_SYS_ADMIN) & 1n, 0n);
      assert.equal((BigInt('0x' + capEff[1]) >> CAP_MKNOD) & 1n, 0n);
      assert.notEqual((await session.exec('mount -o remount,rw,bind /usr', { timeoutSec: 5 })).exitCode, 0);
    } finally {
      await session.close();
      await done();
    }
  });

  it('runs one command in a sandbox of its own (the verifier): the same output, bounds, timeout and kill as a session', async () => {
    const { sandbox, env, dir, paths, done } = await doneFileCopy('once');
    const layout = { ...paths, binds: [] };
    const once = (command: string, timeoutSec: number, workdir = env.workdir) => runInSandbox(sandbox.bwrap!, layout, env.env, workdir, command, timeoutSec);
    const marker = `tack-once-${randomBytes(4).toString('hex')}`;
    try {
      const huge = await once("head -c 20000000 /dev/zero | tr '\\0' a; echo; echo end", 60);
      assert.equal(huge.exitCode, 0);
      assert.ok(huge.output.length < 17_000_000, 'head and tail only');
      assert.match(huge.output, /\[\.\.\. \d+ bytes elided by the sandbox \.\.\.\]/);
      assert.ok(huge.output.startsWith('aaaa'));
      assert.ok(huge.output.endsWith('a\nend\n'));
      // stderr is in the same stream, in order; background processes die with the sandbox.
      const mixed = await once(`echo out; echo err >&2; (exec -a ${marker} sleep 600) & echo last`, 30);
      assert.deepEqual([mixed.exitCode, mixed.timedOut, mixed.output], [0, false, 'out\nerr\nlast\n']);
      assert.deepEqual(hostProcessesWith(marker), []);
      const hung = await once(`echo before; (exec -a ${marker} sleep 600) & sleep 600`, 1);
      assert.deepEqual([hung.exitCode, hung.timedOut, hung.output], [null, true, 'before\n']);
      assert.deepEqual(hostProcessesWith(marker), []);
      assert.equal((await once('exit 3', 5)).exitCode, 3);
      assert.equal((await once('pwd; echo $TZ $LC_ALL $HOME $PATH', 5)).output, '/app\nUTC C /root /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
      assert.equal((await once('pwd', 5, '/no/such/dir')).output, 'tack: working directory /no/such/dir does not exist; running in /\n/\n');
      // A sandbox that cannot start is an error, not a failed command.
      await assert.rejects(
        runInSandbox(sandbox.bwrap!, { ...layout, rootfs: join(dir, 'missing-root') }, env.env, env.workdir, 'true', 5),
        (e: unknown) => e instanceof SandboxError && /sandbox failed: bwrap/.test(e.message),
      );
    } finally {
      await done();
    }
  });

  it('refuses to run without bubblewrap unless unsafe mode is asked for, and then warns on every run', async () => {
    assert.throws(
      () => resolveSandboxMode({ searchPath: '/nonexistent' }),
      (e: unknown) => e instanceof SandboxError && /apt-get install bubblewrap/.test(e.message) && /--unsafe-no-sandbox/.test(e.message),
    );
    const warnings: string[] = [];
    const options = { sandbox: { unsafeNoSandbox: true, searchPath: '/nonexistent', warn: (m: string) => warnings.push(m) }, cacheDir };
    const tasks = [loadTask(fixtureTask('done-file'))];
    const hostHadDone = existsSync('/app/done.txt');
    const [oracle] = await runTasks({ tasks, attempts: 1, concurrency: 1, agent: oracleAgent, ...options });
    const [none] = await runTasks({ tasks, attempts: 1, concurrency: 1, agent: nullAgent, ...options });
    assert.deepEqual(warnings, [UNSAFE_WARNING, UNSAFE_WARNING]);
    assert.equal(oracle.sandbox.settings.mode, 'unsafe-local');
    assert.equal(oracle.passed, true, oracle.verifierExcerpt + (oracle.error ?? ''));
    assert.equal(none.passed, false);
    assert.equal(existsSync('/app/done.txt'), hostHadDone, "the solution's /app was mapped to the attempt's folder, not the host's /app");
  });
});
