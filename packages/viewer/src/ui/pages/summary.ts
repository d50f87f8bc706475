/**
 * Summary table per group (data variant × architecture, and comparison group): final metrics,
 * CIs, paired differences vs CE. From summary.json when the study wrote one; otherwise computed
 * from the runs, every seed at one common epoch, and labelled as such.
 */
import { toCsv } from '../../data/csv.ts';
import { groupRuns, gridTitle } from '../../data/group.ts';
import { comparedToCE, ECE_DEFINITION, metricInfo, SUMMARY_METRICS } from '../../format/metrics.ts';
import { ALPHA, MIN_SEEDS_TO_TEST } from '../../format/stats.ts';
import { bestLabels, CHANCE_FACTOR, diffDirection, sortRows, summaryFromRuns, summaryTable, type ProvisionalGroup, type SortKey } from '../../data/summary.ts';
import type { PairedDiff, SummaryGroup, SummaryRow } from '../../format/types.ts';
import { tableCard } from '../card.ts';
import { colorOf } from '../charts/palette.ts';
import { h, message } from '../dom.ts';
import { fmt, fmtP } from '../format.ts';
import type { PageContext } from '../context.ts';
import { keepFocus } from '../focus.ts';
import { selectionActive } from '../../data/runfilter.ts';
import { lossInfo, lossTitle } from '../../data/losses.ts';
import { comparisonControls } from './compare.ts';

/** How every cell reads, said once under the tables. */
const HOW = `Each cell: mean ± sample std over seeds, then the Student-t 95% CI of the mean. Δ vs CE: the paired difference (loss − CE) over shared seeds with its 95% bootstrap CI (10 000 resamples, as losslab summary; Student-t CI below ${MIN_SEEDS_TO_TEST} seeds; CIs are not adjusted for multiple comparisons, and a bootstrap over few seeds is narrow) and the paired t-test p (Holm's correction across the table; fewer than ${MIN_SEEDS_TO_TEST} seeds: not tested), green where significantly better, red where worse. ★ best: the best mean among losses above chance (test accuracy ≥ ${CHANCE_FACTOR} × 1/classes), only where it is significantly better than the runner-up (paired t-test, p < ${ALPHA}). ${ECE_DEFINITION}.`;

let sort: { key: SortKey; descending: boolean } = { key: { column: 'label' }, descending: false };

function headerCell(text: string, key: SortKey, title: string, redraw: () => void): HTMLElement {
  const active = JSON.stringify(sort.key) === JSON.stringify(key);
  const focusKey = `sort-${key.column === 'label' ? 'label' : key.metric}`;
  return h('th', { scope: 'col', class: 'sortable', 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none' },
    h('button', { type: 'button', class: 'sort', title, 'data-focus-key': focusKey, 'data-metric-key': key.column === 'metric' ? key.metric : 'label',
      onclick: () => {
        sort = { key, descending: active ? !sort.descending : key.column === 'metric' && metricInfo(key.metric).better === 'max' };
        redraw();
      } }, text, h('span', { 'aria-hidden': 'true' }, active ? (sort.descending ? ' ▼' : ' ▲') : '')));
}

const signed = (v: number | null | undefined) => `${(v ?? 0) >= 0 ? '+' : '−'}${fmt(Math.abs(v ?? 0))}`;
const interval = (ci: [number, number] | null | undefined) => (ci ? `[${fmt(ci[0])}, ${fmt(ci[1])}]` : '');

/** Δ vs CE with its 95% CI (the CLI's bootstrap; Student-t where a summary has no bootstrap), and the test. */
function diffLines(m: string, d: PairedDiff): { delta: string; ci: string; test: string; cls: string } {
  const dir = diffDirection(m, d);
  const sig = d.significant && dir !== 'none';
  // Below MIN_SEEDS_TO_TEST a percentile bootstrap has a handful of distinct resamples (too narrow): the t-CI instead.
  const ci = d.bootstrapCi95 && d.n >= MIN_SEEDS_TO_TEST ? `95% CI ${interval(d.bootstrapCi95)}` : d.ci95 ? `95% t-CI ${interval(d.ci95)}` : '';
  const delta = `Δ vs CE ${signed(d.meanDiff)}`;
  if (d.pValue === null || d.n < 2) return { delta, ci, test: `${d.n} shared seed${d.n === 1 ? '' : 's'}: no test`, cls: 'diff' };
  if (d.tooFewSeeds) return { delta, ci, test: `p ${fmtP(d.pValue)}; ${d.n} seeds: not tested`, cls: 'diff' };
  const holm = d.pAdjusted === undefined || d.pAdjusted === null ? '' : `, Holm ${fmtP(d.pAdjusted)}`;
  return { delta, ci, test: `p ${fmtP(d.pValue)}${holm}${sig ? ` — ${dir}` : ''}`, cls: `diff${sig ? ` significant ${dir}` : ''}` };
}

function metricCell(r: SummaryRow, m: string, best: Set<string>): HTMLElement {
  const s = r.final[m];
  if (!s) return h('td', {}, '–');
  // No Δ where summary.json has none, nor ever on a loss's own criterion (different scales).
  const d = comparedToCE(m) ? r.vsCE?.[m] : undefined;
  const isBest = best.has(r.label);
  const one = s.std === null || s.values?.length === 1;
  const diff = d ? diffLines(m, d) : null;
  return h('td', { class: isBest ? 'best' : '', 'data-metric': m, 'data-mean': String(s.mean), 'data-std': String(s.std) },
    h('div', { class: 'main' }, isBest ? h('span', { 'aria-label': 'best: ' }, '★ ') : '', one ? `${fmt(s.mean)} (1 seed)` : `${fmt(s.mean)} ± ${fmt(s.std)}`),
    s.ci95 ? h('div', { class: 'sub' }, `CI ${interval(s.ci95)}`) : null,
    d && diff ? h('div', { class: `sub ${diff.cls}`, 'data-diff': String(d.meanDiff), 'data-p': String(d.pValue),
      'data-ci': diff.ci },
    h('div', {}, diff.delta), diff.ci ? h('div', { class: 'ci' }, diff.ci) : null, h('div', {}, diff.test)) : null);
}

function groupTable(ctx: PageContext, g: SummaryGroup, metrics: string[], redraw: () => void): HTMLElement {
  const best = new Map(metrics.map((m) => [m, bestLabels(g.rows, m, ctx.data.study.classNames.length || 10)]));
  const rows = sortRows(g.rows, sort.key, sort.descending);
  const info = (m: string) => metricInfo(m);
  return h('table', { class: 'data summary', 'data-testid': `summary-${g.data}-${g.arch}` },
    h('caption', { class: 'visually-hidden' }, `Summary ${gridTitle(g)}: mean ± std over seeds per loss; sort with the column buttons`),
    h('thead', {}, h('tr', {}, headerCell('loss', { column: 'label' }, 'sort by loss', redraw), h('th', { scope: 'col', title: 'seeds' }, 'n'),
      metrics.map((m) => headerCell(info(m).short, { column: 'metric', metric: m },
        `${info(m).title}${info(m).better ? ` (${info(m).better === 'max' ? 'higher' : 'lower'} is better)` : ' — each loss\'s own criterion: not comparable across losses'}; sort`, redraw)))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-label': r.label },
      h('th', { scope: 'row', title: lossTitle(lossInfo(ctx.data, r.label)) }, h('span', { class: 'swatch', style: `background:${colorOf(r.label)}` }), r.label,
        r.diverged?.length ? h('div', { class: 'sub' }, `diverged: ${r.diverged.map((x) => `seed ${x.seed}${x.epoch === null ? '' : ` (epoch ${x.epoch})`}`).join(', ')}`) : null,
        r.failed?.length ? h('div', { class: 'sub' }, `${r.failed.length} failed`) : null,
        r.unfinished?.length ? h('div', { class: 'sub' }, `${r.unfinished.length} unfinished`) : null),
      h('td', {}, String(r.n)),
      metrics.map((m) => metricCell(r, m, best.get(m)!))))));
}

/** What the table is computed from, in words. */
function sourceNote(ctx: PageContext, groups: (SummaryGroup | ProvisionalGroup)[]): HTMLElement {
  const { data } = ctx;
  if (data.summary) {
    return h('p', { class: 'note', 'data-testid': 'summary-source' }, `From summary.json: final epoch of each run. ${HOW}`);
  }
  const epochs = [...new Set((groups as ProvisionalGroup[]).map((g) => g.epoch))];
  const ahead = (groups as ProvisionalGroup[]).reduce((a, g) => a + g.ahead, 0);
  const tests = HOW;
  const at = `every seed at epoch ${epochs.join(' / ')}${ahead ? ` (the latest all runs have reached; ${ahead} run${ahead > 1 ? 's' : ''} further along ${ahead > 1 ? 'are' : 'is'} shown at that epoch too)` : ''}`;
  if (data.study.status === 'running') {
    return message('info', 'Provisional: the study is still running.', ` summary.json is written when it ends; this table compares ${at}. ${tests}`);
  }
  if (selectionActive(ctx.options.runs)) {
    return message('info', `Computed from the ${data.runs.length} runs shown`, ` (the runs table's filter and hidden runs apply): ${at}. ${tests}`);
  }
  if (ctx.comparison) {
    return message('info', `Computed from ${ctx.comparison.studies.length} folders`, ` (as \`losslab summary\` merges them): ${at}. ${tests}`);
  }
  return message('warning', 'summary.json is missing.', ` The study has ended (${data.study.status}) but has no summary.json (run \`losslab summary ${data.path || '.'}\` to write it); this table is computed here from ${at}. ${tests}`);
}

export function summaryPage(ctx: PageContext): HTMLElement {
  const { data } = ctx;
  const metrics = data.summary?.metrics.length ? data.summary.metrics : [...SUMMARY_METRICS];
  const groups: (SummaryGroup | ProvisionalGroup)[] = data.summary?.groups
    ?? summaryFromRuns(groupRuns(data.runs, (data.study.config.losses as string[] | undefined) ?? []), metrics);
  if (!groups.some((g) => g.rows.length)) {
    return h('div', { class: 'page' }, comparisonControls(ctx), message('info', 'Nothing to summarise yet.', ' No run has finished an epoch.'));
  }
  const titled = groups.map((g) => ({ ...g, title: gridTitle(g as SummaryGroup & { group?: string }) }));
  const csv = () => { const t = summaryTable(titled, metrics); return toCsv(t.header, t.rows); };
  const note = sourceNote(ctx, groups);
  const area = h('div', {});
  const draw = () => area.replaceChildren(...titled.map((g) =>
    tableCard(groups.length > 1 ? `Summary — ${g.title}` : 'Summary', `${ctx.tag}_summary`, groupTable(ctx, g, metrics, redraw), csv)));
  const redraw = () => keepFocus(area, draw);
  draw();
  return h('div', { class: 'page' }, comparisonControls(ctx), note, area);
}
