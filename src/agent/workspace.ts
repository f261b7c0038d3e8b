/**
 * Where an agent's tools act. The agent runtime (src/agent) only sees this port; src/tasks provides
 * the bubblewrap-sandboxed implementation, and a plain local-directory one serves tests.
 * Paths are as the agent sees them (e.g. /app/out.txt), never host paths.
 */
export interface ExecResult {
  /** Exit status, or null when the command was killed. */
  readonly exitCode: number | null;
  /** stdout and stderr interleaved as produced (uncapped: capping is the tool's job). */
  readonly output: string;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

export interface DirEntry {
  readonly name: string;
  readonly type: 'file' | 'dir' | 'link' | 'other';
  readonly size: number;
}

export interface Workspace {
  /** The directory the agent starts in, as the agent sees it (usually /app). */
  readonly workdir: string;
  /** Run `bash -c command` with a wall-clock timeout that kills the whole process group. */
  exec(command: string, options: { readonly timeoutSec: number; readonly env?: Readonly<Record<string, string>> }): Promise<ExecResult>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  listDir(path: string): Promise<DirEntry[]>;
  /** Kill anything still running and release resources. */
  close(): Promise<void>;
}
