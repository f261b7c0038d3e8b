import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson, hashOf } from '../domain/canonical.js';
import { intIn, Sha256Hex, strict } from '../domain/codecs.js';
import { decodeWith } from '../domain/decode.js';
import { CorruptStoreError, type BlobStore } from '../store/port.js';
import type { ChatRequest, TurnKey } from './chat.js';
import type { ChatEndpoint } from './endpoint.js';
import { redactSecrets, secretsIn } from './secrets.js';

/**
 * Cassettes: every model response of an attempt, keyed by (attempt id, turn), with the sha256 of the
 * canonical request beside it. Recording wraps a live endpoint; replaying is an endpoint that never
 * touches the network. Entries and per-attempt indexes are blobs in the BlobStore.
 */
export const CassetteEntry = strict('CassetteEntry', { blob: Sha256Hex, requestHash: Sha256Hex });
export type CassetteEntry = t.TypeOf<typeof CassetteEntry>;

export const CassetteIndex = strict('CassetteIndex', {
  kind: t.literal('tack.cassette-index'),
  attemptId: t.string,
  /** Turn number (as text) -> entry. */
  turns: t.record(t.string, CassetteEntry),
});
export type CassetteIndex = t.TypeOf<typeof CassetteIndex>;

const StoredResponse = strict('CassetteResponse', {
  kind: t.literal('tack.cassette-response'),
  attemptId: t.string,
  turn: intIn(0, 1e9),
  requestHash: Sha256Hex,
  /** The request itself (secrets stripped): what an audit or a divergence report reads. */
  request: t.unknown,
  response: t.unknown,
});

/** The hash a cassette keeps beside each response: sha256 of the canonical request body. */
export const requestHashOf = (request: ChatRequest): string => hashOf(request);

export class CassetteError extends Error {
  override readonly name: string = 'CassetteError';
  constructor(
    message: string,
    readonly attemptId: string,
    readonly turn: number,
  ) {
    super(message);
  }
}

export class CassetteMissingError extends CassetteError {
  override readonly name = 'CassetteMissingError';
  constructor(attemptId: string, turn: number, why = 'no recorded response') {
    super(`cassette: ${why} for attempt ${attemptId} turn ${turn}`, attemptId, turn);
  }
}

/** The replayed run asked something else than the recorded one at this turn. */
export class CassetteDivergenceError extends CassetteError {
  override readonly name = 'CassetteDivergenceError';
  constructor(
    attemptId: string,
    turn: number,
    readonly expectedHash: string,
    readonly actualHash: string,
  ) {
    super(
      `cassette: divergence for attempt ${attemptId} at turn ${turn}: the request hash is ${actualHash}, the recording has ${expectedHash}`,
      attemptId,
      turn,
    );
  }
}

/** A stored cassette blob fails its own hash (or does not decode): the store is damaged, not the run. */
export class CassetteCorruptError extends CassetteError {
  override readonly name = 'CassetteCorruptError';
  constructor(attemptId: string, turn: number | null, detail: string) {
    super(`cassette: corrupt ${turn === null ? 'index' : 'entry'} for attempt ${attemptId}${turn === null ? '' : ` turn ${turn}`}: ${detail}`, attemptId, turn ?? -1);
  }
}

const encode = (value: unknown, secrets: readonly string[]): Uint8Array =>
  Buffer.from(redactSecrets(canonicalJson(value), secrets), 'utf8');

/** Records every response that passes through it; `saveIndex` stores an attempt's index as a blob. */
export class CassetteRecorder implements ChatEndpoint {
  private readonly indexes = new Map<string, Record<string, CassetteEntry>>();
  private readonly secrets: readonly string[];

  constructor(
    private readonly live: ChatEndpoint,
    private readonly blobs: BlobStore,
    secrets: readonly string[] = secretsIn(process.env),
  ) {
    this.secrets = secrets;
  }

  async send(request: ChatRequest, key: TurnKey, signal?: AbortSignal): Promise<unknown> {
    const response = await this.live.send(request, key, signal);
    const requestHash = requestHashOf(request);
    const stored = { kind: 'tack.cassette-response', attemptId: key.attemptId, turn: key.turn, requestHash, request, response };
    const blob = await this.blobs.put(encode(stored, this.secrets));
    const turns = this.indexes.get(key.attemptId) ?? {};
    turns[String(key.turn)] = { blob, requestHash };
    this.indexes.set(key.attemptId, turns);
    return response;
  }

  /** The attempts recorded so far. */
  attempts(): string[] {
    return [...this.indexes.keys()].sort();
  }

  index(attemptId: string): CassetteIndex {
    return { kind: 'tack.cassette-index', attemptId, turns: { ...(this.indexes.get(attemptId) ?? {}) } };
  }

  /** Store the attempt's index as a blob; its hash is what a replay needs. */
  saveIndex(attemptId: string): Promise<string> {
    return this.blobs.put(encode(this.index(attemptId), this.secrets));
  }
}

export interface Divergence {
  readonly attemptId: string;
  readonly turn: number;
  readonly expectedHash: string;
  readonly actualHash: string;
}

export interface PlayerOptions {
  /** `fail`: a divergence throws CassetteDivergenceError; `continue`: serve the recording and note it. */
  readonly onDivergence: 'fail' | 'continue';
}

const decodeBlob = <A>(codec: t.Type<A, unknown, unknown>, bytes: Buffer): E.Either<string, A> => {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return E.left(`not JSON (${(e as Error).message})`);
  }
  return decodeWith(codec, json);
};

/** Serves responses from cassettes only; an index is given as an object or as the hash of its blob. */
export class CassettePlayer implements ChatEndpoint {
  private readonly loaded = new Map<string, CassetteIndex>();
  readonly divergences: Divergence[] = [];

  constructor(
    private readonly blobs: BlobStore,
    private readonly indexes: Readonly<Record<string, CassetteIndex | string>>,
    private readonly options: PlayerOptions = { onDivergence: 'fail' },
  ) {}

  async send(request: ChatRequest, key: TurnKey): Promise<unknown> {
    const index = await this.indexFor(key.attemptId);
    const entry = index.turns[String(key.turn)];
    if (!entry) throw new CassetteMissingError(key.attemptId, key.turn);
    const stored = await this.read(entry.blob, key, StoredResponse);
    if (stored.requestHash !== entry.requestHash || stored.attemptId !== key.attemptId || stored.turn !== key.turn)
      throw new CassetteCorruptError(key.attemptId, key.turn, `entry ${entry.blob} does not match its index`);
    const actualHash = requestHashOf(request);
    if (actualHash !== entry.requestHash) {
      if (this.options.onDivergence === 'fail') throw new CassetteDivergenceError(key.attemptId, key.turn, entry.requestHash, actualHash);
      this.divergences.push({ attemptId: key.attemptId, turn: key.turn, expectedHash: entry.requestHash, actualHash });
    }
    return stored.response;
  }

  /** The recorded request and response of one turn; undefined when the cassette has no such turn. */
  async recorded(attemptId: string, turn: number): Promise<{ request: unknown; response: unknown } | undefined> {
    const entry = (await this.indexFor(attemptId)).turns[String(turn)];
    if (!entry) return undefined;
    const stored = await this.read(entry.blob, { attemptId, turn }, StoredResponse);
    return { request: stored.request, response: stored.response };
  }

  async indexFor(attemptId: string): Promise<CassetteIndex> {
    const cached = this.loaded.get(attemptId);
    if (cached) return cached;
    const given = this.indexes[attemptId];
    if (given === undefined) throw new CassetteMissingError(attemptId, 0, 'no cassette index');
    const index = typeof given === 'string' ? await this.read(given, { attemptId, turn: null }, CassetteIndex) : given;
    if (index.attemptId !== attemptId) throw new CassetteCorruptError(attemptId, null, `the index belongs to attempt ${index.attemptId}`);
    this.loaded.set(attemptId, index);
    return index;
  }

  private async read<A>(hash: string, key: { attemptId: string; turn: number | null }, codec: t.Type<A, unknown, unknown>): Promise<A> {
    let bytes: Buffer | null;
    try {
      bytes = await this.blobs.get(hash);
    } catch (e) {
      if (e instanceof CorruptStoreError) throw new CassetteCorruptError(key.attemptId, key.turn, e.message);
      throw e;
    }
    if (bytes === null) throw new CassetteMissingError(key.attemptId, key.turn ?? 0, `blob ${hash} is not in the store`);
    const decoded = decodeBlob(codec, bytes);
    if (E.isLeft(decoded)) throw new CassetteCorruptError(key.attemptId, key.turn, `blob ${hash}: ${decoded.left}`);
    return decoded.right;
  }
}

/** A whole cassette as one JSON document (what `tack trace cassette` prints): every turn's request and response. */
export const CassetteFile = strict('CassetteFile', {
  kind: t.literal('tack.cassette'),
  attemptId: t.string,
  turns: t.array(strict('CassetteTurn', { turn: intIn(0, 1e9), request: t.unknown, response: t.unknown })),
});
export type CassetteFile = t.TypeOf<typeof CassetteFile>;

/** Read a stored cassette (its index blob) into one document; corruption is reported as CassetteCorruptError. */
export const readCassette = async (blobs: BlobStore, attemptId: string, indexBlob: string): Promise<CassetteFile> => {
  const player = new CassettePlayer(blobs, { [attemptId]: indexBlob });
  const index = await player.indexFor(attemptId);
  const turns: CassetteFile['turns'] = [];
  for (const turn of Object.keys(index.turns).map(Number).sort((a, b) => a - b)) turns.push({ turn, ...(await player.recorded(attemptId, turn))! });
  return { kind: 'tack.cassette', attemptId, turns };
};

/** Store a cassette document's turns as entries (request hashes recomputed) and return its index. */
export const putCassette = async (blobs: BlobStore, file: CassetteFile, secrets: readonly string[] = secretsIn(process.env)): Promise<CassetteIndex> => {
  const turns: Record<string, CassetteEntry> = {};
  for (const x of file.turns) {
    const requestHash = hashOf(x.request);
    const stored = { kind: 'tack.cassette-response', attemptId: file.attemptId, turn: x.turn, requestHash, request: x.request, response: x.response };
    turns[String(x.turn)] = { blob: await blobs.put(encode(stored, secrets)), requestHash };
  }
  return { kind: 'tack.cassette-index', attemptId: file.attemptId, turns };
};
