import * as E from 'fp-ts/lib/Either.js';
import { applyEdit, applyEdits, elementOf, type Edit } from './edits.js';
import { harnessHash, type Harness } from './harness.js';
import type { DataOf, Draft, ModelRef, ValidationRecord } from './events.js';
import type { BranchState } from './fold.js';

/**
 * Decisions: commands checked against the folded state, answered with the events to append.
 * Pure; the application layer mints ids, stamps envelopes and appends.
 */
export type Decision = E.Either<string, Draft[]>;

const ok = (...drafts: Draft[]): Decision => E.right(drafts);
const no = (why: string): Decision => E.left(why);

export const initialize = (branch: string, model: ModelRef, harness: Harness): Decision =>
  ok({ type: 'HarnessInitialized', data: { branch, model, harness, version: 1, harnessHash: harnessHash(harness) } });

/** Fork `parent` (already folded up to the fork version) as `branch`. */
export const createBranch = (branch: string, parent: BranchState, model: ModelRef, reason: string): Decision =>
  branch === parent.branch
    ? no(`branch ${branch} cannot fork from itself`)
    : ok({
        type: 'BranchCreated',
        data: { branch, parent: { branch: parent.branch, version: parent.version }, model, reason, harnessHash: parent.harnessHash },
      });

export interface ProposalDraft {
  readonly proposalId: string;
  readonly edit: Edit;
  readonly rationale: string;
  readonly source: DataOf<'EditProposed'>['source'];
  readonly weaknessIds?: readonly string[];
  readonly extra?: Partial<Omit<DataOf<'EditProposed'>, 'proposalId' | 'edit' | 'rationale' | 'source' | 'weaknessIds' | 'baseHarnessHash'>>;
}

/** Propose an edit against the branch's current harness; it must apply. */
export const propose = (s: BranchState, p: ProposalDraft): Decision => {
  if (s.proposals.has(p.proposalId)) return no(`proposal ${p.proposalId} already exists`);
  const applied = applyEdit(s.harness, p.edit);
  if (E.isLeft(applied)) return no(`the edit does not apply to ${s.branch}@${s.version}: ${applied.left.message}`);
  return ok({
    type: 'EditProposed',
    data: {
      proposalId: p.proposalId,
      weaknessIds: [...(p.weaknessIds ?? [])],
      edit: p.edit,
      rationale: p.rationale,
      source: p.source,
      baseHarnessHash: s.harnessHash,
      ...p.extra,
    },
  });
};

const undecided = (s: BranchState, proposalId: string): string | null => {
  const p = s.proposals.get(proposalId);
  if (!p) return `no proposal ${proposalId} on ${s.branch}`;
  if (p.status !== 'proposed') return `proposal ${proposalId} is already ${p.status}`;
  return null;
};

export const accept = (s: BranchState, proposalId: string, validation: ValidationRecord): Decision => {
  const why = undecided(s, proposalId);
  return why ? no(why) : ok({ type: 'EditAccepted', data: { proposalId, validation } });
};

export const reject = (s: BranchState, proposalId: string, reason: string, validation?: ValidationRecord): Decision => {
  const why = undecided(s, proposalId);
  if (why) return no(why);
  return ok({ type: 'EditRejected', data: validation ? { proposalId, reason, validation } : { proposalId, reason } });
};

/** The harness that committing these accepted proposals, in order, gives. */
export const mergedHarness = (s: BranchState, proposalIds: readonly string[]): E.Either<string, Harness> => {
  const edits: Edit[] = [];
  for (const id of proposalIds) {
    const p = s.proposals.get(id);
    if (!p) return E.left(`no proposal ${id} on ${s.branch}`);
    if (p.status !== 'accepted') return E.left(`proposal ${id} is ${p.status}, not accepted`);
    edits.push(p.edit);
  }
  return E.mapLeft((e: { message: string }) => `the accepted edits do not merge: ${e.message}`)(applyEdits(s.harness, edits));
};

export const commit = (s: BranchState, proposalIds: readonly string[], merge?: ValidationRecord): Decision => {
  if (proposalIds.length === 0) return no('nothing to commit');
  const h = mergedHarness(s, proposalIds);
  if (E.isLeft(h)) return no(h.left);
  const data: DataOf<'VersionCommitted'> = {
    version: s.version + 1,
    proposalIds: [...proposalIds],
    reverted: [],
    harnessHash: harnessHash(h.right),
    ...(merge ? { merge } : {}),
  };
  return ok({ type: 'VersionCommitted', data });
};

/** A person's edit: proposed, accepted without tests (validation `human`) and committed at once. */
export const humanEdit = (s: BranchState, proposalId: string, edit: Edit, why: string): Decision => {
  const proposed = propose(s, { proposalId, edit, rationale: why, source: 'human' });
  if (E.isLeft(proposed)) return proposed;
  const applied = applyEdit(s.harness, edit) as E.Right<Harness>;
  return ok(...proposed.right, { type: 'EditAccepted', data: { proposalId, validation: { kind: 'human' } } }, {
    type: 'VersionCommitted',
    data: { version: s.version + 1, proposalIds: [proposalId], reverted: [], harnessHash: harnessHash(applied.right) },
  });
};

/**
 * Roll a committed edit back. Refused when its element was changed again later (revert that
 * change first), so a revert never silently undoes someone else's edit.
 */
export const revert = (s: BranchState, proposalId: string, why: string): Decision => {
  const p = s.proposals.get(proposalId);
  if (!p) return no(`no proposal ${proposalId} in the history of ${s.branch}`);
  if (p.status === 'reverted') return no(`proposal ${proposalId} is already reverted`);
  if (p.status !== 'committed' || !p.inverse) return no(`proposal ${proposalId} is ${p.status}; only a committed edit can be reverted`);
  const element = elementOf(p.edit);
  const history = s.provenance.get(element)?.history ?? [];
  const last = history[history.length - 1];
  if (last && last.proposalId !== proposalId)
    return no(`${element} was changed again by ${last.proposalId ?? 'the initial harness'} in version ${last.version}; revert that first`);
  const after = applyEdit(s.harness, p.inverse);
  if (E.isLeft(after)) return no(`cannot revert ${proposalId}: ${after.left.message}`);
  return ok(
    { type: 'EditReverted', data: { proposalId, reason: why, inverse: p.inverse } },
    {
      type: 'VersionCommitted',
      data: { version: s.version + 1, proposalIds: [], reverted: [proposalId], harnessHash: harnessHash(after.right) },
    },
  );
};

export const tag = (s: BranchState, name: string, version: number): Decision => {
  if (version < 1 || version > s.version) return no(`${s.branch} has versions 1 to ${s.version}, not ${version}`);
  return ok({ type: 'VersionTagged', data: { tag: name, version } });
};

