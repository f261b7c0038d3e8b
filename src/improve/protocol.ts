import * as t from 'io-ts';
import { intIn, NonEmptyText, PolicyId, RuleId, strict } from '../domain/codecs.js';
import { PolicyKindCodec, Section } from '../domain/harness.js';
import { CausalStatus } from '../domain/events.js';

/**
 * What the loop asks models for and what it accepts back: the classifier's label of a failed trace
 * and the proposer's typed edits. A proposed new rule or policy carries no id: the loop mints it.
 * Models answer JSON checked by these codecs; one repair round, then the answer counts as invalid.
 */
export const ROLE_CLASSIFIER = 'Role: trace-classifier';
export const ROLE_PROPOSER = 'Role: harness-proposer';

export const Classification = t.type({
  causalStatus: CausalStatus,
  mechanism: t.string,
  explanation: t.string,
});
export type Classification = t.TypeOf<typeof Classification>;

const Position = intIn(0, 100_000);
export const DraftEdit = t.union([
  strict('DraftAddRule', { op: t.literal('AddRule'), rule: strict('DraftRule', { section: Section, text: NonEmptyText }) }, { position: Position }),
  strict('DraftReplaceRule', { op: t.literal('ReplaceRule'), id: RuleId, text: NonEmptyText }, { section: Section }),
  strict('DraftRemoveRule', { op: t.literal('RemoveRule'), id: RuleId }),
  strict(
    'DraftSetPolicy',
    { op: t.literal('SetPolicy'), policy: strict('DraftPolicy', { kind: PolicyKindCodec, params: t.UnknownRecord }, { id: PolicyId }) },
    { position: Position },
  ),
  strict('DraftRemovePolicy', { op: t.literal('RemovePolicy'), id: PolicyId }),
  strict('DraftSetToolOption', {
    op: t.literal('SetToolOption'),
    tool: t.keyof({ bash: null, read_file: null, write_file: null, edit_file: null, list_dir: null }),
    option: t.string,
    value: t.union([t.boolean, t.number, t.string]),
  }),
  strict('DraftSetLimit', { op: t.literal('SetLimit'), limit: t.keyof({ maxSteps: null, wallSeconds: null }), value: t.number }),
]);
export type DraftEdit = t.TypeOf<typeof DraftEdit>;

export const ProposalAnswer = t.type({
  weaknessId: t.string,
  edit: t.unknown,
  rationale: t.string,
  expectedEffect: t.union([t.string, t.undefined]),
  regressionRisk: t.union([t.string, t.undefined]),
  prediction: t.union([t.type({ fixes: t.array(t.string), risks: t.array(t.string) }), t.undefined]),
});
export type ProposalAnswer = t.TypeOf<typeof ProposalAnswer>;

export const ProposerAnswer = t.union([t.type({ proposals: t.array(ProposalAnswer) }), t.type({ decline: t.string })]);
export type ProposerAnswer = t.TypeOf<typeof ProposerAnswer>;
