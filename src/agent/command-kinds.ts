/**
 * What a shell command does to the task environment, judged from its text: only reads (exploring),
 * writes files, deletes files. A heuristic over simple commands; policies and detectors rely on it,
 * so it errs towards "not read-only" when unsure.
 */
export interface CommandKind {
  readonly readOnly: boolean;
  readonly writes: boolean;
  readonly deletes: boolean;
}

const READERS = new Set([
  'ls', 'll', 'cat', 'head', 'tail', 'less', 'more', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'find', 'ps', 'env', 'printenv',
  'pwd', 'wc', 'stat', 'file', 'which', 'whereis', 'type', 'whoami', 'id', 'uname', 'hostname', 'date', 'du', 'df',
  'tree', 'cd', 'echo', 'printf', 'diff', 'cmp', 'md5sum', 'sha1sum', 'sha256sum', 'readlink', 'realpath', 'dirname',
  'basename', 'sort', 'uniq', 'cut', 'awk', 'sed', 'jq', 'od', 'xxd', 'hexdump', 'strings', 'nl', 'column', 'true',
  'test', '[', 'lsof', 'netstat', 'ss', 'free', 'uptime', 'locale', 'command', 'history', 'man', 'top', 'nproc', 'lscpu',
]);
/** Tools that only read with these subcommands or flags. */
const READING_SUBCOMMANDS: Record<string, RegExp> = {
  git: /^(status|log|diff|show|branch|ls-files|rev-parse|remote|config\s+--get|blame|grep)\b/,
  pip: /^(list|show|freeze|--version|-V)\b/,
  pip3: /^(list|show|freeze|--version|-V)\b/,
  python: /^(--version|-V)\s*$/,
  python3: /^(--version|-V)\s*$/,
  node: /^(--version|-v)\s*$/,
  dpkg: /^(-l|-s|-L|--list|--status)\b/,
  apt: /^(list|show|search|policy)\b/,
  'apt-cache': /^(show|search|policy|depends)\b/,
  systemctl: /^(status|list-units|is-active)\b/,
};
const WRITERS = new Set(['tee', 'touch', 'mkdir', 'rm', 'rmdir', 'unlink', 'mv', 'cp', 'ln', 'install', 'truncate', 'dd', 'patch', 'unzip', 'shred']);
const DELETERS = new Set(['rm', 'rmdir', 'unlink', 'shred']);

/** Quoted text and heredoc bodies removed: what is left is the shell syntax. */
const shellSyntax = (command: string): string => {
  const withoutHeredocs = command.replace(/<<-?\s*(['"]?)(\w+)\1([^\n]*)\n[\s\S]*?\n\s*\2\s*(?=\n|$)/g, '<<HEREDOC$3');
  return withoutHeredocs.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, "''");
};

const simpleCommands = (syntax: string): string[][] =>
  syntax
    .split(/&&|\|\||[;|&\n()]|\$\(|`/)
    .map((part) =>
      part
        .trim()
        .split(/\s+/)
        .filter((w) => w.length > 0),
    )
    .map((words) => {
      let i = 0;
      while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || ['sudo', 'time', 'nohup', 'exec'].includes(words[i]))) i++;
      return words.slice(i);
    })
    .filter((words) => words.length > 0);

/** An output redirection into a file (not /dev/null, not another descriptor). */
const REDIRECT_TO_FILE = /(?:^|[^<>&0-9])\d?>>?\s*(?!&|\/dev\/null\b)[^\s&|;]|&>>?\s*(?!\/dev\/null\b)[^\s&|;]/;

const isReading = (words: string[]): boolean => {
  const [cmd, ...rest] = words;
  const name = cmd.split('/').pop() ?? cmd;
  const sub = READING_SUBCOMMANDS[name];
  if (sub) return sub.test(rest.join(' '));
  if (!READERS.has(name)) return false;
  if (name === 'find') return !rest.some((w) => /^-(delete|exec|execdir|ok|fprint)/.test(w));
  if (name === 'sed') return !rest.some((w) => /^-[a-zA-Z]*i/.test(w) || w === '--in-place');
  return true;
};

const isWriting = (words: string[]): boolean => {
  const [cmd, ...rest] = words;
  const name = cmd.split('/').pop() ?? cmd;
  if (WRITERS.has(name)) return true;
  if ((name === 'sed' || name === 'perl') && rest.some((w) => /^-[a-zA-Z]*i/.test(w) || w === '--in-place')) return true;
  if (name === 'git') return /^(apply|checkout|restore|reset|mv|rm|clean|am|stash)\b/.test(rest.join(' '));
  if (name === 'tar') return rest.some((w) => /^-?[a-zA-Z]*[xc]/.test(w));
  if (name === 'find') return rest.some((w) => w === '-delete');
  return false;
};

const isDeleting = (words: string[]): boolean => {
  const [cmd, ...rest] = words;
  const name = cmd.split('/').pop() ?? cmd;
  if (DELETERS.has(name)) return true;
  if (name === 'git') return /^(rm|clean)\b/.test(rest.join(' '));
  if (name === 'find') return rest.some((w) => w === '-delete' || w === 'rm');
  return false;
};

export const classifyCommand = (command: string): CommandKind => {
  const syntax = shellSyntax(command);
  const commands = simpleCommands(syntax);
  const redirects = REDIRECT_TO_FILE.test(syntax);
  const writes = redirects || commands.some(isWriting);
  return {
    readOnly: commands.length > 0 && !writes && commands.every(isReading),
    writes,
    deletes: commands.some(isDeleting),
  };
};
