import * as t from 'io-ts';
import { intIn, NonEmptyText, PolicyId, RuleId, strict, stringMatching } from './codecs.js';
import { hashOf } from './canonical.js';

/** The sections a prompt rule can belong to, in the order the system prompt renders them. */
export const SECTIONS = ['bootstrap', 'execution', 'verification', 'recovery', 'general'] as const;
export const Section = t.keyof({ bootstrap: null, execution: null, verification: null, recovery: null, general: null }, 'Section');
export type Section = t.TypeOf<typeof Section>;

export const Message = stringMatching('message', /\S/, 2_000);

export const Rule = strict('Rule', { id: RuleId, section: Section, text: NonEmptyText });
export type Rule = t.TypeOf<typeof Rule>;

/** The closed catalog of runtime policies; each kind has typed parameters. */
export const PolicyParams = {
  ToolCallBudget: strict('ToolCallBudgetParams', {
    maxCalls: intIn(1, 10_000),
    action: t.keyof({ redirect: null, stop: null }),
    message: Message,
  }),
  DuplicateCommandGuard: strict('DuplicateCommandGuardParams', {
    allowedRepeats: intIn(0, 100),
    message: Message,
  }),
  EnvPersistence: strict('EnvPersistenceParams', {
    persist: t.array(t.keyof({ exports: null, path: null, cwd: null })),
  }),
  PreCompletionCheck: strict('PreCompletionCheckParams', {
    maxRounds: intIn(1, 10),
    message: Message,
  }),
  MissingArtifactRecovery: strict('MissingArtifactRecoveryParams', {
    message: Message,
  }),
  ExplorationLimit: strict('ExplorationLimitParams', {
    maxReadOnlySteps: intIn(1, 1_000),
    message: Message,
  }),
  ContextCompaction: strict('ContextCompactionParams', {
    tokenBudget: intIn(1_000, 10_000_000),
    keepLast: intIn(1, 1_000),
  }),
} as const;

export type PolicyKind = keyof typeof PolicyParams;
export const POLICY_KINDS = Object.keys(PolicyParams) as PolicyKind[];
export const PolicyKindCodec = t.keyof(
  Object.fromEntries(POLICY_KINDS.map((k) => [k, null])) as Record<PolicyKind, null>,
  'PolicyKind',
);

const policyOf = <K extends PolicyKind>(kind: K) =>
  strict(`${kind}Policy`, { id: PolicyId, kind: t.literal(kind), params: PolicyParams[kind] });

export const Policy = t.union(
  [
    policyOf('ToolCallBudget'),
    policyOf('DuplicateCommandGuard'),
    policyOf('EnvPersistence'),
    policyOf('PreCompletionCheck'),
    policyOf('MissingArtifactRecovery'),
    policyOf('ExplorationLimit'),
    policyOf('ContextCompaction'),
  ],
  'Policy',
);
export type Policy = t.TypeOf<typeof Policy>;
export type PolicyOf<K extends PolicyKind> = Extract<Policy, { kind: K }>;

/** Default parameters per kind: what `tack edit set-policy --kind K` uses for fields it is not given. */
export const POLICY_DEFAULTS: { [K in PolicyKind]: t.TypeOf<(typeof PolicyParams)[K]> } = {
  ToolCallBudget: {
    maxCalls: 50,
    action: 'redirect',
    message: 'You have used many tool calls. Stop exploring, write the required outputs now, then verify them.',
  },
  DuplicateCommandGuard: {
    allowedRepeats: 1,
    message: 'That exact command already failed. Do not run it again; change your approach.',
  },
  EnvPersistence: { persist: ['exports', 'path', 'cwd'] },
  PreCompletionCheck: {
    maxRounds: 2,
    message: "Before finishing: re-read the task, run the task's checks on your result, and fix anything that fails.",
  },
  MissingArtifactRecovery: {
    message: 'A file you need is missing. Recreate the missing artifact now before doing anything else.',
  },
  ExplorationLimit: {
    maxReadOnlySteps: 6,
    message: 'Enough exploration. Stop reading and start acting: make the change the task asks for.',
  },
  ContextCompaction: { tokenBudget: 60_000, keepLast: 8 },
};

export const BashTool = strict('BashTool', {
  enabled: t.boolean,
  timeoutSec: intIn(1, 3_600),
  outputCapBytes: intIn(256, 10_000_000),
  session: t.keyof({ fresh: null, persistent: null }),
});
export const FileTool = strict('FileTool', { enabled: t.boolean, outputCapBytes: intIn(256, 10_000_000) });
export const SimpleTool = strict('SimpleTool', { enabled: t.boolean });

export const Tools = strict('Tools', {
  bash: BashTool,
  read_file: FileTool,
  write_file: SimpleTool,
  edit_file: SimpleTool,
  list_dir: FileTool,
});
export type Tools = t.TypeOf<typeof Tools>;
export type ToolName = keyof Tools;
export const TOOL_NAMES: ToolName[] = ['bash', 'read_file', 'write_file', 'edit_file', 'list_dir'];

export const Limits = strict('Limits', { maxSteps: intIn(1, 10_000), wallSeconds: intIn(1, 86_400) });
export type Limits = t.TypeOf<typeof Limits>;
export type LimitName = keyof Limits;

export const Harness = strict('Harness', {
  prompt: strict('Prompt', { preamble: NonEmptyText, rules: t.array(Rule) }),
  tools: Tools,
  policies: t.array(Policy),
  limits: Limits,
});
export type Harness = t.TypeOf<typeof Harness>;

export const harnessHash = (h: Harness): string => hashOf(h);

/**
 * The built-in starting harness: a short system prompt, one-line instructions per phase (ids R1..R4
 * are minted by `init`), shell and file tools with a fresh shell per call, and no policies.
 */
export const minimalHarness = (ruleIds: readonly string[]): Harness => ({
  prompt: {
    preamble:
      'You are an autonomous agent working in a Linux terminal. Complete the task using the tools provided. ' +
      'Work in /app unless told otherwise. Call finish when you are done.',
    rules: [
      { id: ruleIds[0], section: 'bootstrap', text: 'Start by understanding the task and the files involved.' },
      { id: ruleIds[1], section: 'execution', text: 'Make the changes the task asks for using the shell and file tools.' },
      { id: ruleIds[2], section: 'verification', text: 'Check that your result meets the task before finishing.' },
      { id: ruleIds[3], section: 'recovery', text: 'If a command fails, read the error and adjust.' },
    ],
  },
  tools: {
    bash: { enabled: true, timeoutSec: 120, outputCapBytes: 10_000, session: 'fresh' },
    read_file: { enabled: true, outputCapBytes: 20_000 },
    write_file: { enabled: true },
    edit_file: { enabled: true },
    list_dir: { enabled: true, outputCapBytes: 10_000 },
  },
  policies: [],
  limits: { maxSteps: 40, wallSeconds: 600 },
});

export const MINIMAL_RULE_COUNT = 4;

/** Every rule and policy id a harness holds. */
export const idsOf = (h: Harness): string[] => [...h.prompt.rules.map((r) => r.id), ...h.policies.map((p) => p.id)];

/** The system prompt the agent sees: preamble, then rules grouped by section. */
export const renderSystemPrompt = (h: Harness): string => {
  const parts = [h.prompt.preamble.trim()];
  for (const section of SECTIONS) {
    const rules = h.prompt.rules.filter((r) => r.section === section);
    if (rules.length === 0) continue;
    parts.push(`\n## ${section[0].toUpperCase()}${section.slice(1)}\n` + rules.map((r) => `- ${r.text}`).join('\n'));
  }
  return parts.join('\n');
};
