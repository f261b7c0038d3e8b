import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { defaultWorkRoot } from '../../../src/tasks/environment.js';

/**
 * A small conversation driver for the sim tests: it plays the agent runtime around a model, executing
 * tool calls for one task in a bubblewrap sandbox (the task's files at /app, no network), with a few
 * test-owned policies worded by the tests. It interprets only the Dockerfile lines fixture and mini
 * tasks use: WORKDIR, ENV, COPY/ADD of local files, RUN.
 */
export interface DriverHarness {
  readonly system: string;
  readonly session: 'fresh' | 'persistent';
  readonly maxSteps: number;
  readonly duplicateGuard?: { readonly allowedRepeats: number; readonly message: string };
  readonly explorationLimit?: { readonly maxReadOnly: number; readonly message: string };
  readonly toolBudget?: { readonly maxCalls: number; readonly action: 'redirect' | 'stop'; readonly message: string };
  readonly preCompletionCheck?: { readonly maxRounds: number; readonly message: string };
  readonly missingArtifact?: { readonly message: string };
  /** Extra user messages to inject after the given number of tool calls. */
  readonly inject?: readonly { readonly afterCalls: number; readonly message: string }[];
}

export const MINIMAL_SYSTEM =
  'You are an autonomous agent working in a Linux terminal. Complete the task using the tools provided. Work in /app unless told otherwise. Call finish when you are done.\n' +
  '\n## Bootstrap\n- Start by understanding the task and the files involved.\n## Execution\n- Make the changes the task asks for using the shell and file tools.\n' +
  '## Verification\n- Check that your result meets the task before finishing.\n## Recovery\n- If a command fails, read the error and adjust.';

export const minimalHarness = (over: Partial<DriverHarness> = {}): DriverHarness => ({ system: MINIMAL_SYSTEM, session: 'fresh', maxSteps: 40, ...over });

export interface ExecutedCall {
  readonly name: string;
  readonly args: Record<string, unknown> | null;
  readonly result: string;
  readonly exitCode: number | null;
}

export interface AttemptResult {
  readonly passed: boolean;
  readonly calls: readonly ExecutedCall[];
  readonly messages: readonly ChatCompletionMessageParam[];
  readonly finished: boolean;
  readonly verifierOutput: string;
}

const TOOLS: ChatCompletionTool[] = [
  ['bash', 'Run a shell command in /app.', { command: { type: 'string' } }],
  ['read_file', 'Read a file.', { path: { type: 'string' } }],
  ['write_file', 'Write a file.', { path: { type: 'string' }, content: { type: 'string' } }],
  ['list_dir', 'List a directory.', { path: { type: 'string' } }],
  ['finish', 'Say you are done.', { summary: { type: 'string' } }],
].map(([name, description, properties]) => ({
  type: 'function',
  function: { name: name as string, description: description as string, parameters: { type: 'object', properties, required: Object.keys(properties as object) } },
}));

const READ_ONLY = /^(ls|cat|head|tail|find|grep|wc|file|stat|ps|env|which|pwd|id|uname|df)\b/;
const STATE = '/var/tack-driver';

export class TaskSandbox {
  private readonly base: string;
  private readonly env: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/tmp', LANG: 'C.UTF-8' };
  private workdir = '/app';
  constructor(readonly taskDir: string) {
    // Where tack's own attempts run (tmpfs when there is one: creating and removing files there costs a
    // fraction of what it does on disk), named with this process's pid so a sweep can remove leftovers.
    const root = defaultWorkRoot();
    mkdirSync(root, { recursive: true });
    this.base = mkdtempSync(join(root, `tack-sim-p${process.pid}-`));
    for (const d of ['fs/app', 'state', 'logs/verifier']) mkdirSync(join(this.base, d), { recursive: true });
    this.prepare();
  }
  /** The host folder standing for a path inside the sandbox. */
  host(path: string): string {
    return join(this.base, 'fs', path);
  }
  private binds(): string[] {
    const fs = join(this.base, 'fs');
    const tops = readdirSync(fs).filter((d) => d !== 'usr');
    const usrLocal = existsSync(join(fs, 'usr/local')) ? readdirSync(join(fs, 'usr/local')).map((d) => `usr/local/${d}`) : [];
    return [...tops, ...usrLocal].flatMap((d) => ['--bind', join(fs, d), `/${d}`]);
  }
  private run(script: string, extra: string[] = [], timeoutMs = 20_000) {
    const args = [
      '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64',
      '--symlink', 'usr/sbin', '/sbin', '--ro-bind', '/etc', '/etc', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp',
      ...this.binds(), '--bind', join(this.base, 'state'), STATE, '--bind', join(this.base, 'logs'), '/logs', ...extra,
      '--unshare-net', '--die-with-parent', '--chdir', this.workdir, '--clearenv',
      ...Object.entries(this.env).flatMap(([k, v]) => ['--setenv', k, v]), 'bash', '-c', script,
    ];
    const r = spawnSync('bwrap', args, { encoding: 'utf8', timeout: timeoutMs });
    return { output: (r.stdout ?? '') + (r.stderr ?? ''), exitCode: r.status ?? 124 };
  }
  private prepare() {
    const envDir = join(this.taskDir, 'environment');
    for (const line of readFileSync(join(envDir, 'Dockerfile'), 'utf8').split('\n')) {
      const [, op, rest] = /^\s*(\w+)\s+(.*)$/.exec(line) ?? [];
      const instr = op?.toUpperCase();
      if (instr === 'WORKDIR') {
        this.workdir = rest.trim();
        mkdirSync(this.host(this.workdir), { recursive: true });
      } else if (instr === 'ENV') {
        const pairs = [...rest.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)];
        if (pairs.length) for (const [, k, v] of pairs) this.env[k] = v.replace(/^"(.*)"$/, '$1');
        else {
          const [k, ...v] = rest.trim().split(/\s+/);
          this.env[k] = v.join(' ');
        }
      } else if (instr === 'COPY' || instr === 'ADD') {
        const [src, dest] = rest.trim().split(/\s+/);
        const target = dest.endsWith('/') ? join(this.host(dest), basename(src)) : this.host(dest);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(envDir, src), target, { recursive: true });
      } else if (instr === 'RUN') {
        const r = this.run(rest);
        if (r.exitCode !== 0) throw new Error(`RUN failed in ${this.taskDir}: ${r.output}`);
      }
    }
  }
  bash(command: string, session: 'fresh' | 'persistent'): { output: string; exitCode: number } {
    const script =
      session === 'fresh'
        ? command
        : `cd "$(cat ${STATE}/cwd 2>/dev/null || pwd)"; source ${STATE}/env 2>/dev/null\n` +
          `trap 'export -p > ${STATE}/env; pwd > ${STATE}/cwd' EXIT\n${command}`;
    return this.run(script);
  }
  verify(): { passed: boolean; output: string } {
    const r = this.run('bash /tests/test.sh', ['--ro-bind', join(this.taskDir, 'tests'), '/tests']);
    const rewardFile = join(this.base, 'logs', 'verifier', 'reward.txt');
    const reward = existsSync(rewardFile) ? Number(readFileSync(rewardFile, 'utf8').trim()) : r.exitCode === 0 ? 1 : 0;
    return { passed: reward >= 1, output: r.output };
  }
  dispose() {
    rmSync(this.base, { recursive: true, force: true });
  }
}

const execute = (box: TaskSandbox, name: string, args: Record<string, unknown>, session: 'fresh' | 'persistent'): { result: string; exitCode: number | null } => {
  const str = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : '');
  switch (name) {
    case 'bash': {
      const r = box.bash(str('command'), session);
      return { result: `exit code: ${r.exitCode}\n${r.output}`, exitCode: r.exitCode };
    }
    case 'read_file': {
      const p = box.host(str('path'));
      return existsSync(p) && statSync(p).isFile()
        ? { result: readFileSync(p, 'utf8'), exitCode: null }
        : { result: `error: ${str('path')}: No such file or directory`, exitCode: null };
    }
    case 'write_file': {
      const p = box.host(str('path'));
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, str('content'));
      return { result: `wrote ${str('content').length} bytes to ${str('path')}`, exitCode: null };
    }
    case 'list_dir': {
      const p = box.host(str('path'));
      return existsSync(p) && statSync(p).isDirectory()
        ? { result: readdirSync(p).join('\n'), exitCode: null }
        : { result: `error: ${str('path')}: No such file or directory`, exitCode: null };
    }
    default:
      return { result: `error: unknown tool ${name}`, exitCode: null };
  }
};

const isReadOnly = (name: string, args: Record<string, unknown> | null): boolean =>
  name === 'read_file' || name === 'list_dir' || (name === 'bash' && typeof args?.command === 'string' && READ_ONLY.test(args.command) && !args.command.includes('>'));

/** One attempt of a model on a task under the driver harness. */
export const runAttempt = async (opts: {
  readonly client: OpenAI;
  readonly model: string;
  readonly taskDir: string;
  readonly seed: number;
  readonly harness: DriverHarness;
}): Promise<AttemptResult> => {
  const { harness } = opts;
  const box = new TaskSandbox(opts.taskDir);
  try {
    const instruction = readFileSync(join(opts.taskDir, 'instruction.md'), 'utf8');
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: harness.system },
      { role: 'user', content: instruction },
    ];
    const calls: ExecutedCall[] = [];
    let finished = false;
    let readOnlyStreak = 0;
    let budgetSpoken = false;
    let pushBacks = 0;
    for (let step = 0; step < harness.maxSteps && !finished; step++) {
      const res = await opts.client.chat.completions.create({ model: opts.model, messages, tools: TOOLS, seed: opts.seed });
      const msg = res.choices[0].message;
      messages.push({ role: 'assistant', content: msg.content, ...(msg.tool_calls?.length ? { tool_calls: msg.tool_calls } : {}) });
      if (!msg.tool_calls?.length) break;
      const notes: string[] = [];
      let stop = false;
      for (const call of msg.tool_calls) {
        if (call.type !== 'function') continue;
        let args: Record<string, unknown> | null = null;
        try {
          args = JSON.parse(call.function.arguments) as Record<string, unknown>;
        } catch {
          messages.push({ role: 'tool', tool_call_id: call.id, content: 'error: invalid JSON arguments; call the tool again with valid JSON' });
          continue;
        }
        const name = call.function.name;
        let result: string;
        let exitCode: number | null = null;
        const previous = calls.filter((c) => c.name === 'bash').slice(-((harness.duplicateGuard?.allowedRepeats ?? 0) + 1));
        if (
          name === 'bash' &&
          harness.duplicateGuard &&
          previous.length === harness.duplicateGuard.allowedRepeats + 1 &&
          previous.every((c) => c.args?.command === args?.command && c.exitCode !== 0)
        )
          result = harness.duplicateGuard.message;
        else if (name === 'finish') {
          if (harness.preCompletionCheck && pushBacks < harness.preCompletionCheck.maxRounds) {
            pushBacks++;
            result = harness.preCompletionCheck.message;
          } else {
            finished = true;
            result = 'finished';
          }
        } else ({ result, exitCode } = execute(box, name, args, harness.session));
        calls.push({ name, args, result, exitCode });
        messages.push({ role: 'tool', tool_call_id: call.id, content: result });
        if (harness.missingArtifact && /No such file or directory/.test(result)) notes.push(harness.missingArtifact.message);
        readOnlyStreak = isReadOnly(name, args) ? readOnlyStreak + 1 : 0;
        if (harness.explorationLimit && readOnlyStreak >= harness.explorationLimit.maxReadOnly) {
          notes.push(harness.explorationLimit.message);
          readOnlyStreak = 0;
        }
        if (harness.toolBudget && calls.length >= harness.toolBudget.maxCalls) {
          if (harness.toolBudget.action === 'stop') stop = true;
          else if (!budgetSpoken) {
            budgetSpoken = true;
            notes.push(harness.toolBudget.message);
          }
        }
        for (const i of harness.inject ?? []) if (i.afterCalls === calls.length) notes.push(i.message);
      }
      for (const n of notes) messages.push({ role: 'user', content: n });
      if (stop) break;
    }
    const verdict = box.verify();
    return { passed: verdict.passed, calls, messages, finished, verifierOutput: verdict.output };
  } finally {
    box.dispose();
  }
};
