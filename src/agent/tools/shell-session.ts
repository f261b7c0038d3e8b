/**
 * One logical shell session on top of any Workspace (whose exec always starts a fresh bash): each
 * command is wrapped in a script that first restores what the previous call left (exported
 * variables, PATH, working directory) and, on exit, prints that state after a marker; the marker
 * block is cut out of the output before anyone sees it. A killed command leaves the state as it was.
 */
export type PersistFlag = 'exports' | 'path' | 'cwd';

interface ShellState {
  /** Exported variable name -> its `declare -x` line, as bash printed it. */
  readonly exports: ReadonlyMap<string, string>;
  readonly cwd: string;
}

const MARK = '@@tack-shell-state-5f1c@@';
const BEGIN = (tag: string) => `${MARK}begin-${tag}`;
const END = (tag: string) => `${MARK}end-${tag}`;
/** Exported names bash maintains itself: never carried over. */
const SHELL_OWNED = new Set(['PWD', 'OLDPWD', 'SHLVL', '_']);

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const dump = (tag: string): string =>
  `{ printf '\\n%s\\n' '${BEGIN(tag)}'; export -p; printf '%s\\n' "$PWD" '${END(tag)}'; }`;

/** A state block: `declare -x` lines, then the working directory on the last line. */
const parseState = (block: string): ShellState => {
  const lines = block.split('\n');
  const exports = new Map<string, string>();
  for (const line of lines.slice(0, -1)) {
    const name = /^declare -[a-zA-Z]*x[a-zA-Z]* ([A-Za-z_][A-Za-z0-9_]*)/.exec(line)?.[1];
    if (name && !SHELL_OWNED.has(name)) exports.set(name, line);
  }
  return { exports, cwd: lines[lines.length - 1] };
};

/** Cut the block tagged `tag` out of the output: the text around it, and the state it held. */
const takeBlock = (output: string, tag: string): { rest: string; state: ShellState | null } => {
  const begin = `\n${BEGIN(tag)}\n`;
  const start = output.lastIndexOf(begin);
  if (start < 0) return { rest: output, state: null };
  const endMark = `\n${END(tag)}\n`;
  const end = output.indexOf(endMark, start);
  if (end < 0) return { rest: output, state: null };
  return {
    rest: output.slice(0, start) + output.slice(end + endMark.length),
    state: parseState(output.slice(start + begin.length, end)),
  };
};

export class ShellSession {
  private state: ShellState | null = null;
  /** What a fresh shell starts with: the yardstick for what the session carries. */
  private baseline: ShellState | null = null;

  constructor(readonly persist: ReadonlySet<PersistFlag>) {}

  /** The script that runs `command` inside the session. */
  wrap(command: string): string {
    const parts: string[] = [];
    if (this.baseline === null) parts.push(dump('start'));
    if (this.state) parts.push(this.restore(this.state));
    parts.push(`trap ${quote(dump('end'))} EXIT`);
    parts.push(`eval ${quote(command)}`);
    return parts.join('\n');
  }

  /** Take the session state out of a wrapped command's output; returns what the command itself printed. */
  absorb(output: string): string {
    const start = takeBlock(output, 'start');
    if (start.state && this.baseline === null) this.baseline = start.state;
    const end = takeBlock(start.rest, 'end');
    if (end.state) this.state = end.state;
    return end.rest;
  }

  /**
   * What the next call gets that a fresh shell would not, limited to `flags`: e.g.
   * ["export FOO", "unset BAR", "PATH", "cwd /app/src"].
   */
  carried(flags: ReadonlySet<PersistFlag>): string[] {
    const { state, baseline } = this;
    if (!state || !baseline) return [];
    const out: string[] = [];
    if (flags.has('exports') && this.persist.has('exports')) {
      for (const [name, line] of state.exports) if (name !== 'PATH' && baseline.exports.get(name) !== line) out.push(`export ${name}`);
      for (const name of baseline.exports.keys()) if (name !== 'PATH' && !state.exports.has(name)) out.push(`unset ${name}`);
    }
    if (flags.has('path') && this.persist.has('path') && state.exports.get('PATH') !== baseline.exports.get('PATH')) out.push('PATH');
    if (flags.has('cwd') && this.persist.has('cwd') && state.cwd !== baseline.cwd) out.push(`cwd ${state.cwd}`);
    return out;
  }

  private restore(state: ShellState): string {
    const lines: string[] = [];
    if (this.persist.has('exports')) {
      const keep = [...state.exports.keys(), ...SHELL_OWNED, 'PATH'].join(' ');
      lines.push(`for __tack_v in $(compgen -e); do case " ${keep} " in *" $__tack_v "*) ;; *) unset "$__tack_v";; esac; done; unset __tack_v`);
      for (const [name, line] of state.exports) if (name !== 'PATH') lines.push(line);
    }
    const path = state.exports.get('PATH');
    if (this.persist.has('path') && path) lines.push(path);
    const body = lines.length > 0 ? [`{ ${lines.join('\n')}\n} 2>/dev/null`] : [];
    if (this.persist.has('cwd')) body.push(`cd -- ${quote(state.cwd)} 2>/dev/null`);
    return body.join('\n');
  }
}
