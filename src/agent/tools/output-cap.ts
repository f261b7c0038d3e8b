/**
 * Long tool output keeps its head and its tail (errors usually sit at the end), with the number of
 * bytes left out in between, so the model knows something is missing and how much.
 */
export interface CappedText {
  readonly text: string;
  /** Bytes left out (0 when the text fit). */
  readonly elided: number;
}

/** Step back or forward to the start of a UTF-8 character, so no character is cut in half. */
const charStart = (buf: Buffer, i: number, forward: boolean): number => {
  let j = i;
  while (j > 0 && j < buf.length && (buf[j] & 0xc0) === 0x80) j += forward ? 1 : -1;
  return j;
};

export const elisionNote = (bytes: number): string => `\n[... ${bytes} bytes elided ...]\n`;

export const capOutput = (text: string, capBytes: number): CappedText => {
  if (text.length <= capBytes / 4) return { text, elided: 0 };
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= capBytes) return { text, elided: 0 };
  const headEnd = charStart(buf, Math.floor(capBytes / 2), false);
  const tailStart = charStart(buf, buf.length - Math.ceil(capBytes / 2), true);
  const elided = tailStart - headEnd;
  return {
    text: buf.subarray(0, headEnd).toString('utf8') + elisionNote(elided) + buf.subarray(tailStart).toString('utf8'),
    elided,
  };
};
