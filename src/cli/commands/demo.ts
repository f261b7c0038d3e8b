import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../package.js';
import { DEMO_DEFAULTS, DEMO_QUICK, PROBE_BRANCH, runDemo, type DemoResult } from '../../app/demo.js';
import { commandContext, printJson, stdio, type GlobalArgs } from '../context.js';
import { run } from '../main.js';
import type { Command } from './types.js';

interface DemoArgs extends GlobalArgs {
  dir?: string;
  quick: boolean;
  json: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const table = (r: DemoResult): string => {
  const head = ['branch', 'test before', 'test after', 'random after', '95% CI of gain', 'accepted', 'rejected', 'task runs', 'model calls', 'tokens'];
  const rows = r.branches.map((b) => [b.branch, pct(b.testBefore), pct(b.testAfter), pct(b.randomAfter), `[${(100 * b.ciLow).toFixed(1)}, ${(100 * b.ciHigh).toFixed(1)}] pts`, String(b.accepted), String(b.rejected), String(b.taskRuns), String(b.modelCalls), String(b.tokens)]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i])).join('  ');
  const s = r.settings;
  return [
    line(head),
    ...rows.map(line),
    '',
    `Settings: ${s.iterations} iteration(s) per branch, ${s.attempts} attempt(s) per opt/gate task, up to ${s.candidates} candidates, test split scored with ${s.testAttempts} attempts per task; ` +
      `${r.branches.reduce((a, b) => a + b.taskRuns, 0)} task runs in the evolutions.`,
    `Reproduction: tack replay --decisions re-derived every decision of ${r.replay.filter((x) => x.status === 'matched').length} of ${r.replay.length} branches exactly` +
      (r.replay.some((x) => x.status !== 'matched') ? ` (${r.replay.filter((x) => x.status !== 'matched').map((x) => `${x.branch}: ${x.status}`).join('; ')})` : '') +
      '.',
    `Harmful proposals rejected by the per-task guard: ${r.harmfulRejected.length}` +
      (r.harmfulRejected.length ? ` (e.g. ${r.harmfulRejected[0].proposalId} on ${r.harmfulRejected[0].branch}: ${r.harmfulRejected[0].reason.split(';').find((x) => /per-task guard/.test(x))?.trim()})` : '') +
      '.',
    `Gate check: a person's 5-call tool budget (${r.probe.proposalId}, committed on ${PROBE_BRANCH}) cherry-picked onto ${r.probe.onto} was ${r.probe.verdict === 'pass' ? 'accepted' : 'rejected'} on ${r.probe.onto}'s own runs` +
      (r.probe.verdict === 'fail' ? `: ${r.probe.reasons.find((x) => /per-task guard/.test(x)) ?? r.probe.reasons[0] ?? ''}` : '') +
      '.',
    'Simulated personas stand in for real models (sim:prober ~ MiniMax M2.5, sim:repeater ~ Qwen3.5-35B-A3B, sim:forgetful ~ GLM-5): these numbers are not Terminal-Bench results.',
  ].join('\n');
};

export const demoCommand: Command = () => ({
  command: 'demo',
  describe: "tack's whole job on simulated models: branch per persona, evolve, ablation, before/after table, one why",
  builder: (y) =>
    y
      .option('dir', { type: 'string', describe: 'folder for the demo store (default: a fresh temporary folder)' })
      .option('quick', { type: 'boolean', default: false, describe: 'a smaller setting' })
      .option('json', { type: 'boolean', default: false }),
  handler: async (a) => {
    const args = a as unknown as DemoArgs;
    const dir = args.dir ? resolve(args.dir) : mkdtempSync(join(tmpdir(), 'tack-demo-'));
    const suite = join(PACKAGE_ROOT, 'suites', 'core');
    const say = (l: string) => {
      if (!args.json) process.stderr.write(l + '\n');
    };
    say(`tack demo in ${dir} (file store, simulated models, built-in suite ${suite})`);
    const result = await runDemo(dir, suite, args.quick ? DEMO_QUICK : DEMO_DEFAULTS, commandContext('tack:demo'), say);
    if (args.json) {
      printJson(stdio, { dir: result.dir, settings: result.settings, branches: result.branches, replay: result.replay, harmfulRejected: result.harmfulRejected, probe: result.probe });
      return;
    }
    stdio.out(table(result));
    if (result.whyId && result.whyBranch) {
      stdio.out(`\n$ tack why ${result.whyId} --branch ${result.whyBranch}   (store: ${dir}/.tack)\n`);
      await run(['why', result.whyId, '--branch', result.whyBranch, '--store', join(dir, '.tack')]);
    }
  },
});
