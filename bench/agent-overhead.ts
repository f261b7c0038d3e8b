import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { minimalHarness, POLICY_DEFAULTS, POLICY_KINDS, type Harness, type Policy } from '../src/domain/harness.js';
import type { ModelTurn } from '../src/agent/chat.js';
import type { ModelClient } from '../src/agent/model-client.js';
import { runAgent } from '../src/agent/loop.js';
import type { Workspace } from '../src/agent/workspace.js';

/**
 * The agent loop's own cost per step (policies, conversation, trace, features), with model and
 * command time taken out: an in-process model that answers at once and a workspace whose commands
 * do nothing, against a bare loop making the same calls, in the same process.
 */
export interface AgentOverhead {
  /** Milliseconds the loop adds per step. */
  readonly perStepMs: number;
  /** Loop time over bare-loop time. */
  readonly ratio: number;
  readonly steps: number;
}

const COMMAND = 'ls -la /app && cat /app/README.md';

const turn = (i: number, last: boolean): ModelTurn => ({
  content: `Step ${i}: looking at the files.`,
  reasoning: null,
  toolCalls: [
    last
      ? { id: `c${i}`, name: 'finish', args: { summary: 'done' }, rawArguments: '{"summary":"done"}', argumentError: null, origin: 'native', idGenerated: false }
      : { id: `c${i}`, name: 'bash', args: { command: `${COMMAND} # ${i}` }, rawArguments: '', argumentError: null, origin: 'native', idGenerated: false },
  ],
  finishReason: 'tool_calls',
  usage: { promptTokens: 1000 + 50 * i, completionTokens: 40, cachedTokens: 0 },
  notes: [],
});

const instantModel = (steps: number): ModelClient => ({
  modelName: 'bench',
  complete: async (_messages, _tools, call) => turn(call.turn, call.turn === steps - 1),
});

const OUTPUT = 'total 8\n-rw-r--r-- 1 root root 120 README.md\n# README\nSome text.\n';

const idleWorkspace: Workspace = {
  workdir: '/app',
  exec: async () => ({ exitCode: 0, output: OUTPUT, timedOut: false, durationMs: 0 }),
  readFile: async () => Buffer.from(OUTPUT),
  writeFile: async () => undefined,
  listDir: async () => [],
  close: async () => undefined,
};

/** Every policy kind of the catalog, with its default parameters: the heaviest configuration. */
const everyPolicy = (): Policy[] => POLICY_KINDS.map((kind, i) => ({ id: `P${i + 1}`, kind, params: POLICY_DEFAULTS[kind] }) as Policy);

const bareLoop = async (steps: number): Promise<void> => {
  const model = instantModel(steps);
  const messages: { role: string; content: string }[] = [];
  for (let i = 0; i < steps; i++) {
    const t = await model.complete([], [], { attemptId: 'bench', turn: i, seed: 1 });
    messages.push({ role: 'assistant', content: t.content });
    if (t.toolCalls[0].name === 'finish') break;
    const r = await idleWorkspace.exec(String(t.toolCalls[0].args?.command), { timeoutSec: 1 });
    messages.push({ role: 'tool', content: r.output });
  }
};

const agentLoop = async (harness: Harness, steps: number): Promise<void> => {
  const r = await runAgent({ harness, model: instantModel(steps), workspace: idleWorkspace, instruction: 'Bench.', taskId: 'bench', attempt: 0, seed: 1 });
  if (r.summary.exitReason !== 'finished' || r.summary.steps !== steps) throw new Error(`bench run ended with ${r.summary.exitReason} after ${r.summary.steps} steps`);
};

const timed = async (runs: number, body: () => Promise<void>): Promise<number> => {
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await body();
  return performance.now() - t0;
};

/** Runs of `stepsPerRun` steps (a realistic attempt length), `runs` times, after a warm-up. */
export const measureAgentOverhead = async (options: { stepsPerRun?: number; runs?: number } = {}): Promise<AgentOverhead> => {
  const stepsPerRun = options.stepsPerRun ?? 40;
  const runs = options.runs ?? 25;
  const base = minimalHarness(['R1', 'R2', 'R3', 'R4']);
  const harness: Harness = { ...base, policies: everyPolicy(), limits: { maxSteps: stepsPerRun, wallSeconds: 86_400 } };
  await timed(3, () => agentLoop(harness, stepsPerRun));
  await timed(3, () => bareLoop(stepsPerRun));
  const agentMs = await timed(runs, () => agentLoop(harness, stepsPerRun));
  const bareMs = await timed(runs, () => bareLoop(stepsPerRun));
  const steps = stepsPerRun * runs;
  return { perStepMs: (agentMs - bareMs) / steps, ratio: agentMs / Math.max(bareMs, 1e-6), steps };
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await measureAgentOverhead();
  console.log(`agent loop overhead: ${r.perStepMs.toFixed(3)} ms per step (${r.steps} steps, ${r.ratio.toFixed(1)}x a bare loop)`);
}
