import { spawn } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DirEntry, ExecResult, Workspace } from './workspace.js';

/**
 * A Workspace over a plain host directory that stands for the agent's working directory (/app):
 * /app/x maps to <root>/x. No isolation at all: used by tests and by `--unsafe-no-sandbox`.
 * Commands get a clean environment (never the host's, which may hold API keys).
 */
export interface LocalWorkspaceOptions {
  /** The host directory the agent's workdir maps onto. */
  readonly root: string;
  /** The agent's view of root. */
  readonly workdir?: string;
  /** The environment every command starts with. */
  readonly env?: Readonly<Record<string, string>>;
}

export const STANDARD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** How long output may keep flowing after the shell exits (background children holding the pipe). */
const DRAIN_AFTER_EXIT_MS = 100;

/** An fs error as the agent should see it: its path, never the host's, and the OS wording. */
export class WorkspaceFileError extends Error {
  override readonly name = 'WorkspaceFileError';
  constructor(
    readonly code: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  EEXIST: 'File exists',
  ENOTEMPTY: 'Directory not empty',
};

const asFileError = (e: unknown, path: string): Error => {
  const code = (e as NodeJS.ErrnoException).code;
  return code ? new WorkspaceFileError(code, path, REASONS[code] ?? code) : (e as Error);
};

const typeOf = (s: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): DirEntry['type'] =>
  s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

export class LocalWorkspace implements Workspace {
  readonly workdir: string;
  private readonly root: string;
  private readonly env: Readonly<Record<string, string>>;
  /** Process groups started here and maybe still alive (background jobs): killed on close. */
  private readonly groups = new Set<number>();

  private constructor(options: LocalWorkspaceOptions) {
    this.root = options.root;
    this.workdir = options.workdir ?? '/app';
    this.env = options.env ?? { PATH: STANDARD_PATH, HOME: options.root, LANG: 'C.UTF-8', TERM: 'dumb' };
  }

  static async open(options: LocalWorkspaceOptions): Promise<LocalWorkspace> {
    const s = await stat(options.root).catch(() => null);
    if (!s?.isDirectory()) throw new Error(`local workspace: ${options.root} is not a directory`);
    return new LocalWorkspace(options);
  }

  /** The host path of an agent path; paths outside the workdir are refused. */
  hostPath(path: string): string {
    const abs = posix.resolve(this.workdir, path);
    if (abs === this.workdir) return this.root;
    if (!abs.startsWith(this.workdir.endsWith('/') ? this.workdir : this.workdir + '/'))
      throw new WorkspaceFileError('EACCES', path, `outside the workspace (${this.workdir})`);
    return join(this.root, abs.slice(this.workdir.length));
  }

  exec(command: string, options: { readonly timeoutSec: number; readonly env?: Readonly<Record<string, string>> }): Promise<ExecResult> {
    const started = performance.now();
    // sh hands over to bash with stderr on the stdout pipe: one stream, interleaved as produced.
    const child = spawn('/bin/sh', ['-c', 'exec bash -c "$1" 2>&1', 'sh', command], {
      cwd: this.root,
      env: { ...this.env, ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid;
    if (pgid !== undefined) this.groups.add(pgid);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    return new Promise((resolve) => {
      let timedOut = false;
      let exitCode: number | null = null;
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(drain);
        child.stdout.destroy();
        child.stderr.destroy();
        if (pgid !== undefined && (timedOut || !groupAlive(pgid))) this.groups.delete(pgid);
        resolve({ exitCode: timedOut ? null : exitCode, output: Buffer.concat(chunks).toString('utf8'), timedOut, durationMs: performance.now() - started });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        this.killGroup(pgid);
        finish();
      }, options.timeoutSec * 1000);
      let drain: NodeJS.Timeout | undefined;
      child.on('error', (e) => {
        chunks.push(Buffer.from(`cannot start bash: ${e.message}\n`));
        finish();
      });
      child.on('exit', (code) => {
        exitCode = code;
        drain = setTimeout(finish, DRAIN_AFTER_EXIT_MS);
      });
      child.on('close', finish);
    });
  }

  async readFile(path: string): Promise<Buffer> {
    const host = this.hostPath(path);
    return readFile(host).catch((e: unknown) => Promise.reject(asFileError(e, path)));
  }

  async writeFile(path: string, data: string | Uint8Array): Promise<void> {
    const host = this.hostPath(path);
    try {
      await mkdir(join(host, '..'), { recursive: true });
      await writeFile(host, data);
    } catch (e) {
      throw asFileError(e, path);
    }
  }

  async listDir(path: string): Promise<DirEntry[]> {
    const host = this.hostPath(path);
    try {
      const names = (await readdir(host)).sort();
      return await Promise.all(
        names.map(async (name) => {
          const s = await lstat(join(host, name));
          return { name, type: typeOf(s), size: s.size };
        }),
      );
    } catch (e) {
      throw asFileError(e, path);
    }
  }

  async close(): Promise<void> {
    for (const pgid of this.groups) this.killGroup(pgid);
    this.groups.clear();
  }

  private killGroup(pgid: number | undefined): void {
    if (pgid === undefined) return;
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // ESRCH: the whole group is already gone.
    }
  }
}
