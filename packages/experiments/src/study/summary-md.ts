/** summary.md: the tables a person reads, and a plain statement of which differences vs CE are significant. */
import type { Described } from '../stats/index.ts';
import { ALPHA, COMPARED_METRICS, type SummaryJson, type SummaryRow, type VsCe } from './summary.ts';

const NAMES: Record<string, string> = {
  test_acc: 'test accuracy', f1: 'macro-F1', test_nll: 'test NLL', ece: 'ECE', test_loss: 'test loss (own criterion)', train_loss: 'train loss', train_acc: 'train accuracy',
};
const TABLE = ['test_acc', 'f1', 'test_nll', 'ece', 'test_loss'] as const;

function fmt(x: number, digits = 4): string {
  return x.toFixed(digits);
}

function cell(d: Described | undefined): string {
  if (!d) return '—';
  const sd = d.std === null ? '' : ` ± ${fmt(d.std)}`;
  const ci = d.ci95 ? ` [${fmt(d.ci95[0])}, ${fmt(d.ci95[1])}]` : '';
  return `${fmt(d.mean)}${sd}${ci}`;
}

function pText(v: VsCe): string {
  return v.pValue === null ? '' : `p = ${v.pValue < 0.001 ? v.pValue.toExponential(1) : v.pValue.toFixed(3)}, `;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x))}`;
}

function statusNote(r: SummaryRow): string {
  const parts: string[] = [];
  if (r.diverged.length) parts.push(`diverged: ${r.diverged.map((d) => `seed ${d.seed} at epoch ${d.epoch}`).join(', ')}`);
  if (r.failed.length) parts.push(`failed: seeds ${r.failed.join(', ')}`);
  if (r.unfinished.length) parts.push(`unfinished: seeds ${r.unfinished.join(', ')}`);
  if (r.damaged.length) parts.push(`left out: ${r.damaged.map((d) => `seed ${d.seed} (${d.why})`).join(', ')}`);
  return parts.join('; ');
}

function significance(rows: SummaryRow[]): string[] {
  const sig: string[] = [];
  const not: string[] = [];
  const untested: string[] = [];
  for (const r of rows) {
    for (const m of COMPARED_METRICS) {
      const v = r.vsCE?.[m];
      if (!v) continue;
      const line = `${r.label} − CE, ${NAMES[m]}: ${signed(v.meanDiff)} (${pText(v)}n = ${v.n}${v.bootstrapCi95 ? `, bootstrap 95% CI [${fmt(v.bootstrapCi95[0])}, ${fmt(v.bootstrapCi95[1])}]` : ''})`;
      (v.pValue === null ? untested : v.significant ? sig : not).push(line);
    }
  }
  const out = [`Paired over the same seeds, two-sided paired t-test at α = ${ALPHA}.`, ''];
  out.push(sig.length ? `**Significant at ${ALPHA}:**` : `**No difference vs CE is significant at ${ALPHA}.**`);
  for (const l of sig) out.push(`- ${l}`);
  if (not.length) {
    out.push('', `**Not significant at ${ALPHA}:**`);
    for (const l of not) out.push(`- ${l}`);
  }
  if (untested.length) {
    out.push('', '**Not testable (one paired seed, no p-value):**');
    for (const l of untested) out.push(`- ${l}`);
  }
  return out;
}

export function renderSummaryMd(s: SummaryJson): string {
  const out = [`# Study ${s.study}: summary`, '', `Final-epoch metrics across seeds: mean ± sample std [Student-t 95% CI]. Sources: ${s.sources.map((x) => (x === '.' ? 'this folder' : x)).join(', ')}.`, ''];
  for (const g of s.groups) {
    out.push(`## ${g.data} data, ${g.arch}`, '');
    out.push(`| loss | n | ${TABLE.map((m) => NAMES[m]).join(' | ')} | notes |`);
    out.push(`|---|---|${TABLE.map(() => '---').join('|')}|---|`);
    for (const r of g.rows) out.push(`| ${r.label} | ${r.n} | ${TABLE.map((m) => cell(r.final[m])).join(' | ')} | ${statusNote(r)} |`);
    out.push('');
    if (g.rows.some((r) => r.vsCE)) out.push(...significance(g.rows), '');
    else if (!g.rows.some((r) => r.loss === 'ce')) out.push('No CE runs in this group: no paired differences.', '');
    const recalls = g.rows.filter((r) => r.perClassRecall);
    if (g.data !== 'clean' && recalls.length) {
      out.push('Per-class recall (mean over seeds):', '', `| loss | ${s.classNames.join(' | ')} |`, `|---|${s.classNames.map(() => '---').join('|')}|`);
      for (const r of recalls) out.push(`| ${r.label} | ${r.perClassRecall!.map((x) => fmt(x, 3)).join(' | ')} |`);
      out.push('');
    }
  }
  return out.join('\n');
}
