#!/usr/bin/env node
// Writes SUITE_DIR/splits.json: {"opt":[...],"gate":[...],"test":[...]}.
// Splits come from a seeded hash, never from hand picking: within each category (task.toml
// [metadata] category) the task ids are sorted by sha256("tack-splits-v1:" + id) and dealt
// round-robin opt, test, gate, opt, test, gate, ...
// Usage: node scripts/make-splits.js SUITE_DIR [--min opt,gate,test] [--check]
// The minimum split sizes default to 14,8,14 (what suites/core must hold); suites/mini passes 2,2,2.
// --check writes nothing and fails when SUITE_DIR/splits.json differs from what it would write.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';

const SEED = 'tack-splits-v1:';
const DEAL = ['opt', 'test', 'gate'];

const fail = (message) => {
  console.error(`make-splits: ${message}`);
  process.exit(1);
};

const args = process.argv.slice(2);
const suiteDir = args[0];
if (!suiteDir || !existsSync(suiteDir)) fail('usage: node scripts/make-splits.js SUITE_DIR [--min opt,gate,test] [--check]');
const checkOnly = args.includes('--check');
const minIndex = args.indexOf('--min');
const [minOpt, minGate, minTest] = minIndex >= 0 ? args[minIndex + 1].split(',').map(Number) : [14, 8, 14];

const byCategory = new Map();
for (const id of readdirSync(suiteDir).sort()) {
  const tomlPath = join(suiteDir, id, 'task.toml');
  if (!existsSync(tomlPath)) continue;
  let category;
  try {
    category = parse(readFileSync(tomlPath, 'utf8')).metadata?.category;
  } catch (err) {
    fail(`${tomlPath}: ${err.message.split('\n')[0]}`);
  }
  if (typeof category !== 'string' || category === '') fail(`${tomlPath}: [metadata] category is missing`);
  byCategory.set(category, [...(byCategory.get(category) ?? []), id]);
}

const rank = (id) => createHash('sha256').update(SEED + id).digest('hex');
const splits = { opt: [], gate: [], test: [] };
for (const category of [...byCategory.keys()].sort()) {
  const ids = [...byCategory.get(category)].sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
  ids.forEach((id, i) => splits[DEAL[i % DEAL.length]].push(id));
}
for (const name of Object.keys(splits)) splits[name].sort();

const counts = { opt: splits.opt.length, gate: splits.gate.length, test: splits.test.length };
if (counts.opt < minOpt || counts.gate < minGate || counts.test < minTest) {
  fail(`splits too small: ${JSON.stringify(counts)}, need at least opt ${minOpt}, gate ${minGate}, test ${minTest}`);
}
const text = JSON.stringify(splits, null, 2) + '\n';
const splitsPath = join(suiteDir, 'splits.json');
if (checkOnly) {
  const current = existsSync(splitsPath) ? readFileSync(splitsPath, 'utf8') : '';
  if (current !== text) fail(`${splitsPath} is out of date: run node scripts/make-splits.js ${suiteDir}`);
  console.log(`${splitsPath} is up to date: ${JSON.stringify(counts)}`);
} else {
  writeFileSync(splitsPath, text);
  console.log(`${splitsPath}: ${JSON.stringify(counts)} over ${byCategory.size} categories`);
}
