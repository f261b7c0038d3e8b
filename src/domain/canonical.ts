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
      // Loops rather than map/filter/join: harness hashes are taken at every version of a fold.
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i] === undefined ? null : value[i]);
        return out + ']';
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      for (const k of keys) {
        if (obj[k] === undefined) continue;
        out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + canonicalJson(obj[k]);
      }
      return out + '}';
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
