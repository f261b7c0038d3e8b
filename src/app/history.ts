import * as E from 'fp-ts/lib/Either.js';
import { folder, foldEvents, foldErrorText, type BranchState, type LineageEvent } from '../domain/fold.js';
import type { Draft, TackEvent } from '../domain/events.js';
import { branchOfStream, branchStream, ConflictError, IDS_STREAM, type EventStore, type RecordedEvent, type Store } from '../store/port.js';
import { TackError } from './errors.js';
import { stamp, type StampContext } from './envelope.js';

/**
 * Reading and writing branch histories: lineages across forks, refs, id minting, appends.
 * The glue between the pure domain and the store port.
 */
export interface Loaded {
  readonly state: BranchState;
  readonly lineage: readonly LineageEvent[];
  /** Revision of the last event in the branch's own stream (the expected revision for the next append). */
  readonly ownHead: number;
}

export const BRANCH_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const checkBranchName = (name: string): void => {
  if (!BRANCH_NAME.test(name))
    throw new TackError(
      `invalid branch name "${name}": use letters, digits, '.', '_' or '-', starting with a letter or digit (no '/' or spaces)`,
    );
};

/** A recorded event is a lineage event as it is: no copy, so a store's cached events keep their identity. */
const readOwn = async (events: EventStore, branch: string): Promise<LineageEvent[]> => events.read(branchStream(branch));

/** Index of the event that established `version` in a lineage, or -1. */
const versionIndex = (lineage: readonly LineageEvent[], version: number): number => {
  let v = 0;
  for (let i = 0; i < lineage.length; i++) {
    const t = lineage[i].event.type;
    if (t === 'HarnessInitialized') v = 1;
    else if (t === 'VersionCommitted') v = (lineage[i].event.data as { version: number }).version;
    if (v === version && (t === 'HarnessInitialized' || t === 'VersionCommitted')) return i;
  }
  return -1;
};

/** The full lineage of a branch: its ancestors' events up to each fork, then its own. */
export const readLineage = async (events: EventStore, branch: string, seen: string[] = []): Promise<LineageEvent[]> => {
  if (seen.includes(branch)) throw new TackError(`branch ${branch} forks from itself through ${seen.join(' -> ')}`);
  const own = await readOwn(events, branch);
  if (own.length === 0) throw new TackError(`no branch "${branch}" (see \`tack branches\`)`);
  const first = own[0].event;
  if (first.type === 'HarnessInitialized') return own;
  if (first.type !== 'BranchCreated') throw new TackError(`${own[0].stream}@0: a branch must start with HarnessInitialized or BranchCreated`);
  const parent = await readLineage(events, first.data.parent.branch, [...seen, branch]);
  const cut = versionIndex(parent, first.data.parent.version);
  if (cut < 0) throw new TackError(`${own[0].stream}@0: parent ${first.data.parent.branch} has no version ${first.data.parent.version}`);
  return [...parent.slice(0, cut + 1), ...own];
};

export const foldLineage = (lineage: readonly LineageEvent[]): BranchState => {
  const r = foldEvents(null, lineage);
  if (E.isLeft(r)) throw new TackError(`history inconsistent at ${foldErrorText(r.left)}`);
  return r.right;
};

/**
 * Branches this process has folded, per store. The file store hands back the very same event
 * objects while a stream file is unchanged (it rereads, and rechecks, any stream that changed), so
 * a lineage of the same objects is the same history: its fold is reused, and a lineage that only
 * grew is folded from where the last fold stopped. A long-lived process folds each event once.
 */
const folded = new WeakMap<EventStore, Map<string, Loaded>>();

/** How many leading events of `a` are the very same objects as in `b`. */
const sharedPrefix = (a: readonly LineageEvent[], b: readonly LineageEvent[]): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
};

export const loadBranch = async (events: EventStore, branch: string): Promise<Loaded> => {
  const lineage = await readLineage(events, branch);
  const own = branchStream(branch);
  let ownHead = -1;
  for (const e of lineage) if (e.stream === own) ownHead = e.revision;
  const byBranch = folded.get(events) ?? new Map<string, Loaded>();
  folded.set(events, byBranch);
  const before = byBranch.get(branch);
  const same = before ? sharedPrefix(before.lineage, lineage) : 0;
  if (before && same === before.lineage.length && same === lineage.length) return before;
  let state: BranchState;
  if (before && same === before.lineage.length) {
    const r = foldEvents(before.state, lineage.slice(same));
    if (E.isLeft(r)) throw new TackError(`history inconsistent at ${foldErrorText(r.left)}`);
    state = r.right;
  } else {
    state = foldLineage(lineage);
  }
  const loaded = { state, lineage, ownHead };
  byBranch.set(branch, loaded);
  return loaded;
};

/** Stores that can stream a history without keeping it (the file store). */
interface Streaming {
  forEach(stream: string, visit: (e: RecordedEvent) => void): Promise<void>;
  first(stream: string): Promise<RecordedEvent | null>;
}
const eachEvent = async (events: EventStore, stream: string, visit: (e: RecordedEvent) => void): Promise<void> => {
  const s = events as EventStore & Partial<Streaming>;
  if (typeof s.forEach === 'function') return s.forEach(stream, visit);
  for (const e of await events.read(stream)) visit(e);
};

/** Visit a branch's lineage (ancestors up to each fork, then its own events) in order. */
const visitLineage = async (events: EventStore, branch: string, visit: (e: LineageEvent) => void, seen: string[] = []): Promise<void> => {
  if (seen.includes(branch)) throw new TackError(`branch ${branch} forks from itself through ${seen.join(' -> ')}`);
  const s = events as EventStore & Partial<Streaming>;
  const first = typeof s.first === 'function' ? await s.first(branchStream(branch)) : (await events.read(branchStream(branch), { maxCount: 1 }))[0];
  if (!first) throw new TackError(`no branch "${branch}" (see \`tack branches\`)`);
  if (first.event.type === 'BranchCreated') {
    const fork = first.event.data.parent;
    let version = 0;
    let open = true;
    await visitLineage(
      events,
      fork.branch,
      (e) => {
        if (!open) return;
        visit(e);
        if (e.event.type === 'HarnessInitialized') version = 1;
        else if (e.event.type === 'VersionCommitted') version = e.event.data.version;
        if (version === fork.version && (e.event.type === 'HarnessInitialized' || e.event.type === 'VersionCommitted')) open = false;
      },
      [...seen, branch],
    );
    if (open) throw new TackError(`${first.stream}@0: parent ${fork.branch} has no version ${fork.version}`);
  } else if (first.event.type !== 'HarnessInitialized') {
    throw new TackError(`${first.stream}@0: a branch must start with HarnessInitialized or BranchCreated`);
  }
  await eachEvent(events, branchStream(branch), (e) => visit(e));
};

/** A branch's state, folded while streaming its history: for commands that need no audit trail. */
export const loadState = async (events: EventStore, branch: string): Promise<BranchState> => {
  const f = folder();
  await visitLineage(events, branch, (e) => f.push(e));
  const r = f.result();
  if (E.isLeft(r)) throw new TackError(`history inconsistent at ${foldErrorText(r.left)}`);
  return r.right;
};

/** The branch state at one of its versions (a prefix of its lineage). */
export const atVersion = (loaded: Loaded, version: number): Loaded => {
  const { state, lineage } = loaded;
  if (!Number.isInteger(version) || version < 1 || version > state.version)
    throw new TackError(`${state.branch} has versions 1 to ${state.version}; there is no version ${version}`);
  const cut = versionIndex(lineage, version);
  const prefix = lineage.slice(0, cut + 1);
  return { state: foldLineage(prefix), lineage: prefix, ownHead: loaded.ownHead };
};

export const listBranches = async (events: EventStore): Promise<string[]> =>
  (await events.listStreams()).map(branchOfStream).filter((b): b is string => b !== null);

/** Every tag in the store, with its branch and version. */
export const listTags = async (events: EventStore): Promise<{ tag: string; branch: string; version: number }[]> => {
  const out: { tag: string; branch: string; version: number }[] = [];
  for (const b of await listBranches(events)) {
    for (const { event } of await events.read(branchStream(b))) {
      if (event.type !== 'VersionTagged') continue;
      const entry = { tag: event.data.tag, branch: b, version: event.data.version };
      const i = out.findIndex((t) => t.tag === entry.tag);
      if (i >= 0) out[i] = entry;
      else out.push(entry);
    }
  }
  return out.sort((a, b) => a.tag.localeCompare(b.tag));
};

export interface RefTarget {
  readonly branch: string;
  /** undefined = the branch head. */
  readonly version?: number;
}

/** Resolve `branch`, `branch@N` or a tag. */
export const resolveRef = async (events: EventStore, ref: string): Promise<RefTarget> => {
  const m = /^(.+)@(\d+)$/.exec(ref);
  if (m) {
    checkBranchName(m[1]);
    return { branch: m[1], version: Number(m[2]) };
  }
  if (/@/.test(ref)) throw new TackError(`invalid ref "${ref}": use BRANCH, BRANCH@VERSION or a tag`);
  const branches = await listBranches(events);
  if (branches.includes(ref)) return { branch: ref };
  const tag = (await listTags(events)).find((t) => t.tag === ref);
  if (tag) return { branch: tag.branch, version: tag.version };
  throw new TackError(`unknown ref "${ref}": no branch or tag of that name (see \`tack branches\`)`);
};

export const loadRef = async (events: EventStore, ref: string): Promise<Loaded> => {
  const target = await resolveRef(events, ref);
  const loaded = await loadBranch(events, target.branch);
  return target.version === undefined ? loaded : atVersion(loaded, target.version);
};

export type IdKind = 'rule' | 'policy' | 'proposal' | 'weakness';
export const ID_PREFIX: Record<IdKind, string> = { rule: 'R', policy: 'P', proposal: 'E', weakness: 'W' };

/**
 * Reserve `count` ids of a kind, unique across the whole store: reservations are appended to one
 * stream at an expected revision, so two writers never get the same numbers (gaps are harmless).
 */
export const mintIds = async (events: EventStore, kind: IdKind, count: number, ctx: StampContext, purpose?: { branch: string; iteration: number }): Promise<string[]> => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const rs = await events.read(IDS_STREAM);
    let next = 1;
    for (const r of rs) {
      if (r.event.type === 'IdsReserved' && r.event.data.kind === kind) next = Math.max(next, r.event.data.from + r.event.data.count);
    }
    const head = rs.length - 1;
    const [ev] = stamp([{ type: 'IdsReserved', data: { kind, from: next, count, ...(purpose ? { purpose } : {}) } }], ctx);
    try {
      await events.append(IDS_STREAM, [ev], head < 0 ? 'no_stream' : head);
      return Array.from({ length: count }, (_, i) => `${ID_PREFIX[kind]}${next + i}`);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
    }
  }
  throw new TackError('could not reserve ids: the store is too busy; try again');
};

/** Append a decision's events to a branch at the revision it was decided on. */
export const appendDecision = async (
  store: Store,
  branch: string,
  expected: number | 'no_stream',
  drafts: readonly Draft[],
  ctx: StampContext,
): Promise<TackEvent[]> => {
  const events = stamp(drafts, ctx);
  await store.events.append(branchStream(branch), events, expected);
  return events;
};

/** Turn a domain decision into events or a one-line error. */
export const decided = (d: E.Either<string, Draft[]>): Draft[] => {
  if (E.isLeft(d)) throw new TackError(d.left);
  return d.right;
};
