import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { applyEdit, type Edit } from '../domain/edits.js';
import { canonicalJson, sha256 } from '../domain/canonical.js';
import { decodeWith } from '../domain/decode.js';
import { Policy, POLICY_DEFAULTS, POLICY_KINDS, PolicyParams, SECTIONS, type Harness, type PolicyKind } from '../domain/harness.js';
import type { ModelClient } from '../agent/model-client.js';
import { askJson } from './ask.js';
import { proposerMessages, type WeaknessForPrompt } from './prompts.js';
import { DraftEdit, ProposerAnswer } from './protocol.js';

/**
 * Proposals: typed edits from the model (or, for the ablation, random catalog edits), each tied to a
 * weakness, turned into the domain's edits with ids minted by the store.
 */
export interface Candidate {
  readonly weaknessIds: readonly string[];
  readonly edit: Edit;
  readonly rationale: string;
  readonly expectedEffect: string;
  readonly regressionRisk: string;
  readonly prediction: { fixes: string[]; risks: string[] };
}

export interface Invalid {
  readonly weaknessId: string;
  readonly reason: string;
  /** A well-formed edit that does not apply (recorded as proposed, then rejected). */
  readonly edit?: Edit;
  readonly rationale?: string;
}

export interface Proposals {
  readonly candidates: Candidate[];
  readonly invalid: Invalid[];
  readonly declined: string | null;
  readonly modelCalls: number;
  readonly tokens: number;
}

export interface IdMint {
  rule(): Promise<string>;
  policy(): Promise<string>;
}

/** A draft edit with ids minted for new rules and policies, and its policy params checked. */
const toEdit = async (d: DraftEdit, harness: Harness, mint: IdMint): Promise<E.Either<string, Edit>> => {
  switch (d.op) {
    case 'AddRule':
      return E.right({ op: 'AddRule', rule: { id: await mint.rule(), section: d.rule.section, text: d.rule.text }, ...(d.position !== undefined ? { position: d.position } : {}) });
    case 'SetPolicy': {
      const kind = d.policy.kind as PolicyKind;
      const existing = d.policy.id ? harness.policies.find((p) => p.id === d.policy.id) : harness.policies.find((p) => p.kind === kind);
      const params = decodeWith(PolicyParams[kind] as t.Mixed, { ...(existing?.kind === kind ? existing.params : POLICY_DEFAULTS[kind]), ...d.policy.params });
      if (E.isLeft(params)) return E.left(`${kind} params: ${params.left}`);
      const policy = decodeWith(Policy, { id: existing ? existing.id : await mint.policy(), kind, params: params.right });
      return E.map((p: Policy) => ({ op: 'SetPolicy', policy: p }) as Edit)(policy);
    }
    default:
      return E.right(d as Edit);
  }
};

/** What makes two edits the same change whatever ids were minted for them. */
export const editIdentity = (edit: Edit): string => {
  const strip = edit.op === 'AddRule' ? { ...edit, rule: { ...edit.rule, id: '' } } : edit.op === 'SetPolicy' ? { ...edit, policy: { ...edit.policy, id: '' } } : edit;
  return sha256(canonicalJson(strip));
};

export const modelProposals = async (
  client: ModelClient,
  weaknesses: readonly WeaknessForPrompt[],
  harness: Harness,
  protectedTasks: readonly string[],
  rejected: readonly { weaknessId: string; edit: unknown; reason: string }[],
  maxEdits: number,
  mint: IdMint,
  key: { attemptId: string; seed: number },
): Promise<Proposals> => {
  const answer = await askJson(client, ProposerAnswer, proposerMessages(weaknesses, harness, protectedTasks, rejected, maxEdits), key);
  const base = { modelCalls: answer.modelCalls, tokens: answer.tokens };
  if (E.isLeft(answer.value)) return { ...base, candidates: [], invalid: [{ weaknessId: weaknesses[0]?.weaknessId ?? '', reason: `unusable answer: ${answer.value.left}` }], declined: null };
  const a = answer.value.right;
  if ('decline' in a) return { ...base, candidates: [], invalid: [], declined: a.decline || 'declined' };
  const known = new Set(weaknesses.map((w) => w.weaknessId));
  const candidates: Candidate[] = [];
  const invalid: Invalid[] = [];
  for (const p of a.proposals.slice(0, maxEdits)) {
    if (!known.has(p.weaknessId)) {
      invalid.push({ weaknessId: p.weaknessId || '?', reason: `names no known weakness (${p.weaknessId})` });
      continue;
    }
    const draft = decodeWith(DraftEdit, p.edit);
    if (E.isLeft(draft)) {
      invalid.push({ weaknessId: p.weaknessId, reason: `invalid edit: ${draft.left}` });
      continue;
    }
    const edit = await toEdit(draft.right, harness, mint);
    if (E.isLeft(edit)) {
      invalid.push({ weaknessId: p.weaknessId, reason: `invalid edit: ${edit.left}` });
      continue;
    }
    const applied = applyEdit(harness, edit.right);
    if (E.isLeft(applied)) {
      invalid.push({ weaknessId: p.weaknessId, reason: `the edit does not apply: ${applied.left.message}`, edit: edit.right, rationale: p.rationale || 'no rationale' });
      continue;
    }
    candidates.push({
      weaknessIds: [p.weaknessId],
      edit: edit.right,
      rationale: p.rationale.trim() || 'no rationale given',
      expectedEffect: p.expectedEffect ?? '',
      regressionRisk: p.regressionRisk ?? '',
      prediction: { fixes: p.prediction?.fixes ?? [], risks: p.prediction?.risks ?? [] },
    });
  }
  return { ...base, candidates, invalid, declined: null };
};

/** A seeded generator of [0, 1): the ablation is reproducible. */
const draws = (seed: string) => {
  let n = 0;
  return () => parseInt(sha256(`${seed}\u0000${n++}`).slice(0, 8), 16) / 2 ** 32;
};

const RANDOM_RULES = [
  'Think step by step before acting.',
  'Be concise in your answers.',
  'Prefer simple solutions.',
  'Double-check file paths before using them.',
  'Read the task carefully.',
  'Use standard Unix tools where possible.',
];

/** The ablation: random catalog edits with random parameters, as many as the model may propose. */
export const randomProposals = async (harness: Harness, count: number, seed: string, mint: IdMint, weaknessIds: readonly string[]): Promise<Proposals> => {
  const r = draws(seed);
  const pick = <A>(xs: readonly A[]): A => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const candidates: Candidate[] = [];
  for (let i = 0; i < count; i++) {
    const kind = pick(['policy', 'policy', 'rule', 'limit', 'tool'] as const);
    let edit: Edit;
    if (kind === 'rule') edit = { op: 'AddRule', rule: { id: await mint.rule(), section: pick(SECTIONS), text: pick(RANDOM_RULES) } };
    else if (kind === 'limit') edit = { op: 'SetLimit', limit: 'maxSteps', value: int(8, 80) };
    else if (kind === 'tool') edit = pick([{ op: 'SetToolOption', tool: 'bash', option: 'timeoutSec', value: int(2, 300) }, { op: 'SetToolOption', tool: 'bash', option: 'outputCapBytes', value: int(256, 20_000) }] as Edit[]);
    else {
      const k = pick(POLICY_KINDS);
      const params: Record<string, unknown> = { ...POLICY_DEFAULTS[k] };
      // A draw outside what the policy's codec allows keeps the default for that field.
      const fits = (x: Record<string, unknown>) => E.isRight(decodeWith(PolicyParams[k] as t.Mixed, x));
      for (const [f, v] of Object.entries(params))
        if (typeof v === 'number') {
          const drawn = f === 'tokenBudget' ? int(1_000, 100_000) : int(1, 20);
          if (fits({ ...params, [f]: drawn })) params[f] = drawn;
        }
      if ('action' in params) params.action = pick(['redirect', 'stop']);
      const existing = harness.policies.find((p) => p.kind === k);
      edit = { op: 'SetPolicy', policy: { id: existing ? existing.id : await mint.policy(), kind: k, params } as Policy };
    }
    if (edit.op === 'SetPolicy' && E.isLeft(decodeWith(Policy, edit.policy))) continue;
    if (E.isRight(applyEdit(harness, edit)))
      candidates.push({
        weaknessIds: weaknessIds.length ? [pick(weaknessIds)] : [],
        edit,
        rationale: 'random catalog edit (ablation baseline)',
        expectedEffect: 'unknown',
        regressionRisk: 'unknown',
        prediction: { fixes: [], risks: [] },
      });
  }
  return { candidates, invalid: [], declined: null, modelCalls: 0, tokens: 0 };
};
