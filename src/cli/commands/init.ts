import { readFileSync } from 'node:fs';
import * as t from 'io-ts';
import { decodeWith } from '../../domain/decode.js';
import { Harness, minimalHarness, MINIMAL_RULE_COUNT } from '../../domain/harness.js';
import { initialize } from '../../domain/decide.js';
import { appendDecision, checkBranchName, decided, listBranches, mintIds } from '../../app/history.js';
import { TackError } from '../../app/errors.js';
import { modelFromArgs, modelOptions, type ModelArgs } from '../model-options.js';
import { commandContext, printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

/**
 * A harness file is a Harness whose rules and policies may omit ids: every id is minted by the
 * store so no two branches ever share one.
 */
const HarnessFile = t.type({
  prompt: t.type({ preamble: t.unknown, rules: t.array(t.record(t.string, t.unknown)) }),
  policies: t.array(t.record(t.string, t.unknown)),
});

const readHarnessFile = (path: string): { build: (ruleIds: string[], policyIds: string[]) => Harness; rules: number; policies: number } => {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TackError(`harness file ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  const shape = decodeWith(HarnessFile, raw);
  if (shape._tag === 'Left') throw new TackError(`harness file ${path}: ${shape.left}`);
  const h = shape.right;
  const build = (ruleIds: string[], policyIds: string[]) =>
    ({
      ...(raw as object),
      prompt: { ...h.prompt, rules: h.prompt.rules.map((r, i) => ({ ...r, id: ruleIds[i] })) },
      policies: h.policies.map((p, i) => ({ ...p, id: policyIds[i] })),
    }) as unknown as Harness;
  // Check everything with placeholder ids before anything is written.
  const probe = build(
    h.prompt.rules.map((_, i) => `R${i + 1}`),
    h.policies.map((_, i) => `P${i + 1}`),
  );
  const full = decodeWith(Harness, probe);
  if (full._tag === 'Left') throw new TackError(`harness file ${path}: ${full.left}`);
  return { build, rules: h.prompt.rules.length, policies: h.policies.length };
};

interface InitArgs extends GlobalArgs, ModelArgs {
  branch: string;
  harness?: string;
}

export const initCommand: Command = () => ({
  command: 'init',
  describe: 'start a harness history: branch main (or --branch) at version 1',
  builder: (y) =>
    modelOptions(y)
      .option('branch', { type: 'string', default: 'main', describe: 'name of the first branch' })
      .option('harness', { type: 'string', describe: 'starting harness JSON file (default: the built-in minimal harness)' })
      .option('json', { type: 'boolean', default: false })
      .demandOption('model'),
  handler: async (a) => {
    const args = a as unknown as InitArgs;
    checkBranchName(args.branch);
    const model = modelFromArgs(args);
    const file = args.harness ? readHarnessFile(args.harness) : null;
    await withStore(
      args,
      async (store) => {
        if ((await listBranches(store.events)).includes(args.branch))
          throw new TackError(`branch ${args.branch} already exists in ${store.events.location}`);
        const ctx = commandContext();
        const ruleIds = await mintIds(store.events, 'rule', file ? Math.max(file.rules, 1) : MINIMAL_RULE_COUNT, ctx);
        const policyIds = file && file.policies > 0 ? await mintIds(store.events, 'policy', file.policies, ctx) : [];
        const harness = file ? file.build(ruleIds, policyIds) : minimalHarness(ruleIds);
        const [ev] = await appendDecision(store, args.branch, 'no_stream', decided(initialize(args.branch, model, harness)), ctx);
        if (ev.type !== 'HarnessInitialized') throw new TackError('internal: init wrote an unexpected event');
        if (args.json) printJson(stdio, { branch: args.branch, version: 1, harnessHash: ev.data.harnessHash, store: store.events.location });
        else stdio.out(`initialized ${args.branch} at version 1 (model ${model.id}) in ${store.events.location}\nharness ${ev.data.harnessHash}`);
      },
      { create: true },
    );
  },
});
