import { draw } from './random.js';

/**
 * Faults on demand, for tests and benchmarks. Each is decided from the request's seed and content, so a
 * run is reproducible; 429 and 500 hit only the first two times the same request arrives, so a client
 * that retries gets through.
 */
export interface Faults {
  /** Added before every response. */
  readonly delayMs: number;
  /** Share of requests answered 429 (rate limited). */
  readonly rate429: number;
  /** Share of requests answered 500. */
  readonly rate500: number;
  /** Share of responses cut short: content cut, tool-call arguments left as invalid JSON. */
  readonly truncateRate: number;
}

export const NO_FAULTS: Faults = { delayMs: 0, rate429: 0, rate500: 0, truncateRate: 0 };

/** Occurrences of the same request after which it is always answered. */
export const MAX_FAULTED_OCCURRENCES = 2;

const FIELDS = ['delayMs', 'rate429', 'rate500', 'truncateRate'] as const;

/**
 * Fault settings from a `name=value` list joined by `&` or `,` (the `?...` suffix of a model name, or
 * the x-sim-faults header), e.g. `delayMs=200&rate429=0.3`. Throws naming the bad part.
 */
export const parseFaults = (spec: string): Partial<Faults> => {
  const out: { -readonly [K in keyof Faults]?: number } = {};
  for (const part of spec.split(/[&,]/).map((p) => p.trim()).filter(Boolean)) {
    const [name, raw] = part.split('=', 2);
    const field = FIELDS.find((f) => f === name?.trim());
    const value = Number(raw);
    if (!field) throw new Error(`unknown fault "${name}" (known: ${FIELDS.join(', ')})`);
    if (raw === undefined || !Number.isFinite(value) || value < 0 || (field !== 'delayMs' && value > 1))
      throw new Error(`fault ${field} needs ${field === 'delayMs' ? 'a number of milliseconds' : 'a rate from 0 to 1'}, got "${raw ?? ''}"`);
    out[field] = value;
  }
  return out;
};

export type FailureStatus = 429 | 500;

/** The error status this occurrence of a request gets, if any. */
export const failureFor = (f: Faults, seed: number, requestKey: string, occurrence: number): FailureStatus | undefined => {
  if (occurrence > MAX_FAULTED_OCCURRENCES) return undefined;
  const r = draw(seed, requestKey, occurrence, 'failure');
  if (r < f.rate429) return 429;
  if (r < f.rate429 + f.rate500) return 500;
  return undefined;
};

export const truncates = (f: Faults, seed: number, requestKey: string): boolean => draw(seed, requestKey, 'truncate') < f.truncateRate;
