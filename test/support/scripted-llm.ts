import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A chat-completions server the test owns: it answers POST /v1/chat/completions from a script of
 * replies (in order), and records every request it receives (headers and body).
 */
export interface RecordedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export interface ScriptedReply {
  readonly status: number;
  readonly body: unknown;
  /** Wait this long before answering (to provoke client timeouts). */
  readonly delayMs?: number;
}

/** A fixed reply, or one computed from the request (to react to what the agent was told). */
export type ScriptEntry = ScriptedReply | ((request: RecordedRequest) => ScriptedReply);

export interface ScriptedLlm {
  /** The base URL to give the openai client (ends in /v1). */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Script entries not yet used. */
  remaining(): number;
  close(): Promise<void>;
}

export interface CallSpec {
  readonly id?: string;
  readonly name: string;
  /** A string is sent as is (it may be invalid JSON); an object is sent as an object. */
  readonly arguments: string | Record<string, unknown>;
}

export interface CompletionSpec {
  readonly content?: string | null;
  readonly reasoning_content?: string;
  readonly calls?: readonly CallSpec[];
  readonly finish_reason?: string;
  readonly usage?: { prompt_tokens: number; completion_tokens: number };
}

let created = 0;

/** A chat.completion body as servers send it; fields are left out where a spec leaves them out. */
export const completion = (spec: CompletionSpec): ScriptedReply => ({
  status: 200,
  body: {
    id: `chatcmpl-${++created}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'scripted',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: spec.content === undefined ? null : spec.content,
          ...(spec.reasoning_content !== undefined ? { reasoning_content: spec.reasoning_content } : {}),
          ...(spec.calls
            ? {
                tool_calls: spec.calls.map((c) => ({
                  ...(c.id !== undefined ? { id: c.id } : {}),
                  type: 'function',
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
        finish_reason: spec.finish_reason ?? (spec.calls ? 'tool_calls' : 'stop'),
      },
    ],
    usage: { ...(spec.usage ?? { prompt_tokens: 100, completion_tokens: 10 }), total_tokens: 0 },
  },
});

/** Shorthands for the common replies. */
export const bash = (command: string, id?: string): ScriptedReply => completion({ calls: [{ id: id ?? `c${++created}`, name: 'bash', arguments: JSON.stringify({ command }) }] });
export const call = (name: string, args: Record<string, unknown>, id?: string): ScriptedReply =>
  completion({ calls: [{ id: id ?? `c${++created}`, name, arguments: JSON.stringify(args) }] });
export const finish = (summary = 'done'): ScriptedReply => call('finish', { summary });
export const httpError = (status: number, message: string): ScriptedReply => ({ status, body: { error: { message, type: 'error', code: null } } });

/** The text of the messages after the last assistant message (what the agent was just told). */
export const lastMessages = (request: RecordedRequest): string => {
  const messages = request.body.messages as { role: string; content: string | null }[];
  const out: string[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i].role !== 'assistant'; i--) out.unshift(messages[i].content ?? '');
  return out.join('\n');
};

export const startScriptedLlm = async (script: readonly ScriptEntry[]): Promise<ScriptedLlm> => {
  const requests: RecordedRequest[] = [];
  const delayed = new Set<NodeJS.Timeout>();
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return send(404, { error: { message: `no route ${req.url}` } });
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return send(400, { error: { message: 'request body is not JSON' } });
      }
      const recorded: RecordedRequest = { headers: req.headers, raw, body };
      requests.push(recorded);
      const entry = script[next++];
      if (!entry) return send(500, { error: { message: `script exhausted after ${script.length} replies` } });
      const reply = typeof entry === 'function' ? entry(recorded) : entry;
      if (!reply.delayMs) return send(reply.status, reply.body);
      const timer = setTimeout(() => {
        delayed.delete(timer);
        send(reply.status, reply.body);
      }, reply.delayMs);
      delayed.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    remaining: () => script.length - next,
    close: () =>
      new Promise<void>((resolve) => {
        delayed.forEach(clearTimeout);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/**
 * A model that decides each reply from the request (what it was told) and how many replies it has
 * given so far; `limit` replies at most.
 */
export const reactive = (decide: (request: RecordedRequest, replies: number) => ScriptedReply, limit = 30): ScriptEntry[] => {
  let replies = 0;
  return Array.from({ length: limit }, () => (request: RecordedRequest) => decide(request, replies++));
};

/** Every text the agent was told in this request (user and tool messages). */
export const everythingTold = (request: RecordedRequest): string =>
  (request.body.messages as { role: string; content: string | null }[])
    .filter((m) => m.role === 'user' || m.role === 'tool')
    .map((m) => m.content ?? '')
    .join('\n');
