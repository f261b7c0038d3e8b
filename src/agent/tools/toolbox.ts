import type { Harness } from '../../domain/harness.js';
import type { ToolSpec } from '../chat.js';
import { bashTool } from './bash.js';
import { editFileTool, listDirTool, readFileTool, writeFileTool } from './files.js';
import { ShellSession, type PersistFlag } from './shell-session.js';
import { failure, functionSpec, type Tool, type ToolContext, type ToolResult } from './tool.js';

export const FINISH = 'finish';

const finishSpec = functionSpec('finish', 'Say that the task is done. Call it once, when the result is complete.', {
  summary: { description: 'What was done, in a few sentences.' },
});

/** What carries between shell calls: everything for a persistent session, plus what EnvPersistence policies name. */
export const persistenceOf = (harness: Harness): Set<PersistFlag> => {
  const flags = new Set<PersistFlag>(harness.tools.bash.session === 'persistent' ? ['exports', 'path', 'cwd'] : []);
  for (const p of harness.policies) if (p.kind === 'EnvPersistence') p.params.persist.forEach((f) => flags.add(f));
  return flags;
};

/** The tools a harness offers (enabled ones, plus finish), for one run: the shell session lives here. */
export class Toolbox {
  readonly specs: readonly ToolSpec[];
  readonly session: ShellSession;
  private readonly tools: ReadonlyMap<string, Tool>;

  constructor(harness: Harness, workdir: string) {
    this.session = new ShellSession(persistenceOf(harness));
    const t = harness.tools;
    const all: [string, boolean, () => Tool][] = [
      ['bash', t.bash.enabled, () => bashTool(t.bash, workdir, this.session)],
      ['read_file', t.read_file.enabled, () => readFileTool(t.read_file, workdir)],
      ['write_file', t.write_file.enabled, () => writeFileTool(workdir)],
      ['edit_file', t.edit_file.enabled, () => editFileTool(workdir)],
      ['list_dir', t.list_dir.enabled, () => listDirTool(t.list_dir, workdir)],
    ];
    this.tools = new Map(all.filter(([, enabled]) => enabled).map(([name, , make]) => [name, make()]));
    this.specs = [...[...this.tools.values()].map((tool) => tool.spec), finishSpec];
  }

  names(): string[] {
    return [...this.tools.keys(), FINISH];
  }

  async run(name: string, args: Readonly<Record<string, unknown>>, ctx: ToolContext): Promise<ToolResult> {
    const tool = this.tools.get(name);
    if (!tool) return failure(`unknown tool "${name}"; the tools are: ${this.names().join(', ')}`);
    try {
      return await tool.run(args, ctx);
    } catch (e) {
      return failure(`${name} failed: ${(e as Error).message}`);
    }
  }
}
