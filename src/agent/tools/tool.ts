import type { ToolSpec } from '../chat.js';
import type { Workspace } from '../workspace.js';

/** What one tool call produced: the text the model sees, and facts the trace and the policies use. */
export interface ToolResult {
  readonly content: string;
  readonly ok: boolean;
  readonly exitCode?: number | null;
  readonly timedOut?: boolean;
  /** Bytes of output left out by the cap. */
  readonly elidedBytes?: number;
  /** The file a file tool acted on, as the agent sees it (absolute). */
  readonly path?: string;
}

export interface ToolContext {
  readonly workspace: Workspace;
  /** Seconds left before the run's wall-time limit: no command may outlive it. */
  readonly secondsLeft: () => number;
}

export interface Tool {
  readonly spec: ToolSpec;
  run(args: Readonly<Record<string, unknown>>, ctx: ToolContext): Promise<ToolResult>;
}

export const failure = (content: string, path?: string): ToolResult => ({ content, ok: false, ...(path ? { path } : {}) });

/** A string argument, or the error text for the model when it is missing. */
export const stringArg = (
  tool: string,
  args: Readonly<Record<string, unknown>>,
  name: string,
): { value: string } | { error: string } => {
  const v = args[name];
  return typeof v === 'string' ? { value: v } : { error: `${tool}: the argument "${name}" must be a string` };
};

export const functionSpec = (name: string, description: string, properties: Record<string, { description: string }>): ToolSpec => ({
  type: 'function',
  function: {
    name,
    description,
    parameters: {
      type: 'object',
      properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, { type: 'string', description: v.description }])),
      required: Object.keys(properties),
    },
  },
});
