/**
 * Bubblewrap sandboxes for task environments, and the Workspace (src/agent/workspace.ts) over them.
 *
 * A task root is a host directory (the prepared environment's private copy) bound at `/`, with the
 * host's /usr and dpkg database read-only over it (the host's Debian stands in for the image) and a
 * private /usr/local.
 * Nothing else of the host is visible: not /root, /home, /tmp, /opt, nor the project. The network
 * namespace has only loopback; there are new pid, ipc and uts namespaces; /proc is read-only; all
 * capabilities are dropped except a container-like set that cannot mount or reach the host
 * (no CAP_SYS_ADMIN, no CAP_MKNOD). A session is one bwrap process running tack's executor
 * (assets/sandbox-executor.py); ending the session kills its pid namespace, so no process outlives it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, lstatSync, readlinkSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, join, posix } from 'node:path';
import { createInterface } from 'node:readline';
import type { DirEntry, ExecResult, Workspace } from '../agent/workspace.js';
import { EXECUTOR_SCRIPT } from './assets.js';

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
}

/** The PATH every sandboxed command starts with (Docker's default for Debian images). */
export const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Variables every sandboxed process gets unless the task's image sets them. */
export const BASE_ENV: Readonly<Record<string, string>> = {
  PATH: SANDBOX_PATH,
  HOME: '/root',
  TZ: 'UTC',
  LC_ALL: 'C',
  LANG: 'C',
  TERM: 'dumb',
  HOSTNAME: 'tack',
  /** Tools that stamp times into outputs take this instead of the clock (reproducible-builds.org). */
  SOURCE_DATE_EPOCH: '946684800',
};

/** Capabilities a Docker container has by default, minus those that could reach the host (MKNOD, SETFCAP, NET_RAW). */
const CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_AUDIT_WRITE',
];

export interface Bind {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export interface SandboxLayout {
  /** Host directory bound (writable) at `/`: the task root. */
  readonly rootfs: string;
  /** Host directory bound (writable) at /usr/local. */
  readonly usrLocal: string;
  readonly binds: readonly Bind[];
}

export type SandboxMode = 'bubblewrap' | 'unsafe-local';

export interface SandboxOptions {
  /** Run without bubblewrap (no isolation at all); refused unless set when bwrap is missing. */
  readonly unsafeNoSandbox?: boolean;
  /** Where unsafe-mode warnings go (default: stderr). */
  readonly warn?: (message: string) => void;
  /** PATH searched for bwrap (default: process.env.PATH). */
  readonly searchPath?: string;
}

/** The bwrap executable on the search path, or null. */
export const findBubblewrap = (searchPath: string = process.env.PATH ?? ''): string | null => {
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'bwrap');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return null;
};

export const UNSAFE_WARNING =
  'tack: WARNING: running tasks WITHOUT a sandbox (--unsafe-no-sandbox): commands run directly on this machine, ' +
  'with its network and files; only the task folder paths are mapped. Install bubblewrap (apt-get install bubblewrap) to run safely.';

/**
 * Decides how attempts run: bubblewrap when it is on the path; otherwise refuses with a clear error,
 * unless unsafeNoSandbox is set, in which case it warns (every call: every run) and runs unsandboxed.
 */
export const resolveSandboxMode = (options: SandboxOptions = {}): { mode: SandboxMode; bwrap: string | null } => {
  const bwrap = findBubblewrap(options.searchPath);
  if (bwrap !== null && options.unsafeNoSandbox !== true) return { mode: 'bubblewrap', bwrap };
  if (options.unsafeNoSandbox === true) {
    (options.warn ?? ((m: string) => process.stderr.write(m + '\n')))(UNSAFE_WARNING);
    return { mode: 'unsafe-local', bwrap: null };
  }
  throw new SandboxError(
    'bubblewrap (bwrap) is not on PATH, and tasks run only inside its sandbox. Install it (apt-get install bubblewrap), ' +
      'or pass --unsafe-no-sandbox to run commands directly on this machine.',
  );
};

/** Top-level host entries that belong to the Debian system (merged-/usr links or directories). */
const SYSTEM_TOP_LEVEL = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

export type HostRootEntry = { readonly name: string; readonly kind: 'link'; readonly target: string } | { readonly name: string; readonly kind: 'dir' };

/** The host's /bin, /lib... as they are: links (merged /usr) are recreated in a task root, directories are bound read-only. */
export const hostSystemEntries = (): HostRootEntry[] => {
  const out: HostRootEntry[] = [];
  for (const name of SYSTEM_TOP_LEVEL) {
    try {
      const st = lstatSync('/' + name);
      if (st.isSymbolicLink()) out.push({ name, kind: 'link', target: readlinkSync('/' + name) });
      else if (st.isDirectory()) out.push({ name, kind: 'dir' });
    } catch {
      continue;
    }
  }
  return out;
};

/** Everything a session's bwrap needs before the command (pure given the host entries). */
export const bwrapArguments = (
  layout: SandboxLayout,
  env: Readonly<Record<string, string>>,
  hostEntries: readonly HostRootEntry[],
  runningAsRoot: boolean,
): string[] => {
  const args = ['--bind', layout.rootfs, '/', '--ro-bind', '/usr', '/usr', '--bind', layout.usrLocal, '/usr/local'];
  // dpkg's database describes the host's /usr: shared read-only (nothing can install a package anyway).
  args.push('--ro-bind-try', '/var/lib/dpkg', '/var/lib/dpkg');
  // Links were recreated in the task root when it was prepared; directories are bound read-only.
  for (const e of hostEntries) if (e.kind === 'dir') args.push('--ro-bind', '/' + e.name, '/' + e.name);
  args.push('--proc', '/proc', '--remount-ro', '/proc', '--dev', '/dev');
  for (const b of layout.binds) args.push(b.readOnly ? '--ro-bind' : '--bind', b.source, b.target);
  args.push('--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try');
  // Unprivileged, bwrap needs a user namespace to be root inside; as root it must not (0 would map to the host's root anyway).
  if (!runningAsRoot) args.push('--unshare-user', '--uid', '0', '--gid', '0', '--disable-userns');
  args.push('--hostname', 'tack', '--die-with-parent', '--new-session', '--cap-drop', 'ALL');
  for (const c of CAPABILITIES) args.push('--cap-add', c);
  args.push('--clearenv');
  for (const [k, v] of Object.entries(env)) args.push('--setenv', k, v);
  args.push('--chdir', '/');
  return args;
};

/** What the sandbox enforces, as recorded with every attempt. */
export interface SandboxSettings {
  readonly mode: SandboxMode;
  readonly network: string;
  readonly filesystem: string;
  readonly hidden: string;
  readonly processes: string;
  readonly capabilities: string;
  readonly limits: string;
}

export const sandboxSettings = (mode: SandboxMode, limits: { cpus: number | null; memoryMb: number | null }): SandboxSettings =>
  mode === 'bubblewrap'
    ? {
        mode,
        network: 'none: own network namespace with loopback only',
        filesystem: "task root is a private copy of the prepared environment (writable, discarded after the attempt); the host's /usr and dpkg database are read-only",
        hidden: 'host /root, /home, /tmp, /opt, /usr/local, /etc, /var and every other host path (fresh task-local ones instead)',
        processes: 'own pid namespace; a command is killed with its process group at its timeout; every process is killed when the session ends',
        capabilities: `${CAPABILITIES.join(',')} (no CAP_SYS_ADMIN, CAP_MKNOD); /proc read-only`,
        limits: `cpus ${limits.cpus ?? 'unset'} and memory ${limits.memoryMb ?? 'unset'} MB from task.toml are not enforced`,
      }
    : {
        mode,
        network: 'host network (no sandbox)',
        filesystem: 'host filesystem; only the task paths are mapped to a local folder',
        hidden: 'nothing',
        processes: 'a command is killed with its process group at its timeout; its session is killed at the end',
        capabilities: 'those of the tack process',
        limits: 'none',
      };

export type SandboxEventKind = 'read_only_write' | 'network_unreachable' | 'command_timeout' | 'processes_killed_at_close';

/** Something the sandbox blocked or cleaned up during an attempt. */
export interface SandboxEvent {
  readonly kind: SandboxEventKind;
  readonly detail: string;
}

const BLOCKED_PATTERNS: readonly [SandboxEventKind, RegExp][] = [
  ['read_only_write', /^.*Read-only file system.*$/m],
  ['network_unreachable', /^.*(Network is unreachable|Could not resolve host|Temporary failure in name resolution|Name or service not known|No address associated with hostname|getaddrinfo).*$/m],
];

const MAX_EVENTS = 50;

/** Records what the sandbox blocked, judged from a command's output and result. */
export class SandboxEventLog {
  readonly events: SandboxEvent[] = [];

  add(event: SandboxEvent): void {
    if (this.events.length >= MAX_EVENTS) return;
    if (this.events.some((e) => e.kind === event.kind && e.detail === event.detail)) return;
    this.events.push(event);
  }

  observe(command: string, result: ExecResult): void {
    const cmd = command.length > 160 ? command.slice(0, 160) + '...' : command;
    for (const [kind, re] of BLOCKED_PATTERNS) {
      const m = re.exec(result.output);
      if (m) this.add({ kind, detail: `${cmd} -> ${m[0].trim().slice(0, 200)}` });
    }
    if (result.timedOut) this.add({ kind: 'command_timeout', detail: `${cmd} -> killed with its process group after ${result.durationMs} ms` });
  }
}

interface Pending {
  resolve: (reply: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class WorkspaceFileError extends Error {
  override readonly name = 'WorkspaceFileError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Seconds the host waits beyond a command's own timeout before it declares the session broken. */
const HOST_GRACE_SEC = 15;
const START_TIMEOUT_MS = 20_000;
const FILE_OP_TIMEOUT_MS = 60_000;

/** bwrap's whole command line on this host: `layout` and `env`, then `argv` to run inside. */
const bwrapCommand = (layout: SandboxLayout, env: Readonly<Record<string, string>>, argv: readonly string[]): string[] => [
  ...bwrapArguments(layout, env, hostSystemEntries(), process.getuid?.() === 0),
  ...argv,
];

/** What bwrap last wrote on stderr: the tail kept, and its last lines on one line for an error. */
const keepTail = (tail: string, chunk: Buffer): string => (tail + chunk.toString('utf8')).slice(-4000);
const lastLines = (tail: string): string => tail.trim().split('\n').slice(-3).join(' | ');

/** One bubblewrap process running the executor; requests go over its stdin/stdout. */
export class SandboxSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stderrTail = '';
  private exited = false;
  private readonly exitPromise: Promise<void>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly workdir: string,
  ) {
    this.exitPromise = new Promise((resolve) => {
      const ended = (): void => {
        if (this.exited) return;
        this.exited = true;
        const err = new SandboxError(`sandbox session ended${this.stderrTail ? ': ' + lastLines(this.stderrTail) : ''}`);
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(err);
        }
        this.pending.clear();
        resolve();
      };
      child.once('exit', ended);
      child.once('error', ended);
    });
    // A write racing the sandbox's death must not crash tack: the pending request fails instead.
    child.stdin.on('error', () => undefined);
    child.stderr.on('data', (d: Buffer) => {
      this.stderrTail = keepTail(this.stderrTail, d);
    });
  }

  /** Starts bwrap with the executor inside; resolves when the executor reports ready. */
  static async start(bwrap: string, layout: SandboxLayout, env: Readonly<Record<string, string>>, workdir: string): Promise<SandboxSession> {
    const executorTarget = '/run/tack-executor.py';
    const fullLayout: SandboxLayout = { ...layout, binds: [...layout.binds, { source: EXECUTOR_SCRIPT, target: executorTarget, readOnly: true }] };
    const child = spawn(bwrap, bwrapCommand(fullLayout, env, ['/usr/bin/python3', '-I', '-S', executorTarget, workdir]), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const session = new SandboxSession(child, workdir);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        void session.close();
        reject(new SandboxError(`sandbox did not start within ${START_TIMEOUT_MS} ms: ${session.stderrTail.trim()}`));
      }, START_TIMEOUT_MS);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new SandboxError(`cannot start bwrap: ${e.message}`));
      });
      const lines = createInterface({ input: child.stdout });
      let ready = false;
      lines.on('line', (line) => {
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return;
        }
        if (!ready && msg.ready === true) {
          ready = true;
          clearTimeout(timer);
          resolve();
          return;
        }
        session.settle(msg);
      });
      void session.exitPromise.then(() => {
        if (!ready) {
          clearTimeout(timer);
          reject(new SandboxError(`sandbox failed to start: ${session.stderrTail.trim() || 'bwrap exited'}`));
        }
      });
    });
    return session;
  }

  private settle(msg: Record<string, unknown>): void {
    const id = msg.id as number;
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(msg);
  }

  private request(payload: Record<string, unknown>, hostTimeoutMs: number): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new SandboxError('sandbox session is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SandboxError(`sandbox did not answer ${String(payload.op)} within ${hostTimeoutMs} ms`));
        void this.close();
      }, hostTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.stdin.write(JSON.stringify({ ...payload, id }) + '\n');
    });
  }

  private static fileError(reply: Record<string, unknown>): WorkspaceFileError | null {
    if (typeof reply.error !== 'string') return null;
    return new WorkspaceFileError(`${String(reply.code ?? 'EIO')}: ${reply.error}`, String(reply.code ?? 'EIO'));
  }

  async exec(command: string, options: { timeoutSec: number; env?: Readonly<Record<string, string>>; cwd?: string }): Promise<ExecResult> {
    if (!(options.timeoutSec > 0 && Number.isFinite(options.timeoutSec))) throw new RangeError(`exec timeoutSec must be a positive number, got ${options.timeoutSec}`);
    const reply = await this.request(
      { op: 'exec', command, timeoutSec: options.timeoutSec, env: options.env ?? {}, cwd: options.cwd ?? this.workdir },
      (options.timeoutSec + HOST_GRACE_SEC) * 1000,
    );
    const err = SandboxSession.fileError(reply);
    if (err) throw new SandboxError(`sandbox exec failed: ${err.message}`);
    return {
      exitCode: typeof reply.exitCode === 'number' ? reply.exitCode : null,
      output: String(reply.output ?? ''),
      timedOut: reply.timedOut === true,
      durationMs: Number(reply.durationMs ?? 0),
    };
  }

  async readFile(path: string): Promise<Buffer> {
    const reply = await this.request({ op: 'read', path }, FILE_OP_TIMEOUT_MS);
    const err = SandboxSession.fileError(reply);
    if (err) throw err;
    return Buffer.from(String(reply.data), 'base64');
  }

  async writeFile(path: string, data: string | Uint8Array): Promise<void> {
    const reply = await this.request({ op: 'write', path, data: Buffer.from(data).toString('base64') }, FILE_OP_TIMEOUT_MS);
    const err = SandboxSession.fileError(reply);
    if (err) throw err;
  }

  async listDir(path: string): Promise<DirEntry[]> {
    const reply = await this.request({ op: 'list', path }, FILE_OP_TIMEOUT_MS);
    const err = SandboxSession.fileError(reply);
    if (err) throw err;
    return reply.entries as DirEntry[];
  }

  /** Processes alive in the session besides the executor (pid namespace init excluded). */
  async processes(): Promise<{ pid: number; command: string }[]> {
    const reply = await this.request({ op: 'processes' }, FILE_OP_TIMEOUT_MS);
    return (reply.processes as { pid: number; command: string }[]) ?? [];
  }

  get closed(): boolean {
    return this.exited;
  }

  /** Kills bwrap's process group; the pid namespace, and so every process in it, dies with it. */
  async close(): Promise<void> {
    if (!this.exited && this.child.pid !== undefined) killGroup(this.child.pid);
    await this.exitPromise;
  }
}

/** Bytes of a command's output kept at each end, as the executor keeps them. */
const OUTPUT_HALF = 8 * 1024 * 1024;

/** The head and tail of a command's output, with the executor's note of what was left out. */
class OutputCapture {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  add(chunk: Buffer): void {
    this.total += chunk.length;
    const room = OUTPUT_HALF - this.headBytes;
    if (room > 0) {
      const head = chunk.subarray(0, room);
      this.head.push(head);
      this.headBytes += head.length;
      chunk = chunk.subarray(head.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0].length >= OUTPUT_HALF) this.tailBytes -= this.tail.shift()!.length;
  }

  text(): string {
    let tail = Buffer.concat(this.tail);
    if (tail.length > OUTPUT_HALF) tail = tail.subarray(tail.length - OUTPUT_HALF);
    const elided = this.total - this.headBytes - tail.length;
    const note = elided > 0 ? [Buffer.from(`\n[... ${elided} bytes elided by the sandbox ...]\n`)] : [];
    return Buffer.concat([...this.head, ...note, tail]).toString('utf8');
  }
}

/**
 * Runs one command in a sandbox of its own, without the executor: what the verifier needs (one
 * command, then the session ends), one python3 start per attempt cheaper than a session. bash runs in
 * the working directory with stdout and stderr as one stream, as an executor's exec does. When it
 * ends, bwrap's init ends and the pid namespace with it (background processes included); at the
 * timeout bwrap's process group is killed, and with it the namespace (--die-with-parent).
 */
export const runInSandbox = (
  bwrap: string,
  layout: SandboxLayout,
  env: Readonly<Record<string, string>>,
  workdir: string,
  command: string,
  timeoutSec: number,
): Promise<ExecResult> => {
  if (!(timeoutSec > 0 && Number.isFinite(timeoutSec))) throw new RangeError(`timeoutSec must be a positive number, got ${timeoutSec}`);
  const wrapper = 'if ! cd -- "$1" 2>/dev/null; then echo "tack: working directory $1 does not exist; running in /"; cd /; fi; exec bash -c "$2" 2>&1';
  const started = performance.now();
  const child = spawn(bwrap, bwrapCommand(layout, env, ['/bin/sh', '-c', wrapper, 'sh', workdir, command]), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = new OutputCapture();
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => output.add(c));
  // Only bwrap (and sh before it hands over to bash) write here.
  child.stderr.on('data', (c: Buffer) => {
    stderr = keepTail(stderr, c);
  });
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, timeoutSec * 1000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new SandboxError(`cannot start bwrap: ${e.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const durationMs = Math.round(performance.now() - started);
      if (!timedOut && code !== 0 && stderr.trim() !== '')
        return reject(new SandboxError(`sandbox failed: ${lastLines(stderr)}`));
      resolve({ exitCode: timedOut ? null : code, output: output.text(), timedOut, durationMs });
    });
  });
};

/** The agent's Workspace over a sandbox session; it records what the sandbox blocked. */
export class SandboxWorkspace implements Workspace {
  constructor(
    private readonly session: SandboxSession,
    readonly log: SandboxEventLog,
  ) {}

  get workdir(): string {
    return this.session.workdir;
  }

  async exec(command: string, options: { readonly timeoutSec: number; readonly env?: Readonly<Record<string, string>> }): Promise<ExecResult> {
    const result = await this.session.exec(command, { timeoutSec: options.timeoutSec, env: options.env });
    this.log.observe(command, result);
    return result;
  }

  readFile(path: string): Promise<Buffer> {
    return this.session.readFile(path);
  }

  async writeFile(path: string, data: string | Uint8Array): Promise<void> {
    try {
      await this.session.writeFile(path, data);
    } catch (e) {
      if (e instanceof WorkspaceFileError && e.code === 'EROFS') this.log.add({ kind: 'read_only_write', detail: `write_file ${path} -> read-only file system` });
      throw e;
    }
  }

  listDir(path: string): Promise<DirEntry[]> {
    return this.session.listDir(path);
  }

  async close(): Promise<void> {
    if (!this.session.closed) {
      const left = await this.session.processes().catch(() => []);
      if (left.length > 0) {
        this.log.add({
          kind: 'processes_killed_at_close',
          detail: left.map((p) => `${p.pid} ${p.command.slice(0, 120)}`).join('; '),
        });
      }
    }
    await this.session.close();
  }
}

/** Maps the task paths an unsafe run knows (the workdir, /tests, /logs, /solution) to local folders. */
export class PathMap {
  private readonly entries: readonly (readonly [string, string])[];

  constructor(mapping: Readonly<Record<string, string>>) {
    // Longest prefix first, so /app/sub maps before /app.
    this.entries = Object.entries(mapping).sort((a, b) => b[0].length - a[0].length);
  }

  /** A path as the task sees it -> the local path. */
  toLocal(path: string): string {
    const p = posix.normalize(path);
    for (const [from, to] of this.entries) {
      if (p === from) return to;
      if (p.startsWith(from + '/')) return to + p.slice(from.length);
    }
    return p;
  }

  /** Rewrites the mapped prefixes inside text (commands, scripts). */
  rewrite(text: string): string {
    let out = text;
    for (const [from, to] of this.entries) out = out.replace(new RegExp(`${escapeRegExp(from)}(?=/|\\b|$)`, 'g'), to);
    return out;
  }

  /** Rewrites local folders back to task paths (so output reads as the task sees it). */
  restore(text: string): string {
    let out = text;
    for (const [from, to] of this.entries) out = out.split(to).join(from);
    return out;
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The Workspace without a sandbox (--unsafe-no-sandbox): commands run on the host in a local folder;
 * the task paths in commands and file operations are mapped to local folders, anything else is the host's.
 */
export class LocalWorkspace implements Workspace {
  private readonly children = new Set<number>();

  constructor(
    readonly workdir: string,
    private readonly paths: PathMap,
    private readonly env: Readonly<Record<string, string>>,
    readonly log: SandboxEventLog,
  ) {}

  exec(command: string, options: { readonly timeoutSec: number; readonly env?: Readonly<Record<string, string>> }): Promise<ExecResult> {
    const started = Date.now();
    const cwd = this.paths.toLocal(this.workdir);
    return new Promise((resolve) => {
      const child = spawn('/bin/bash', ['-c', this.paths.rewrite(command)], {
        cwd,
        env: { ...this.env, ...(options.env ?? {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      if (child.pid !== undefined) this.children.add(child.pid);
      const chunks: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => chunks.push(d));
      child.stderr.on('data', (d: Buffer) => chunks.push(d));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        if (child.pid !== undefined) killGroup(child.pid);
      }, options.timeoutSec * 1000);
      const finish = (code: number | null): void => {
        clearTimeout(timer);
        const result: ExecResult = {
          exitCode: timedOut ? null : code,
          output: this.paths.restore(Buffer.concat(chunks).toString('utf8')),
          timedOut,
          durationMs: Date.now() - started,
        };
        this.log.observe(command, result);
        resolve(result);
      };
      child.once('error', (e) => {
        chunks.push(Buffer.from(`tack: could not start bash: ${e.message}\n`));
        finish(null);
      });
      // 'exit', not 'close': background processes may keep the pipes open.
      child.once('exit', (code) => setImmediate(() => finish(code)));
    });
  }

  readFile(path: string): Promise<Buffer> {
    return readFile(this.paths.toLocal(this.absolute(path)));
  }

  async writeFile(path: string, data: string | Uint8Array): Promise<void> {
    const local = this.paths.toLocal(this.absolute(path));
    await mkdir(dirname(local), { recursive: true });
    await writeFile(local, data);
  }

  async listDir(path: string): Promise<DirEntry[]> {
    const local = this.paths.toLocal(this.absolute(path));
    const names = (await readdir(local)).sort();
    const out: DirEntry[] = [];
    for (const name of names) {
      const st = await lstat(join(local, name));
      out.push({ name, type: st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other', size: st.size });
    }
    return out;
  }

  async close(): Promise<void> {
    for (const pid of this.children) killGroup(pid);
    this.children.clear();
  }

  private absolute(path: string): string {
    return isAbsolute(path) ? path : posix.join(this.workdir, path);
  }
}

const killGroup = (pid: number): void => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
};

const removeWithRm = (dir: string): Promise<boolean> =>
  new Promise((done) => {
    const child = spawn('rm', ['-rf', '--', dir], { stdio: 'ignore' });
    child.once('error', () => done(false));
    child.once('close', (code) => done(code === 0));
  });

/** Removes a tree the sandbox wrote, including directories it left without write permission. */
export const removeTree = async (dir: string): Promise<void> => {
  // Nothing there (a fresh attempt's tests and logs folders): no process to start.
  if ((await lstat(dir).catch(() => null)) === null) return;
  // rm(1) walks the tree in its own process: an attempt's ~1,500 entries cost this event loop nothing.
  if (await removeWithRm(dir)) return;
  try {
    await rm(dir, { recursive: true, force: true });
  } catch {
    const fix = async (p: string): Promise<void> => {
      const st = await lstat(p).catch(() => null);
      if (st === null || !st.isDirectory()) return;
      await chmod(p, 0o700).catch(() => undefined);
      for (const name of await readdir(p).catch(() => [] as string[])) await fix(join(p, name));
    };
    await fix(dir);
    await rm(dir, { recursive: true, force: true });
  }
};
