/**
 * `npm run bench`: every figure as a ratio against a baseline measured in the same run (these
 * machines are noisy). Prints a table and writes bench/results.json.
 * BENCH_SCALE=0.1 runs everything at a tenth of the size (for a quick look).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendFigure, foldFigure, whyFigure, writeResults, type Figure } from './history.js';
import { measureAgentOverhead } from './agent-overhead.js';
import { simThroughput } from './sim-throughput.js';
import { workersFigure } from './workers.js';

const scale = Number(process.env.BENCH_SCALE ?? 1);
const root = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'tack-bench-'));
const figures: Figure[] = [];
const show = (f: Figure) => {
  figures.push(f);
  const value = (x: number) => (x >= 10 ? x.toFixed(1) : x.toPrecision(2));
  console.log(`${f.met ? 'MET ' : 'MISS'}  ${f.ratio.toFixed(2)}x  ${f.name}: ${value(f.ours)} ${f.unit} vs ${value(f.baseline)} ${f.unit} (goal ${f.goal})`);
  if (f.note) console.log(`        ${f.note}`);
};
try {
  console.log(`tack bench (scale ${scale}); ratios are against baselines measured in this run\n`);
  show(await foldFigure(join(work, 'fold'), Math.round(1_000_000 * scale)));
  show(await appendFigure(join(work, 'append'), Math.round(2000 * Math.max(scale, 0.1))));
  show(await whyFigure(join(work, 'why'), Math.round(100_000 * scale)));
  const agent = await measureAgentOverhead({ runs: Math.max(5, Math.round(25 * scale)) });
  show({
    name: `agent loop overhead per step, every policy on (${agent.steps} steps; model and command time excluded)`,
    ours: agent.perStepMs,
    baseline: 2,
    unit: 'ms',
    ratio: agent.ratio,
    goal: '< 2 ms per step',
    met: agent.perStepMs < 2,
    note: 'ratio = time of the full loop / a bare loop making the same model and command calls',
  });
  const sim = await simThroughput(scale < 1 ? 1 : 2);
  for (const s of sim.slice(1))
    show({
      name: `sim:steady task attempts per minute (200 ms per model response), concurrency ${s.concurrency} vs 1`,
      ours: s.perMinute,
      baseline: sim[0].perMinute,
      unit: 'attempts/min',
      ratio: s.speedup,
      goal: 'speedup reported',
      met: s.speedup > 1,
      note: 'ratio = attempts per minute at this concurrency / at concurrency 1, suites/mini',
    });
  show(await workersFigure(scale < 1 ? 1 : 2, scale < 1 ? 1 : 2));
  writeResults(join(root, 'bench', 'results.json'), figures);
  console.log(`\nwrote bench/results.json`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
