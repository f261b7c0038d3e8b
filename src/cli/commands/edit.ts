import type { Argv } from 'yargs';
import * as t from 'io-ts';
import { decodeWith } from '../../domain/decode.js';
import { describeEdit, type Edit } from '../../domain/edits.js';
import { POLICY_DEFAULTS, POLICY_KINDS, PolicyParams, SECTIONS, TOOL_NAMES, type Policy, type PolicyKind } from '../../domain/harness.js';
import { humanEdit } from '../../domain/decide.js';
import type { BranchState } from '../../domain/fold.js';
import { appendDecision, checkBranchName, decided, loadBranch, mintIds } from '../../app/history.js';
import { TackError, UsageError } from '../../app/errors.js';
import { commandContext, printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

/**
 * `tack edit ...`: a person's edit, recorded as EditProposed + EditAccepted (validation `human`)
 * + VersionCommitted. Everything is checked before any id is minted, so a refused edit writes nothing.
 */
interface EditArgs extends GlobalArgs {
  branch: string;
  why: string;
  json: boolean;
  section?: string;
  text?: string;
  id?: string;
  kind?: string;
  params?: string;
  tool?: string;
  option?: string;
  value?: string;
  limit?: string;
}

type Mint = { rule: () => string; policy: () => string };
type BuildEdit = (s: BranchState, a: EditArgs, mint: Mint) => Edit;

const common = (y: Argv) =>
  y
    .option('branch', { type: 'string', default: 'main', describe: 'branch to edit' })
    .option('why', { type: 'string', demandOption: true, describe: 'the reason, kept in the history for `tack why`' })
    .option('json', { type: 'boolean', default: false });

const needText = (name: string, v: string | undefined): string => {
  if (v === undefined || !v.trim()) throw new UsageError(`--${name} must not be empty`);
  return v;
};

const section = (v: string | undefined) => {
  if (v === undefined) return undefined;
  if (!(SECTIONS as readonly string[]).includes(v)) throw new UsageError(`--section must be one of ${SECTIONS.join(', ')}, not "${v}"`);
  return v as (typeof SECTIONS)[number];
};

const parseParams = (kind: PolicyKind, json: string | undefined, base: object) => {
  let given: unknown = {};
  if (json !== undefined) {
    try {
      given = JSON.parse(json);
    } catch (e) {
      throw new UsageError(`--params is not JSON: ${(e as Error).message}`);
    }
    if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new UsageError('--params must be a JSON object');
  }
  const r = decodeWith(PolicyParams[kind] as t.Mixed, { ...base, ...(given as object) });
  if (r._tag === 'Left') throw new TackError(`${kind} params: ${r.left}`);
  return r.right;
};

const parseValue = (v: string | undefined): boolean | number | string => {
  if (v === undefined) throw new UsageError('--value is required');
  try {
    const j = JSON.parse(v);
    if (typeof j === 'boolean' || typeof j === 'number' || typeof j === 'string') return j;
  } catch {
    // a bare word is a string value
  }
  return v;
};

const runEdit = async (args: EditArgs, build: BuildEdit) => {
  checkBranchName(args.branch);
  if (!args.why.trim()) throw new UsageError('--why must not be empty');
  await withStore(args, async (store) => {
    const loaded = await loadBranch(store.events, args.branch);
    const s = loaded.state;
    // Check the edit with provisional ids first: nothing is written for a refused edit.
    const probe = build(s, args, { rule: () => 'R999999999', policy: () => 'P999999999' });
    decided(humanEdit(s, 'E999999999', probe, args.why));
    const ctx = commandContext();
    let ruleId: string | undefined;
    let policyId: string | undefined;
    const edit = build(s, args, {
      rule: () => (ruleId ??= 'pending'),
      policy: () => (policyId ??= 'pending'),
    });
    if (ruleId) ruleId = (await mintIds(store.events, 'rule', 1, ctx))[0];
    if (policyId) policyId = (await mintIds(store.events, 'policy', 1, ctx))[0];
    const final = ruleId || policyId ? build(s, args, { rule: () => ruleId!, policy: () => policyId! }) : edit;
    const [proposalId] = await mintIds(store.events, 'proposal', 1, ctx);
    await appendDecision(store, args.branch, loaded.ownHead, decided(humanEdit(s, proposalId, final, args.why)), ctx);
    const version = s.version + 1;
    if (args.json) printJson(stdio, { branch: args.branch, version, proposalId, edit: final });
    else stdio.out(`${args.branch} version ${version}: ${proposalId} ${describeEdit(final)}`);
  });
};

const sub = (command: string, describe: string, builder: (y: Argv) => Argv, build: BuildEdit) => ({
  command,
  describe,
  builder: (y: Argv) => builder(common(y)),
  handler: (a: unknown) => runEdit(a as EditArgs, build),
});

const findPolicyKind = (v: string | undefined): PolicyKind => {
  if (!v || !(POLICY_KINDS as string[]).includes(v)) throw new TackError(`unknown policy kind "${v ?? ''}": the catalog has ${POLICY_KINDS.join(', ')}`);
  return v as PolicyKind;
};

export const editCommand: Command = () => ({
  command: 'edit <change>',
  describe: "make a person's edit to a branch's harness (one new version)",
  builder: (y) =>
    y
      .command(
        sub(
          'add-rule',
          'add a prompt rule',
          (y) => y.option('section', { type: 'string', demandOption: true, choices: SECTIONS }).option('text', { type: 'string', demandOption: true }),
          (_s, a, mint) => ({ op: 'AddRule', rule: { id: mint.rule(), section: section(a.section)!, text: needText('text', a.text) } }),
        ),
      )
      .command(
        sub(
          'replace-rule',
          "replace a rule's text (and optionally its section)",
          (y) => y.option('id', { type: 'string', demandOption: true }).option('text', { type: 'string', demandOption: true }).option('section', { type: 'string', choices: SECTIONS }),
          (_s, a) => {
            const sec = section(a.section);
            return { op: 'ReplaceRule', id: a.id!, text: needText('text', a.text), ...(sec ? { section: sec } : {}) };
          },
        ),
      )
      .command(sub('remove-rule', 'remove a rule', (y) => y.option('id', { type: 'string', demandOption: true }), (_s, a) => ({ op: 'RemoveRule', id: a.id! })))
      .command(
        sub(
          'set-policy',
          'turn on (or retune) a runtime policy from the catalog',
          (y) =>
            y
              .option('kind', { type: 'string', demandOption: true, describe: POLICY_KINDS.join(' | ') })
              .option('params', { type: 'string', describe: 'JSON object of parameters (defaults fill the rest)' }),
          (s, a, mint) => {
            const kind = findPolicyKind(a.kind);
            const existing = s.harness.policies.find((p) => p.kind === kind);
            const params = parseParams(kind, a.params, existing ? existing.params : POLICY_DEFAULTS[kind]);
            return { op: 'SetPolicy', policy: { id: existing ? existing.id : mint.policy(), kind, params } as Policy };
          },
        ),
      )
      .command(sub('remove-policy', 'turn a policy off', (y) => y.option('id', { type: 'string', demandOption: true }), (_s, a) => ({ op: 'RemovePolicy', id: a.id! })))
      .command(
        sub(
          'set-tool',
          'set a tool option (e.g. --tool bash --option timeoutSec --value 60)',
          (y) => y.option('tool', { type: 'string', demandOption: true, choices: TOOL_NAMES }).option('option', { type: 'string', demandOption: true }).option('value', { type: 'string', demandOption: true }),
          (_s, a) => ({ op: 'SetToolOption', tool: a.tool as (typeof TOOL_NAMES)[number], option: a.option!, value: parseValue(a.value) }),
        ),
      )
      .command(
        sub(
          'set-limit',
          'set a limit (maxSteps or wallSeconds)',
          (y) => y.option('limit', { type: 'string', demandOption: true, choices: ['maxSteps', 'wallSeconds'] }).option('value', { type: 'string', demandOption: true }),
          (_s, a) => {
            const v = parseValue(a.value);
            if (typeof v !== 'number') throw new UsageError(`--value must be a number, not "${a.value}"`);
            return { op: 'SetLimit', limit: a.limit as 'maxSteps' | 'wallSeconds', value: v };
          },
        ),
      )
      .demandCommand(1, 'name the change: add-rule, replace-rule, remove-rule, set-policy, remove-policy, set-tool, set-limit'),
  handler: () => {},
});
