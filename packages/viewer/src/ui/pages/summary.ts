/** Summary table per data variant × architecture: final metrics, CIs, paired differences vs CE. */
import { toCsv } from '../../data/csv.ts';
import { groupRuns, gridTitle } from '../../data/group.ts';
import { comparedToCE, metricInfo } from '../../data/metrics.ts';
import { SUMMARY_METRICS, bestLabels, sortRows, summaryFromRuns, summaryTable, type SortKey } from '../../data/summary.ts';
import type { SummaryGroup } from '../../types.ts';
import { tableCard } from '../card.ts';
import { colorOf } from '../charts/palette.ts';
import { h, message } from '../dom.ts';
import { fmt, fmtP } from '../format.ts';
import type { PageContext } from '../context.ts';

let sort: { key: SortKey; descending: boolean } = { key: { column: 'label' }, descending: false };

function headerCell(ctx: PageContext, text: string, key: SortKey, title?: string): HTMLElement {
  const active = JSON.stringify(sort.key) === JSON.stringify(key);
  return h('th', { class: 'sortable', title: title ?? 'sort', 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none',
    onclick: () => { sort = { key, descending: active ? !sort.descending : key.column === 'metric' && metricInfo(key.metric).better === 'max' }; ctx.update(); } },
  text, active ? (sort.descending ? ' ▼' : ' ▲') : '');
}

function groupTable(ctx: PageContext, g: SummaryGroup, metrics: string[]): HTMLElement {
  const best = new Map(metrics.map((m) => [m, bestLabels(g.rows, m)]));
  const rows = sortRows(g.rows, sort.key, sort.descending);
  return h('table', { class: 'data summary', 'data-testid': `summary-${g.data}-${g.arch}` },
    h('thead', {}, h('tr', {}, headerCell(ctx, 'loss', { column: 'label' }), h('th', {}, 'n'),
      metrics.map((m) => headerCell(ctx, m, { column: 'metric', metric: m },
        `${metricInfo(m).title}${metricInfo(m).better ? ` (${metricInfo(m).better === 'max' ? 'higher' : 'lower'} is better)` : ' — each loss\'s own criterion: not comparable across losses'}`)))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-label': r.label },
      h('th', {}, h('span', { class: 'swatch', style: `background:${colorOf(r.label, ctx.labels)}` }), r.label,
        r.diverged?.length ? h('div', { class: 'sub' }, `diverged: ${r.diverged.map((x) => `seed ${x.seed}${x.epoch === null ? '' : ` (epoch ${x.epoch})`}`).join(', ')}`) : null,
        r.failed?.length ? h('div', { class: 'sub' }, `${r.failed.length} failed`) : null,
        r.unfinished?.length ? h('div', { class: 'sub' }, `${r.unfinished.length} unfinished`) : null),
      h('td', {}, String(r.n)),
      metrics.map((m) => {
        const s = r.final[m];
        // No Δ where summary.json has none, nor ever on a loss's own criterion (different scales).
        const d = comparedToCE(m) ? r.vsCE?.[m] : undefined;
        const isBest = best.get(m)!.has(r.label);
        if (!s) return h('td', {}, '–');
        return h('td', { class: isBest ? 'best' : '', 'data-metric': m, 'data-mean': String(s.mean), 'data-std': String(s.std) },
          h('div', { class: 'main' }, isBest ? '★ ' : '', s.std === null ? `${fmt(s.mean)} (1 seed)` : `${fmt(s.mean)} ± ${fmt(s.std)}`),
          s.ci95 ? h('div', { class: 'sub' }, `95% CI [${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}]`) : null,
          d ? h('div', { class: `sub diff${d.significant ? ' significant' : ''}`, 'data-diff': String(d.meanDiff), 'data-p': String(d.pValue) },
            `Δ vs CE ${(d.meanDiff ?? 0) >= 0 ? '+' : ''}${fmt(d.meanDiff)}, p = ${fmtP(d.pValue)}`) : null);
      })))));
}

export function summaryPage(ctx: PageContext): HTMLElement {
  const { data } = ctx;
  let groups: SummaryGroup[];
  let note: HTMLElement;
  const metrics = data.summary?.metrics.length ? data.summary.metrics : SUMMARY_METRICS;
  if (data.summary) {
    groups = data.summary.groups;
    note = h('p', { class: 'note' }, 'From summary.json: final epoch of each run, mean ± sample std over seeds, Student-t 95% CI; Δ vs CE is the paired difference (loss − CE) over shared seeds with a paired t-test. ★ marks the best mean where metrics are comparable.');
  } else {
    groups = summaryFromRuns(groupRuns(data.runs, (data.study.config.losses as string[] | undefined) ?? []), metrics);
    note = message('info', 'Provisional.', ' summary.json is not written yet (the study is still running), so this table uses each run\'s latest epoch.');
  }
  if (!groups.some((g) => g.rows.length)) return h('div', { class: 'page' }, message('info', 'Nothing to summarise yet.', ' No run has finished an epoch.'));
  const csv = () => { const t = summaryTable(groups, metrics); return toCsv(t.header, t.rows); };
  return h('div', { class: 'page' }, groups.map((g) =>
    tableCard(groups.length > 1 ? `Summary — ${gridTitle(g)}` : 'Summary', `${data.study.name}_summary`, groupTable(ctx, g, metrics), csv, note)));
}
