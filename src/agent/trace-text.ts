import type { AtifStep, AtifTrajectory, JsonObject } from './atif.js';

/** Readable views of a stored trajectory, for `tack trace` and friends. */
export interface TraceSynopsis {
  readonly sessionId: string;
  readonly model: string;
  readonly exitReason: string;
  readonly agentSteps: number;
  readonly toolCalls: number;
  readonly interventions: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

const extraOf = (o: { extra?: JsonObject }): JsonObject => o.extra ?? {};
const num = (u: unknown): number => (typeof u === 'number' ? u : 0);

export const summarizeTrace = (t: AtifTrajectory): TraceSynopsis => {
  const agentSteps = t.steps.filter((s) => s.source === 'agent');
  const interventions = extraOf(t).interventions;
  return {
    sessionId: t.session_id,
    model: t.agent.model_name ?? '?',
    exitReason: String(extraOf(t).exit_reason ?? '?'),
    agentSteps: agentSteps.length,
    toolCalls: agentSteps.reduce((n, s) => n + (s.tool_calls?.length ?? 0), 0),
    interventions: Array.isArray(interventions) ? interventions.length : 0,
    promptTokens: num(t.final_metrics?.total_prompt_tokens),
    completionTokens: num(t.final_metrics?.total_completion_tokens),
  };
};

export interface RenderOptions {
  /** Lines of each tool output shown (head and tail); 0 shows all. */
  readonly outputLines?: number;
}

const indent = (text: string, prefix: string): string =>
  text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');

const LINE_CHARS = 240;
const clipLine = (line: string): string => (line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}... (${line.length - LINE_CHARS} more chars)` : line);

const clipLines = (text: string, max: number): string => {
  const lines = text.replace(/\n$/, '').split('\n').map(clipLine);
  if (max <= 0 || lines.length <= max) return lines.join('\n');
  const head = Math.ceil(max / 2);
  const tail = max - head;
  return [...lines.slice(0, head), `... (${lines.length - max} more lines)`, ...lines.slice(lines.length - tail)].join('\n');
};

const callLine = (name: string, args: JsonObject): string => {
  if (name === 'bash' && typeof args.command === 'string') return `$ ${args.command}`;
  const path = typeof args.path === 'string' ? ` ${args.path}` : '';
  if (name === 'write_file') return `write_file${path} (${typeof args.content === 'string' ? args.content.length : 0} chars)`;
  if (name === 'finish') return `finish: ${typeof args.summary === 'string' ? args.summary : ''}`;
  if (name === 'edit_file') return `edit_file${path}`;
  return `${name}${path || (Object.keys(args).length > 0 ? ` ${JSON.stringify(args)}` : '')}`;
};

const interventionsAt = (t: AtifTrajectory, stepId: number): JsonObject[] => {
  const all = extraOf(t).interventions;
  return Array.isArray(all) ? (all as JsonObject[]).filter((i) => i.step_id === stepId) : [];
};

const renderStep = (t: AtifTrajectory, s: AtifStep, options: RenderOptions): string => {
  const lines: string[] = [];
  const outputLines = options.outputLines ?? 12;
  const head = `#${s.step_id} ${s.source}`;
  if (s.source !== 'agent') {
    const tag = s.step_id <= 2 ? '' : extraOf(s).delivered_as ? ' (harness message)' : extraOf(s).compaction ? ' (context compaction)' : '';
    lines.push(`${head}${tag}`, indent(clipLines(s.message, s.step_id === 1 ? 6 : outputLines), '    '));
  } else {
    const extra = extraOf(s);
    lines.push(`${head} turn ${num(extra.turn)}  tokens ${num(s.metrics?.prompt_tokens)}+${num(s.metrics?.completion_tokens)}`);
    if (s.reasoning_content) lines.push(indent(clipLines(`thinking: ${s.reasoning_content}`, 4), '    '));
    if (s.message) lines.push(indent(clipLines(`says: ${s.message}`, 6), '    '));
    for (const note of Array.isArray(extra.notes) ? extra.notes : []) lines.push(`    (tolerated: ${String(note)})`);
    const facts = new Map(((extra.tools as JsonObject[] | undefined) ?? []).map((f) => [f.call_id, f]));
    const results = new Map((s.observation?.results ?? []).map((r) => [r.source_call_id, r.content ?? '']));
    for (const c of s.tool_calls ?? []) {
      const f = facts.get(c.tool_call_id) ?? {};
      const status = f.status === 'done' ? (f.ok ? 'ok' : 'failed') : String(f.status ?? '?');
      lines.push(`    > ${callLine(c.function_name, c.arguments)}  [${status}]`);
      lines.push(indent(clipLines(results.get(c.tool_call_id) ?? '', outputLines), '      '));
    }
  }
  for (const i of interventionsAt(t, s.step_id))
    lines.push(`    ! ${String(i.policy_id)} ${String(i.kind)} ${String(i.action)}${i.detail ? `: ${String(i.detail)}` : ''}`);
  return lines.join('\n');
};

/** The whole trace, step by step, as text. */
export const renderTrajectory = (t: AtifTrajectory, options: RenderOptions = {}): string => {
  const s = summarizeTrace(t);
  const header =
    `trace ${s.sessionId}  model ${s.model}  exit ${s.exitReason}\n` +
    `${s.agentSteps} model turns, ${s.toolCalls} tool calls, ${s.interventions} interventions, ` +
    `${s.promptTokens} prompt + ${s.completionTokens} completion tokens`;
  const features = extraOf(t).features;
  const footer =
    features && typeof features === 'object'
      ? '\nfeatures: ' + Object.entries(features as JsonObject).map(([k, v]) => `${k}=${String(v)}`).join(' ')
      : '';
  return [header, ...t.steps.map((step) => renderStep(t, step, options))].join('\n\n') + footer + '\n';
};
