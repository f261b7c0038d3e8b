import { sha256 } from '../domain/canonical.js';

/**
 * Deterministic draws: every random choice of the sim is a hash of what it depends on (the request's
 * seed, the persona, the task, the turn, a label), so the same conversation always gets the same answer
 * and the simulator keeps no state between requests.
 */
export const hashHex = (...parts: readonly (string | number)[]): string => sha256(parts.map(String).join('\u0000'));

/** A number in [0, 1) drawn from `parts`. */
export const draw = (...parts: readonly (string | number)[]): number => parseInt(hashHex(...parts).slice(0, 13), 16) / 2 ** 52;

/** An integer in [lo, hi] drawn from `parts`. */
export const drawInt = (lo: number, hi: number, ...parts: readonly (string | number)[]): number =>
  lo + Math.floor(draw(...parts) * (hi - lo + 1));

/** One element of a non-empty list, drawn from `parts`. */
export const pick = <A>(xs: readonly A[], ...parts: readonly (string | number)[]): A => xs[Math.floor(draw(...parts) * xs.length)];
