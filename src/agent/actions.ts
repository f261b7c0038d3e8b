import { classifyCommand } from './command-kinds.js';
import type { ToolCallRequest } from './chat.js';
import type { ToolResult } from './tools/tool.js';

/**
 * One tool call of a run as policies and detectors see it: what was asked, whether it ran, how it
 * ended, and what kind of action it was. `finish` is not an action.
 */
export interface Action {
  /** ATIF step of the model turn that asked for it. */
  readonly stepId: number;
  readonly turn: number;
  readonly callId: string;
  readonly tool: string;
  readonly command: string | null;
  readonly path: string | null;
  /** done: it ran; refused: a policy answered instead; invalid: bad arguments or unknown tool. */
  readonly status: 'done' | 'refused' | 'invalid';
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** What the model was told (capped). */
  readonly output: string;
  readonly readOnly: boolean;
  readonly writes: boolean;
  readonly deletes: boolean;
}

export interface CallPlace {
  readonly stepId: number;
  readonly turn: number;
}

const commandOf = (call: ToolCallRequest): string | null =>
  call.name === 'bash' && typeof call.args?.command === 'string' ? call.args.command : null;

const requestedPath = (call: ToolCallRequest): string | null => (typeof call.args?.path === 'string' ? call.args.path : null);

export const actionDone = (place: CallPlace, call: ToolCallRequest, result: ToolResult): Action => {
  const command = commandOf(call);
  const kind = command !== null ? classifyCommand(command) : null;
  const changedFile = (call.name === 'write_file' || call.name === 'edit_file') && result.ok;
  return {
    ...place,
    callId: call.id,
    tool: call.name,
    command,
    path: result.path ?? requestedPath(call),
    status: 'done',
    ok: result.ok,
    exitCode: result.exitCode ?? null,
    timedOut: result.timedOut ?? false,
    output: result.content,
    readOnly: kind ? kind.readOnly : call.name === 'read_file' || call.name === 'list_dir',
    writes: kind ? kind.writes : changedFile,
    deletes: kind?.deletes ?? false,
  };
};

export const actionNotRun = (place: CallPlace, call: ToolCallRequest, status: 'refused' | 'invalid', output: string): Action => ({
  ...place,
  callId: call.id,
  tool: call.name,
  command: commandOf(call),
  path: requestedPath(call),
  status,
  ok: false,
  exitCode: null,
  timedOut: false,
  output,
  readOnly: false,
  writes: false,
  deletes: false,
});

/** Index of the last action that changed files, or -1. */
export const lastWriteIndex = (actions: readonly Action[]): number => {
  for (let i = actions.length - 1; i >= 0; i--) if (actions[i].status === 'done' && actions[i].writes) return i;
  return -1;
};

/** A bash command ran (and did not itself change files) after the last file change: a check. */
export const checkedSinceLastWrite = (actions: readonly Action[]): boolean =>
  actions.slice(lastWriteIndex(actions) + 1).some((a) => a.tool === 'bash' && a.status === 'done' && !a.writes);

/** Output that says a file is missing, and the path it names when it names one. */
const MISSING_PATTERNS: RegExp[] = [
  /FileNotFoundError: \[Errno 2\] No such file or directory: '([^']+)'/,
  /can't open file '([^']+)'/,
  /cannot access '([^']+)': No such file or directory/,
  /cannot (?:open|stat) '([^']+)'/,
  /(?:^|\n|: )([^\s:'"]+): No such file or directory/,
  /No such file or directory[^\n]*?'([^']+)'/,
  /No such file or directory/,
  /FileNotFoundError/,
  /cannot open (?:file )?["']?([^\s"':]+)/,
  /(?:file|path|directory) ["']?([^\s"']+?)["']? (?:does not exist|not found)/i,
];

export const missingFileIn = (output: string): { readonly path: string | null } | null => {
  for (const re of MISSING_PATTERNS) {
    const m = re.exec(output);
    if (m) return { path: m[1] ?? null };
  }
  return null;
};
