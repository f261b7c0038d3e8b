/**
 * Runs a task's verifier after the agent: tests/test.sh in the attempt's task root (as the agent left
 * it), with /tests and /logs bound (never visible to the agent), the offline verifier tooling on PATH,
 * no network, and the task's verifier timeout (the whole process group is killed when it hangs).
 * The reward comes from /logs/verifier/reward.txt (a float) or reward.json, else from the exit code.
 */
import { lstat, mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import type { ExecResult } from '../agent/workspace.js';
import type { Task } from './loader.js';
import { copyTree, describeSubstitution, takeToolingLog, TOOLING_LOG, TOOLING_MOUNT, type PreparedEnvironment } from './environment.js';
import { OFFLINE_TOOLING_DIR } from './assets.js';
import { LocalWorkspace, PathMap, removeTree, runInSandbox, SandboxEventLog, type SandboxMode } from './sandbox.js';

export type RewardSource = 'reward.txt' | 'reward.json' | 'exit_code' | 'timeout';

export interface VerifierResult {
  /** In [0, 1]. */
  readonly reward: number;
  readonly rewardSource: RewardSource;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** Head and tail of test.sh's output. */
  readonly excerpt: string;
  /** Offline tooling substitutions made while verifying. */
  readonly substitutions: readonly string[];
  /** Tooling installs the verifier needed that tack cannot satisfy offline. */
  readonly refused: readonly string[];
  /** The CTRF report the tests wrote to /logs/verifier/ctrf.json, summarised (null when none). */
  readonly ctrf: CtrfSummary | null;
  readonly notes: readonly string[];
}

export interface CtrfSummary {
  readonly tests: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failedTests: readonly { readonly name: string; readonly message: string }[];
}

/** Where one attempt lives on the host. */
export interface AttemptPaths {
  readonly dir: string;
  readonly rootfs: string;
  readonly usrLocal: string;
}

const EXCERPT_HEAD = 1500;
const EXCERPT_TAIL = 2500;

export const excerptOf = (output: string): string =>
  output.length <= EXCERPT_HEAD + EXCERPT_TAIL
    ? output
    : `${output.slice(0, EXCERPT_HEAD)}\n[... ${output.length - EXCERPT_HEAD - EXCERPT_TAIL} chars elided ...]\n${output.slice(-EXCERPT_TAIL)}`;

/** Reads a regular file the verifier wrote, never following a link out of the attempt. */
const readRegularFile = async (path: string): Promise<string | null> => {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    if (!(await handle.stat()).isFile()) return null;
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
};

/** The reward a verifier reported, or null (with why) when it reported none usable. */
export const readReward = async (verifierLogs: string): Promise<{ reward: number; source: RewardSource } | { reward: null; note: string | null }> => {
  const txt = await readRegularFile(join(verifierLogs, 'reward.txt'));
  if (txt !== null) {
    const value = Number(txt.trim());
    if (txt.trim() !== '' && Number.isFinite(value)) return { reward: value, source: 'reward.txt' };
    return { reward: null, note: `reward.txt is not a number: ${JSON.stringify(txt.trim().slice(0, 80))}` };
  }
  const json = await readRegularFile(join(verifierLogs, 'reward.json'));
  if (json !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return { reward: null, note: 'reward.json is not valid JSON' };
    }
    if (typeof parsed === 'number' && Number.isFinite(parsed)) return { reward: parsed, source: 'reward.json' };
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const obj = parsed as Record<string, unknown>;
      if (typeof obj.reward === 'number' && Number.isFinite(obj.reward)) return { reward: obj.reward, source: 'reward.json' };
      const values = Object.values(obj);
      if (values.length === 1 && typeof values[0] === 'number' && Number.isFinite(values[0])) return { reward: values[0], source: 'reward.json' };
    }
    return { reward: null, note: 'reward.json has no numeric "reward"' };
  }
  return { reward: null, note: null };
};

/** Summarises a CTRF report (results.summary and the failed tests), or null when there is none usable. */
export const readCtrf = async (file: string): Promise<CtrfSummary | null> => {
  const text = await readRegularFile(file);
  if (text === null) return null;
  try {
    const report = JSON.parse(text) as { results?: { summary?: Record<string, unknown>; tests?: { name?: unknown; status?: unknown; message?: unknown }[] } };
    const summary = report.results?.summary;
    const tests = report.results?.tests;
    if (summary === undefined || !Array.isArray(tests)) return null;
    const count = (k: string): number => (typeof summary[k] === 'number' ? (summary[k] as number) : 0);
    return {
      tests: count('tests'),
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      failedTests: tests
        .filter((t) => t.status === 'failed')
        .map((t) => ({ name: String(t.name ?? ''), message: String(t.message ?? '').slice(0, 500) })),
    };
  } catch {
    return null;
  }
};

const rewriteTextFiles = async (dir: string, paths: PathMap): Promise<void> => {
  for (const name of await readdir(dir)) {
    const p = join(dir, name);
    const st = await lstat(p);
    if (st.isDirectory()) await rewriteTextFiles(p, paths);
    else if (st.isFile() && st.size < 1_000_000) {
      const text = await readFile(p, 'utf8');
      if (!text.includes('\u0000')) await writeFile(p, paths.rewrite(text));
    }
  }
};

export interface VerifierOptions {
  readonly task: Task;
  readonly environment: PreparedEnvironment;
  readonly attempt: AttemptPaths;
  readonly mode: SandboxMode;
  readonly bwrap: string | null;
  /** The task's runtime variables ([environment.env] over the image's ENV). */
  readonly runtimeEnv: Readonly<Record<string, string>>;
  /** Paths an unsafe run maps to local folders (unsafe mode only). */
  readonly unsafePaths?: PathMap;
}

/** Runs tests/test.sh for one attempt and reads its reward. */
export const runVerifier = async (o: VerifierOptions): Promise<VerifierResult> => {
  const testsDir = join(o.attempt.dir, 'tests');
  const logsDir = join(o.attempt.dir, 'logs');
  const verifierLogs = join(logsDir, 'verifier');
  const toolingDir = join(o.attempt.dir, 'tooling-log');
  await removeTree(testsDir);
  await removeTree(verifierLogs);
  await copyTree(o.task.testsDir, testsDir);
  await mkdir(verifierLogs, { recursive: true });
  await mkdir(join(logsDir, 'agent'), { recursive: true });
  await mkdir(toolingDir, { recursive: true });
  const toolingLog = join(toolingDir, 'tooling.jsonl');
  await writeFile(toolingLog, '');
  const timeoutSec = o.task.config.verifierTimeoutSec;
  const env = { ...o.runtimeEnv, ...o.task.config.verifierEnv };
  const notes: string[] = [];
  let result: ExecResult;
  if (o.mode === 'bubblewrap') {
    if (o.bwrap === null) throw new Error('tack: bubblewrap mode without a bwrap executable');
    result = await runInSandbox(
      o.bwrap,
      {
        rootfs: o.attempt.rootfs,
        usrLocal: o.attempt.usrLocal,
        binds: [
          { source: testsDir, target: '/tests', readOnly: false },
          { source: logsDir, target: '/logs', readOnly: false },
          { source: join(OFFLINE_TOOLING_DIR, 'bin'), target: `${TOOLING_MOUNT}/bin`, readOnly: true },
          { source: join(OFFLINE_TOOLING_DIR, 'lib'), target: `${TOOLING_MOUNT}/lib`, readOnly: true },
          { source: toolingDir, target: `${TOOLING_MOUNT}/log`, readOnly: false },
        ],
      },
      { ...env, PATH: `${TOOLING_MOUNT}/bin:${env.PATH}`, TACK_TOOLING_LOG: TOOLING_LOG },
      o.environment.workdir,
      'bash /tests/test.sh',
      timeoutSec,
    );
  } else {
    const paths = o.unsafePaths;
    if (paths === undefined) throw new Error('tack: unsafe verifier run without its path mapping');
    await rewriteTextFiles(testsDir, paths);
    notes.push('unsafe mode: task paths in the test files were rewritten to local folders');
    const ws = new LocalWorkspace(o.environment.workdir, paths, env, new SandboxEventLog());
    try {
      result = await ws.exec('bash /tests/test.sh', { timeoutSec });
    } finally {
      await ws.close();
    }
  }
  const records = await takeToolingLog(toolingLog);
  const substitutions = records.filter((r) => r.kind === 'substituted').map(describeSubstitution);
  const refused = records.filter((r) => r.kind === 'refused').map((r) => `${r.detail} (for: ${r.command})`);
  const base = {
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    excerpt: excerptOf(result.output),
    substitutions,
    refused,
    ctrf: await readCtrf(join(verifierLogs, 'ctrf.json')),
  };
  if (result.timedOut) {
    notes.push(`verifier killed after its timeout of ${timeoutSec} s`);
    return { ...base, reward: 0, rewardSource: 'timeout', notes };
  }
  const read = await readReward(verifierLogs);
  if (read.reward !== null) {
    const clamped = Math.min(1, Math.max(0, read.reward));
    if (clamped !== read.reward) notes.push(`reward ${read.reward} clamped to ${clamped}`);
    return { ...base, reward: clamped, rewardSource: read.source, notes };
  }
  if (read.note !== null) notes.push(`${read.note}; reward from the exit code`);
  return { ...base, reward: result.exitCode === 0 ? 1 : 0, rewardSource: 'exit_code', notes };
};

