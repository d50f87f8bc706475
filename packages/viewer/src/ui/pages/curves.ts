/** Curves against epoch for every metric: one colour per loss, mean ± std band, options on top. */
import { lossCurves } from '../../data/bands.ts';
import { groupRuns, gridTitle } from '../../data/group.ts';
import { CURVE_METRICS } from '../../data/metrics.ts';
import type { Metric } from '../../types.ts';
import { chartCard } from '../card.ts';
import { curveChart } from '../charts/curves.ts';
import { colorOf } from '../charts/palette.ts';
import { h, message } from '../dom.ts';
import type { PageContext } from '../context.ts';

/** Chart width that fills a card of the page grid (two columns on a laptop screen). */
function chartWidth(): number {
  const page = Math.min(window.innerWidth, 1560) - 32;
  const cols = Math.max(1, Math.floor((page + 14) / (480 + 14)));
  return Math.max(360, Math.floor((page - 14 * (cols - 1)) / cols) - 28);
}

function controls(ctx: PageContext): HTMLElement {
  const o = ctx.options;
  return h('div', { class: 'controls' },
    h('span', { class: 'legend' }, ctx.labels.map((l) => h('span', {}, h('span', { class: 'swatch', style: `background:${colorOf(l, ctx.labels)}` }), l))),
    h('label', {}, 'smoothing ', h('input', { type: 'range', min: 0, max: 0.95, step: 0.05, value: String(o.smoothing), 'data-testid': 'smoothing',
      oninput: (e: Event) => { o.smoothing = Number((e.target as HTMLInputElement).value); ctx.update(); } }), ` ${o.smoothing.toFixed(2)}`),
    h('label', {}, h('input', { type: 'checkbox', checked: o.showSeeds, 'data-testid': 'show-seeds',
      onchange: (e: Event) => { o.showSeeds = (e.target as HTMLInputElement).checked; ctx.update(); } }), ' individual seeds'),
    h('label', {}, h('input', { type: 'checkbox', checked: o.logLosses, 'data-testid': 'log-losses',
      onchange: (e: Event) => { o.logLosses = (e.target as HTMLInputElement).checked; ctx.update(); } }), ' log scale for losses'));
}

export function curvesPage(ctx: PageContext): HTMLElement {
  const { data, labels, options } = ctx;
  const grids = groupRuns(data.runs, (data.study.config.losses as string[] | undefined) ?? []);
  const withRows = data.runs.filter((r) => r.rows?.length);
  if (!withRows.length) {
    return h('div', { class: 'page' }, message('info', 'No epochs yet.', ' No run has finished an epoch; curves appear as soon as one does.'));
  }
  return h('div', { class: 'page' }, controls(ctx), grids.map((g) => h('div', { class: 'grid-group' },
    grids.length > 1 ? h('h2', {}, gridTitle(g)) : null,
    h('div', { class: 'grid' }, CURVE_METRICS.map((m) => {
      const log = options.logLosses && m.lossLike;
      const parts = g.losses.map((l) => lossCurves(l, m.key as Metric, { smoothing: options.smoothing, positiveOnly: log }));
      const band = parts.flatMap((p) => p.band);
      const seeds = parts.flatMap((p) => p.seeds);
      const chart = band.length
        ? curveChart({ metric: m, labels, band, seeds, showSeeds: options.showSeeds, log, width: chartWidth(), totalEpochs: Math.max(0, ...g.losses.flatMap((l) => l.runs.map((r) => r.run.epochs))) })
        : message('info', `No ${m.key} values yet.`);
      return chartCard(m.title + (log ? ' (log)' : ''), `${data.study.name}_${g.data}_${g.arch}_${m.key}`, chart, undefined, `curve-${m.key}`);
    })))));
}
