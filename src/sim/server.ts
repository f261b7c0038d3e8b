import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentReply, PERSONAS } from './agent.js';
import { ApiError, completionBody, parseChatRequest, type ChatRequest, type Completion } from './chat.js';
import { readConversation } from './conversation.js';
import { failureFor, NO_FAULTS, parseFaults, truncates, type Faults } from './faults.js';
import { loadLibrary, type TaskLibrary } from './library.js';
import { draw, hashHex } from './random.js';
import { CLASSIFIER_DEFAULTS, classifierReply, type ClassifierOptions } from './roles/classifier.js';
import { roleOf } from './roles/prompt.js';
import { SIM_MODEL_PREFIX } from './model-id.js';
import { PROPOSER_DEFAULTS, proposerReply, type ProposerOptions } from './roles/proposer.js';

export interface SimServerOptions {
  /** 0 or absent: a free port on 127.0.0.1. */
  readonly port?: number;
  /** Folders to learn tasks from: suites, folders of suites, or single tasks. */
  readonly suites: readonly string[];
  readonly faults?: Partial<Faults>;
  readonly classifier?: Partial<ClassifierOptions>;
  readonly proposer?: Partial<ProposerOptions>;
}

export interface SimServer {
  /** Base URL for an OpenAI client, ending in /v1. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export { SIM_MODEL_PREFIX };
export const SIM_MODELS: readonly string[] = Object.keys(PERSONAS).map((p) => `${SIM_MODEL_PREFIX}${p}`);

/** Largest request body accepted. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Requests remembered for fault occurrences; the map is reset past this. */
const MAX_REMEMBERED = 10_000;
/** How long a rate-limited or failed client should wait before retrying. */
const RETRY_AFTER_MS = 10;

/** `sim:<persona>[?fault=value&...]` -> persona and per-request faults. */
const modelOf = (model: string): { persona: string; faults: Partial<Faults> } => {
  const [name, spec] = model.split('?', 2);
  const persona = name.startsWith(SIM_MODEL_PREFIX) ? name.slice(SIM_MODEL_PREFIX.length) : '';
  if (!Object.hasOwn(PERSONAS, persona))
    throw new ApiError(404, `The model \`${model}\` does not exist (this server has ${SIM_MODELS.join(', ')}).`, 'invalid_request_error', 'model', 'model_not_found');
  try {
    return { persona, faults: spec ? parseFaults(spec) : {} };
  } catch (e) {
    throw new ApiError(400, `Bad fault suffix in model \`${model}\`: ${(e as Error).message}`, 'invalid_request_error', 'model');
  }
};

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`, 'invalid_request_error'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
};

/** A cut-short answer, as real servers send them: content cut, or tool-call arguments as invalid JSON. */
const truncated = (c: Completion, seed: number, key: string): Completion => {
  if (c.toolCall) {
    const args = c.toolCall.arguments;
    return {
      content: c.content,
      toolCall: { ...c.toolCall, arguments: args.slice(0, Math.max(1, Math.floor(args.length / 2))) },
      finishReason: draw(seed, key, 'truncate-reason') < 0.5 ? 'tool_calls' : 'length',
    };
  }
  const text = c.content ?? '';
  return { content: text.slice(0, Math.floor(text.length / 2)), finishReason: 'length' };
};

const modelsBody = (created: number) => ({
  object: 'list',
  data: SIM_MODELS.map((id) => ({ id, object: 'model', created, owned_by: 'tack-sim' })),
});

/**
 * An OpenAI-compatible chat-completions server answering for the sim models: as an agent (tool calls
 * following the task's reference solution, with the persona's faults), or, when the system message names
 * a role, as the trace classifier or the harness proposer of the improvement loop.
 */
export const startSimServer = async (options: SimServerOptions): Promise<SimServer> => {
  const library: TaskLibrary = loadLibrary(options.suites);
  const baseFaults: Faults = { ...NO_FAULTS, ...options.faults };
  const classifier: ClassifierOptions = { ...CLASSIFIER_DEFAULTS, ...options.classifier };
  const proposer: ProposerOptions = { ...PROPOSER_DEFAULTS, ...options.proposer };
  const occurrences = new Map<string, number>();
  const started = Math.floor(Date.now() / 1000);

  const answer = (req: ChatRequest, persona: string): Completion => {
    const seed = req.seed ?? 0;
    const role = roleOf(readConversation(req.messages).system);
    if (role === 'classifier') return { content: classifierReply(req.messages, seed, classifier) };
    if (role === 'proposer') return { content: proposerReply(req.messages, seed, proposer) };
    return agentReply(persona, library, req);
  };

  const chat = async (http: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(http);
    const req = parseChatRequest(raw);
    const { persona, faults: modelFaults } = modelOf(req.model);
    const header = http.headers['x-sim-faults'];
    let headerFaults: Partial<Faults> = {};
    try {
      headerFaults = typeof header === 'string' ? parseFaults(header) : {};
    } catch (e) {
      throw new ApiError(400, `Bad x-sim-faults header: ${(e as Error).message}`, 'invalid_request_error');
    }
    const faults: Faults = { ...baseFaults, ...headerFaults, ...modelFaults };
    const seed = req.seed ?? 0;
    const key = hashHex(raw);
    if (occurrences.size > MAX_REMEMBERED) occurrences.clear();
    const occurrence = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, occurrence);
    if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
    const failure = failureFor(faults, seed, key, occurrence);
    const retry = { 'retry-after-ms': String(RETRY_AFTER_MS), 'x-should-retry': 'true' };
    if (failure === 429)
      return send(res, 429, new ApiError(429, 'Rate limit reached for requests. Please try again shortly.', 'rate_limit_error', null, 'rate_limit_exceeded').body(), retry);
    if (failure === 500) return send(res, 500, new ApiError(500, 'The server had an error while processing your request.', 'server_error').body(), retry);
    const completion = answer(req, persona);
    send(res, 200, completionBody(req, truncates(faults, seed, key) ? truncated(completion, seed, key) : completion, Math.floor(Date.now() / 1000)));
  };

  const server = createServer((http, res) => {
    const url = (http.url ?? '/').split('?')[0].replace(/\/+$/, '');
    const route = async () => {
      if (http.method === 'POST' && url === '/v1/chat/completions') return chat(http, res);
      if (http.method === 'GET' && url === '/v1/models') return send(res, 200, modelsBody(started));
      if (http.method === 'GET' && url.startsWith('/v1/models/')) {
        const id = decodeURIComponent(url.slice('/v1/models/'.length));
        if (SIM_MODELS.includes(id)) return send(res, 200, { id, object: 'model', created: started, owned_by: 'tack-sim' });
        throw new ApiError(404, `The model \`${id}\` does not exist.`, 'invalid_request_error', 'model', 'model_not_found');
      }
      throw new ApiError(404, `Unknown request URL: ${http.method} ${http.url}.`, 'invalid_request_error', null, 'unknown_url');
    };
    route().catch((e: unknown) => {
      if (res.headersSent) return res.destroy();
      if (e instanceof ApiError) return send(res, e.status, e.body());
      send(res, 500, new ApiError(500, `The simulator failed: ${(e as Error).message}`, 'server_error').body());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
};
