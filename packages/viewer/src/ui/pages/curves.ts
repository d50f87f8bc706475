/**
 * Curves against epoch for every metric: one colour per loss, mean ± std band, options on top.
 * Changing an option redraws the charts only: the controls stay (a slider can be dragged).
 */
import { lossCurves } from '../../data/bands.ts';
import { toCsv } from '../../data/csv.ts';
import { groupRuns, gridTag, gridTitle } from '../../data/group.ts';
import { CURVE_METRICS, metricRange } from '../../format/metrics.ts';
import type { Metric } from '../../format/types.ts';
import { chartCard } from '../card.ts';
import { curveChart, curveRows } from '../charts/curves.ts';
import { attachHover, hoverBus } from '../charts/hover.ts';
import { h, message } from '../dom.ts';
import type { PageContext } from '../context.ts';
import { comparisonControls } from './compare.ts';

/** Chart width that fills a card of the page grid (two columns on a laptop, one on a phone). */
export function chartWidth(): number {
  const page = Math.min(window.innerWidth, 1560) - (window.innerWidth < 600 ? 16 : 32);
  const cols = Math.max(1, Math.floor((page + 14) / (480 + 14)));
  return Math.max(260, Math.floor((page - 14 * (cols - 1)) / cols) - 26);
}

function charts(ctx: PageContext): HTMLElement[] {
  const { data, labels, options } = ctx;
  const grids = groupRuns(data.runs, (data.study.config.losses as string[] | undefined) ?? []);
  return grids.map((g) => {
    const bus = hoverBus(); // one hover line across the charts of a group
    return h('div', { class: 'grid-group', 'data-group': gridTitle(g) },
      grids.length > 1 ? h('h2', {}, gridTitle(g)) : null,
      h('div', { class: 'grid' }, CURVE_METRICS.map((m) => {
        const log = options.logLosses && m.lossLike;
        const parts = g.losses.map((l) => lossCurves(l, m.key as Metric, { smoothing: options.smoothing, positiveOnly: log, range: metricRange(m) }));
        const band = parts.flatMap((p) => p.band);
        const seeds = parts.flatMap((p) => p.seeds);
        const raw = options.smoothing > 0 ? g.losses.flatMap((l) => lossCurves(l, m.key as Metric, { positiveOnly: log }).band) : [];
        const title = m.title + (log ? ' (log)' : '');
        const name = `${ctx.tag}_${gridTag(g)}_${m.key}`;
        if (!band.length) return chartCard(title, name, message('info', `No ${m.key} values yet.`), { testId: `curve-${m.key}` });
        const chart = curveChart({ metric: m, title: grids.length > 1 ? `${title} — ${gridTitle(g)}` : title, labels, band, raw, seeds, showSeeds: options.showSeeds, log,
          width: chartWidth(), totalEpochs: Math.max(0, ...g.losses.flatMap((l) => l.runs.map((r) => r.run.epochs))) });
        const card = chartCard(title, name, chart, { testId: `curve-${m.key}`, csv: () => { const t = curveRows(band, raw); return toCsv(t.header, t.rows); } });
        chart.setAttribute('data-focus-key', `chart-${name}`); // a poll's redraw gives focus back to this chart
        attachHover(chart, card, band, raw, m.better, bus);
        return card;
      })));
  });
}

function controls(ctx: PageContext, redraw: () => void): HTMLElement {
  const o = ctx.options;
  const value = h('output', { 'data-testid': 'smoothing-value' }, o.smoothing.toFixed(2));
  return h('div', { class: 'controls' },
    h('label', {}, 'smoothing ', h('input', { type: 'range', min: 0, max: 0.95, step: 0.05, value: String(o.smoothing), 'data-testid': 'smoothing',
      'aria-valuetext': `EMA weight ${o.smoothing.toFixed(2)}`,
      oninput: (e: Event) => {
        const input = e.target as HTMLInputElement;
        o.smoothing = Number(input.value);
        value.textContent = o.smoothing.toFixed(2);
        input.setAttribute('aria-valuetext', `EMA weight ${value.textContent}`);
        redraw();
      } }), ' ', value),
    h('label', {}, h('input', { type: 'checkbox', checked: o.showSeeds, 'data-testid': 'show-seeds',
      onchange: (e: Event) => { o.showSeeds = (e.target as HTMLInputElement).checked; redraw(); } }), ' individual seeds'),
    h('label', {}, h('input', { type: 'checkbox', checked: o.logLosses, 'data-testid': 'log-losses',
      onchange: (e: Event) => { o.logLosses = (e.target as HTMLInputElement).checked; redraw(); } }), ' log scale for losses'),
    h('span', { class: 'note' }, 'Hover a chart (or focus it and use ← →) to read every loss at an epoch.'));
}

export function curvesPage(ctx: PageContext): HTMLElement {
  if (!ctx.data.runs.some((r) => r.rows?.length)) {
    return h('div', { class: 'page' }, comparisonControls(ctx), message('info', 'No epochs yet.', ' No run has finished an epoch; curves appear as soon as one does.'));
  }
  const area = h('div', { class: 'charts', 'data-testid': 'charts' }, charts(ctx));
  const redraw = () => area.replaceChildren(...charts(ctx));
  return h('div', { class: 'page' }, comparisonControls(ctx), controls(ctx, redraw), area);
}
