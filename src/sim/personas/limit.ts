import { draw } from '../random.js';
import type { ShellCommand, Solution } from '../solution.js';

/**
 * Whether a task is beyond the persona whatever the harness: in each suite, the share `rate` of its
 * tasks (rounded) that rank first by a hash of persona and task id. A stable subset, of the same size
 * for every persona with the same rate, whatever the luck of the hash.
 */
export const isBeyond = (persona: string, taskId: string, suiteIds: readonly string[], rate: number): boolean => {
  const ranked = [...new Set([...suiteIds, taskId])].sort((a, b) => draw('capability', persona, a) - draw('capability', persona, b));
  return ranked.indexOf(taskId) < Math.round(rate * ranked.length);
};

const NUMBER = /(?<![\w./-])(\d+)(?![\w./-])/;

const bump = (text: string): string => text.replace(NUMBER, (n) => String(Number(n) + 1));

const wrongDetail = (c: ShellCommand): ShellCommand | null => {
  if (c.write) {
    const bumped = bump(c.write.content);
    const content =
      bumped !== c.write.content ? bumped : c.write.content.replace(/\n?[^\n]*\S[^\n]*\n?$/, '\n');
    return { ...c, write: { ...c.write, content }, text: `cat > ${c.write.path} <<'EOF'\n${content}EOF` };
  }
  const bumped = bump(c.text);
  if (bumped !== c.text) return { ...c, text: bumped };
  const redirect = /\s>\s*\/\S+\s*$/.exec(c.text);
  return redirect ? { ...c, text: `${c.text.slice(0, redirect.index)} | head -n -1${c.text.slice(redirect.index)}` } : null;
};

/** Commands that change files or build something: leaving one out matters. */
const CHANGES = /^(sed\s+-i|perl\s+-i|gcc|cc|g\+\+|make|cmake|cp|mv|rm|chmod|chown|mkdir|touch|ln|git|tar|unzip|gzip|gunzip|python3?|pip3?|sqlite3|patch|install|tee|awk|jq)\b/;

/**
 * The solution with one detail wrong, as the persona would get it: a number off by one or an output
 * missing its last line, in the last command that writes a file; else the last command that changes
 * something is left out. The persona's checks catch it, but it cannot see why, so no harness fixes it.
 */
export const withDetailWrong = (solution: Solution): Solution => {
  const steps = solution.steps.map((s) => ({ ...s, commands: [...s.commands] }));
  const at: { step: number; index: number }[] = [];
  steps.forEach((s, i) => s.commands.forEach((_, j) => at.push({ step: i, index: j })));
  const command = ({ step, index }: { step: number; index: number }) => steps[step].commands[index];
  for (const place of at.filter((p) => command(p).write || />\s*\/\S+/.test(command(p).text)).reverse()) {
    const wrong = wrongDetail(command(place));
    if (wrong) {
      steps[place.step].commands[place.index] = wrong;
      return { ...solution, steps };
    }
  }
  const doing = at.filter((p) => !command(p).setsEnv && CHANGES.test(command(p).text.trim()));
  const last = doing[doing.length - 1];
  if (!last) return solution;
  const bumped = bump(command(last).text);
  if (bumped !== command(last).text) steps[last.step].commands[last.index] = { ...command(last), text: bumped };
  else steps[last.step].commands.splice(last.index, 1);
  return { ...solution, steps };
};
