import { renderSystemPrompt, type Harness } from '../domain/harness.js';
import { describeEdit } from '../domain/edits.js';
import type { BlameLine, HarnessDiff, LogEntry, WhyAnswer } from '../domain/audit.js';
import type { BranchState } from '../domain/fold.js';
import type { ValidationRecord } from '../domain/events.js';

/** Text renderings of harnesses and audit answers: what a person reads at the terminal. */
const short = (hash: string) => hash.slice(0, 12);

export const renderHarness = (h: Harness): string => {
  const lines: string[] = ['System prompt:', ...renderSystemPrompt(h).split('\n').map((l) => '  ' + l), ''];
  lines.push('Rules:');
  for (const r of h.prompt.rules) lines.push(`  ${r.id.padEnd(5)} [${r.section}] ${r.text}`);
  lines.push('', 'Policies:');
  if (h.policies.length === 0) lines.push('  (none)');
  for (const p of h.policies) lines.push(`  ${p.id.padEnd(5)} ${p.kind} ${JSON.stringify(p.params)}`);
  lines.push('', 'Tools:');
  for (const [name, opts] of Object.entries(h.tools)) {
    const o = opts as Record<string, unknown>;
    const rest = Object.entries(o)
      .filter(([k]) => k !== 'enabled')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(`  ${name.padEnd(11)} ${o.enabled ? 'on ' : 'off'} ${rest}`.trimEnd());
  }
  lines.push('', 'Limits:', `  maxSteps=${h.limits.maxSteps} wallSeconds=${h.limits.wallSeconds}`);
  return lines.join('\n');
};

export const renderShow = (s: BranchState, version: number): string =>
  [
    `branch ${s.branch}, version ${version}${s.parent ? ` (forked from ${s.parent.branch}@${s.parent.version})` : ''}`,
    `model ${s.model.id}${s.model.baseUrl ? ` at ${s.model.baseUrl}` : ''}`,
    `harness ${s.harnessHash}`,
    '',
    renderHarness(s.harness),
  ].join('\n');

export const renderLog = (branch: string, entries: readonly LogEntry[]): string => {
  const out: string[] = [];
  for (const e of entries) {
    const inherited = e.branch !== branch ? ` (inherited from ${e.branch})` : '';
    const tags = e.tags.length ? ` [tag: ${e.tags.join(', ')}]` : '';
    out.push(`version ${e.version}${inherited}${tags}  harness ${short(e.harnessHash)}`);
    out.push(`  ${e.at}  ${e.actor}`);
    if (e.init) out.push(`  initialized with model ${e.init.model}`);
    for (const m of e.merged) {
      out.push(`  ${m.proposalId}: ${m.edit}`);
      if (m.rationale) out.push(`      why: ${m.rationale}`);
      out.push(`      ${m.source}; ${m.validation}`);
    }
    for (const r of e.reverted) out.push(`  revert ${r.proposalId}: ${r.edit}`, `      why: ${r.reason}`);
    if (e.fork) out.push(`  branch ${e.fork.branch} forked here (model ${e.fork.model})`);
    out.push('');
  }
  return out.join('\n').trimEnd();
};

export const renderBlame = (lines: readonly BlameLine[]): string => {
  const w = (f: (l: BlameLine) => string) => Math.max(...lines.map((l) => f(l).length));
  const cols: ((l: BlameLine) => string)[] = [(l) => l.id, (l) => `v${l.version}`, (l) => l.branch, (l) => l.proposalId ?? 'initial', (l) => l.change, (l) => l.actor];
  const widths = cols.map(w);
  return lines.map((l) => [...cols.map((c, i) => c(l).padEnd(widths[i])), l.summary].join('  ')).join('\n');
};

const validationLines = (v: ValidationRecord, indent: string): string[] => {
  if (v.kind === 'human') return [`${indent}validation: human edit (a person's decision; no regression tests)`];
  const out = [`${indent}validation: regression gate, ${v.attemptsPerTask} attempts per task, verdict ${v.verdict}`];
  out.push(`${indent}  split  baseline  candidate  attempts`);
  for (const s of v.splits)
    out.push(`${indent}  ${s.split.padEnd(6)} ${String(s.baseline).padEnd(9)} ${String(s.candidate).padEnd(10)} ${s.attempts}`);
  const moved = v.tasks.filter((t) => t.baseline !== t.candidate);
  if (moved.length) {
    out.push(`${indent}  tasks that changed:`);
    for (const t of moved) out.push(`${indent}    ${t.taskId} (${t.split}): ${t.baseline}/${t.attempts} -> ${t.candidate}/${t.attempts}`);
  }
  for (const r of v.reasons) out.push(`${indent}  ${r}`);
  if (v.predictionHits) {
    const p = v.predictionHits;
    const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'none');
    out.push(`${indent}  predictions: fixes hit ${list(p.fixesHit)}; fixes missed ${list(p.fixesMissed)}`);
    out.push(`${indent}               risks hit ${list(p.risksHit)}; risks avoided ${list(p.risksAvoided)}`);
  }
  return out;
};

export const renderWhy = (w: WhyAnswer): string => {
  const cur = w.current;
  const head =
    cur === null
      ? `${w.id} (${w.kind}): not in ${w.branch}@${w.version} any more`
      : 'text' in cur
        ? `${w.id} (rule, ${cur.section}): "${cur.text}"`
        : 'kind' in cur
          ? `${w.id} (policy ${cur.kind}): ${JSON.stringify(cur.params)}`
          : `${w.id} (${w.kind}) = ${JSON.stringify(cur.value)}`;
  const out = [head];
  for (const c of w.changes) {
    out.push('');
    out.push(`${c.change.change} in ${c.change.branch} version ${c.change.version}, ${c.change.at}, by ${c.change.actor}`);
    if (!c.change.proposalId) {
      out.push('  part of the initial harness (tack init)');
      continue;
    }
    const p = c.proposal;
    if (p) {
      out.push(`  proposal ${p.proposalId} (${p.source}, by ${p.actor}, ${p.at}): ${describeEdit(p.edit)}`);
      out.push(`    why: ${p.rationale}`);
      if (p.origin) out.push(`    cherry-picked from ${p.origin.branch} proposal ${p.origin.proposalId}`);
      if (p.expectedEffect) out.push(`    expected effect: ${p.expectedEffect}`);
      if (p.regressionRisk) out.push(`    regression risk: ${p.regressionRisk}`);
      if (p.prediction) out.push(`    predicted fixes: ${p.prediction.fixes.join(', ') || 'none'}; at risk: ${p.prediction.risks.join(', ') || 'none'}`);
    }
    if (c.revert) out.push(`  reverted by ${c.revert.actor}: ${c.revert.reason}`);
    if (c.decision) out.push(...validationLines(c.decision.validation, '  '));
    if (c.commit) out.push(`  committed as version ${c.commit.version}, harness ${short(c.commit.harnessHash)}`);
    for (const wl of c.weaknesses) {
      const wk = wl.weakness;
      if (!wk) {
        out.push(`  weakness ${wl.weaknessId} (not in this lineage)`);
        continue;
      }
      const sig = wk.signature;
      out.push(`  weakness ${wl.weaknessId}: ${sig.verifierCause} / ${sig.causalStatus} / ${sig.mechanism} (support ${wk.support})`);
      out.push(`    ${wk.description}`);
      for (const t of wl.traces) {
        const tr = t.trace;
        out.push(
          tr
            ? `    trace ${t.traceId}: task ${tr.taskId} (${tr.split}, attempt ${tr.attempt}) ${tr.outcome.passed ? 'passed' : 'failed'}, reward ${tr.outcome.reward}, ${tr.outcome.exitReason}`
            : `    trace ${t.traceId}`,
        );
        for (const ev of t.evidence) out.push(`      step ${ev.step}: ${ev.excerpt.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
    }
  }
  return out.join('\n');
};

const jsonish = (v: unknown) => JSON.stringify(v);

export const renderDiff = (a: string, b: string, d: HarnessDiff): string => {
  const out = [`--- ${a}`, `+++ ${b}`];
  if (d.preamble) out.push('preamble:', `- ${d.preamble.before}`, `+ ${d.preamble.after}`);
  const rules = d.rules;
  if (rules.added.length + rules.removed.length + rules.changed.length) {
    out.push('rules:');
    for (const r of rules.removed) out.push(`- ${r.id} [${r.section}] ${r.text}`);
    for (const r of rules.added) out.push(`+ ${r.id} [${r.section}] ${r.text}`);
    for (const c of rules.changed) out.push(`- ${c.before.id} [${c.before.section}] ${c.before.text}`, `+ ${c.after.id} [${c.after.section}] ${c.after.text}`);
  }
  const pol = d.policies;
  if (pol.added.length + pol.removed.length + pol.changed.length) {
    out.push('policies:');
    for (const p of pol.removed) out.push(`- ${p.id} ${p.kind} ${jsonish(p.params)}`);
    for (const p of pol.added) out.push(`+ ${p.id} ${p.kind} ${jsonish(p.params)}`);
    for (const c of pol.changed) out.push(`- ${c.before.id} ${c.before.kind} ${jsonish(c.before.params)}`, `+ ${c.after.id} ${c.after.kind} ${jsonish(c.after.params)}`);
  }
  if (d.tools.length) out.push('tools:', ...d.tools.flatMap((t) => [`- ${t.key} = ${jsonish(t.before)}`, `+ ${t.key} = ${jsonish(t.after)}`]));
  if (d.limits.length) out.push('limits:', ...d.limits.flatMap((t) => [`- ${t.key} = ${jsonish(t.before)}`, `+ ${t.key} = ${jsonish(t.after)}`]));
  if (out.length === 2) out.push('(no differences)');
  return out.join('\n');
};
