import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { loadSuite } from '../../tasks/index.js';
import { checkBranchName, listBranches } from '../../app/history.js';
import { UsageError } from '../../app/errors.js';
import { decodeWith } from '../../domain/decode.js';
import { CassetteFile } from '../../agent/cassette.js';
import { replayBranch, type BranchReplay } from '../../improve/replay.js';
import { branchStream } from '../../store/port.js';
import { commandContext, printJson, stdio, withStore, type GlobalArgs } from '../context.js';
import type { Command } from './types.js';

interface ReplayArgs extends GlobalArgs {
  decisions: boolean;
  execute: boolean;
  branch?: string[];
  suite: string;
  concurrency: number;
  cassette?: string[];
  unsafeNoSandbox: boolean;
  json: boolean;
}

const readOverride = (spec: string): [string, CassetteFile] => {
  const m = /^(t-[0-9a-f]{4,64})=(.+)$/.exec(spec);
  if (!m) throw new UsageError(`--cassette takes TRACE_ID=FILE (a file written by tack trace cassette), got "${spec}"`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(m[2]), 'utf8'));
  } catch (e) {
    throw new UsageError(`--cassette ${m[2]}: ${(e as Error).message.split('\n')[0]}`);
  }
  const file = decodeWith(CassetteFile, json);
  if (E.isLeft(file)) throw new UsageError(`--cassette ${m[2]}: not a cassette document: ${file.left}`);
  return [m[1], file.right];
};

const line = (r: BranchReplay): string => {
  const its = r.iterations.map((i) => `  iteration ${i.iteration}: ${i.status}, ${i.events} events${r.mode === 'execute' ? `, ${i.attemptsRun} attempts run again` : ''}${i.note ? ` (${i.note})` : ''}`);
  const head =
    r.status === 'matched'
      ? `${r.branch}: matches (${r.iterations.filter((i) => i.status === 'matched').length} iteration(s)${r.cherryPicks ? `, ${r.cherryPicks} cherry-pick(s)` : ''}, ${r.versions} version hash(es) re-derived)`
      : r.status === 'diverged'
        ? `${r.branch}: diverges in iteration ${r.divergence!.iteration}: ${r.divergence!.message}`
        : r.status === 'corrupt'
          ? `${r.branch}: cannot replay, the store is corrupt: ${r.corrupt}`
          : r.status === 'not-recorded'
            ? `${r.branch}: cannot replay: ${r.iterations[r.iterations.length - 1]?.note ?? 'not recorded'}`
            : `${r.branch}: nothing to replay (no evolve iteration)`;
  return [head, ...its].join('\n');
};

/** `tack replay --decisions | --execute`: reproduce a branch's evolution from its history and report the first difference. */
export const replayCommand: Command = (setExit) => ({
  command: 'replay',
  describe: 're-derive every evolve decision from the stored traces and recorded responses (--decisions), or re-run the attempts too (--execute); reports the first divergence',
  builder: (y) =>
    y
      .option('decisions', { type: 'boolean', default: false, describe: 're-derive clusters, proposals, gate decisions, merges and harness hashes without running anything' })
      .option('execute', { type: 'boolean', default: false, describe: 're-run every attempt in the sandbox with the recorded model responses, then the decisions' })
      .option('branch', { type: 'string', array: true, describe: 'branch to replay (repeatable; default: every branch that evolved)' })
      .option('suite', { type: 'string', default: 'suites/core', describe: 'the suite the iterations ran on (checked against their suite hash)' })
      .option('concurrency', { type: 'number', default: 4, describe: 'attempts at once (--execute)' })
      .option('cassette', { type: 'string', array: true, describe: 'TRACE_ID=FILE: replay that attempt with this cassette document instead (--execute; a what-if)' })
      .option('unsafe-no-sandbox', { type: 'boolean', default: false })
      .option('json', { type: 'boolean', default: false }),
  handler: async (a) => {
    const args = a as unknown as ReplayArgs;
    if (args.decisions === args.execute) throw new UsageError('choose one of --decisions or --execute');
    if (!(Number.isInteger(args.concurrency) && args.concurrency >= 1)) throw new UsageError('--concurrency must be a positive integer');
    if (args.cassette?.length && !args.execute) throw new UsageError('--cassette needs --execute (a decisions replay runs no attempt)');
    for (const b of args.branch ?? []) checkBranchName(b);
    const overrides = new Map((args.cassette ?? []).map(readOverride));
    const suite = loadSuite(resolve(args.suite));
    await withStore(args, async (store) => {
      const branches = [...(args.branch ?? [])];
      if (branches.length === 0) {
        for (const b of await listBranches(store.events))
          if ((await store.events.read(branchStream(b))).some((r) => r.event.type === 'IterationStarted')) branches.push(b);
      }
      const results: BranchReplay[] = [];
      for (const branch of branches) {
        const r = await replayBranch({
          store,
          branch,
          suite,
          mode: args.execute ? 'execute' : 'decisions',
          concurrency: args.concurrency,
          sandbox: { unsafeNoSandbox: args.unsafeNoSandbox },
          stampContext: commandContext('tack:replay'),
          ...(overrides.size ? { cassetteOverrides: overrides } : {}),
          ...(args.json || !process.stderr.isTTY ? {} : { progress: (l: string) => process.stderr.write(l + '\n') }),
        });
        results.push(r);
        if (!args.json) stdio.out(line(r));
      }
      if (args.json) printJson(stdio, { mode: args.execute ? 'execute' : 'decisions', branches: results });
      else if (results.length === 0) stdio.out('nothing to replay: no branch has an evolve iteration');
      if (results.some((r) => r.status !== 'matched' && r.status !== 'nothing to replay')) setExit(1);
    });
  },
});
