import { sha256 } from '../domain/canonical.js';

/**
 * The hash suffix of a stored record line, `,"hash":"<sha256 hex>"}`: shared by the reader and the
 * worker thread that checks hashes in parallel, so both agree on every line.
 */
export const HASH_SUFFIX_LEN = ',"hash":"'.length + 64 + '"}'.length;
const SUFFIX_HEAD = Buffer.from(',"hash":"', 'latin1');

/** Whether the line buf[start, end) is long enough and ends in the hash suffix. */
export const hasHashSuffix = (buf: Buffer, start: number, end: number): boolean => {
  if (end - start < HASH_SUFFIX_LEN + 2 || buf[end - 2] !== 0x22 || buf[end - 1] !== 0x7d) return false;
  // A loop: nine bytes cost less than a call into C++.
  for (let k = 0, i = end - HASH_SUFFIX_LEN; k < SUFFIX_HEAD.length; k++) if (buf[i + k] !== SUFFIX_HEAD[k]) return false;
  return true;
};

/** The hash a line (with a hash suffix) says it has. */
export const storedHash = (buf: Buffer, end: number): string => buf.toString('latin1', end - 66, end - 2);

/** Whether a line's stored hash is the sha256 of its bytes before the suffix: hashed as stored, no string round trip. */
export const hashMatches = (buf: Buffer, start: number, end: number): boolean =>
  sha256(buf.subarray(start, end - HASH_SUFFIX_LEN)) === storedHash(buf, end);

/**
 * The index of the first newline-terminated line of buf[0, length) that has a hash suffix and a hash
 * that does not match, or -1. (A line without the suffix is reported by the reader, which checks it
 * before the hash.)
 */
export const firstBadHash = (buf: Buffer, length: number): number => {
  let pos = 0;
  for (let line = 0; pos < length; line++) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0 || nl >= length) return -1;
    if (hasHashSuffix(buf, pos, nl) && !hashMatches(buf, pos, nl)) return line;
    pos = nl + 1;
  }
  return -1;
};
