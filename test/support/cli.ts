import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root and its `tack` bin, as a user runs it. */
export const PROJECT = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..');
export const TACK_BIN = join(PROJECT, 'bin', 'tack.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const cleanEnv = (env: Record<string, string | undefined>) => {
  const e: Record<string, string | undefined> = { ...process.env, TACK_USER: 'tester', ...env };
  delete e.TACK_STORE;
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
  return e;
};

/** Run `tack ARGS` in `cwd` and wait for it. */
export const tack = (cwd: string, args: readonly string[], env: Record<string, string | undefined> = {}): CliResult => {
  const r = spawnSync(process.execPath, [TACK_BIN, ...args], { cwd, env: cleanEnv(env), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

/** Run `tack ARGS` without blocking the event loop (for servers living in the test process). */
export const tackAsync = (cwd: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> =>
  new Promise((res) => {
    const p = spawn(process.execPath, [TACK_BIN, ...args], { cwd, env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
  });

/** Run and insist on success, returning stdout. */
export const tackOk = (cwd: string, args: readonly string[], env: Record<string, string | undefined> = {}): string => {
  const r = tack(cwd, args, env);
  if (r.code !== 0) throw new Error(`tack ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
};

/** A digest of every file under a folder: equal digests mean nothing was written. */
export const treeDigest = (dir: string): string => {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
};
