import * as E from 'fp-ts/lib/Either.js';
import { applyEdit, elementOf, inverseEdit, type Edit } from './edits.js';
import { harnessHash, type Harness } from './harness.js';
import type { DataOf, ModelRef, TackEvent, ValidationRecord } from './events.js';

/**
 * Branch state is a left fold over the branch's lineage: the parent's events up to the fork
 * version, then the branch's own. Only VersionCommitted changes the harness and the version.
 */
export interface Located {
  readonly stream: string;
  readonly revision: number;
}
export interface LineageEvent extends Located {
  readonly event: TackEvent;
}

export interface VersionInfo extends Located {
  readonly version: number;
  readonly branch: string;
  readonly harnessHash: string;
  readonly at: string;
  readonly actor: string;
  readonly proposalIds: readonly string[];
  readonly reverted: readonly string[];
  readonly eventId: string;
}

export type ElementKind = 'rule' | 'policy' | 'tool' | 'limit';

export interface ElementChange {
  readonly version: number;
  readonly branch: string;
  /** null for the initial harness. */
  readonly proposalId: string | null;
  readonly change: 'introduced' | 'changed' | 'removed' | 'reverted';
  readonly at: string;
  readonly actor: string;
}

export interface Provenance {
  readonly id: string;
  readonly kind: ElementKind;
  readonly history: readonly ElementChange[];
}

export type ProposalStatus = 'proposed' | 'accepted' | 'rejected' | 'committed' | 'reverting' | 'reverted';

export interface ProposalState {
  readonly proposalId: string;
  readonly branch: string;
  readonly edit: Edit;
  readonly status: ProposalStatus;
  readonly baseHarnessHash: string;
  readonly source: DataOf<'EditProposed'>['source'];
  readonly weaknessIds: readonly string[];
  readonly validation?: ValidationRecord;
  readonly rejectedBecause?: string;
  readonly committedIn?: number;
  /** The edit that undoes this one, computed when it was committed. */
  readonly inverse?: Edit;
  readonly proposedAt: Located;
}

export interface BranchState {
  readonly branch: string;
  readonly model: ModelRef;
  readonly parent: { readonly branch: string; readonly version: number } | null;
  readonly harness: Harness;
  readonly harnessHash: string;
  readonly version: number;
  readonly versions: readonly VersionInfo[];
  readonly provenance: ReadonlyMap<string, Provenance>;
  readonly proposals: ReadonlyMap<string, ProposalState>;
  readonly tags: ReadonlyMap<string, number>;
  readonly weaknesses: ReadonlySet<string>;
  readonly traceCount: number;
  readonly iterations: number;
  readonly eventCount: number;
}

export interface FoldError {
  readonly where: Located;
  readonly message: string;
}
export const foldErrorText = (e: FoldError): string => `${e.where.stream}@${e.where.revision}: ${e.message}`;

interface Mutable {
  branch: string;
  model: ModelRef;
  parent: { branch: string; version: number } | null;
  harness: Harness;
  harnessHash: string;
  version: number;
  versions: VersionInfo[];
  provenance: Map<string, Provenance>;
  proposals: Map<string, ProposalState>;
  tags: Map<string, number>;
  weaknesses: Set<string>;
  traceCount: number;
  iterations: number;
  eventCount: number;
}

class Bad extends Error {}
const bad = (message: string): never => {
  throw new Bad(message);
};

const elementKind = (id: string): ElementKind =>
  id.startsWith('R') ? 'rule' : id.startsWith('P') ? 'policy' : id.startsWith('tools.') ? 'tool' : 'limit';

const exists = (h: Harness, id: string): boolean =>
  id.startsWith('tools.') || id.startsWith('limits.') || h.prompt.rules.some((r) => r.id === id) || h.policies.some((p) => p.id === id);

const initialProvenance = (h: Harness, change: Omit<ElementChange, 'change'>): Map<string, Provenance> => {
  const m = new Map<string, Provenance>();
  const add = (id: string) => m.set(id, { id, kind: elementKind(id), history: [{ ...change, change: 'introduced' }] });
  h.prompt.rules.forEach((r) => add(r.id));
  h.policies.forEach((p) => add(p.id));
  return m;
};

const clone = (s: BranchState): Mutable => ({
  ...s,
  parent: s.parent,
  versions: s.versions.slice(),
  provenance: new Map(s.provenance),
  proposals: new Map(s.proposals),
  tags: new Map(s.tags),
  weaknesses: new Set(s.weaknesses),
});

/** Apply one proposal's edit (or a revert's inverse) to the state's harness, tracking provenance. */
const applyTracked = (s: Mutable, edit: Edit, change: Omit<ElementChange, 'change'>, reverting: boolean): Edit => {
  const before = s.harness;
  const r = applyEdit(before, edit);
  if (E.isLeft(r)) return bad(`edit does not apply: ${r.left.message}`);
  const inverse = inverseEdit(before, edit);
  s.harness = r.right;
  const id = elementOf(edit);
  const prior = s.provenance.get(id);
  const kind: ElementChange['change'] = reverting
    ? 'reverted'
    : !exists(s.harness, id)
      ? 'removed'
      : (prior || elementKind(id) === 'tool' || elementKind(id) === 'limit') && exists(before, id)
        ? 'changed'
        : 'introduced';
  s.provenance.set(id, { id, kind: elementKind(id), history: [...(prior?.history ?? []), { ...change, change: kind }] });
  return inverse;
};

const step = (s: Mutable | null, le: LineageEvent): Mutable => {
  const { event } = le;
  const at = event.metadata.at;
  const actor = event.metadata.actor;
  if (s === null) {
    if (event.type !== 'HarnessInitialized') return bad(`a history must start with HarnessInitialized, not ${event.type}`);
    const d = event.data;
    const hash = harnessHash(d.harness);
    if (hash !== d.harnessHash) bad('harness hash does not match the initial harness');
    const change = { version: 1, branch: d.branch, proposalId: null, at, actor };
    return {
      branch: d.branch,
      model: d.model,
      parent: null,
      harness: d.harness,
      harnessHash: hash,
      version: 1,
      versions: [
        { ...le, version: 1, branch: d.branch, harnessHash: hash, at, actor, proposalIds: [], reverted: [], eventId: event.id },
      ],
      provenance: initialProvenance(d.harness, change),
      proposals: new Map(),
      tags: new Map(),
      weaknesses: new Set(),
      traceCount: 0,
      iterations: 0,
      eventCount: 1,
    };
  }
  s.eventCount++;
  switch (event.type) {
    case 'HarnessInitialized':
      return bad('HarnessInitialized in the middle of a history');
    case 'BranchCreated': {
      const d = event.data;
      if (d.parent.version !== s.version) bad(`branch forks at version ${d.parent.version} but the lineage is at ${s.version}`);
      if (d.harnessHash !== s.harnessHash) bad('branch harness hash does not match its parent version');
      // A child inherits the harness and its provenance: not the parent's evidence, open proposals or tags.
      const kept = new Map<string, ProposalState>();
      for (const [id, p] of s.proposals) if (p.status === 'committed' || p.status === 'reverted') kept.set(id, p);
      s.branch = d.branch;
      s.model = d.model;
      s.parent = { branch: d.parent.branch, version: d.parent.version };
      s.proposals = kept;
      s.tags = new Map();
      s.weaknesses = new Set();
      s.traceCount = 0;
      s.iterations = 0;
      return s;
    }
    case 'IterationStarted':
      s.iterations = Math.max(s.iterations, event.data.iteration);
      return s;
    case 'IterationEnded':
    case 'EvaluationRecorded':
    case 'RoleCallsRecorded':
      return s;
    case 'TraceObserved':
      s.traceCount++;
      return s;
    case 'WeaknessClassified':
      s.weaknesses.add(event.data.weaknessId);
      return s;
    case 'EditProposed': {
      const d = event.data;
      if (s.proposals.has(d.proposalId)) bad(`proposal ${d.proposalId} proposed twice`);
      s.proposals.set(d.proposalId, {
        proposalId: d.proposalId,
        branch: s.branch,
        edit: d.edit,
        status: 'proposed',
        baseHarnessHash: d.baseHarnessHash,
        source: d.source,
        weaknessIds: d.weaknessIds,
        proposedAt: { stream: le.stream, revision: le.revision },
      });
      return s;
    }
    case 'EditAccepted':
    case 'EditRejected': {
      const p = s.proposals.get(event.data.proposalId);
      if (!p) return bad(`${event.type} for unknown proposal ${event.data.proposalId}`);
      if (p.status !== 'proposed') bad(`${event.type} for proposal ${p.proposalId}, already ${p.status}`);
      s.proposals.set(
        p.proposalId,
        event.type === 'EditAccepted'
          ? { ...p, status: 'accepted', validation: event.data.validation }
          : { ...p, status: 'rejected', validation: event.data.validation, rejectedBecause: event.data.reason },
      );
      return s;
    }
    case 'EditReverted': {
      const p = s.proposals.get(event.data.proposalId);
      if (!p) return bad(`revert of unknown proposal ${event.data.proposalId}`);
      if (p.status !== 'committed') bad(`revert of proposal ${p.proposalId}, which is ${p.status}`);
      s.proposals.set(p.proposalId, { ...p, status: 'reverting', inverse: event.data.inverse });
      return s;
    }
    case 'VersionCommitted': {
      const d = event.data;
      if (d.version !== s.version + 1) bad(`version ${d.version} committed after version ${s.version}`);
      for (const id of d.proposalIds) {
        const p = s.proposals.get(id);
        if (!p || p.status !== 'accepted') return bad(`commit of proposal ${id}, which is ${p ? p.status : 'unknown'}`);
        const inverse = applyTracked(s, p.edit, { version: d.version, branch: s.branch, proposalId: id, at, actor }, false);
        s.proposals.set(id, { ...p, status: 'committed', committedIn: d.version, inverse });
      }
      for (const id of d.reverted) {
        const p = s.proposals.get(id);
        if (!p || p.status !== 'reverting' || !p.inverse) return bad(`commit reverts proposal ${id}, which is not being reverted`);
        applyTracked(s, p.inverse, { version: d.version, branch: s.branch, proposalId: id, at, actor }, true);
        s.proposals.set(id, { ...p, status: 'reverted' });
      }
      const hash = harnessHash(s.harness);
      if (hash !== d.harnessHash) bad(`version ${d.version} harness hash does not match the folded harness`);
      s.harnessHash = hash;
      s.version = d.version;
      s.versions.push({
        ...le,
        version: d.version,
        branch: s.branch,
        harnessHash: hash,
        at,
        actor,
        proposalIds: d.proposalIds,
        reverted: d.reverted,
        eventId: event.id,
      });
      return s;
    }
    case 'VersionTagged':
      if (event.data.version > s.version) bad(`tag ${event.data.tag} names version ${event.data.version}, beyond ${s.version}`);
      s.tags.set(event.data.tag, event.data.version);
      return s;
    case 'IdsReserved':
      return bad('IdsReserved belongs in the ids stream, not in a branch');
  }
};

/** A fold fed one event at a time, for histories streamed from the store without keeping them. */
export const folder = (state: BranchState | null = null) => {
  let s: Mutable | null = state ? clone(state) : null;
  let error: FoldError | null = null;
  return {
    push(le: LineageEvent): void {
      if (error) return;
      try {
        s = step(s, le);
      } catch (e) {
        if (!(e instanceof Bad)) throw e;
        error = { where: { stream: le.stream, revision: le.revision }, message: e.message };
      }
    },
    result(): E.Either<FoldError, BranchState> {
      if (error) return E.left(error);
      if (s === null) return E.left({ where: { stream: '(empty)', revision: -1 }, message: 'no events to fold' });
      return E.right(s);
    },
  };
};

/** Fold events onto a state (or from nothing). Folding in chunks gives the same state as at once. */
export const foldEvents = (
  state: BranchState | null,
  events: Iterable<LineageEvent>,
): E.Either<FoldError, BranchState> => {
  let s: Mutable | null = state ? clone(state) : null;
  for (const le of events) {
    try {
      s = step(s, le);
    } catch (e) {
      if (e instanceof Bad) return E.left({ where: { stream: le.stream, revision: le.revision }, message: e.message });
      throw e;
    }
  }
  if (s === null) return E.left({ where: { stream: '(empty)', revision: -1 }, message: 'no events to fold' });
  return E.right(s);
};
