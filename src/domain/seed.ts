import { sha256 } from './canonical.js';

/**
 * The seed of an attempt, deterministic in (base seed, task, attempt): attempts differ from each
 * other, and a baseline and its candidate share seeds (common random numbers sharpen the gate).
 * It is the OpenAI `seed` of every model request of that attempt.
 */
export const seedFor = (taskId: string, attempt: number, baseSeed = 0): number =>
  parseInt(sha256(`${baseSeed}\u0000${taskId}\u0000${attempt}`).slice(0, 8), 16) & 0x7fffffff;
