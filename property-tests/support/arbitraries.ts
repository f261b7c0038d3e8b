import fc from 'fast-check';
import type * as t from 'io-ts';
import { toJsonSchema, type JsonSchema } from '../../src/domain/json-schema.js';
import { humanEdit, initialize, propose, reject, revert, tag } from '../../src/domain/decide.js';
import { foldEvents, type BranchState, type LineageEvent } from '../../src/domain/fold.js';
import { minimalHarness, POLICY_DEFAULTS, POLICY_KINDS, SECTIONS, type Policy } from '../../src/domain/harness.js';
import type { Draft, TackEvent } from '../../src/domain/events.js';
import type { Edit } from '../../src/domain/edits.js';
import { asLineage, stampFixed } from '../../test/support/spec.js';

/** How many runs each property makes: 200 by default (the floor), more on request. */
export const RUNS = Number(process.env.TACK_PROPERTY_RUNS ?? 200);

/** A fast-check arbitrary for any value a codec accepts, derived from its generated JSON Schema. */
export const arbitraryOf = (codec: t.Mixed): fc.Arbitrary<unknown> => fromSchema(toJsonSchema(codec));

const fromSchema = (s: JsonSchema): fc.Arbitrary<unknown> => {
  if ('const' in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  if (s.anyOf) return fc.oneof(...(s.anyOf as JsonSchema[]).map(fromSchema));
  switch (s.type) {
    case 'string':
      return s.pattern ? fc.stringMatching(new RegExp(s.pattern as string)).filter((x) => x.length <= ((s.maxLength as number) ?? 1e9)) : fc.string();
    case 'integer':
      return fc.integer({ min: Math.max((s.minimum as number) ?? -1e9, -1e9), max: Math.min((s.maximum as number) ?? 1e9, 1e9) });
    case 'number':
      return fc.double({ min: (s.minimum as number) ?? -1e9, max: (s.maximum as number) ?? 1e9, noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(s.items as JsonSchema), { maxLength: 3 });
    case 'object': {
      if (s.properties) {
        const props = s.properties as Record<string, JsonSchema>;
        const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fromSchema(v)]));
        return fc.record(model, { requiredKeys: (s.required as string[]) ?? [], noNullPrototype: true });
      }
      return fc.dictionary(fc.string({ maxLength: 8 }), s.additionalProperties ? fromSchema(s.additionalProperties as JsonSchema) : fc.anything(), { maxKeys: 3, noNullPrototype: true });
    }
    default:
      return fc.anything();
  }
};

/** Operations a history is made of; interpreted against the folded state so the history stays valid. */
type Op =
  | { kind: 'addRule'; section: number; text: string }
  | { kind: 'replaceRule'; pick: number; text: string }
  | { kind: 'removeRule'; pick: number }
  | { kind: 'setPolicy'; policy: number; n: number }
  | { kind: 'setLimit'; value: number }
  | { kind: 'rejected'; text: string }
  | { kind: 'revert'; pick: number }
  | { kind: 'tag'; pick: number }
  | { kind: 'trace'; passed: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('addRule' as const), section: fc.nat(4), text: fc.string({ minLength: 1, maxLength: 20 }).filter((x) => /\S/.test(x)) }),
  fc.record({ kind: fc.constant('replaceRule' as const), pick: fc.nat(), text: fc.string({ minLength: 1, maxLength: 20 }).filter((x) => /\S/.test(x)) }),
  fc.record({ kind: fc.constant('removeRule' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('setPolicy' as const), policy: fc.nat(POLICY_KINDS.length - 1), n: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('setLimit' as const), value: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ kind: fc.constant('rejected' as const), text: fc.string({ minLength: 1, maxLength: 10 }).filter((x) => /\S/.test(x)) }),
  fc.record({ kind: fc.constant('revert' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('tag' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('trace' as const), passed: fc.boolean() }),
);

const policyFor = (index: number, n: number, id: string): Policy => {
  const kind = POLICY_KINDS[index];
  const params = { ...POLICY_DEFAULTS[kind] } as Record<string, unknown>;
  for (const k of ['maxCalls', 'allowedRepeats', 'maxRounds', 'maxReadOnlySteps', 'keepLast']) if (k in params) params[k] = n;
  return { id, kind, params } as Policy;
};

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);

/** Build a valid history (drafts) from operations, by deciding each against the state so far. */
export const historyFrom = (ops: readonly Op[]): TackEvent[] => {
  const first = initialize('main', { id: 'm1' }, minimalHarness(['R1', 'R2', 'R3', 'R4']));
  const drafts: Draft[] = [...(first as { right: Draft[] }).right];
  let events = stampFixed(drafts);
  let state = (foldEvents(null, asLineage(events)) as { right: BranchState }).right;
  let nextRule = 5;
  let nextPolicy = 1;
  let nextProposal = 1;
  const push = (more: Draft[]) => {
    const stamped = stampFixed(more, events.length);
    const r = foldEvents(state, asLineage(stamped, 'branch-main', events.length));
    if (r._tag === 'Left') throw new Error(`generator produced an invalid history: ${r.left.message}`);
    state = r.right;
    events = [...events, ...stamped];
  };
  const edit = (e: Edit) => {
    const d = humanEdit(state, `E${nextProposal}`, e, 'generated');
    if (d._tag === 'Right') {
      nextProposal++;
      push(d.right);
    }
  };
  for (const op of ops) {
    const rules = state.harness.prompt.rules;
    switch (op.kind) {
      case 'addRule':
        edit({ op: 'AddRule', rule: { id: `R${nextRule++}`, section: SECTIONS[op.section], text: op.text } });
        break;
      case 'replaceRule':
        if (rules.length) edit({ op: 'ReplaceRule', id: rules[op.pick % rules.length].id, text: op.text });
        break;
      case 'removeRule':
        if (rules.length) edit({ op: 'RemoveRule', id: rules[op.pick % rules.length].id });
        break;
      case 'setPolicy': {
        const existing = state.harness.policies.find((p) => p.kind === POLICY_KINDS[op.policy]);
        edit({ op: 'SetPolicy', policy: policyFor(op.policy, op.n, existing ? existing.id : `P${nextPolicy++}`) });
        break;
      }
      case 'setLimit':
        edit({ op: 'SetLimit', limit: 'maxSteps', value: op.value });
        break;
      case 'rejected': {
        const id = `E${nextProposal++}`;
        const p = propose(state, { proposalId: id, edit: { op: 'AddRule', rule: { id: `R${nextRule++}`, section: 'general', text: op.text } }, rationale: 'r', source: 'model' });
        if (p._tag === 'Right') push(p.right);
        const r = reject(state, id, 'gate lost passes');
        if (r._tag === 'Right') push(r.right);
        break;
      }
      case 'revert': {
        const committed = [...state.proposals.values()].filter((p) => p.status === 'committed');
        if (committed.length) {
          const d = revert(state, committed[op.pick % committed.length].proposalId, 'generated revert');
          if (d._tag === 'Right') push(d.right);
        }
        break;
      }
      case 'tag': {
        const d = tag(state, `t${events.length}`, 1 + (op.pick % state.version));
        if (d._tag === 'Right') push(d.right);
        break;
      }
      case 'trace':
        push([
          {
            type: 'TraceObserved',
            data: {
              traceId: `t-${hex(events.length, 16)}`,
              taskId: 'task-a',
              taskHash: 'a'.repeat(64),
              split: 'opt',
              attempt: 0,
              seed: events.length,
              harnessHash: state.harnessHash,
              model: { id: 'm1' },
              outcome: { passed: op.passed, reward: op.passed ? 1 : 0, exitReason: 'finished', verifierExcerpt: '' },
              features: { repeats: 1 },
              usage: { modelCalls: 1, promptTokens: 10, completionTokens: 5 },
              steps: 3,
              traceBlob: 'b'.repeat(64),
            },
          },
        ]);
        break;
    }
  }
  return events;
};

export const historyArb: fc.Arbitrary<TackEvent[]> = fc.array(opArb, { maxLength: 25 }).map(historyFrom);

export const lineageOf = (events: readonly TackEvent[]): LineageEvent[] => asLineage(events);
