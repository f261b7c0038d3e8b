import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { minimalHarness, type Harness, type Policy } from '../../src/domain/harness.js';
import type { ModelRef } from '../../src/domain/events.js';
import { LocalWorkspace } from '../../src/agent/local-workspace.js';
import { httpEndpoint, type ChatEndpoint, type RetryPolicy } from '../../src/agent/endpoint.js';
import { modelClient } from '../../src/agent/model-client.js';
import { runAgent, type RunResult } from '../../src/agent/loop.js';
import type { Clock } from '../../src/agent/trajectory.js';
import { startScriptedLlm, type ScriptEntry, type ScriptedLlm } from './scripted-llm.js';

export const FAST_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 4 };

export interface TempWorkspace {
  readonly workspace: LocalWorkspace;
  readonly root: string;
  cleanup(): Promise<void>;
}

/** A fresh host directory standing for /app, with the given files (paths relative to /app). */
export const tempWorkspace = async (files: Record<string, string> = {}): Promise<TempWorkspace> => {
  const root = await mkdtemp(join(tmpdir(), 'tack-agent-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const workspace = await LocalWorkspace.open({ root });
  return {
    workspace,
    root,
    cleanup: async () => {
      await workspace.close();
      await rm(root, { recursive: true, force: true });
    },
  };
};

export const testHarness = (change: { policies?: Policy[]; limits?: Partial<Harness['limits']>; tools?: Partial<Harness['tools']> } = {}): Harness => {
  const h = minimalHarness(['R1', 'R2', 'R3', 'R4']);
  return {
    ...h,
    policies: change.policies ?? [],
    limits: { ...h.limits, ...change.limits },
    tools: { ...h.tools, ...change.tools },
  };
};

/** A clock that moves one millisecond per reading: runs get the same timestamps every time. */
export const tickingClock = (start = Date.UTC(2026, 0, 1)): Clock => {
  let t = start;
  return { now: () => t++ };
};

export const modelRefFor = (llm: ScriptedLlm): ModelRef => ({ id: 'scripted-model', baseUrl: llm.baseUrl, params: { temperature: 0.2, maxTokens: 512 } });

export interface ScriptedRun {
  readonly result: RunResult;
  readonly llm: ScriptedLlm;
  readonly root: string;
}

/**
 * One agent run against a scripted server through the real openai client, in a fresh workspace;
 * everything is cleaned up. `endpoint` wraps the live endpoint (e.g. a cassette recorder).
 */
export const runScripted = async (options: {
  script: readonly ScriptEntry[];
  harness?: Harness;
  files?: Record<string, string>;
  instruction?: string;
  taskId?: string;
  attempt?: number;
  clock?: Clock;
  wrap?: (live: ChatEndpoint) => ChatEndpoint;
  timeoutMs?: number;
  inspect?: (root: string) => Promise<void>;
}): Promise<ScriptedRun> => {
  const llm = await startScriptedLlm(options.script);
  const ws = await tempWorkspace(options.files);
  try {
    const model = modelRefFor(llm);
    const live = httpEndpoint(model, { retry: FAST_RETRY, timeoutMs: options.timeoutMs ?? 10_000 });
    const result = await runAgent({
      harness: options.harness ?? testHarness(),
      model: modelClient(model, options.wrap ? options.wrap(live) : live),
      workspace: ws.workspace,
      instruction: options.instruction ?? 'Do the task.',
      taskId: options.taskId ?? 'task-1',
      attempt: options.attempt ?? 0,
      seed: 42,
      clock: options.clock ?? tickingClock(),
    });
    await options.inspect?.(ws.root);
    return { result, llm, root: ws.root };
  } finally {
    await llm.close();
    await ws.cleanup();
  }
};

interface WireMessage {
  role: string;
  content: string | null;
  tool_call_id?: string;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}

/**
 * The rule OpenAI-style servers enforce: right after an assistant message with tool calls come the
 * answers to exactly those calls, before any other message. Returns what breaks it, or null.
 */
export const toolCallRuleBroken = (messages: readonly WireMessage[]): string | null => {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role === 'tool' && (i === 0 || (messages[i - 1].role !== 'tool' && messages[i - 1].role !== 'assistant')))
      return `message ${i}: a tool answer that follows no assistant tool call`;
    if (m.role !== 'assistant' || !m.tool_calls?.length) continue;
    const ids = m.tool_calls.map((c) => c.id).sort();
    const answers = messages.slice(i + 1, i + 1 + ids.length);
    if (answers.some((a) => a.role !== 'tool')) return `message ${i}: tool calls ${ids.join(',')} not all answered before another message`;
    const answered = answers.map((a) => a.tool_call_id ?? '').sort();
    if (answered.join(',') !== ids.join(',')) return `message ${i}: calls ${ids.join(',')} answered as ${answered.join(',')}`;
    if (messages[i + 1 + ids.length]?.role === 'tool') return `message ${i + 1 + ids.length}: a tool answer beyond the calls it answers`;
  }
  return null;
};
