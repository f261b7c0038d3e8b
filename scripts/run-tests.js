#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with node's own test runner.
// TACK_TEST_FILTER=substring narrows the files (handy while developing).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ["dist/test", "dist/property-tests"];
const files = [];
const walk = (dir) => {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
};
roots.forEach(walk);
// The longest files start first, so the run does not end waiting for one of them alone
// (measured on a clean clone: each takes minutes, most others seconds).
const LONGEST = ['sim/calibration', 'improve/evolve.test', 'store/crash', 'cli/workers', 'cli/replay-evolve', 'cli/esdb'];
const rank = (f) => {
  const i = LONGEST.findIndex((l) => f.includes(l));
  return i === -1 ? LONGEST.length : i;
};
files.sort((a, b) => rank(a) - rank(b));
const filter = process.env.TACK_TEST_FILTER;
const chosen = filter ? files.filter((f) => f.includes(filter)) : files;
if (chosen.length === 0) {
  console.error('run-tests: no test files found under dist/ (did the build run?)');
  process.exit(1);
}
// Three files at a time on 2 cores: the suite is CPU-bound (sandboxed attempts, tack processes), and
// more files at once only add contention. Measured here, the whole run: 5 at a time 258 s, 4 251 s,
// 3 241 s, 2 238 s; 3 keeps a core busy while one file waits on a timeout.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=3', ...chosen], { stdio: 'inherit' });
process.exit(r.status ?? 1);
