/** summary.md: the tables a person reads, and a plain statement of which differences vs CE are significant. */
import { MIN_SEEDS_TO_TEST, type Described } from '../stats/index.ts';
import { ALPHA, COMPARED_METRICS, type SummaryJson, type SummaryRow, type VsCe } from './summary.ts';
import { DEFAULT_DATASET } from '../data/index.ts';

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

function p(x: number): string {
  return x < 0.001 ? x.toExponential(1) : x.toFixed(3);
}

function pText(v: VsCe): string {
  if (v.pValue === null) return '';
  return `p = ${p(v.pValue)}${v.pAdjusted === null ? '' : `, Holm-adjusted p = ${p(v.pAdjusted)}`}, `;
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
      (v.tooFewSeeds || v.pValue === null ? untested : v.significant ? sig : not).push(line);
    }
  }
  const m = sig.length + not.length;
  const out = [m
    ? `Paired over the same seeds, two-sided paired t-test; Holm's correction across the ${m} tested comparison${m === 1 ? '' : 's'} of this table, at α = ${ALPHA}.`
    : `Paired over the same seeds, two-sided paired t-test at α = ${ALPHA}: no comparison here has enough paired seeds to test.`, ''];
  if (m) {
    out.push(sig.length ? `**Significant at ${ALPHA} after Holm's correction:**` : `**No difference vs CE is significant at ${ALPHA} after Holm's correction.**`);
    for (const l of sig) out.push(`- ${l}`);
  }
  if (not.length) {
    out.push('', `**Not significant at ${ALPHA} after Holm's correction:**`);
    for (const l of not) out.push(`- ${l}`);
  }
  if (untested.length) {
    out.push('', `**Too few seeds to test (fewer than ${MIN_SEEDS_TO_TEST} paired seeds; no significance claimed):**`);
    for (const l of untested) out.push(`- ${l}`);
  }
  return out;
}

export function renderSummaryMd(s: SummaryJson): string {
  const out = [`# Study ${s.study}: summary`, '', `Final-epoch metrics across seeds: mean ± sample std [Student-t 95% CI]. Sources: ${s.sources.map((x) => (x === '.' ? 'this folder' : x)).join(', ')}.`, ''];
  for (const g of s.groups) {
    out.push(`## ${g.dataset && g.dataset !== DEFAULT_DATASET ? `${g.dataset}, ` : ''}${g.data} data, ${g.arch}`, '');
    out.push(`| loss | n | ${TABLE.map((m) => NAMES[m]).join(' | ')} | notes |`);
    out.push(`|---|---|${TABLE.map(() => '---').join('|')}|---|`);
    for (const r of g.rows) out.push(`| ${r.label} | ${r.n} | ${TABLE.map((m) => cell(r.final[m])).join(' | ')} | ${statusNote(r)} |`);
    out.push('');
    if (g.rows.some((r) => r.vsCE)) out.push(...significance(g.rows), '');
    else if (!g.rows.some((r) => r.loss === 'ce')) out.push('No CE runs in this group: no paired differences.', '');
    const recalls = g.rows.filter((r) => r.perClassRecall);
    const names = g.classNames ?? s.classNames;
    if (g.data !== 'clean' && recalls.length) {
      out.push('Per-class recall (mean over seeds):', '', `| loss | ${names.join(' | ')} |`, `|---|${names.map(() => '---').join('|')}|`);
      for (const r of recalls) out.push(`| ${r.label} | ${r.perClassRecall!.map((x) => fmt(x, 3)).join(' | ')} |`);
      out.push('');
    }
  }
  return out.join('\n');
}
