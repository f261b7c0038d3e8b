import { posix } from 'node:path';
import { draw, pick } from '../random.js';
import { memoByObject } from '../memo.js';
import type { ShellCommand, Solution, SolutionStep } from '../solution.js';
import type { Action, AgentContext } from './action.js';

/** How a persona turns solution steps into tool calls. */
export interface Style {
  /** Repeat earlier cd/export in every later call: the persona knows each call may be a fresh shell. */
  readonly carryEnv: boolean;
  /** Put a step's environment-setting commands in a call of their own, and the rest in the next. */
  readonly splitEnv: (step: number) => boolean;
  /** Write the step's draft (subtly wrong) version instead of the real one. */
  readonly useDraft: (step: number) => boolean;
}

export const CAREFUL: Style = { carryEnv: true, splitEnv: () => false, useDraft: () => false };

/** A shell call; several commands start with the script's own `set -e...`, so a failure stops them as in the script. */
const bash = (ctx: AgentContext, lines: readonly string[], kind: Action['kind'], step: number | undefined, say: string): Action => {
  const opts = ctx.solution.shellOptions;
  const command = [...(opts && lines.length > 1 ? [opts] : []), ...lines].join('\n');
  return { tool: 'bash', args: { command }, kind, step, say };
};

/** The environment-setting commands of steps [0, upTo), in order. */
export const envBefore = (solution: Solution, upTo: number): string[] =>
  solution.steps.slice(0, upTo).flatMap((s) => s.commands.filter((c) => c.setsEnv).map((c) => c.text));

const commandsOf = (step: SolutionStep, draft: boolean): readonly ShellCommand[] => (draft && step.draft ? step.draft : step.commands);

/** Tool calls for steps [from, end). */
export const renderSteps = (ctx: AgentContext, from: number, style: Style): Action[] => {
  const out: Action[] = [];
  const steps = ctx.solution.steps;
  const carried = style.carryEnv ? envBefore(ctx.solution, from) : [];
  for (let i = from; i < steps.length; i++) {
    const step = steps[i];
    const commands = commandsOf(step, style.useDraft(i));
    const env = commands.filter((c) => c.setsEnv);
    const say = `Next: ${step.title}.`;
    if (env.length === commands.length) {
      if (!style.carryEnv && env.length) out.push(bash(ctx, env.map((c) => c.text), 'env', i, say));
      if (style.carryEnv) carried.push(...env.map((c) => c.text));
      continue;
    }
    const split = !style.carryEnv && env.length > 0 && style.splitEnv(i);
    if (split) out.push(bash(ctx, env.map((c) => c.text), 'env', i, `Set up the environment for: ${step.title}.`));
    const rest = split ? commands.filter((c) => !c.setsEnv) : commands;
    const inStep: string[] = [];
    let chunk: ShellCommand[] = [];
    const flush = () => {
      if (chunk.length === 0) return;
      if (chunk.every((c) => c.setsEnv) && style.carryEnv) {
        inStep.push(...chunk.map((c) => c.text));
        chunk = [];
        return;
      }
      out.push(bash(ctx, [...carried, ...(style.carryEnv ? inStep : []), ...chunk.map((c) => c.text)], 'work', i, say));
      inStep.push(...chunk.filter((c) => c.setsEnv).map((c) => c.text));
      chunk = [];
    };
    for (const c of rest) {
      if (c.write && ctx.tools.has('write_file')) {
        flush();
        out.push({ tool: 'write_file', args: { path: c.write.path, content: c.write.content }, kind: 'work', step: i, say: `Writing ${c.write.path}.` });
      } else chunk.push(c);
    }
    flush();
    if (style.carryEnv) carried.push(...inStep);
  }
  return out;
};

/** A step's failing first command, with the environment a careful persona carries. */
export const pitfallAction = (ctx: AgentContext, step: number, command: string, kind: 'pitfall' | 'slip'): Action =>
  bash(ctx, [...envBefore(ctx.solution, step), command], kind, step, `Next: ${ctx.solution.steps[step].title}.`);

/** The step's environment-setting commands alone, else the earlier steps' (what a persona that forgets shells are fresh re-runs). */
export const envAction = (ctx: AgentContext, step: number): Action | undefined => {
  const own = ctx.solution.steps[step].commands.filter((c) => c.setsEnv).map((c) => c.text);
  const lines = own.length ? own : envBefore(ctx.solution, step);
  return lines.length ? bash(ctx, lines, 'env', step, 'Set the environment again.') : undefined;
};

export const checkActions = (ctx: AgentContext, carryEnv: boolean): Action[] =>
  ctx.solution.checks.map((c) => bash(ctx, [...(carryEnv ? envBefore(ctx.solution, ctx.solution.steps.length) : []), c], 'check', undefined, 'Let me verify the result.'));

export const finishAction = (summary: string): Action => ({ tool: 'finish', args: { summary }, kind: 'finish', say: summary });

export const doneSummary = (ctx: AgentContext): string =>
  `Done: ${ctx.solution.steps.map((s) => s.title).join('; ') || 'the task is complete'}.`;

/** Paths the solution writes: heredoc files, redirect and tee targets, and the declared artifacts. */
export const writtenPaths: (solution: Solution) => readonly string[] = memoByObject((solution: Solution): string[] => {
  const paths = new Set<string>(solution.artifacts);
  for (const step of solution.steps)
    for (const c of step.commands) {
      if (c.write) paths.add(c.write.path);
      for (const m of c.text.matchAll(/(?:>>?|\btee\s+(?:-a\s+)?)\s*([/\w.-][^\s;&|<>]*)/g)) if (m[1].startsWith('/')) paths.add(m[1]);
    }
  return [...paths];
});

/** Absolute paths the instruction and solution mention that already exist when the task starts. */
const inputPaths = memoByObject((ctx: AgentContext): string[] => {
  const written = new Set(writtenPaths(ctx.solution));
  const text = [ctx.task.instruction, ...ctx.solution.steps.flatMap((s) => s.commands.map((c) => c.text))].join('\n');
  const found = new Set<string>();
  for (const m of text.matchAll(/(?<![\w.])(\/(?:app|opt|srv|data|var|etc|home|usr\/local)\/[\w./-]*[\w])/g)) {
    const p = posix.normalize(m[1]);
    if (!written.has(p) && ![...written].some((w) => p.startsWith(w + '/'))) found.add(p);
  }
  return [...found].sort();
});

// Commands whose output depends only on the task's environment, so a replay in the sandbox sees the
// same text (no host disk usage, clock, inode numbers or CPU times: ps aux, df, stat would differ).
const READ_ONLY_SHELL = ['ps -eo pid,comm | head -n 20', 'printenv PATH HOME PWD', 'cat /etc/os-release', 'which python3 gcc make sqlite3 git jq', 'ls /usr/local', 'uname -s -m', 'id', 'pwd'];

/**
 * The k-th look at the environment: listings, file reads, processes, tool versions; files are read
 * again and again. Only read-only commands, so a harness can tell exploration from work.
 */
export const probeAction = (ctx: AgentContext, k: number): Action => {
  const wd = ctx.task.workdir;
  const paths = inputPaths(ctx);
  const isFile = (p: string) => /\.[A-Za-z0-9]{1,6}$/.test(p) || /\/[A-Z][A-Za-z]+$/.test(p);
  const files = paths.filter(isFile);
  const dirs = [...new Set([wd, ...paths.filter((p) => !isFile(p)), ...files.map((f) => posix.dirname(f))])];
  const listDir = (path: string): Action =>
    ctx.tools.has('list_dir')
      ? { tool: 'list_dir', args: { path }, kind: 'probe', say: `Let me see what is in ${path}.` }
      : { tool: 'bash', args: { command: `ls -la ${path}` }, kind: 'probe', say: `Let me see what is in ${path}.` };
  const readFile = (path: string): Action =>
    ctx.tools.has('read_file')
      ? { tool: 'read_file', args: { path }, kind: 'probe', say: `Let me read ${path}.` }
      : { tool: 'bash', args: { command: `cat ${path}` }, kind: 'probe', say: `Let me read ${path}.` };
  const shell = (command: string): Action => ({ tool: 'bash', args: { command }, kind: 'probe', say: 'Let me check the environment.' });
  const choices: (() => Action)[] = [
    () => listDir(pick(dirs, ctx.seed, 'probe-dir', k)),
    () => shell(`ls -la ${pick(dirs, ctx.seed, 'probe-ls', k)}`),
    () => shell(`find ${wd} -maxdepth 2 | head -n 50`),
    () => shell(pick(READ_ONLY_SHELL, ctx.seed, 'probe-shell', k)),
    ...(files.length
      ? [
          () => readFile(pick(files, ctx.seed, 'probe-read', k)),
          () => readFile(pick(files, ctx.seed, 'probe-reread', k)),
          () => shell(`${pick(['head -n 20', 'wc -l', 'ls -l', 'file'], ctx.seed, 'probe-tool', k)} ${pick(files, ctx.seed, 'probe-file', k)}`),
        ]
      : []),
  ];
  return pick(choices, ctx.seed, 'probe', k)();
};

/** A harmless extra look: a listing, or the file just written. */
export const detourAction = (ctx: AgentContext, turn: number, lastWritten: string | undefined): Action => {
  if (lastWritten && draw(ctx.seed, 'detour-kind', turn) < 0.5)
    return { tool: 'bash', args: { command: `cat ${lastWritten}` }, kind: 'detour', say: `Let me look at ${lastWritten}.` };
  return ctx.tools.has('list_dir')
    ? { tool: 'list_dir', args: { path: ctx.task.workdir }, kind: 'detour', say: 'Let me look around.' }
    : { tool: 'bash', args: { command: `ls -la ${ctx.task.workdir}` }, kind: 'detour', say: 'Let me look around.' };
};

/** The path an action writes, for a later look at it. */
export const writtenBy = (a: Action): string | undefined =>
  a.tool === 'write_file' ? a.args.path : /(?:^|\s)>\s*(\/[^\s;&|<>]+)\s*$/m.exec(a.args.command ?? '')?.[1];
