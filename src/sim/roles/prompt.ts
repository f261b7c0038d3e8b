import { draw } from '../random.js';

/** The markers in a system message that name the role a request asks for (see src/sim/README.md). */
export const ROLE_MARKERS = {
  classifier: /^\s*role:\s*trace-classifier\s*$/im,
  proposer: /^\s*role:\s*harness-proposer\s*$/im,
} as const;

export type Role = keyof typeof ROLE_MARKERS;

export const roleOf = (system: string): Role | undefined =>
  (Object.keys(ROLE_MARKERS) as Role[]).find((r) => ROLE_MARKERS[r].test(system));

/** `## Heading` sections of a prompt, keyed by lowercased heading. */
export const sectionsOf = (text: string): Map<string, string> => {
  const out = new Map<string, string>();
  const parts = text.split(/^##\s+(.+)$/m);
  for (let i = 1; i + 1 < parts.length; i += 2) out.set(parts[i].trim().toLowerCase(), parts[i + 1].trim());
  return out;
};

/** The JSON a section holds: its first fenced block, else the whole body; undefined if neither parses. */
export const jsonIn = (body: string | undefined): unknown => {
  if (body === undefined) return undefined;
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(body);
  for (const candidate of fenced ? [fenced[1], body] : [body]) {
    try {
      return JSON.parse(candidate);
    } catch {
      continue;
    }
  }
  return undefined;
};

/**
 * How a model wraps a JSON answer: sometimes in a ```json fence, sometimes after a <think> block; with
 * `malformed`, cut off mid-way the way a truncated or careless answer is.
 */
export const dress = (value: unknown, seed: number, key: string, malformed: boolean, reasoning: string): string => {
  const json = JSON.stringify(value, null, 2);
  const body = malformed ? json.slice(0, Math.max(1, Math.floor(json.length * 0.6))) : json;
  const fenced = draw(seed, key, 'fence') < 0.25 ? `\`\`\`json\n${body}\n\`\`\`` : body;
  return draw(seed, key, 'think') < 0.15 ? `<think>\n${reasoning}\n</think>\n${fenced}` : fenced;
};
