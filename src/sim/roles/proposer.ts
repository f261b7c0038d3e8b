import { canonicalJson } from '../../domain/canonical.js';
import { readConversation, type ChatMessage } from '../conversation.js';
import { draw, hashHex } from '../random.js';
import { dress, jsonIn, sectionsOf } from './prompt.js';

/**
 * The proposer answers with harness edits as JSON (shapes in src/sim/README.md). New rules and
 * policies carry no id: the loop mints them. After the first proposal (always an answer to the top
 * weakness), a share is useless or harmful, and a share of answers is malformed, so that validation
 * has real work to do.
 */
export interface ProposerOptions {
  /** Share of proposals that are generic advice rules. */
  readonly useless: number;
  /** Share of proposals that hurt (a tiny tool-call budget that stops, a tiny step limit, a short shell timeout). */
  readonly harmful: number;
  /** Share of first answers that are not valid JSON (a repair round then gets valid JSON). */
  readonly malformed: number;
}

export const PROPOSER_DEFAULTS: ProposerOptions = { useless: 0.2, harmful: 0.15, malformed: 0.1 };

type Json = Record<string, unknown>;

interface Weakness {
  readonly weaknessId: string;
  readonly text: string;
  readonly mechanism: string;
  readonly taskIds: string[];
}

interface HarnessView {
  readonly policies: readonly { id?: string; kind?: string; params?: Json }[];
  readonly rules: readonly { text?: string }[];
  readonly maxSteps: number;
  readonly bashSession?: string;
}

interface Proposal {
  readonly weaknessId: string;
  readonly edit: Json;
  readonly rationale: string;
  readonly expectedEffect: string;
  readonly regressionRisk: string;
  readonly prediction: { fixes: string[]; risks: string[] };
}

type Category = 'repeat' | 'explore' | 'environment' | 'verify' | 'artifact';

const CATEGORIES: readonly [Category, RegExp][] = [
  ['repeat', /repeat|identical|duplicate|retry|retried|same command|loop/],
  ['environment', /environment|env var|variable|export|\bpath\b|cwd|working directory|shell state|persist/],
  ['explore', /explor|read.?only|probe|probing|step budget|max(imum)? steps|ran out of steps|paralysis/],
  ['verify', /verif(y|ied|ying|ication)|without (running )?(a |any )?check|premature|unchecked|finished without|failed check/],
  ['artifact', /missing[ _](required[ _])?(artifact|output|file)|not created|delet|destructive/],
];

const categoryOf = (w: Weakness): Category | undefined => {
  for (const text of [w.mechanism, w.text]) {
    const hit = CATEGORIES.find(([, re]) => re.test(text.toLowerCase()));
    if (hit) return hit[0];
  }
  return undefined;
};

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const weaknessesOf = (v: unknown): Weakness[] =>
  (Array.isArray(v) ? v : []).flatMap((raw): Weakness[] => {
    if (!raw || typeof raw !== 'object') return [];
    const w = raw as Json;
    if (typeof w.weaknessId !== 'string') return [];
    const signature = (w.signature ?? {}) as Json;
    const evidence = Array.isArray(w.evidence) ? (w.evidence as Json[]) : [];
    return [
      {
        weaknessId: w.weaknessId,
        mechanism: String(signature.mechanism ?? ''),
        text: [signature.verifierCause, w.description, ...evidence.map((e) => e?.excerpt)].filter((x) => typeof x === 'string').join('\n'),
        taskIds: [...new Set([...strings(w.taskIds), ...evidence.map((e) => e?.taskId).filter((x): x is string => typeof x === 'string')])],
      },
    ];
  });

const harnessOf = (v: unknown): HarnessView => {
  const h = (v && typeof v === 'object' ? v : {}) as Json;
  const prompt = (h.prompt ?? {}) as Json;
  const limits = (h.limits ?? {}) as Json;
  const bash = ((h.tools ?? {}) as Json).bash as Json | undefined;
  return {
    policies: Array.isArray(h.policies) ? (h.policies as Json[]) : [],
    rules: Array.isArray(prompt.rules) ? (prompt.rules as Json[]) : [],
    maxSteps: typeof limits.maxSteps === 'number' ? limits.maxSteps : 40,
    bashSession: typeof bash?.session === 'string' ? bash.session : undefined,
  };
};

const setPolicy = (h: HarnessView, kind: string, params: Json, tighten: (current: Json) => Json | undefined): Json | undefined => {
  const existing = h.policies.find((p) => p.kind === kind);
  if (!existing) return { op: 'SetPolicy', policy: { kind, params } };
  const tightened = tighten(existing.params ?? {});
  return tightened && JSON.stringify(tightened) !== JSON.stringify(existing.params) ? { op: 'SetPolicy', policy: { id: existing.id, kind, params: tightened } } : undefined;
};

const addRule = (h: HarnessView, section: string, text: string): Json | undefined =>
  h.rules.some((r) => r.text === text) ? undefined : { op: 'AddRule', rule: { section, text } };

interface Option {
  readonly edit: Json | undefined;
  readonly rationale: string;
  readonly expectedEffect: string;
  readonly regressionRisk: string;
  readonly risky: boolean;
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);

/** Sensible edits for a weakness, best first. */
const optionsFor = (category: Category, h: HarnessView): Option[] => {
  switch (category) {
    case 'repeat':
      return [
        {
          edit: setPolicy(
            h,
            'DuplicateCommandGuard',
            { allowedRepeats: 1, message: 'You already ran this exact command and it failed. Running it again will fail the same way: read the error and try a different approach.' },
            (p) => ({ ...p, allowedRepeats: Math.max(0, num(p.allowedRepeats, 1) - 1) }),
          ),
          rationale: 'The failed traces run the same failing command again and again instead of changing approach.',
          expectedEffect: 'A repeated failing command is refused with a message, so the agent tries the real fix.',
          regressionRisk: 'Low: legitimate repeats (re-running a build after a fix) differ in the files, not the command, and one repeat stays allowed.',
          risky: false,
        },
        {
          edit: addRule(h, 'recovery', 'Never re-run a command that just failed with the same arguments; read the error and change the approach.'),
          rationale: 'The agent does not learn from a failed command and retries it unchanged.',
          expectedEffect: 'Some attempts change approach after the first failure.',
          regressionRisk: 'Low: a prompt rule only.',
          risky: false,
        },
        {
          edit: setPolicy(h, 'MissingArtifactRecovery', { message: 'A file you need is missing. Recreate it from the task instructions before going on.' }, () => undefined),
          rationale: 'After repeated failures the agent deletes files, leaving required outputs missing.',
          expectedEffect: 'A missing file error makes the agent recreate it instead of giving up.',
          regressionRisk: 'Low: it only speaks after a file-not-found error.',
          risky: false,
        },
      ];
    case 'explore':
      return [
        {
          edit: setPolicy(
            h,
            'ExplorationLimit',
            { maxReadOnlySteps: 8, message: 'You have spent many steps reading. Stop exploring and make the change the task asks for now.' },
            (p) => ({ ...p, maxReadOnlySteps: Math.max(2, Math.floor(num(p.maxReadOnlySteps, 8) * 0.6)) }),
          ),
          rationale: 'The failed traces are long read-only streaks that exhaust the step budget before any output exists.',
          expectedEffect: 'After a few read-only steps the agent is told to act, and creates the outputs in time.',
          regressionRisk: 'Medium: tasks that need a careful look first may be pushed to act early.',
          risky: true,
        },
        {
          edit: setPolicy(
            h,
            'ToolCallBudget',
            { maxCalls: Math.max(10, Math.floor(h.maxSteps / 2)), action: 'redirect', message: 'You have used many tool calls. Stop exploring and write the required outputs now.' },
            (p) => (p.action === 'redirect' ? { ...p, maxCalls: Math.max(10, Math.floor(num(p.maxCalls, 50) * 0.7)) } : undefined),
          ),
          rationale: 'The agent keeps exploring until the step limit; a redirect half-way gives it time to act.',
          expectedEffect: 'Half-way through the budget the agent is redirected to produce the outputs.',
          regressionRisk: 'Medium: long tasks get a redirect they do not need.',
          risky: true,
        },
        {
          edit: addRule(h, 'bootstrap', 'Explore for at most a few steps, then create the required output files early and refine them.'),
          rationale: 'Outputs are created late or never because exploration comes first.',
          expectedEffect: 'Some attempts start producing outputs sooner.',
          regressionRisk: 'Low: a prompt rule only.',
          risky: false,
        },
      ];
    case 'environment':
      return [
        {
          edit: setPolicy(h, 'EnvPersistence', { persist: ['exports', 'path', 'cwd'] }, (p) =>
            strings(p.persist).length < 3 ? { persist: ['exports', 'path', 'cwd'] } : undefined,
          ),
          rationale: 'The agent exports variables or changes directory in one call and relies on them in the next, but each call is a fresh shell.',
          expectedEffect: 'Exports, PATH and cwd carry over between calls, so split commands work.',
          regressionRisk: 'Low: state left by one command could surprise a later one.',
          risky: false,
        },
        {
          edit: h.bashSession === 'persistent' ? undefined : { op: 'SetToolOption', tool: 'bash', option: 'session', value: 'persistent' },
          rationale: 'Shell state is lost between calls.',
          expectedEffect: 'One shell session keeps all state across calls.',
          regressionRisk: 'Medium: a hung command or a stray background job affects every later call.',
          risky: true,
        },
        {
          edit: addRule(h, 'execution', 'Each shell call starts in a fresh shell: put cd, export and PATH changes in the same command as the commands that need them.'),
          rationale: 'The agent does not know that shell calls do not share state.',
          expectedEffect: 'Some attempts chain their environment into each command.',
          regressionRisk: 'Low: a prompt rule only.',
          risky: false,
        },
      ];
    case 'verify':
      return [
        {
          edit: setPolicy(
            h,
            'PreCompletionCheck',
            { maxRounds: 2, message: 'Before you finish: run a command that checks each required output against the task, and fix anything that fails.' },
            (p) => ({ ...p, maxRounds: Math.min(10, num(p.maxRounds, 2) + 1) }),
          ),
          rationale: 'The agent finishes right after writing its result, without running anything that checks it.',
          expectedEffect: 'At finish the agent is pushed back to verify, catches the wrong detail and fixes it.',
          regressionRisk: 'Low: costs a few steps per task.',
          risky: false,
        },
        {
          edit: addRule(h, 'verification', "Before calling finish, run the task's checks on your outputs and fix any failure."),
          rationale: 'Results are never verified before finishing.',
          expectedEffect: 'Some attempts verify and fix before finishing.',
          regressionRisk: 'Low: a prompt rule only.',
          risky: false,
        },
      ];
    case 'artifact':
      return [
        {
          edit: setPolicy(h, 'MissingArtifactRecovery', { message: 'A required file is missing. Recreate the missing artifact now, before anything else.' }, () => undefined),
          rationale: 'Required outputs are missing at the end of the failed traces.',
          expectedEffect: 'When a needed file is missing the agent recreates it.',
          regressionRisk: 'Low: it only speaks after a file-not-found error.',
          risky: false,
        },
        {
          edit: addRule(h, 'bootstrap', 'Create every required output file early, then improve it.'),
          rationale: 'Outputs are created late or never.',
          expectedEffect: 'Outputs exist even when an attempt runs long.',
          regressionRisk: 'Low: a prompt rule only.',
          risky: false,
        },
      ];
  }
};

const HARMFUL: readonly ((h: HarnessView) => Omit<Option, 'risky'>)[] = [
  (h) => ({
    edit: setPolicy(h, 'ToolCallBudget', { maxCalls: 5, action: 'stop', message: 'Tool-call budget reached; stopping.' }, (p) => ({ ...p, maxCalls: 5, action: 'stop' })),
    rationale: 'Bounding tool calls tightly stops runaway attempts early.',
    expectedEffect: 'Attempts stop before they can loop.',
    regressionRisk: 'Low.',
  }),
  () => ({
    edit: { op: 'SetLimit', limit: 'maxSteps', value: 8 },
    rationale: 'Fewer steps force the agent to be decisive.',
    expectedEffect: 'The agent acts sooner.',
    regressionRisk: 'Low.',
  }),
  () => ({
    edit: { op: 'SetToolOption', tool: 'bash', option: 'timeoutSec', value: 2 },
    rationale: 'Short shell timeouts cut stuck commands quickly.',
    expectedEffect: 'Less time is lost on slow commands.',
    regressionRisk: 'Low.',
  }),
];

const USELESS: readonly string[] = [
  'Think carefully before each step and be thorough.',
  'Keep your summaries concise and professional.',
  'Double-check the spelling of file names.',
];

/** An edit's identity for "already tried": ids the loop minted for new rules and policies do not count. */
const editKey = (edit: unknown): string => {
  if (!edit || typeof edit !== 'object') return canonicalJson(edit ?? null);
  const { rule, policy, ...rest } = edit as Json;
  const withoutId = (v: unknown) => {
    if (!v || typeof v !== 'object') return v;
    const { id: _id, ...fields } = v as Json;
    return fields;
  };
  return canonicalJson({ ...rest, ...(rule ? { rule: withoutId(rule) } : {}), ...(policy ? { policy: withoutId(policy) } : {}) });
};

/** The proposer's answer: JSON derived only from the weaknesses, harness and task lists in the prompt. */
export const proposerReply = (messages: readonly ChatMessage[], seed: number, options: ProposerOptions): string => {
  const conv = readConversation(messages);
  const prompt = conv.instruction;
  const sections = sectionsOf(prompt);
  const weaknesses = weaknessesOf(jsonIn(sections.get('weaknesses')));
  const harness = harnessOf(jsonIn(sections.get('harness')));
  const protectedTasks = strings(jsonIn(sections.get('protected tasks')));
  const rejectedSection = jsonIn(sections.get('rejected proposals'));
  const rejected = (Array.isArray(rejectedSection) ? (rejectedSection as Json[]) : []).map((r) => editKey(r?.edit));
  const limit = Number(/\b(\d+)\b/.exec(sections.get('limits') ?? '')?.[1] ?? 4);
  // Draws follow what the answer is built from, not the evidence excerpts: those quote command
  // outputs, whose bytes change from run to run (a compiler's temporary file names).
  const key = hashHex(
    'proposer',
    canonicalJson({ weaknesses: weaknesses.map((w) => [w.weaknessId, w.mechanism, w.taskIds]), harness, protectedTasks, rejected, limit }),
  );
  const repair = conv.turns.length > 0;
  const malformed = !repair && draw(seed, key, 'malformed') < options.malformed;
  const recognised = weaknesses.filter((w) => categoryOf(w) !== undefined);
  if (recognised.length === 0)
    return dress(
      { decline: weaknesses.length ? 'The failures show no mechanism a harness edit could address; they look like capability limits.' : 'No weaknesses were given.' },
      seed,
      key,
      malformed,
      'Nothing here is actionable.',
    );

  const risksFrom = (risky: boolean, j: number): string[] =>
    risky && protectedTasks.length ? [...new Set([0, 1].map((k) => protectedTasks[Math.floor(draw(seed, key, 'risk', j, k) * protectedTasks.length)]))] : [];
  const used = new Map<string, number>();
  const seen = new Set<string>(rejected);
  const proposals: Proposal[] = [];
  for (let j = 0; j < limit * 2 && proposals.length < limit; j++) {
    const w = recognised[j % recognised.length];
    // The first proposal always answers the top weakness (a model leads with its best idea); the
    // useless and harmful shares apply to the rest.
    const r = j === 0 ? 1 : draw(seed, key, 'slot', j);
    let option: Option | undefined;
    if (r < options.harmful) option = { ...HARMFUL[Math.floor(draw(seed, key, 'harm', j) * HARMFUL.length)](harness), risky: false };
    else if (r < options.harmful + options.useless) {
      const text = USELESS[Math.floor(draw(seed, key, 'useless', j) * USELESS.length)];
      option = {
        edit: addRule(harness, 'general', text),
        rationale: 'More care would avoid these failures.',
        expectedEffect: 'The agent makes fewer mistakes.',
        regressionRisk: 'None.',
        risky: false,
      };
    } else {
      const options = optionsFor(categoryOf(w)!, harness);
      const index = used.get(w.weaknessId) ?? 0;
      used.set(w.weaknessId, index + 1);
      option = options[index];
    }
    if (!option?.edit || seen.has(editKey(option.edit))) continue;
    seen.add(editKey(option.edit));
    proposals.push({
      weaknessId: w.weaknessId,
      edit: option.edit,
      rationale: option.rationale,
      expectedEffect: option.expectedEffect,
      regressionRisk: option.regressionRisk,
      prediction: { fixes: w.taskIds.slice(0, 8), risks: risksFrom(option.risky, j) },
    });
  }
  if (proposals.length === 0) return dress({ decline: 'Every edit I would propose was already tried and rejected.' }, seed, key, malformed, 'All tried.');
  return dress({ proposals }, seed, key, malformed, 'Each weakness has a mechanism a policy can answer.');
};
