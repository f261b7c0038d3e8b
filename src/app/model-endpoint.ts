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
