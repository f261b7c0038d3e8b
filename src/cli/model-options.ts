import type { Argv } from 'yargs';
import type { ModelRef } from '../domain/events.js';
import { UsageError } from '../app/errors.js';

/** The options that name a model and its sampling parameters (never a key: keys come from the environment). */
export const modelOptions = <T>(y: Argv<T>) =>
  y
    .option('model', { type: 'string', describe: 'model id (e.g. qwen3.5-35b, or sim:repeater for a simulated one)' })
    .option('base-url', { type: 'string', describe: 'OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1' })
    .option('temperature', { type: 'number', describe: 'sampling temperature' })
    .option('max-tokens', { type: 'number', describe: 'max tokens per model response' });

export interface ModelArgs {
  model?: string;
  baseUrl?: string;
  temperature?: number;
  maxTokens?: number;
}

export const modelFromArgs = (a: ModelArgs): ModelRef => {
  if (!a.model || !a.model.trim()) throw new UsageError('--model is required');
  if (a.baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(a.baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, not "${a.baseUrl}"`);
  if (a.baseUrl && /\/\/[^/]*@/.test(a.baseUrl)) throw new UsageError('--base-url must not carry credentials; put the key in TACK_API_KEY');
  if (a.temperature !== undefined && !(a.temperature >= 0 && a.temperature <= 2)) throw new UsageError('--temperature must be between 0 and 2');
  if (a.maxTokens !== undefined && !(Number.isInteger(a.maxTokens) && a.maxTokens >= 1)) throw new UsageError('--max-tokens must be a positive integer');
  const params = {
    ...(a.temperature !== undefined ? { temperature: a.temperature } : {}),
    ...(a.maxTokens !== undefined ? { maxTokens: a.maxTokens } : {}),
  };
  return {
    id: a.model.trim(),
    ...(a.baseUrl ? { baseUrl: a.baseUrl } : {}),
    ...(Object.keys(params).length ? { params } : {}),
  };
};
