import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseSolution, type Solution } from './solution.js';

/** What the sim knows about one task: its instruction and its annotated reference solution. */
export interface TaskKnowledge {
  readonly id: string;
  readonly dir: string;
  readonly instruction: string;
  readonly solution: Solution;
  /** Where the agent starts: the last WORKDIR of environment/Dockerfile, else /app. */
  readonly workdir: string;
  /** Ids of the tasks in the same suite folder, this one included. */
  readonly suiteIds: readonly string[];
}

export interface TaskLibrary {
  /** The task whose instruction the text holds, if any. */
  recognise(text: string): TaskKnowledge | undefined;
  readonly tasks: readonly TaskKnowledge[];
}

/** Lowercase words only: markdown, quoting and line breaks differ between a file and a prompt. */
export const normalise = (text: string): string =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join(' ');

const isTaskDir = (dir: string): boolean =>
  existsSync(join(dir, 'instruction.md')) && existsSync(join(dir, 'solution', 'solve.sh'));

const findTaskDirs = (root: string, depth: number, out: string[]): void => {
  if (isTaskDir(root)) {
    out.push(root);
    return;
  }
  if (depth === 0) return;
  let names: string[];
  try {
    names = readdirSync(root).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const p = join(root, name);
    if (statSync(p, { throwIfNoEntry: false })?.isDirectory()) findTaskDirs(p, depth - 1, out);
  }
};

const workdirOf = (taskDir: string): string => {
  const dockerfile = join(taskDir, 'environment', 'Dockerfile');
  if (!existsSync(dockerfile)) return '/app';
  const dirs = readFileSync(dockerfile, 'utf8')
    .split('\n')
    .map((l) => /^\s*WORKDIR\s+(\S+)/i.exec(l)?.[1])
    .filter((d): d is string => d !== undefined && d.startsWith('/'));
  return dirs.length ? dirs[dirs.length - 1] : '/app';
};

const loadTask = (dir: string, suiteIds: readonly string[]): TaskKnowledge => {
  const workdir = workdirOf(dir);
  return {
    id: basename(dir),
    dir,
    instruction: readFileSync(join(dir, 'instruction.md'), 'utf8'),
    solution: parseSolution(readFileSync(join(dir, 'solution', 'solve.sh'), 'utf8'), workdir),
    workdir,
    suiteIds,
  };
};

const scan = (roots: readonly string[]): TaskKnowledge[] => {
  const dirs: string[] = [];
  for (const root of roots) findTaskDirs(root, 3, dirs);
  const suites = new Map<string, string[]>();
  for (const d of dirs) suites.set(dirname(d), [...(suites.get(dirname(d)) ?? []), basename(d)]);
  return dirs.map((d) => loadTask(d, suites.get(dirname(d))!));
};

/** Share of an instruction's distinct words a message must hold when it is not quoted verbatim. */
const WORD_OVERLAP = 0.85;

/**
 * Tasks learned from suite folders (a suite, a folder of suites, or a single task). A prompt is matched
 * by the instruction it quotes; a miss rescans the folders, so tasks added after start are found.
 */
export const loadLibrary = (roots: readonly string[]): TaskLibrary => {
  let tasks = scan(roots);
  let index = tasks.map((t) => ({ task: t, norm: normalise(t.instruction) }));
  const find = (text: string): TaskKnowledge | undefined => {
    const norm = ` ${normalise(text)} `;
    const verbatim = index.filter((e) => e.norm && norm.includes(` ${e.norm} `)).sort((a, b) => b.norm.length - a.norm.length);
    if (verbatim.length) return verbatim[0].task;
    const words = new Set(norm.trim().split(' '));
    let best: { task: TaskKnowledge; score: number } | undefined;
    for (const e of index) {
      const own = [...new Set(e.norm.split(' '))];
      const score = own.filter((w) => words.has(w)).length / own.length;
      if (score >= WORD_OVERLAP && (!best || score > best.score)) best = { task: e.task, score };
    }
    return best?.task;
  };
  return {
    get tasks() {
      return tasks;
    },
    recognise(text) {
      const found = find(text);
      if (found) return found;
      tasks = scan(roots);
      index = tasks.map((t) => ({ task: t, norm: normalise(t.instruction) }));
      return find(text);
    },
  };
};
