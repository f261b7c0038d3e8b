import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run compiled from dist/test/tasks). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const fixtureTask = (name: string): string => join(repoRoot, 'test', 'fixtures', 'tasks', name);
export const brokenFixture = (name: string): string => join(repoRoot, 'test', 'fixtures', 'broken-tasks', name);

/** A fresh temporary folder, removed by the returned cleanup. */
export const tempDir = async (prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> => {
  const dir = await mkdtemp(join(tmpdir(), `tack-test-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
};

/** Copies fixture tasks into a temporary suite folder (for edits and splits). */
export const copyFixtures = async (into: string, names: readonly string[]): Promise<void> => {
  for (const n of names) await cp(fixtureTask(n), join(into, n), { recursive: true });
};

/** Command lines of the host's processes that contain a marker. */
export const hostProcessesWith = (marker: string): string[] =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return cmd.includes(marker) ? [cmd] : [];
      } catch {
        return [];
      }
    });
