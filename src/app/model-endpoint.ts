import type { ModelRef } from '../domain/events.js';
import { httpEndpoint, type ChatEndpoint } from '../agent/endpoint.js';
import { CassettePlayer, CassetteRecorder } from '../agent/cassette.js';
import type { BlobStore } from '../store/port.js';

/**
 * How a run reaches its model: live over HTTP, live and recorded to cassettes, or replayed from
 * cassettes alone (no network).
 */
export type CassetteMode = { readonly kind: 'live' } | { readonly kind: 'record' } | { readonly kind: 'replay'; readonly indexes: Readonly<Record<string, string>> };

export interface ModelAccess {
  readonly endpoint: ChatEndpoint;
  readonly recorder: CassetteRecorder | null;
  readonly model: ModelRef;
  close(): Promise<void>;
}

/** Hooks that serve model ids without a base URL (e.g. simulated models); registered by the CLI. */
export interface LocalModelProvider {
  readonly handles: (modelId: string) => boolean;
  /** Start serving; `suites` are the task folders the run uses (a local model may need to know them). */
  readonly start: (suites: readonly string[]) => Promise<{ baseUrl: string; stop: () => Promise<void> }>;
}

const providers: LocalModelProvider[] = [];
export const registerLocalModels = (p: LocalModelProvider): void => {
  providers.push(p);
};

export const openModel = async (model: ModelRef, blobs: BlobStore, mode: CassetteMode, suites: readonly string[] = []): Promise<ModelAccess> => {
  if (mode.kind === 'replay') {
    const player = new CassettePlayer(blobs, mode.indexes, { onDivergence: 'fail' });
    return { endpoint: player, recorder: null, model, close: async () => {} };
  }
  let resolved = model;
  let stop = async () => {};
  if (!model.baseUrl) {
    const provider = providers.find((p) => p.handles(model.id));
    if (provider) {
      const served = await provider.start(suites);
      resolved = { ...model, baseUrl: served.baseUrl };
      stop = served.stop;
    }
  }
  const live = httpEndpoint(resolved);
  const recorder = mode.kind === 'record' ? new CassetteRecorder(live, blobs) : null;
  return { endpoint: recorder ?? live, recorder, model: resolved, close: stop };
};

/**
 * Live model endpoints kept open from one run to the next (a worker runs many jobs with the same model,
 * and a simulated model would otherwise be started, and learn its suites, for every job). Recording stays
 * per run: each open gets its own recorder over the shared endpoint.
 */
export class ModelPool {
  private readonly live = new Map<string, Promise<ModelAccess>>();

  async open(model: ModelRef, blobs: BlobStore, mode: CassetteMode, suites: readonly string[] = []): Promise<ModelAccess> {
    if (mode.kind === 'replay') return openModel(model, blobs, mode, suites);
    const key = JSON.stringify([model, [...suites].sort()]);
    let shared = this.live.get(key);
    if (!shared) {
      shared = openModel(model, blobs, { kind: 'live' }, suites);
      this.live.set(key, shared);
      shared.catch(() => this.live.delete(key));
    }
    const access = await shared;
    const recorder = mode.kind === 'record' ? new CassetteRecorder(access.endpoint, blobs) : null;
    return { endpoint: recorder ?? access.endpoint, recorder, model: access.model, close: async () => {} };
  }

  async close(): Promise<void> {
    const all = [...this.live.values()];
    this.live.clear();
    for (const a of all) await a.then((x) => x.close()).catch(() => undefined);
  }
}
