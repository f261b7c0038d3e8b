import { describeEdit } from './edits.js';
import type { Harness, Policy, Rule } from './harness.js';
import type { DataOf, EventOf, TackEvent, ValidationRecord } from './events.js';
import type { BranchState, ElementChange, LineageEvent, VersionInfo } from './fold.js';

/**
 * Audit queries over a folded branch and its lineage: why a rule exists, who last touched each
 * element, what changed between versions, the version log. Pure; rendering is in render.ts.
 */
export interface LineageIndex {
  readonly proposed: Map<string, EventOf<'EditProposed'>>;
  readonly decided: Map<string, EventOf<'EditAccepted'> | EventOf<'EditRejected'>>;
  readonly reverted: Map<string, EventOf<'EditReverted'>>;
  readonly weaknesses: Map<string, EventOf<'WeaknessClassified'>>;
  readonly traces: Map<string, EventOf<'TraceObserved'>>;
}

export const indexLineage = (lineage: readonly LineageEvent[]): LineageIndex => {
  const ix: LineageIndex = { proposed: new Map(), decided: new Map(), reverted: new Map(), weaknesses: new Map(), traces: new Map() };
  for (const { event: e } of lineage) {
    switch (e.type) {
      case 'EditProposed':
        ix.proposed.set(e.data.proposalId, e);
        break;
      case 'EditAccepted':
      case 'EditRejected':
        ix.decided.set(e.data.proposalId, e);
        break;
      case 'EditReverted':
        ix.reverted.set(e.data.proposalId, e);
        break;
      case 'WeaknessClassified':
        ix.weaknesses.set(e.data.weaknessId, e);
        break;
      case 'TraceObserved':
        ix.traces.set(e.data.traceId, e);
        break;
      default:
        break;
    }
  }
  return ix;
};

export interface TraceLink {
  readonly traceId: string;
  readonly trace: DataOf<'TraceObserved'> | null;
  readonly evidence: readonly { step: number; excerpt: string }[];
}

export interface WeaknessLink {
  readonly weaknessId: string;
  readonly weakness: DataOf<'WeaknessClassified'> | null;
  readonly traces: readonly TraceLink[];
}

export interface ChangeLink {
  readonly change: ElementChange;
  readonly commit: VersionInfo | null;
  readonly proposal: (DataOf<'EditProposed'> & { actor: string; at: string }) | null;
  readonly decision:
    | { readonly kind: 'accepted'; readonly validation: ValidationRecord; readonly actor: string; readonly at: string }
    | null;
  readonly revert: { readonly reason: string; readonly actor: string; readonly at: string } | null;
  readonly weaknesses: readonly WeaknessLink[];
}

export interface WhyAnswer {
  readonly id: string;
  readonly kind: 'rule' | 'policy' | 'tool' | 'limit';
  readonly branch: string;
  readonly version: number;
  readonly current: Rule | Policy | { readonly value: unknown } | null;
  readonly changes: readonly ChangeLink[];
}

export const elementValue = (h: Harness, id: string): Rule | Policy | { value: unknown } | null => {
  if (id.startsWith('tools.')) {
    const [, tool, option] = id.split('.');
    const t = (h.tools as Record<string, Record<string, unknown>>)[tool];
    return t && option in t ? { value: t[option] } : null;
  }
  if (id.startsWith('limits.')) {
    const k = id.slice(7) as keyof Harness['limits'];
    return k in h.limits ? { value: h.limits[k] } : null;
  }
  return h.prompt.rules.find((r) => r.id === id) ?? h.policies.find((p) => p.id === id) ?? null;
};

/**
 * Of a lineage, the events that `why` needs: the proposals, decisions and reverts of some changes,
 * then the weaknesses they name, then those weaknesses' traces; for each id, its last event, as in
 * indexLineage. Each pass reads the lineage backwards and stops once it has found every id (what
 * explains a change always comes before it), so a question about a recent change reads only the
 * recent history, and one about an old change at most the whole of it.
 */
const indexFor = (lineage: readonly LineageEvent[], changes: readonly ElementChange[]): LineageIndex => {
  const ix: LineageIndex = { proposed: new Map(), decided: new Map(), reverted: new Map(), weaknesses: new Map(), traces: new Map() };
  const proposals = new Set(changes.flatMap((c) => (c.proposalId === null ? [] : [c.proposalId])));
  const reverts = new Set(changes.flatMap((c) => (c.proposalId !== null && c.change === 'reverted' ? [c.proposalId] : [])));
  const wanted = proposals.size * 2 + reverts.size;
  let found = 0;
  for (let i = lineage.length - 1; i >= 0 && found < wanted; i--) {
    const e = lineage[i].event;
    if (e.type === 'EditProposed' && proposals.has(e.data.proposalId) && !ix.proposed.has(e.data.proposalId)) {
      ix.proposed.set(e.data.proposalId, e);
      found++;
    } else if ((e.type === 'EditAccepted' || e.type === 'EditRejected') && proposals.has(e.data.proposalId) && !ix.decided.has(e.data.proposalId)) {
      ix.decided.set(e.data.proposalId, e);
      found++;
    } else if (e.type === 'EditReverted' && reverts.has(e.data.proposalId) && !ix.reverted.has(e.data.proposalId)) {
      ix.reverted.set(e.data.proposalId, e);
      found++;
    }
  }
  const weaknessIds = new Set([...ix.proposed.values()].flatMap((e) => e.data.weaknessIds));
  for (let i = lineage.length - 1; i >= 0 && ix.weaknesses.size < weaknessIds.size; i--) {
    const e = lineage[i].event;
    if (e.type === 'WeaknessClassified' && weaknessIds.has(e.data.weaknessId) && !ix.weaknesses.has(e.data.weaknessId)) ix.weaknesses.set(e.data.weaknessId, e);
  }
  const traceIds = new Set([...ix.weaknesses.values()].flatMap((e) => e.data.traceIds));
  for (let i = lineage.length - 1; i >= 0 && ix.traces.size < traceIds.size; i--) {
    const e = lineage[i].event;
    if (e.type === 'TraceObserved' && traceIds.has(e.data.traceId) && !ix.traces.has(e.data.traceId)) ix.traces.set(e.data.traceId, e);
  }
  return ix;
};

/** The chain rule -> commit -> decision (validation) -> proposal -> weaknesses -> traces, for each change. */
export const why = (s: BranchState, lineage: readonly LineageEvent[], id: string): WhyAnswer | null => {
  const prov = s.provenance.get(id);
  if (!prov) return null;
  const ix = indexFor(lineage, prov.history);
  const changes = prov.history.map((change): ChangeLink => {
    const commit = s.versions.find((v) => v.version === change.version && v.branch === change.branch) ?? null;
    if (change.proposalId === null) return { change, commit, proposal: null, decision: null, revert: null, weaknesses: [] };
    const pe = ix.proposed.get(change.proposalId);
    const de = ix.decided.get(change.proposalId);
    const re = change.change === 'reverted' ? ix.reverted.get(change.proposalId) : undefined;
    const weaknesses = (pe?.data.weaknessIds ?? []).map((wid): WeaknessLink => {
      const w = ix.weaknesses.get(wid)?.data ?? null;
      const traces = (w?.traceIds ?? []).map(
        (tid): TraceLink => ({
          traceId: tid,
          trace: ix.traces.get(tid)?.data ?? null,
          evidence: (w?.evidence ?? []).filter((ev) => ev.traceId === tid).map(({ step, excerpt }) => ({ step, excerpt })),
        }),
      );
      return { weaknessId: wid, weakness: w, traces };
    });
    return {
      change,
      commit,
      proposal: pe ? { ...pe.data, actor: pe.metadata.actor, at: pe.metadata.at } : null,
      decision:
        de && de.type === 'EditAccepted'
          ? { kind: 'accepted', validation: de.data.validation, actor: de.metadata.actor, at: de.metadata.at }
          : null,
      revert: re ? { reason: re.data.reason, actor: re.metadata.actor, at: re.metadata.at } : null,
      weaknesses,
    };
  });
  return { id, kind: prov.kind, branch: s.branch, version: s.version, current: elementValue(s.harness, id), changes };
};

export interface BlameLine {
  readonly id: string;
  readonly kind: 'rule' | 'policy' | 'tool' | 'limit';
  readonly version: number;
  readonly branch: string;
  readonly proposalId: string | null;
  readonly change: ElementChange['change'];
  readonly actor: string;
  readonly at: string;
  readonly summary: string;
}

/** Every rule and policy (and each changed tool option or limit) with the change that last shaped it. */
export const blame = (s: BranchState): BlameLine[] => {
  const out: BlameLine[] = [];
  const push = (id: string, summary: string) => {
    const hist = s.provenance.get(id)?.history ?? [];
    const last = hist[hist.length - 1];
    if (!last) return;
    out.push({
      id,
      kind: s.provenance.get(id)!.kind,
      version: last.version,
      branch: last.branch,
      proposalId: last.proposalId,
      change: last.change,
      actor: last.actor,
      at: last.at,
      summary,
    });
  };
  s.harness.prompt.rules.forEach((r) => push(r.id, `[${r.section}] ${r.text}`));
  s.harness.policies.forEach((p) => push(p.id, `${p.kind} ${JSON.stringify(p.params)}`));
  for (const [id, p] of s.provenance) {
    if (p.kind === 'tool' || p.kind === 'limit') push(id, `= ${JSON.stringify((elementValue(s.harness, id) as { value: unknown }).value)}`);
  }
  return out;
};

export interface HarnessDiff {
  readonly rules: { added: Rule[]; removed: Rule[]; changed: { before: Rule; after: Rule }[] };
  readonly policies: { added: Policy[]; removed: Policy[]; changed: { before: Policy; after: Policy }[] };
  readonly tools: { key: string; before: unknown; after: unknown }[];
  readonly limits: { key: string; before: unknown; after: unknown }[];
  readonly preamble: { before: string; after: string } | null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const diffById = <T extends { id: string }>(a: readonly T[], b: readonly T[]) => ({
  added: b.filter((x) => !a.some((y) => y.id === x.id)),
  removed: a.filter((x) => !b.some((y) => y.id === x.id)),
  changed: a.flatMap((before) => {
    const after = b.find((y) => y.id === before.id);
    return after && !same(before, after) ? [{ before, after }] : [];
  }),
});

export const diffHarness = (a: Harness, b: Harness): HarnessDiff => {
  const tools: HarnessDiff['tools'] = [];
  for (const [tool, opts] of Object.entries(a.tools)) {
    for (const [k, v] of Object.entries(opts as Record<string, unknown>)) {
      const w = (b.tools as Record<string, Record<string, unknown>>)[tool][k];
      if (!same(v, w)) tools.push({ key: `${tool}.${k}`, before: v, after: w });
    }
  }
  const limits = (Object.keys(a.limits) as (keyof Harness['limits'])[])
    .filter((k) => a.limits[k] !== b.limits[k])
    .map((k) => ({ key: k, before: a.limits[k], after: b.limits[k] }));
  return {
    rules: diffById(a.prompt.rules, b.prompt.rules),
    policies: diffById(a.policies, b.policies),
    tools,
    limits,
    preamble: a.prompt.preamble === b.prompt.preamble ? null : { before: a.prompt.preamble, after: b.prompt.preamble },
  };
};

export const isEmptyDiff = (d: HarnessDiff): boolean =>
  d.rules.added.length + d.rules.removed.length + d.rules.changed.length === 0 &&
  d.policies.added.length + d.policies.removed.length + d.policies.changed.length === 0 &&
  d.tools.length + d.limits.length === 0 &&
  d.preamble === null;

export interface LogEntry {
  readonly version: number;
  readonly branch: string;
  readonly at: string;
  readonly actor: string;
  readonly harnessHash: string;
  readonly tags: readonly string[];
  readonly init: { readonly model: string } | null;
  readonly fork: { readonly branch: string; readonly model: string; readonly reason: string } | null;
  readonly merged: readonly { proposalId: string; edit: string; rationale: string; source: string; validation: string }[];
  readonly reverted: readonly { proposalId: string; edit: string; reason: string }[];
}

const validationText = (v: ValidationRecord | undefined): string => {
  if (!v) return 'unknown';
  if (v.kind === 'human') return 'human edit, no tests';
  const parts = v.splits.map((sp) => `${sp.split} ${sp.baseline}->${sp.candidate}/${sp.attempts}`);
  return `gated (${parts.join(', ')})`;
};

/** Versions newest first, each with what it merged or reverted; forks and inits noted. */
export const versionLog = (s: BranchState, lineage: readonly LineageEvent[]): LogEntry[] => {
  const ix = indexLineage(lineage);
  const inits = new Map<number, TackEvent>();
  for (const { event } of lineage) if (event.type === 'HarnessInitialized') inits.set(1, event);
  const forks = lineage.filter((l) => l.event.type === 'BranchCreated').map((l) => l.event as EventOf<'BranchCreated'>);
  const tagsOf = (v: number) => [...s.tags].filter(([, tv]) => tv === v).map(([t]) => t);
  return s.versions
    .map((v): LogEntry => {
      const init = v.version === 1 ? (inits.get(1) as EventOf<'HarnessInitialized'> | undefined) : undefined;
      return {
        version: v.version,
        branch: v.branch,
        at: v.at,
        actor: v.actor,
        harnessHash: v.harnessHash,
        tags: tagsOf(v.version),
        init: init ? { model: init.data.model.id } : null,
        fork: null,
        merged: v.proposalIds.map((id) => {
          const p = ix.proposed.get(id);
          const d = ix.decided.get(id);
          return {
            proposalId: id,
            edit: p ? describeEdit(p.data.edit) : '?',
            rationale: p?.data.rationale ?? '',
            source: p ? `${p.data.source}, by ${p.metadata.actor}` : '',
            validation: validationText(d?.type === 'EditAccepted' ? d.data.validation : undefined),
          };
        }),
        reverted: v.reverted.map((id) => ({
          proposalId: id,
          edit: ix.proposed.get(id) ? describeEdit(ix.proposed.get(id)!.data.edit) : '?',
          reason: ix.reverted.get(id)?.data.reason ?? '',
        })),
      };
    })
    .map((entry) => {
      const fork = forks.find((f) => f.data.parent.version === entry.version && f.data.branch !== entry.branch);
      return fork ? { ...entry, fork: { branch: fork.data.branch, model: fork.data.model.id, reason: fork.data.reason } } : entry;
    })
    .reverse();
};
