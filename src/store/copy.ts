import { canonicalJson } from '../domain/canonical.js';
import { CorruptStoreError, StoreError, type RecordedEvent, type Store } from './port.js';

/**
 * Copy a whole history from one store to another (file <-> EventStoreDB, or between two of a kind): every
 * stream with its events in order, same ids and same revisions, and every blob the source lists or an event
 * refers to (a data field named `...Blob` holds a blob hash).
 *
 * Nothing is written when a target stream already holds events that differ from the source's, so a copy
 * never merges two histories. A target stream that holds the first events of the source stream (an earlier
 * copy that stopped) is completed, so running the copy again is safe. Blobs go first, so a copied event
 * never points at a blob the target lacks.
 */

export interface StreamCopy {
  readonly stream: string;
  /** Events in the source stream. */
  readonly events: number;
  /** Events appended to the target (the rest were there already). */
  readonly copied: number;
}

export interface CopySummary {
  readonly from: string;
  readonly to: string;
  readonly streams: readonly StreamCopy[];
  readonly eventsCopied: number;
  readonly blobsCopied: number;
  readonly blobsAlreadyThere: number;
  /** Blob hashes the source's events refer to but the source does not hold. */
  readonly missingBlobs: readonly string[];
}

/** Appends are split so each stays well under EventStoreDB's 1 MiB append limit. */
const APPEND_BATCH_BYTES = 256 * 1024;
const APPEND_BATCH_EVENTS = 500;
const SHA256_HEX = /^[0-9a-f]{64}$/;

const sameEvent = (a: RecordedEvent, b: RecordedEvent): boolean => canonicalJson(a.event) === canonicalJson(b.event);

/** Blob hashes an event's data refers to: string values (or arrays of them) under keys ending in `Blob` / `Blobs`. */
const referencedBlobs = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(referencedBlobs);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    if (/Blobs?$/.test(k)) {
      const hashes = (Array.isArray(v) ? v : [v]).filter((h): h is string => typeof h === 'string' && SHA256_HEX.test(h));
      if (hashes.length > 0) return hashes;
    }
    return referencedBlobs(v);
  });
};

const batches = (events: readonly RecordedEvent[]): RecordedEvent[][] => {
  const out: RecordedEvent[][] = [];
  let current: RecordedEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = canonicalJson(e.event).length;
    if (current.length > 0 && (bytes + size > APPEND_BATCH_BYTES || current.length >= APPEND_BATCH_EVENTS)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
};

export const copyStore = async (from: Store, to: Store): Promise<CopySummary> => {
  const plans: { stream: string; source: RecordedEvent[]; present: number }[] = [];
  for (const stream of await from.events.listStreams()) {
    const source = await from.events.read(stream);
    const target = await to.events.read(stream);
    const differs = target.findIndex((t, i) => i >= source.length || !sameEvent(t, source[i]));
    if (differs >= 0)
      throw new StoreError(
        `refusing to copy into ${to.events.location}: ${stream} there already holds different events (from revision ${differs}); nothing was written`,
      );
    plans.push({ stream, source, present: target.length });
  }

  const wanted = new Set(await from.blobs.list());
  for (const { source } of plans) for (const e of source) for (const h of referencedBlobs(e.event.data)) wanted.add(h);
  let blobsCopied = 0;
  let blobsAlreadyThere = 0;
  const missingBlobs: string[] = [];
  for (const hash of [...wanted].sort()) {
    if (await to.blobs.has(hash)) {
      blobsAlreadyThere++;
      continue;
    }
    const bytes = await from.blobs.get(hash);
    if (bytes === null) {
      missingBlobs.push(hash);
      continue;
    }
    const stored = await to.blobs.put(bytes);
    if (stored !== hash) throw new CorruptStoreError(`blob ${hash} was stored in ${to.events.location} as ${stored}`);
    blobsCopied++;
  }

  const streams: StreamCopy[] = [];
  for (const { stream, source, present } of plans) {
    let head = present - 1;
    for (const batch of batches(source.slice(present))) {
      const r = await to.events.append(
        stream,
        batch.map((e) => e.event),
        head < 0 ? 'no_stream' : head,
      );
      head = r.nextExpectedRevision;
    }
    streams.push({ stream, events: source.length, copied: source.length - present });
  }
  return {
    from: from.events.location,
    to: to.events.location,
    streams,
    eventsCopied: streams.reduce((n, s) => n + s.copied, 0),
    blobsCopied,
    blobsAlreadyThere,
    missingBlobs,
  };
};
