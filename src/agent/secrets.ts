/**
 * API keys come only from the environment, and never leave the process in anything tack writes:
 * traces and cassettes are scrubbed of every key value the environment holds.
 */
export const API_KEY_VARIABLES = ['TACK_API_KEY', 'OPENAI_API_KEY'] as const;

/** What keyless local servers (vLLM, Ollama, the simulated models) are sent; the SDK insists on some key. */
export const NO_API_KEY = 'no-key';

export type Env = Readonly<Record<string, string | undefined>>;

export const apiKeyFrom = (env: Env): string => {
  for (const name of API_KEY_VARIABLES) {
    const v = env[name]?.trim();
    if (v) return v;
  }
  return NO_API_KEY;
};

/** Key values worth scrubbing (short values would redact ordinary words). */
export const secretsIn = (env: Env): string[] =>
  API_KEY_VARIABLES.map((name) => env[name]?.trim() ?? '').filter((v) => v.length >= 8);

export const REDACTED = '[redacted]';

export const redactSecrets = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((acc, s) => (acc.includes(s) ? acc.split(s).join(REDACTED) : acc), text);
