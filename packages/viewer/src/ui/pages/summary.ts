/**
 * Summary table per group (data variant × architecture, and comparison group): final metrics,
 * CIs, paired differences vs CE. From summary.json when the study wrote one; otherwise computed
 * from the runs, every seed at one common epoch, and labelled as such.
 */
import { toCsv } from '../../data/csv.ts';
import { groupRuns, gridTitle } from '../../data/group.ts';
import { comparedToCE, metricInfo, SUMMARY_METRICS } from '../../format/metrics.ts';
import { bestLabels, diffDirection, sortRows, summaryFromRuns, summaryTable, type ProvisionalGroup, type SortKey } from '../../data/summary.ts';
import type { PairedDiff, SummaryGroup, SummaryRow } from '../../format/types.ts';
import { tableCard } from '../card.ts';
import { colorOf } from '../charts/palette.ts';
import { h, message } from '../dom.ts';
import { fmt, fmtP } from '../format.ts';
import type { PageContext } from '../context.ts';
import { keepFocus } from '../focus.ts';
import { comparisonControls } from './compare.ts';

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

function diffText(m: string, d: PairedDiff): { text: string; cls: string } {
  const dir = diffDirection(m, d);
  const sig = d.significant && dir !== 'none';
  const delta = `Δ vs CE ${(d.meanDiff ?? 0) >= 0 ? '+' : ''}${fmt(d.meanDiff)}`;
  if (d.pValue === null || d.n < 2) return { text: `${delta} (${d.n} shared seed${d.n === 1 ? '' : 's'}: no test)`, cls: 'diff' };
  if (d.tooFewSeeds) return { text: `${delta}, p ${fmtP(d.pValue)} (${d.n} seeds: too few to test)`, cls: 'diff' };
  const holm = d.pAdjusted === undefined || d.pAdjusted === null ? '' : `, Holm p ${fmtP(d.pAdjusted)}`;
  return { text: `${delta}, p ${fmtP(d.pValue)}${holm}${sig ? ` — significantly ${dir}` : ''}`, cls: `diff${sig ? ` significant ${dir}` : ''}` };
}

function metricCell(r: SummaryRow, m: string, best: Set<string>): HTMLElement {
  const s = r.final[m];
  if (!s) return h('td', {}, '–');
  // No Δ where summary.json has none, nor ever on a loss's own criterion (different scales).
  const d = comparedToCE(m) ? r.vsCE?.[m] : undefined;
  const isBest = best.has(r.label);
  const one = s.std === null || s.values?.length === 1;
  const diff = d ? diffText(m, d) : null;
  return h('td', { class: isBest ? 'best' : '', 'data-metric': m, 'data-mean': String(s.mean), 'data-std': String(s.std) },
    h('div', { class: 'main' }, isBest ? h('span', { 'aria-label': 'best: ' }, '★ ') : '', one ? `${fmt(s.mean)} (1 seed)` : `${fmt(s.mean)} ± ${fmt(s.std)}`),
    s.ci95 ? h('div', { class: 'sub' }, `95% CI [${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}]`) : null,
    d && diff ? h('div', { class: `sub ${diff.cls}`, 'data-diff': String(d.meanDiff), 'data-p': String(d.pValue) }, diff.text) : null);
}

function groupTable(ctx: PageContext, g: SummaryGroup, metrics: string[], redraw: () => void): HTMLElement {
  const best = new Map(metrics.map((m) => [m, bestLabels(g.rows, m)]));
  const rows = sortRows(g.rows, sort.key, sort.descending);
  const info = (m: string) => metricInfo(m);
  return h('table', { class: 'data summary', 'data-testid': `summary-${g.dataset ? `${g.dataset}-` : ''}${g.data}-${g.arch}` },
    h('caption', { class: 'visually-hidden' }, `Summary ${gridTitle(g)}: mean ± std over seeds per loss; sort with the column buttons`),
    h('thead', {}, h('tr', {}, headerCell('loss', { column: 'label' }, 'sort by loss', redraw), h('th', { scope: 'col', title: 'seeds' }, 'n'),
      metrics.map((m) => headerCell(info(m).short, { column: 'metric', metric: m },
        `${info(m).title}${info(m).better ? ` (${info(m).better === 'max' ? 'higher' : 'lower'} is better)` : ' — each loss\'s own criterion: not comparable across losses'}; sort`, redraw)))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-label': r.label },
      h('th', { scope: 'row' }, h('span', { class: 'swatch', style: `background:${colorOf(r.label)}` }), r.label,
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
    return h('p', { class: 'note', 'data-testid': 'summary-source' }, 'From summary.json: final epoch of each run, mean ± sample std over seeds, Student-t 95% CI; Δ vs CE is the paired difference (loss − CE) over shared seeds with a paired t-test (and Holm\'s correction across the table where summary.json has it; fewer than 3 seeds: not tested), in green where significantly better and red where significantly worse. ★ marks the best mean where metrics are comparable.');
  }
  const epochs = [...new Set((groups as ProvisionalGroup[]).map((g) => g.epoch))];
  const ahead = (groups as ProvisionalGroup[]).reduce((a, g) => a + g.ahead, 0);
  const tests = 'paired t-tests with Holm\'s correction across the table (fewer than 3 seeds: not tested)';
  const at = `every seed at epoch ${epochs.join(' / ')}${ahead ? ` (the latest all runs have reached; ${ahead} run${ahead > 1 ? 's' : ''} further along ${ahead > 1 ? 'are' : 'is'} shown at that epoch too)` : ''}`;
  if (data.study.status === 'running') {
    return message('info', 'Provisional: the study is still running.', ` summary.json is written when it ends; this table compares ${at}; ${tests}.`);
  }
  if (ctx.comparison) {
    return message('info', `Computed from ${ctx.comparison.studies.length} folders`, ` (as \`losslab summary\` merges them): ${at}; ${tests}.`);
  }
  return message('warning', 'summary.json is missing.', ` The study has ended (${data.study.status}) but has no summary.json (run \`losslab summary ${data.path || '.'}\` to write it); this table is computed here from ${at}; ${tests}.`);
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
