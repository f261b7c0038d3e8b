/**
 * The Dockerfile subset tack interprets without a Docker engine (pure: text in, instructions out).
 * Supported: FROM (one stage), ARG, ENV, WORKDIR, COPY/ADD of local files (optionally --chown/--chmod),
 * RUN (shell or exec form, heredocs), SHELL; ignored: CMD, ENTRYPOINT, LABEL, EXPOSE, USER, VOLUME,
 * MAINTAINER, STOPSIGNAL, HEALTHCHECK. Anything else is an UnsupportedInstruction naming its line.
 */

export interface SourceLine {
  /** 1-based line number where the instruction starts. */
  readonly line: number;
  /** The instruction as written (continuations joined, heredoc bodies left out). */
  readonly text: string;
}

export type Instruction = SourceLine &
  (
    | { readonly kind: 'FROM'; readonly image: string }
    | { readonly kind: 'ARG'; readonly name: string; readonly defaultValue: string | null }
    | { readonly kind: 'ENV'; readonly pairs: readonly (readonly [string, string])[] }
    | { readonly kind: 'WORKDIR'; readonly path: string }
    | {
        readonly kind: 'COPY' | 'ADD';
        readonly sources: readonly string[];
        readonly dest: string;
        readonly chown: string | null;
        readonly chmod: string | null;
        /** COPY <<EOF dest: inline file contents, keyed by heredoc name. */
        readonly inline: readonly { readonly name: string; readonly body: string }[];
      }
    | { readonly kind: 'RUN'; readonly form: 'shell'; readonly script: string; readonly notes: readonly string[] }
    | { readonly kind: 'RUN'; readonly form: 'exec'; readonly argv: readonly string[]; readonly notes: readonly string[] }
    | { readonly kind: 'SHELL'; readonly argv: readonly string[] }
    | { readonly kind: 'IGNORED'; readonly keyword: string; readonly note: string | null }
  );

export class UnsupportedInstruction extends Error {
  override readonly name = 'UnsupportedInstruction';
  constructor(
    readonly at: SourceLine,
    readonly reason: string,
  ) {
    super(`Dockerfile line ${at.line}: ${reason}: ${at.text}`);
  }
}

interface LogicalLine extends SourceLine {
  readonly keyword: string;
  readonly rest: string;
  readonly heredocs: readonly { readonly name: string; readonly body: string }[];
}

const HEREDOC_RE = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

/** Joins continuation lines, drops comments and blank lines, and collects heredoc bodies. */
const logicalLines = (text: string): LogicalLine[] => {
  const raw = text.replace(/\r\n/g, '\n').split('\n');
  const out: LogicalLine[] = [];
  let i = 0;
  while (i < raw.length) {
    const first = raw[i];
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      const directive = /^#\s*escape\s*=\s*(\S)/i.exec(trimmed);
      if (directive && directive[1] !== '\\' && out.length === 0) {
        throw new UnsupportedInstruction({ line: i + 1, text: trimmed }, 'only the default escape character (\\) is supported');
      }
      i += 1;
      continue;
    }
    const start = i;
    let joined = '';
    while (i < raw.length) {
      const line = raw[i];
      i += 1;
      const t = line.trim();
      if (joined !== '' && (t === '' || t.startsWith('#'))) continue;
      const body = line.replace(/\s+$/, '');
      if (body.endsWith('\\')) {
        joined += body.slice(0, -1);
        continue;
      }
      joined += body;
      break;
    }
    const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(joined);
    if (!m) throw new UnsupportedInstruction({ line: start + 1, text: joined.trim() }, 'not an instruction');
    const keyword = m[1].toUpperCase();
    const rest = m[2].trim();
    const heredocs: { name: string; body: string }[] = [];
    if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
      for (const h of rest.matchAll(HEREDOC_RE)) {
        const stripTabs = h[1] === '-';
        const name = h[3];
        const bodyLines: string[] = [];
        let closed = false;
        while (i < raw.length) {
          const line = raw[i];
          i += 1;
          const candidate = stripTabs ? line.replace(/^\t+/, '') : line;
          if (candidate === name) {
            closed = true;
            break;
          }
          bodyLines.push(candidate);
        }
        if (!closed) throw new UnsupportedInstruction({ line: start + 1, text: joined.trim() }, `heredoc ${name} is never closed`);
        heredocs.push({ name, body: bodyLines.join('\n') + '\n' });
      }
    }
    out.push({ line: start + 1, text: joined.trim(), keyword, rest, heredocs });
  }
  return out;
};

/** Expands $VAR, ${VAR}, ${VAR:-word} and ${VAR:+word}; `\$` stays a literal dollar. */
export const expandVariables = (s: string, vars: Readonly<Record<string, string>>): string =>
  s.replace(/\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced, op, word, bare) => {
    if (whole === '\\$') return '$';
    const name = (braced ?? bare) as string;
    const value = vars[name];
    if (op === '-') return value !== undefined && value !== '' ? value : expandVariables(word as string, vars);
    if (op === '+') return value !== undefined && value !== '' ? expandVariables(word as string, vars) : '';
    return value ?? '';
  });

/**
 * Splits shell-like words: quotes group, backslash escapes, variables expand except inside single quotes.
 * Used for ENV/ARG/COPY arguments, where Docker applies the same rules.
 */
export const splitWords = (s: string, vars: Readonly<Record<string, string>>): string[] => {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  const expandAt = (): void => {
    const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[-+][^}]*)?\}|^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(i));
    if (m) {
      cur += expandVariables(m[0], vars);
      i += m[0].length;
    } else {
      cur += '$';
      i += 1;
    }
  };
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i += 1;
      continue;
    }
    inWord = true;
    if (c === '\\' && i + 1 < s.length) {
      cur += s[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      cur += s.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length && '"\\$'.includes(s[i + 1])) {
          cur += s[i + 1];
          i += 2;
        } else if (s[i] === '$') expandAt();
        else {
          cur += s[i];
          i += 1;
        }
      }
      if (i >= s.length) throw new Error('unterminated double quote');
      i += 1;
    } else if (c === '$') expandAt();
    else {
      cur += c;
      i += 1;
    }
  }
  if (inWord) words.push(cur);
  return words;
};

const jsonArray = (rest: string): string[] | null => {
  if (!rest.startsWith('[')) return null;
  try {
    const v: unknown = JSON.parse(rest);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    return null;
  }
  return null;
};

/** Leading `--name=value` flags of an instruction. */
const takeFlags = (rest: string): { flags: [string, string][]; remainder: string } => {
  const flags: [string, string][] = [];
  let r = rest;
  for (;;) {
    const m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(r);
    if (!m) break;
    flags.push([m[1], m[2] ?? '']);
    r = r.slice(m[0].length);
  }
  return { flags, remainder: r };
};

const IGNORED: Readonly<Record<string, string | null>> = {
  CMD: null,
  ENTRYPOINT: null,
  LABEL: 'LABEL ignored (metadata only)',
  EXPOSE: 'EXPOSE ignored (the sandbox has no network; services listen on its own loopback)',
  USER: 'USER ignored: the agent and the verifier run as root in the sandbox',
  VOLUME: 'VOLUME ignored (the path is an ordinary directory of the task root)',
  MAINTAINER: null,
  STOPSIGNAL: null,
  HEALTHCHECK: 'HEALTHCHECK ignored (no container runtime)',
};

const SUPPORTED = new Set(['FROM', 'ARG', 'ENV', 'WORKDIR', 'COPY', 'ADD', 'RUN', 'SHELL', ...Object.keys(IGNORED)]);

/** The first instruction whose keyword is outside the subset (checked before anything is built), or null. */
export const firstUnsupported = (instructions: readonly LogicalInstruction[]): UnsupportedInstruction | null => {
  const bad = instructions.find((i) => !SUPPORTED.has(i.keyword));
  if (bad !== undefined) return new UnsupportedInstruction(bad, `${bad.keyword} is outside the supported Dockerfile subset`);
  const froms = instructions.filter((i) => i.keyword === 'FROM');
  if (froms.length > 1) return new UnsupportedInstruction(froms[1], 'multi-stage builds (a second FROM) are outside the supported subset');
  return null;
};

/**
 * Splits a Dockerfile into instructions. Variables in ENV, ARG, WORKDIR and COPY arguments expand with
 * the values set by the lines before (Docker semantics), so each instruction is resolved by the
 * interpreter as it walks the file.
 */
export const parseDockerfile = (text: string): LogicalInstruction[] => logicalLines(text).map(toLogical);

/** One instruction before variable expansion; `resolve` turns it into an Instruction given the variables. */
export interface LogicalInstruction extends SourceLine {
  readonly keyword: string;
  resolve(vars: Readonly<Record<string, string>>): Instruction;
}

const toLogical = (l: LogicalLine): LogicalInstruction => ({
  line: l.line,
  text: l.text,
  keyword: l.keyword,
  resolve: (vars) => resolveInstruction(l, vars),
});

const resolveInstruction = (l: LogicalLine, vars: Readonly<Record<string, string>>): Instruction => {
  const at: SourceLine = { line: l.line, text: l.text };
  const fail = (reason: string): never => {
    throw new UnsupportedInstruction(at, reason);
  };
  const words = (s: string): string[] => {
    try {
      return splitWords(s, vars);
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
  };
  switch (l.keyword) {
    case 'FROM': {
      const { flags, remainder } = takeFlags(l.rest);
      if (flags.some(([k]) => k !== 'platform')) fail('FROM flags other than --platform are not supported');
      const w = words(remainder);
      if (w.length !== 1 && !(w.length === 3 && w[1].toUpperCase() === 'AS')) fail('expected FROM image [AS name]');
      return { ...at, kind: 'FROM', image: w[0] };
    }
    case 'ARG': {
      const w = words(l.rest);
      if (w.length !== 1) fail('expected ARG name[=default]');
      const eq = w[0].indexOf('=');
      const name = eq < 0 ? w[0] : w[0].slice(0, eq);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(`invalid ARG name ${name}`);
      return { ...at, kind: 'ARG', name, defaultValue: eq < 0 ? null : w[0].slice(eq + 1) };
    }
    case 'ENV': {
      const w = words(l.rest);
      if (w.length === 0) fail('ENV needs a name and a value');
      const pairs: [string, string][] = [];
      if (!w[0].includes('=')) {
        // Legacy form: ENV name value with spaces.
        const m = /^(\S+)\s+(.*)$/s.exec(l.rest);
        if (!m) fail('ENV needs a value');
        pairs.push([w[0], words(m![2]).join(' ')]);
      } else {
        for (const word of w) {
          const eq = word.indexOf('=');
          if (eq <= 0) fail(`expected name=value, got ${word}`);
          pairs.push([word.slice(0, eq), word.slice(eq + 1)]);
        }
      }
      for (const [k] of pairs) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(`invalid ENV name ${k}`);
      return { ...at, kind: 'ENV', pairs };
    }
    case 'WORKDIR': {
      const w = words(l.rest);
      if (w.length !== 1) fail('expected WORKDIR path');
      return { ...at, kind: 'WORKDIR', path: w[0] };
    }
    case 'COPY':
    case 'ADD': {
      const { flags, remainder } = takeFlags(l.rest);
      let chown: string | null = null;
      let chmod: string | null = null;
      for (const [k, v] of flags) {
        if (k === 'from') fail(`${l.keyword} --from (multi-stage builds) is outside the supported subset`);
        else if (k === 'chown') chown = expandVariables(v, vars);
        else if (k === 'chmod') chmod = expandVariables(v, vars);
        else if (k !== 'link') fail(`${l.keyword} --${k} is not supported`);
      }
      const args = jsonArray(remainder)?.map((a) => expandVariables(a, vars)) ?? words(remainder);
      if (args.length < 2) fail(`${l.keyword} needs a source and a destination`);
      const sources = args.slice(0, -1);
      const inline = l.heredocs;
      for (const s of sources) {
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@')) fail(`${l.keyword} from a URL needs the network`);
      }
      if (inline.length > 0 && l.keyword === 'ADD') fail('ADD with a heredoc is not supported');
      return { ...at, kind: l.keyword, sources, dest: args[args.length - 1], chown, chmod, inline };
    }
    case 'RUN': {
      const { flags, remainder } = takeFlags(l.rest);
      const notes: string[] = [];
      for (const [k, v] of flags) {
        if (k === 'network') {
          if (v !== 'none' && v !== 'default') fail(`RUN --network=${v} is not supported`);
        } else if (k === 'mount' && /(^|,)type=(cache|tmpfs)(,|$)/.test(v)) {
          notes.push(`RUN --mount=${v} ignored (no build cache; the step runs against the task root)`);
        } else fail(`RUN --${k}${v ? '=' + v : ''} is not supported`);
      }
      const argv = jsonArray(remainder);
      if (argv !== null) {
        if (argv.length === 0) fail('RUN with an empty command');
        return { ...at, kind: 'RUN', form: 'exec', argv, notes };
      }
      if (remainder.trim() === '') fail('RUN with an empty command');
      const bare = /^<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2\s*$/.exec(remainder.trim());
      if (bare && l.heredocs.length === 1) return { ...at, kind: 'RUN', form: 'shell', script: l.heredocs[0].body, notes };
      // The shell reads any heredoc itself: hand it the instruction line followed by the bodies.
      const script = l.heredocs.length === 0 ? remainder : [remainder, ...l.heredocs.map((h) => h.body + h.name)].join('\n');
      return { ...at, kind: 'RUN', form: 'shell', script, notes };
    }
    case 'SHELL': {
      const argv = jsonArray(l.rest);
      if (argv === null || argv.length === 0) fail('SHELL needs a JSON array');
      return { ...at, kind: 'SHELL', argv: argv! };
    }
    default: {
      if (l.keyword in IGNORED) return { ...at, kind: 'IGNORED', keyword: l.keyword, note: IGNORED[l.keyword] };
      return fail(`${l.keyword} is outside the supported Dockerfile subset`);
    }
  }
};
