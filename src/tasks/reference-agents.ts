/**
 * Reference agents: `oracle` runs the task's reference solution (solution/solve.sh) as Harbor does:
 * the solution folder copied to /solution, then solve.sh run by bash in the workdir with $0 set to
 * /solution/solve.sh. The script text goes in the command itself, so that a workspace that maps task
 * paths (the unsafe local one) maps them in the script too. `null` does nothing. Together they show
 * a verifier is not vacuous: oracle passes, null fails.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentFn } from './runner.js';
import { excerptOf } from './verifier.js';

export interface OracleDetail {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly output: string;
}

const filesUnder = async (dir: string, rel = ''): Promise<{ rel: string; executable: boolean }[]> => {
  const out: { rel: string; executable: boolean }[] = [];
  for (const name of (await readdir(join(dir, rel))).sort()) {
    const r = rel === '' ? name : `${rel}/${name}`;
    const st = await stat(join(dir, r));
    if (st.isDirectory()) out.push(...(await filesUnder(dir, r)));
    else out.push({ rel: r, executable: (st.mode & 0o111) !== 0 });
  }
  return out;
};

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export const oracleAgent: AgentFn<OracleDetail> = async (ctx) => {
  const files = await filesUnder(ctx.task.solutionDir);
  for (const f of files) await ctx.workspace.writeFile(`/solution/${f.rel}`, await readFile(join(ctx.task.solutionDir, f.rel)));
  const executables = files.filter((f) => f.executable).map((f) => shellQuote(`/solution/${f.rel}`));
  if (executables.length > 0) await ctx.workspace.exec(`chmod +x ${executables.join(' ')}`, { timeoutSec: 30 });
  const script = await readFile(join(ctx.task.solutionDir, 'solve.sh'), 'utf8');
  // One argument may not exceed 128 KiB (MAX_ARG_STRLEN); a longer script runs from its file.
  const command = Buffer.byteLength(script) < 100_000 ? `bash -c ${shellQuote(script)} /solution/solve.sh` : 'bash /solution/solve.sh';
  const r = await ctx.workspace.exec(command, { timeoutSec: ctx.timeoutSec, env: ctx.task.config.solutionEnv });
  return {
    exitReason: r.timedOut ? 'wall_timeout' : 'finished',
    detail: { exitCode: r.exitCode, timedOut: r.timedOut, output: excerptOf(r.output) },
  };
};

export const nullAgent: AgentFn<null> = async () => ({ exitReason: 'finished', detail: null });

export const referenceAgents = { oracle: oracleAgent, null: nullAgent } as const;
export type ReferenceAgentName = keyof typeof referenceAgents;
