import { sha256 } from '../domain/canonical.js';

/**
 * A 95% percentile-bootstrap interval of the mean paired difference (after - before) over tasks,
 * with a seeded resampler so a report is reproducible.
 */
export const pairedBootstrap = (pairs: readonly { before: number; after: number }[], resamples = 2_000, seed = 'tack'): { low: number; high: number; mean: number } => {
  const d = pairs.map((p) => p.after - p.before);
  const mean = d.reduce((s, x) => s + x, 0) / Math.max(1, d.length);
  if (d.length === 0) return { low: 0, high: 0, mean: 0 };
  let state = parseInt(sha256(seed).slice(0, 8), 16) >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[Math.floor(next() * d.length)];
    means.push(s / d.length);
  }
  means.sort((a, b) => a - b);
  return { low: means[Math.floor(0.025 * resamples)], high: means[Math.ceil(0.975 * resamples) - 1], mean };
};
