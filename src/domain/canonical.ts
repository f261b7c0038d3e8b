import { createHash, hash } from 'node:crypto';

/** RFC 8785 (JCS) canonical JSON: sorted keys (by UTF-16 code units), ES number formatting, no whitespace. */
export const canonicalJson = (value: unknown): string => {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON cannot encode a non-finite number');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map((v) => canonicalJson(v === undefined ? null : v)).join(',') + ']';
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(obj[k])).join(',') + '}';
    }
    default:
      throw new TypeError(`canonical JSON cannot encode a ${typeof value}`);
  }
};

/** sha256 hex; the one-shot `crypto.hash` (Node >= 20.12) avoids a Hash object per call on hot paths. */
export const sha256 = (data: string | Uint8Array): string =>
  typeof hash === 'function' ? hash('sha256', data as Buffer, 'hex') : createHash('sha256').update(data).digest('hex');

/** sha256 of the canonical JSON of a value: how harnesses, requests and tasks are identified. */
export const hashOf = (value: unknown): string => sha256(canonicalJson(value));
