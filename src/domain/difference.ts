import { canonicalJson } from './canonical.js';

const text = (x: unknown) => (x === undefined ? 'undefined' : canonicalJson(x));

/** The first field where two JSON values differ (depth first, object keys sorted, array items in order), or null. */
export const firstDifference = (a: unknown, b: unknown, path = ''): { field: string; recorded: unknown; replayed: unknown } | null => {
  if (text(a) === text(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => String(i)) : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return { field: path || '(whole)', recorded: a, replayed: b };
};
