import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { intIn, NonEmptyText, PolicyId, RuleId, strict } from './codecs.js';
import { Harness, Limits, Policy, Rule, Section, TOOL_NAMES, Tools, type ToolName } from './harness.js';
import { formatDecodeError } from './decode.js';

const Position = intIn(0, 100_000);

export const AddRule = strict('AddRule', { op: t.literal('AddRule'), rule: Rule }, { position: Position });
export const ReplaceRule = strict('ReplaceRule', { op: t.literal('ReplaceRule'), id: RuleId, text: NonEmptyText }, { section: Section });
export const RemoveRule = strict('RemoveRule', { op: t.literal('RemoveRule'), id: RuleId });
export const SetPolicy = strict('SetPolicy', { op: t.literal('SetPolicy'), policy: Policy }, { position: Position });
export const RemovePolicy = strict('RemovePolicy', { op: t.literal('RemovePolicy'), id: PolicyId });
export const SetToolOption = strict('SetToolOption', {
  op: t.literal('SetToolOption'),
  tool: t.keyof({ bash: null, read_file: null, write_file: null, edit_file: null, list_dir: null }),
  option: t.string,
  value: t.union([t.boolean, t.number, t.string]),
});
export const SetLimit = strict('SetLimit', {
  op: t.literal('SetLimit'),
  limit: t.keyof({ maxSteps: null, wallSeconds: null }),
  value: t.number,
});

export const Edit = t.union([AddRule, ReplaceRule, RemoveRule, SetPolicy, RemovePolicy, SetToolOption, SetLimit], 'Edit');
export type Edit = t.TypeOf<typeof Edit>;
export type EditOp = Edit['op'];
export const EDIT_OPS: EditOp[] = ['AddRule', 'ReplaceRule', 'RemoveRule', 'SetPolicy', 'RemovePolicy', 'SetToolOption', 'SetLimit'];

export interface EditError {
  readonly code: 'unknown-id' | 'duplicate-id' | 'kind-mismatch' | 'duplicate-kind' | 'invalid-value' | 'unknown-option';
  readonly message: string;
}
const fail = (code: EditError['code'], message: string): E.Either<EditError, Harness> => E.left({ code, message });

const insertAt = <A>(xs: readonly A[], x: A, position: number | undefined): A[] => {
  const at = position === undefined ? xs.length : Math.min(position, xs.length);
  return [...xs.slice(0, at), x, ...xs.slice(at)];
};

/** Apply one typed edit. Pure and total: every failure is a Left naming what is wrong. */
export const applyEdit = (h: Harness, edit: Edit): E.Either<EditError, Harness> => {
  switch (edit.op) {
    case 'AddRule': {
      if (h.prompt.rules.some((r) => r.id === edit.rule.id)) return fail('duplicate-id', `rule ${edit.rule.id} already exists`);
      return E.right({ ...h, prompt: { ...h.prompt, rules: insertAt(h.prompt.rules, edit.rule, edit.position) } });
    }
    case 'ReplaceRule': {
      const i = h.prompt.rules.findIndex((r) => r.id === edit.id);
      if (i < 0) return fail('unknown-id', `no rule ${edit.id} in this harness`);
      const old = h.prompt.rules[i];
      const rules = h.prompt.rules.slice();
      rules[i] = { id: old.id, section: edit.section ?? old.section, text: edit.text };
      return E.right({ ...h, prompt: { ...h.prompt, rules } });
    }
    case 'RemoveRule': {
      if (!h.prompt.rules.some((r) => r.id === edit.id)) return fail('unknown-id', `no rule ${edit.id} in this harness`);
      return E.right({ ...h, prompt: { ...h.prompt, rules: h.prompt.rules.filter((r) => r.id !== edit.id) } });
    }
    case 'SetPolicy': {
      const i = h.policies.findIndex((p) => p.id === edit.policy.id);
      if (i >= 0) {
        if (h.policies[i].kind !== edit.policy.kind)
          return fail('kind-mismatch', `policy ${edit.policy.id} is a ${h.policies[i].kind}, not a ${edit.policy.kind}`);
        const policies = h.policies.slice();
        policies[i] = edit.policy;
        return E.right({ ...h, policies });
      }
      const same = h.policies.find((p) => p.kind === edit.policy.kind);
      if (same) return fail('duplicate-kind', `a ${edit.policy.kind} policy already exists as ${same.id}`);
      return E.right({ ...h, policies: insertAt(h.policies, edit.policy, edit.position) });
    }
    case 'RemovePolicy': {
      if (!h.policies.some((p) => p.id === edit.id)) return fail('unknown-id', `no policy ${edit.id} in this harness`);
      return E.right({ ...h, policies: h.policies.filter((p) => p.id !== edit.id) });
    }
    case 'SetToolOption': {
      if (!TOOL_NAMES.includes(edit.tool)) return fail('unknown-option', `no tool ${edit.tool}`);
      const current = h.tools[edit.tool] as Record<string, unknown>;
      if (!(edit.option in current))
        return fail('unknown-option', `tool ${edit.tool} has no option ${edit.option} (it has ${Object.keys(current).join(', ')})`);
      const tools = { ...h.tools, [edit.tool]: { ...current, [edit.option]: edit.value } };
      const checked = Tools.decode(tools);
      if (E.isLeft(checked)) return fail('invalid-value', `${edit.tool}.${edit.option}: ${formatDecodeError(checked.left)}`);
      return E.right({ ...h, tools: checked.right });
    }
    case 'SetLimit': {
      const limits = { ...h.limits, [edit.limit]: edit.value };
      const checked = Limits.decode(limits);
      if (E.isLeft(checked)) return fail('invalid-value', `limit ${edit.limit}: ${formatDecodeError(checked.left)}`);
      return E.right({ ...h, limits: checked.right });
    }
  }
};

/** Apply edits in order, stopping at the first that fails. */
export const applyEdits = (h: Harness, edits: readonly Edit[]): E.Either<EditError, Harness> => {
  let cur = h;
  for (const e of edits) {
    const r = applyEdit(cur, e);
    if (E.isLeft(r)) return r;
    cur = r.right;
  }
  return E.right(cur);
};

/** The harness element an edit touches: what blame and revert track. */
export const elementOf = (edit: Edit): string => {
  switch (edit.op) {
    case 'AddRule':
      return edit.rule.id;
    case 'ReplaceRule':
    case 'RemoveRule':
    case 'RemovePolicy':
      return edit.id;
    case 'SetPolicy':
      return edit.policy.id;
    case 'SetToolOption':
      return `tools.${edit.tool}.${edit.option}`;
    case 'SetLimit':
      return `limits.${edit.limit}`;
  }
};

/**
 * The edit that undoes `edit`, given the harness it was applied to. Reverting restores the touched
 * element exactly (same place, same text), so a revert of the last change gives the earlier hash back.
 */
export const inverseEdit = (before: Harness, edit: Edit): Edit => {
  const ruleAt = (id: string) => before.prompt.rules.findIndex((r) => r.id === id);
  const policyAt = (id: string) => before.policies.findIndex((p) => p.id === id);
  switch (edit.op) {
    case 'AddRule':
      return { op: 'RemoveRule', id: edit.rule.id };
    case 'ReplaceRule': {
      const old = before.prompt.rules[ruleAt(edit.id)];
      return { op: 'ReplaceRule', id: old.id, text: old.text, section: old.section };
    }
    case 'RemoveRule': {
      const i = ruleAt(edit.id);
      return { op: 'AddRule', rule: before.prompt.rules[i], position: i };
    }
    case 'SetPolicy': {
      const i = policyAt(edit.policy.id);
      return i < 0 ? { op: 'RemovePolicy', id: edit.policy.id } : { op: 'SetPolicy', policy: before.policies[i] };
    }
    case 'RemovePolicy': {
      const i = policyAt(edit.id);
      return { op: 'SetPolicy', policy: before.policies[i], position: i };
    }
    case 'SetToolOption':
      return { ...edit, value: (before.tools[edit.tool as ToolName] as Record<string, boolean | number | string>)[edit.option] };
    case 'SetLimit':
      return { ...edit, value: before.limits[edit.limit] };
  }
};

/** One line a person can read: what the edit does. */
export const describeEdit = (edit: Edit): string => {
  switch (edit.op) {
    case 'AddRule':
      return `add rule ${edit.rule.id} [${edit.rule.section}] "${edit.rule.text}"`;
    case 'ReplaceRule':
      return `replace rule ${edit.id}${edit.section ? ` [${edit.section}]` : ''} with "${edit.text}"`;
    case 'RemoveRule':
      return `remove rule ${edit.id}`;
    case 'SetPolicy':
      return `set policy ${edit.policy.id} ${edit.policy.kind} ${JSON.stringify(edit.policy.params)}`;
    case 'RemovePolicy':
      return `remove policy ${edit.id}`;
    case 'SetToolOption':
      return `set tool ${edit.tool}.${edit.option} = ${JSON.stringify(edit.value)}`;
    case 'SetLimit':
      return `set limit ${edit.limit} = ${edit.value}`;
  }
};
