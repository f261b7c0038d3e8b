import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson } from '../domain/canonical.js';

/**
 * ATIF v1.4, the Agent Trajectory Interchange Format of Harbor: how tack stores a full trace, so
 * other tools can read it. tack's own data (interventions, timings, cap notes, features) lives under
 * `extra`. `validateAtif` checks a JSON value against the v1.4 field list.
 */
export const ATIF_VERSION = 'ATIF-v1.4';

export type JsonObject = Record<string, unknown>;

export interface AtifToolCall {
  readonly tool_call_id: string;
  readonly function_name: string;
  readonly arguments: JsonObject;
}

export interface AtifObservationResult {
  readonly source_call_id?: string;
  readonly content?: string;
}

export interface AtifMetrics {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
  readonly cached_tokens?: number;
  readonly cost_usd?: number;
  readonly extra?: JsonObject;
}

export interface AtifStep {
  readonly step_id: number;
  readonly timestamp?: string;
  readonly source: 'system' | 'user' | 'agent';
  readonly model_name?: string;
  readonly message: string;
  readonly reasoning_content?: string;
  readonly tool_calls?: readonly AtifToolCall[];
  readonly observation?: { readonly results: readonly AtifObservationResult[] };
  readonly metrics?: AtifMetrics;
  readonly extra?: JsonObject;
}

export interface AtifFinalMetrics {
  readonly total_prompt_tokens?: number;
  readonly total_completion_tokens?: number;
  readonly total_cached_tokens?: number;
  readonly total_cost_usd?: number;
  readonly total_steps?: number;
  readonly extra?: JsonObject;
}

export interface AtifTrajectory {
  readonly schema_version: typeof ATIF_VERSION;
  readonly session_id: string;
  readonly agent: { readonly name: string; readonly version: string; readonly model_name?: string; readonly extra?: JsonObject };
  readonly steps: readonly AtifStep[];
  readonly notes?: string;
  readonly final_metrics?: AtifFinalMetrics;
  readonly extra?: JsonObject;
}

type Check = (value: unknown, where: string, errors: string[]) => void;

const isObject = (u: unknown): u is JsonObject => typeof u === 'object' && u !== null && !Array.isArray(u);
const kindOf = (u: unknown): string => (u === null ? 'null' : Array.isArray(u) ? 'array' : typeof u);

const str: Check = (v, where, errors) => {
  if (typeof v !== 'string') errors.push(`${where}: expected a string, got ${kindOf(v)}`);
};
const nonEmptyStr: Check = (v, where, errors) => {
  if (typeof v !== 'string' || v.trim() === '') errors.push(`${where}: expected a non-empty string, got ${JSON.stringify(v)}`);
};
const obj: Check = (v, where, errors) => {
  if (!isObject(v)) errors.push(`${where}: expected an object, got ${kindOf(v)}`);
};
const count: Check = (v, where, errors) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) errors.push(`${where}: expected a non-negative integer, got ${JSON.stringify(v)}`);
};
const amount: Check = (v, where, errors) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) errors.push(`${where}: expected a non-negative number, got ${JSON.stringify(v)}`);
};
const intArray: Check = (v, where, errors) => {
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x))) errors.push(`${where}: expected an array of integers`);
};
const numArray: Check = (v, where, errors) => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) errors.push(`${where}: expected an array of numbers`);
};
const isoTime: Check = (v, where, errors) => {
  if (typeof v !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/.test(v) || Number.isNaN(Date.parse(v)))
    errors.push(`${where}: expected an ISO 8601 timestamp, got ${JSON.stringify(v)}`);
};

/** Check an object's fields: required ones present, known ones well-typed, no others. */
const fields = (
  v: unknown,
  where: string,
  errors: string[],
  spec: Record<string, { check: Check; required?: boolean }>,
): v is JsonObject => {
  if (!isObject(v)) {
    errors.push(`${where}: expected an object, got ${kindOf(v)}`);
    return false;
  }
  for (const [k, s] of Object.entries(spec)) {
    if (v[k] === undefined) {
      if (s.required) errors.push(`${where}.${k}: missing`);
    } else s.check(v[k], `${where}.${k}`, errors);
  }
  for (const k of Object.keys(v)) if (!(k in spec)) errors.push(`${where}.${k}: not an ATIF v1.4 field`);
  return true;
};

const metricsCheck: Check = (v, where, errors) =>
  void fields(v, where, errors, {
    prompt_tokens: { check: count },
    completion_tokens: { check: count },
    cached_tokens: { check: count },
    cost_usd: { check: amount },
    prompt_token_ids: { check: intArray },
    completion_token_ids: { check: intArray },
    logprobs: { check: numArray },
    extra: { check: obj },
  });

const toolCallsCheck: Check = (v, where, errors) => {
  if (!Array.isArray(v)) return void errors.push(`${where}: expected an array, got ${kindOf(v)}`);
  const ids = new Set<string>();
  v.forEach((c, i) => {
    if (!fields(c, `${where}[${i}]`, errors, { tool_call_id: { check: nonEmptyStr, required: true }, function_name: { check: str, required: true }, arguments: { check: obj, required: true } }))
      return;
    const id = c.tool_call_id;
    if (typeof id === 'string') {
      if (ids.has(id)) errors.push(`${where}[${i}].tool_call_id: "${id}" is used twice in this step`);
      ids.add(id);
    }
  });
};

const subagentRefCheck: Check = (v, where, errors) => {
  if (!Array.isArray(v)) return void errors.push(`${where}: expected an array, got ${kindOf(v)}`);
  v.forEach((r, i) =>
    fields(r, `${where}[${i}]`, errors, { session_id: { check: nonEmptyStr, required: true }, trajectory_path: { check: str }, extra: { check: obj } }),
  );
};

const observationCheck: Check = (v, where, errors) => {
  if (!fields(v, where, errors, { results: { check: () => undefined, required: true } })) return;
  const results = v.results;
  if (!Array.isArray(results)) return void errors.push(`${where}.results: expected an array, got ${kindOf(results)}`);
  results.forEach((r, i) =>
    fields(r, `${where}.results[${i}]`, errors, {
      source_call_id: { check: str },
      content: { check: str },
      subagent_trajectory_ref: { check: subagentRefCheck },
    }),
  );
};

const AGENT_ONLY = ['model_name', 'reasoning_effort', 'reasoning_content', 'tool_calls', 'metrics'] as const;

const stepCheck = (v: unknown, i: number, errors: string[]): void => {
  const where = `steps[${i}]`;
  const ok = fields(v, where, errors, {
    step_id: { check: count, required: true },
    timestamp: { check: isoTime },
    source: { check: (s, w, e) => void (s === 'system' || s === 'user' || s === 'agent' ? null : e.push(`${w}: expected system, user or agent, got ${JSON.stringify(s)}`)), required: true },
    model_name: { check: str },
    reasoning_effort: { check: (s, w, e) => void (typeof s === 'string' || typeof s === 'number' ? null : e.push(`${w}: expected a string or a number`)) },
    message: { check: str, required: true },
    reasoning_content: { check: str },
    tool_calls: { check: toolCallsCheck },
    observation: { check: observationCheck },
    metrics: { check: metricsCheck },
    extra: { check: obj },
  });
  if (!ok) return;
  if (v.step_id !== i + 1) errors.push(`${where}.step_id: expected ${i + 1} (step ids count from 1 without gaps), got ${JSON.stringify(v.step_id)}`);
  if (v.source !== 'agent') for (const k of AGENT_ONLY) if (v[k] !== undefined) errors.push(`${where}.${k}: only agent steps may have it`);
  if (Array.isArray(v.tool_calls) && isObject(v.observation) && Array.isArray(v.observation.results)) {
    const ids = new Set(v.tool_calls.map((c) => (isObject(c) ? c.tool_call_id : undefined)));
    v.observation.results.forEach((r, j) => {
      if (isObject(r) && typeof r.source_call_id === 'string' && !ids.has(r.source_call_id))
        errors.push(`${where}.observation.results[${j}].source_call_id: "${r.source_call_id}" names no tool call of this step`);
    });
  }
};

/** Every way `json` departs from ATIF v1.4, one line each; empty when it is a valid trajectory. */
export const validateAtif = (json: unknown): string[] => {
  const errors: string[] = [];
  const ok = fields(json, 'trajectory', errors, {
    schema_version: { check: (v, w, e) => void (v === ATIF_VERSION ? null : e.push(`${w}: expected "${ATIF_VERSION}", got ${JSON.stringify(v)}`)), required: true },
    session_id: { check: nonEmptyStr, required: true },
    agent: {
      check: (v, w, e) =>
        void fields(v, w, e, { name: { check: nonEmptyStr, required: true }, version: { check: nonEmptyStr, required: true }, model_name: { check: str }, extra: { check: obj } }),
      required: true,
    },
    steps: { check: (v, w, e) => void (Array.isArray(v) ? null : e.push(`${w}: expected an array, got ${kindOf(v)}`)), required: true },
    notes: { check: str },
    final_metrics: {
      check: (v, w, e) =>
        void fields(v, w, e, {
          total_prompt_tokens: { check: count },
          total_completion_tokens: { check: count },
          total_cached_tokens: { check: count },
          total_cost_usd: { check: amount },
          total_steps: { check: count },
          extra: { check: obj },
        }),
    },
    extra: { check: obj },
  });
  if (ok && Array.isArray(json.steps)) {
    if (json.steps.length === 0) errors.push('trajectory.steps: empty');
    json.steps.forEach((s, i) => stepCheck(s, i, errors));
  }
  return errors;
};

/** The bytes of a trajectory as the blob store keeps them (canonical JSON: same trace, same hash). */
export const encodeTrajectory = (trajectory: AtifTrajectory): Uint8Array => Buffer.from(canonicalJson(trajectory), 'utf8');

/** A stored trajectory read back and checked; Left names what is wrong with it. */
export const decodeTrajectory = (bytes: Uint8Array): E.Either<string, AtifTrajectory> => {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    return E.left(`not JSON: ${(e as Error).message}`);
  }
  const errors = validateAtif(json);
  return errors.length > 0 ? E.left(`not an ATIF v1.4 trajectory: ${errors.slice(0, 3).join('; ')}`) : E.right(json as AtifTrajectory);
};
