import { posix } from 'node:path';

/**
 * A task's reference solution (solution/solve.sh) read by the annotation convention of the task suites:
 * `# tack-step: <title>` starts a step; inside a step `# tack-pitfall: <command>` and `# tack-env`;
 * anywhere `# tack-check: <command>` and `# tack-artifact: <path>`; `# tack-draft-begin` ... `# tack-draft-end`
 * holds a commented-out, subtly wrong version of the step it precedes.
 */
export interface FileWrite {
  /** Absolute path, resolved against the script's working directory at that point. */
  readonly path: string;
  readonly content: string;
}

export interface ShellCommand {
  /** One shell command as written: a line, a heredoc block, or a multi-line compound command. */
  readonly text: string;
  /** It sets state later commands rely on: export, assignment, cd, source. */
  readonly setsEnv: boolean;
  /** Set when the command only writes a literal file (a heredoc), so a file tool can do it instead. */
  readonly write?: FileWrite;
}

export interface SolutionStep {
  readonly title: string;
  readonly commands: readonly ShellCommand[];
  /** A plausible first command for this step that fails in this environment. */
  readonly pitfall?: string;
  /** Marked `# tack-env`: later steps rely on the environment this step sets. */
  readonly setsEnv: boolean;
  /** A subtly wrong first version of this step, which the checks catch. */
  readonly draft?: readonly ShellCommand[];
}

export interface Solution {
  readonly steps: readonly SolutionStep[];
  readonly checks: readonly string[];
  readonly artifacts: readonly string[];
  /** The script's own `set -e...` line, if any: each shell call of the sim starts with it. */
  readonly shellOptions: string | null;
}

const ANNOTATION = /^#\s*tack-(step|pitfall|env|check|artifact|draft-begin|draft-end)\b:?\s*(.*)$/;
const SETS_ENV = /^(export\s|cd(\s|$)|pushd\s|popd\b|source\s|\.\s|unset\s|umask\s|shopt\s|alias\s|[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|'[^']*'|[^\s;&|]*)\s*$)/;
const SHELL_OPTIONS = /^set\s+[-+][A-Za-z]+(\s+[-+]?[A-Za-z]+)*\s*$/;
const HEREDOC = /<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

interface Scan {
  quote: '' | "'" | '"';
  depth: number;
}

const OPENERS = new Set(['if', 'for', 'while', 'until', 'case', 'select', '{']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);

/** Updates quote and nesting state with one line; returns the heredocs the line opens. */
const scanLine = (line: string, s: Scan): { strip: boolean; delimiter: string }[] => {
  const opened: { strip: boolean; delimiter: string }[] = [];
  let word = '';
  let wordAtCommandStart = true;
  let atCommandStart = true;
  const endWord = () => {
    if (word && wordAtCommandStart) {
      if (OPENERS.has(word)) s.depth++;
      else if (CLOSERS.has(word)) s.depth--;
    }
    if (word) atCommandStart = ['then', 'do', 'else', 'elif', '{', '!', 'time'].includes(word);
    word = '';
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (s.quote) {
      if (c === '\\' && s.quote === '"') i++;
      else if (c === s.quote) s.quote = '';
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      s.quote = c;
      word += 'x';
      continue;
    }
    if (c === '#' && word === '') break;
    if (c === '<' && line[i + 1] === '<' && line[i + 2] !== '<') {
      HEREDOC.lastIndex = i;
      const m = HEREDOC.exec(line);
      if (m && m.index === i) {
        opened.push({ strip: m[1] === '-', delimiter: m[3] });
        i += m[0].length - 1;
        continue;
      }
    }
    if (c === '(') s.depth++;
    else if (c === ')') s.depth--;
    if (/\s/.test(c) || c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      endWord();
      if (c === ';' || c === '&' || c === '|' || c === '(') atCommandStart = true;
      continue;
    }
    if (word === '') wordAtCommandStart = atCommandStart;
    word += c;
  }
  endWord();
  return opened;
};

/** Groups script lines into commands; comment lines between commands come back as `comment`. */
const commandsOf = (lines: readonly string[]): ({ kind: 'comment'; line: string } | { kind: 'command'; text: string })[] => {
  const out: ({ kind: 'comment'; line: string } | { kind: 'command'; text: string })[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i];
    if (first.trim() === '') {
      i++;
      continue;
    }
    if (first.trim().startsWith('#')) {
      out.push({ kind: 'comment', line: first.trim() });
      i++;
      continue;
    }
    const body: string[] = [];
    const s: Scan = { quote: '', depth: 0 };
    while (i < lines.length) {
      const line = lines[i++];
      body.push(line);
      const heredocs = scanLine(line, s);
      for (const h of heredocs) {
        while (i < lines.length) {
          const l = lines[i++];
          body.push(l);
          if ((h.strip ? l.replace(/^\t+/, '') : l).trimEnd() === h.delimiter) break;
        }
      }
      const continued = line.endsWith('\\') || /(\|\||&&|\|)\s*$/.test(line);
      if (!s.quote && s.depth <= 0 && !continued) break;
    }
    out.push({ kind: 'command', text: body.join('\n').trimEnd() });
  }
  return out;
};

const unquote = (word: string): string => word.replace(/^(['"])(.*)\1$/, '$2');

const PATH_WORD = `("[^"]+"|'[^']+'|[^\\s<>|;&]+)`;
const WRITE_HEADS: readonly { re: RegExp; path: number; strip: number; quote: number; delimiter: number }[] = [
  // cat > FILE <<EOF, tee FILE <<EOF, tee FILE >/dev/null <<EOF
  { re: new RegExp(`^(?:cat\\s+>|tee\\s+)\\s*${PATH_WORD}\\s*(?:>\\s*/dev/null\\s*)?<<(-?)\\s*(['"]?)([A-Za-z_]\\w*)\\3\\s*$`), path: 1, strip: 2, quote: 3, delimiter: 4 },
  // cat <<EOF > FILE
  { re: new RegExp(`^cat\\s+<<(-?)\\s*(['"]?)([A-Za-z_]\\w*)\\2\\s*>\\s*${PATH_WORD}\\s*$`), path: 4, strip: 1, quote: 2, delimiter: 3 },
];

/** A heredoc that only writes a literal file becomes a FileWrite; anything with expansions stays shell. */
const fileWriteOf = (text: string, cwd: string | null): FileWrite | undefined => {
  const lines = text.split('\n');
  const head = lines[0].trim();
  for (const h of WRITE_HEADS) {
    const m = h.re.exec(head);
    if (!m) continue;
    const strip = m[h.strip] === '-';
    const last = lines[lines.length - 1];
    if (lines.length < 2 || (strip ? last.replace(/^\t+/, '') : last).trimEnd() !== m[h.delimiter]) return undefined;
    const body = lines.slice(1, -1).map((l) => (strip ? l.replace(/^\t+/, '') : l));
    const content = body.length ? body.join('\n') + '\n' : '';
    if (!m[h.quote] && /[$`\\]/.test(content)) return undefined;
    const path = unquote(m[h.path]);
    if (/[$~*?]/.test(path) || path.startsWith('-')) return undefined;
    if (path.startsWith('/')) return { path: posix.normalize(path), content };
    return cwd === null ? undefined : { path: posix.resolve(cwd, path), content };
  }
  return undefined;
};

/** The working directory after `cd X`, or null when it cannot be known without running the script. */
const cdTarget = (text: string, cwd: string | null, home: string): string | null | undefined => {
  const m = /^(?:cd|pushd)(?:\s+(\S+))?\s*$/.exec(text.trim());
  if (!m) return undefined;
  const to = m[1] === undefined ? home : unquote(m[1]);
  if (/[$`*?~]/.test(to) || to === '-') return null;
  if (to.startsWith('/')) return posix.normalize(to);
  return cwd === null ? null : posix.resolve(cwd, to);
};

interface StepDraft {
  title: string;
  commands: ShellCommand[];
  pitfall?: string;
  setsEnv: boolean;
  draft?: ShellCommand[];
}

/**
 * Parse solve.sh. `workdir` is where the script starts (the task image's WORKDIR). Commands before the
 * first `# tack-step` form a step titled "prepare"; a script without markers is one step.
 */
export const parseSolution = (script: string, workdir = '/app'): Solution => {
  const lines = script.replace(/\r\n/g, '\n').split('\n');
  if (lines[0]?.startsWith('#!')) lines.shift();
  const steps: StepDraft[] = [];
  const checks: string[] = [];
  const artifacts: string[] = [];
  let shellOptions: string | null = null;
  let cwd: string | null = workdir;
  let current: StepDraft | null = null;
  let pendingDraft: ShellCommand[] | null = null;
  let draftLines: string[] | null = null;

  const stepForCommand = (): StepDraft => {
    if (!current) {
      current = { title: 'prepare', commands: [], setsEnv: false };
      steps.push(current);
    }
    return current;
  };
  const toCommand = (text: string, track: boolean): ShellCommand => {
    const firstLine = text.split('\n')[0].trim();
    const setsEnv = !text.includes('\n') && SETS_ENV.test(firstLine);
    const write = fileWriteOf(text, cwd);
    if (track) {
      const to = cdTarget(firstLine, cwd, '/root');
      if (to !== undefined && !text.includes('\n')) cwd = to;
    }
    return write ? { text, setsEnv, write } : { text, setsEnv };
  };

  for (const item of commandsOf(lines)) {
    if (item.kind === 'command') {
      if (draftLines) {
        draftLines.push(item.text);
        continue;
      }
      if (SHELL_OPTIONS.test(item.text.trim())) {
        shellOptions ??= item.text.trim();
        continue;
      }
      const step = stepForCommand();
      if (pendingDraft) {
        step.draft = pendingDraft;
        pendingDraft = null;
      }
      step.commands.push(toCommand(item.text, true));
      continue;
    }
    const a = ANNOTATION.exec(item.line);
    if (draftLines && (!a || a[1] !== 'draft-end')) {
      draftLines.push(item.line.replace(/^#\s?/, ''));
      continue;
    }
    if (!a) continue;
    const [, kind, arg] = a;
    const value = arg.trim();
    switch (kind) {
      case 'step': {
        const step: StepDraft = { title: value || `step ${steps.length + 1}`, commands: [], setsEnv: false };
        if (pendingDraft) {
          step.draft = pendingDraft;
          pendingDraft = null;
        }
        steps.push(step);
        current = step;
        break;
      }
      case 'pitfall':
        if (value) stepForCommand().pitfall = value;
        break;
      case 'env':
        stepForCommand().setsEnv = true;
        break;
      case 'check':
        if (value) checks.push(value);
        break;
      case 'artifact':
        if (value) artifacts.push(value.startsWith('/') || cwd === null ? value : posix.resolve(cwd, value));
        break;
      case 'draft-begin':
        draftLines = [];
        break;
      case 'draft-end': {
        const saved: string | null = cwd;
        const draft = commandsOf(draftLines ?? [])
          .filter((c): c is { kind: 'command'; text: string } => c.kind === 'command')
          .map((c) => toCommand(c.text, false));
        cwd = saved;
        draftLines = null;
        const cur = current as StepDraft | null;
        if (draft.length === 0) break;
        if (cur && cur.commands.length === 0) cur.draft = draft;
        else pendingDraft = draft;
        break;
      }
    }
  }
  if (pendingDraft && steps.length > 0) steps[steps.length - 1].draft = pendingDraft;
  return {
    steps: steps.filter((s) => s.commands.length > 0 || s.pitfall !== undefined),
    checks,
    artifacts,
    shellOptions,
  };
};
