/**
 * Loads task suites in the Terminal-Bench 2 / Harbor layout:
 *   <suite>/splits.json            {"opt":[ids],"gate":[ids],"test":[ids]}
 *   <suite>/<task-id>/task.toml    [metadata], [agent], [verifier], [environment], [solution]
 *   <suite>/<task-id>/instruction.md
 *   <suite>/<task-id>/environment/Dockerfile (+ the files it copies)
 *   <suite>/<task-id>/tests/test.sh (+ test files)
 *   <suite>/<task-id>/solution/solve.sh
 * Every problem is a TaskFormatError whose one-line message names the folder and what is wrong.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Split } from '../domain/events.js';

export class TaskFormatError extends Error {
  override readonly name = 'TaskFormatError';
}

export interface EnvironmentConfig {
  readonly buildTimeoutSec: number;
  readonly cpus: number | null;
  readonly memoryMb: number | null;
  readonly storageMb: number | null;
  readonly allowInternet: boolean;
  readonly workdir: string | null;
  readonly dockerImage: string | null;
  /** [environment.env]: variables of the task's environment (agent and verifier). */
  readonly env: Readonly<Record<string, string>>;
}

export interface TaskConfig {
  /** `version` or `schema_version` of task.toml. */
  readonly schemaVersion: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly agentTimeoutSec: number;
  readonly verifierTimeoutSec: number;
  readonly verifierEnv: Readonly<Record<string, string>>;
  readonly solutionEnv: Readonly<Record<string, string>>;
  readonly environment: EnvironmentConfig;
}

export interface Task {
  /** The task folder's name. */
  readonly id: string;
  /** Absolute path of the task folder. */
  readonly dir: string;
  /** sha256 over every file of the task folder (see contentHash). */
  readonly hash: string;
  readonly split: Split;
  readonly instruction: string;
  readonly config: TaskConfig;
  /** Absolute path of environment/Dockerfile, or null when the task names only a prebuilt docker_image. */
  readonly dockerfile: string | null;
  readonly testsDir: string;
  readonly solutionDir: string;
}

export interface Suite {
  readonly name: string;
  readonly dir: string;
  /** sha256 over splits.json and every task's (id, hash). */
  readonly hash: string;
  readonly splits: Readonly<Record<'opt' | 'gate' | 'test', readonly string[]>>;
  /** Sorted by id. */
  readonly tasks: readonly Task[];
}

const DEFAULT_AGENT_TIMEOUT_SEC = 600;
const DEFAULT_VERIFIER_TIMEOUT_SEC = 600;
const DEFAULT_BUILD_TIMEOUT_SEC = 600;
const SPLIT_NAMES = ['opt', 'gate', 'test'] as const;

/**
 * sha256 over all files under dir, sorted by relative path: for each entry its path, kind, executable
 * bit (Dockerfile COPY keeps modes, so a chmod changes the task) and content (or link target).
 */
export const contentHash = (dir: string): string => {
  const h = createHash('sha256');
  for (const rel of listFiles(dir)) {
    const full = join(dir, rel);
    const st = lstatSync(full);
    if (st.isSymbolicLink()) {
      h.update(`link\0${rel}\0${readlinkSync(full)}\n`);
    } else {
      const content = readFileSync(full);
      const exec = (st.mode & 0o111) !== 0 ? 'x' : '-';
      h.update(`file\0${rel}\0${exec}\0${content.length}\0`);
      h.update(content);
      h.update('\n');
    }
  }
  return h.digest('hex');
};

/** Relative paths (with '/') of the files and symlinks under dir, sorted by code unit. */
const listFiles = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel))) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(join(dir, r));
      if (st.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
};

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

type Table = Record<string, unknown>;

const tableAt = (doc: Table, key: string, where: string): Table => {
  const v = doc[key];
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TaskFormatError(`${where}: [${key}] must be a table`);
  return v as Table;
};

const numberAt = (table: Table, key: string, fallback: number, where: string): number => {
  const v = table[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new TaskFormatError(`${where}: ${key} must be a positive number, got ${JSON.stringify(v)}`);
  return v;
};

const optionalNumberAt = (table: Table, key: string, where: string): number | null => {
  const v = table[key];
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TaskFormatError(`${where}: ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
};

const optionalStringAt = (table: Table, key: string, where: string): string | null => {
  const v = table[key];
  if (v === undefined) return null;
  if (typeof v !== 'string' || v.trim() === '') throw new TaskFormatError(`${where}: ${key} must be a non-empty string`);
  return v;
};

const envTableAt = (table: Table, where: string): Record<string, string> => {
  const env = tableAt(table, 'env', where);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TaskFormatError(`${where}: env name ${JSON.stringify(k)} is not a valid variable name`);
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw new TaskFormatError(`${where}: env ${k} must be a string`);
  }
  return out;
};

/** Parses task.toml text; `where` names the file in errors. */
export const parseTaskConfig = (text: string, where: string): TaskConfig => {
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new TaskFormatError(`${where}: invalid TOML: ${first}`);
  }
  const version = doc.version ?? doc.schema_version;
  if (version === undefined) throw new TaskFormatError(`${where}: missing version (or schema_version)`);
  if (typeof version !== 'string' && typeof version !== 'number') throw new TaskFormatError(`${where}: version must be a string`);
  const agent = tableAt(doc, 'agent', where);
  const verifier = tableAt(doc, 'verifier', where);
  const environment = tableAt(doc, 'environment', where);
  const solution = tableAt(doc, 'solution', where);
  const allowInternet = environment.allow_internet;
  if (allowInternet !== undefined && typeof allowInternet !== 'boolean') throw new TaskFormatError(`${where}: allow_internet must be true or false`);
  const workdir = optionalStringAt(environment, 'workdir', where);
  if (workdir !== null && !workdir.startsWith('/')) throw new TaskFormatError(`${where}: workdir must be an absolute path, got ${workdir}`);
  return {
    schemaVersion: String(version),
    metadata: tableAt(doc, 'metadata', where),
    agentTimeoutSec: numberAt(agent, 'timeout_sec', DEFAULT_AGENT_TIMEOUT_SEC, where),
    verifierTimeoutSec: numberAt(verifier, 'timeout_sec', DEFAULT_VERIFIER_TIMEOUT_SEC, where),
    verifierEnv: envTableAt(verifier, `${where} [verifier]`),
    solutionEnv: envTableAt(solution, `${where} [solution]`),
    environment: {
      buildTimeoutSec: numberAt(environment, 'build_timeout_sec', DEFAULT_BUILD_TIMEOUT_SEC, where),
      cpus: optionalNumberAt(environment, 'cpus', where),
      memoryMb: optionalNumberAt(environment, 'memory_mb', where),
      storageMb: optionalNumberAt(environment, 'storage_mb', where),
      allowInternet: allowInternet ?? false,
      workdir,
      dockerImage: optionalStringAt(environment, 'docker_image', where),
      env: envTableAt(environment, `${where} [environment]`),
    },
  };
};

/** Loads one task folder; `split` is the one splits.json assigns (adhoc when loaded on its own). */
export const loadTask = (taskDir: string, split: Split = 'adhoc'): Task => {
  const dir = resolve(taskDir);
  if (!isDir(dir)) throw new TaskFormatError(`${dir}: not a task folder (no such directory)`);
  const missing = (what: string): TaskFormatError => new TaskFormatError(`${dir}: missing ${what}`);
  if (!isFile(join(dir, 'task.toml'))) {
    if (isFile(join(dir, 'task.yaml'))) {
      throw new TaskFormatError(
        `${dir}: task.yaml is the older Terminal-Bench 1 layout; tack reads the Terminal-Bench 2 / Harbor layout (task.toml, instruction.md, environment/, tests/test.sh, solution/solve.sh)`,
      );
    }
    throw missing('task.toml');
  }
  const config = parseTaskConfig(readFileSync(join(dir, 'task.toml'), 'utf8'), join(dir, 'task.toml'));
  if (!isFile(join(dir, 'instruction.md'))) throw missing('instruction.md');
  const instruction = readFileSync(join(dir, 'instruction.md'), 'utf8');
  if (instruction.trim() === '') throw new TaskFormatError(`${dir}: instruction.md is empty`);
  const dockerfile = join(dir, 'environment', 'Dockerfile');
  const hasDockerfile = isFile(dockerfile);
  if (!hasDockerfile && config.environment.dockerImage === null) throw missing('environment/Dockerfile (and task.toml names no docker_image)');
  if (!isFile(join(dir, 'tests', 'test.sh'))) throw missing('tests/test.sh');
  if (!isFile(join(dir, 'solution', 'solve.sh'))) throw missing('solution/solve.sh');
  return {
    id: basename(dir),
    dir,
    hash: contentHash(dir),
    split,
    instruction,
    config,
    dockerfile: hasDockerfile ? dockerfile : null,
    testsDir: join(dir, 'tests'),
    solutionDir: join(dir, 'solution'),
  };
};

const readSplits = (dir: string): Record<'opt' | 'gate' | 'test', string[]> => {
  const file = join(dir, 'splits.json');
  if (!isFile(file)) throw new TaskFormatError(`${dir}: missing splits.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TaskFormatError(`${file}: invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TaskFormatError(`${file}: must be an object {"opt":[...],"gate":[...],"test":[...]}`);
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(SPLIT_NAMES as readonly string[]).includes(key)) throw new TaskFormatError(`${file}: unknown split ${JSON.stringify(key)} (expected opt, gate, test)`);
  }
  const out = { opt: [] as string[], gate: [] as string[], test: [] as string[] };
  for (const name of SPLIT_NAMES) {
    const ids = obj[name] ?? [];
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) throw new TaskFormatError(`${file}: ${name} must be a list of task ids`);
    out[name] = ids as string[];
  }
  return out;
};

/** Loads a suite folder: every subfolder is a task; splits.json assigns each task to exactly one split. */
export const loadSuite = (suiteDir: string): Suite => {
  const dir = resolve(suiteDir);
  if (!isDir(dir)) throw new TaskFormatError(`${dir}: not a suite folder (no such directory)`);
  const splits = readSplits(dir);
  const splitOf = new Map<string, Split>();
  for (const name of SPLIT_NAMES) {
    for (const id of splits[name]) {
      const already = splitOf.get(id);
      if (already !== undefined) throw new TaskFormatError(`${join(dir, 'splits.json')}: task ${id} is in both ${already} and ${name}`);
      splitOf.set(id, name);
    }
  }
  const ids = readdirSync(dir)
    .filter((name) => !name.startsWith('.') && isDir(join(dir, name)))
    .sort();
  for (const id of splitOf.keys()) {
    if (!ids.includes(id)) throw new TaskFormatError(`${join(dir, 'splits.json')}: names task ${id}, which has no folder in ${dir}`);
  }
  const tasks = ids.map((id) => loadTask(join(dir, id), splitOf.get(id) ?? 'adhoc'));
  const h = createHash('sha256');
  h.update(readFileSync(join(dir, 'splits.json')));
  for (const t of tasks) h.update(`\n${t.id}\0${t.hash}`);
  return { name: basename(dir), dir, hash: h.digest('hex'), splits, tasks };
};
