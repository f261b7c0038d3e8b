import { renderSystemPrompt, SECTIONS, type Harness } from '../../domain/harness.js';
import { loadRef } from '../../app/history.js';
import { stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface ExportArgs extends GlobalArgs {
  ref: string;
  format: 'json' | 'agents-md' | 'prompt';
}

const POLICY_AS_TEXT: Record<string, (p: Record<string, unknown>) => string> = {
  ToolCallBudget: (p) => `After ${p.maxCalls} tool calls, ${p.action === 'stop' ? 'stop' : 'stop exploring and produce the required outputs'}.`,
  DuplicateCommandGuard: (p) => `Never run an identical command that already failed more than ${p.allowedRepeats} time(s); change your approach.`,
  EnvPersistence: () => 'Keep exported variables, PATH and the working directory across shell calls (or chain them in every call).',
  PreCompletionCheck: () => "Before finishing, run the task's checks on your result and fix what fails.",
  MissingArtifactRecovery: () => 'When a file you need is missing, recreate it before anything else.',
  ExplorationLimit: (p) => `Do not take more than ${p.maxReadOnlySteps} read-only steps in a row; act.`,
  ContextCompaction: (p) => `Keep your working context short: summarise older steps once past about ${p.tokenBudget} tokens.`,
};

/** AGENTS.md for other coding agents: the rules by section, and the runtime policies as instructions. */
export const agentsMd = (h: Harness, label: string): string => {
  const lines = [`# AGENTS.md`, '', `<!-- exported by tack from ${label} -->`, '', h.prompt.preamble.trim(), ''];
  for (const section of SECTIONS) {
    const rules = h.prompt.rules.filter((r) => r.section === section);
    if (!rules.length) continue;
    lines.push(`## ${section[0].toUpperCase()}${section.slice(1)}`, '', ...rules.map((r) => `- ${r.text}`), '');
  }
  if (h.policies.length) {
    lines.push('## Runtime policies (as instructions)', '', ...h.policies.map((p) => `- ${POLICY_AS_TEXT[p.kind](p.params as Record<string, unknown>)}`), '');
  }
  lines.push('## Limits', '', `- At most ${h.limits.maxSteps} steps and ${h.limits.wallSeconds} seconds per task.`);
  return lines.join('\n');
};

export const exportCommand: Command = () => ({
  command: 'export <ref>',
  describe: 'the harness at REF for use elsewhere: json, agents-md (AGENTS.md rules), prompt (the rendered system prompt)',
  builder: (y) =>
    y
      .positional('ref', { type: 'string', demandOption: true })
      .option('format', { choices: ['json', 'agents-md', 'prompt'] as const, default: 'json' as const }),
  handler: async (x) => {
    const args = x as unknown as ExportArgs;
    await withStore(args, async (store) => {
      const { state } = await loadRef(store.events, args.ref);
      const label = `${state.branch}@${state.version} (harness ${state.harnessHash.slice(0, 12)})`;
      if (args.format === 'json') stdio.out(JSON.stringify(state.harness, null, 2));
      else if (args.format === 'prompt') stdio.out(renderSystemPrompt(state.harness));
      else stdio.out(agentsMd(state.harness, label));
    });
  },
});
