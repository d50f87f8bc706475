/**
 * Curves against epoch: one chart per metric (any metric on any chart: each card's menu), one
 * colour per series, mean ± std band captioned with its seed counts, options on top. Changing an
 * option redraws the charts only (the controls stay, a slider can be dragged); a slider step
 * waits until the slider rests for a moment, then redraws the charts on screen — the others when
 * they scroll into view.
 */
import { bandCaption, lossCurves } from '../../data/bands.ts';
import { toCsv } from '../../data/csv.ts';
import { groupRuns, gridTag, gridTitle, lossLabels, type GridGroup } from '../../data/group.ts';
import { CURVE_METRICS, metricInfo, metricRange, OTHER_METRICS } from '../../format/metrics.ts';
import type { Metric } from '../../format/types.ts';
import { chartCard } from '../card.ts';
import { assignSeriesColors } from '../charts/palette.ts';
import { curveChart, curveRows } from '../charts/curves.ts';
import { attachHover, hoverBus, type HoverBus } from '../charts/hover.ts';
import { h, message } from '../dom.ts';
import type { PageContext } from '../context.ts';
import { comparisonControls } from './compare.ts';

/** Chart width that fills a card of the page grid (two columns on a laptop, one on a phone). */
export function chartWidth(): number {
  const page = Math.min(window.innerWidth, 1560) - (window.innerWidth < 600 ? 16 : 32);
  const cols = Math.max(1, Math.floor((page + 14) / (480 + 14)));
  return Math.max(260, Math.floor((page - 14 * (cols - 1)) / cols) - 26);
}

/** The metric each chart slot shows (slot i starts with the i-th curve metric; its menu changes it). */
const chosen = new Map<number, string>();
const CHARTABLE = [...CURVE_METRICS, ...OTHER_METRICS];

/** Quiet time after the last slider step before charts are redrawn. */
export const SMOOTHING_SETTLE_MS = 120;

interface Slot {
  card: HTMLElement;
  draw(): HTMLElement;
}

function drawCard(ctx: PageContext, g: GridGroup, multi: boolean, slot: number, bus: HoverBus, labels: string[]): HTMLElement {
  const { options } = ctx;
  const m = metricInfo(chosen.get(slot) ?? CURVE_METRICS[slot].key);
  const log = options.logLosses && m.lossLike;
  const parts = g.losses.map((l) => lossCurves(l, m.key as Metric, { smoothing: options.smoothing, positiveOnly: log, range: metricRange(m) }));
  const band = parts.flatMap((p) => p.band);
  const seeds = parts.flatMap((p) => p.seeds);
  const raw = options.smoothing > 0 ? g.losses.flatMap((l) => lossCurves(l, m.key as Metric, { positiveOnly: log }).band) : [];
  const title = m.title + (log ? ' (log)' : '');
  const name = `${ctx.tag}_${gridTag(g)}_${m.key}`;
  const pick = h('select', { class: 'metric-pick', 'data-testid': `metric-${slot}`, 'aria-label': `metric shown in chart ${slot + 1}`,
    onchange: (e: Event) => { chosen.set(slot, (e.target as HTMLSelectElement).value); ctx.update(); } },
  CHARTABLE.map((x) => h('option', { value: x.key, selected: x.key === m.key }, x.title)));
  const testId = `curve-${CURVE_METRICS[slot].key}`;
  if (!band.length) return chartCard(title, name, message('info', `No ${m.key} values yet.`), { testId, extra: pick });
  const caption = `${bandCaption(band, labels)}${options.smoothing > 0 ? `; smoothed (EMA ${options.smoothing.toFixed(2)}), raw mean faint` : ''}.`;
  const chart = curveChart({ metric: m, title: multi ? `${title} — ${gridTitle(g)}` : title, labels, band, raw, seeds, showSeeds: options.showSeeds, log,
    width: chartWidth(), caption, totalEpochs: Math.max(0, ...g.losses.flatMap((l) => l.runs.map((r) => r.run.epochs))) });
  const card = chartCard(title, name, chart, { testId, extra: pick, csv: () => { const t = curveRows(band, raw, seeds); return toCsv(t.header, t.rows); } });
  card.dataset.metric = m.key;
  chart.setAttribute('data-focus-key', `chart-${gridTag(g)}-${slot}`); // a poll's redraw gives focus back to this chart
  attachHover(chart, card, band, raw, m.better, bus);
  return card;
}

function slots(ctx: PageContext): { groups: HTMLElement[]; slots: Slot[] } {
  const { data, options } = ctx;
  const order = (data.study.config.losses as string[] | undefined) ?? [];
  const grids = groupRuns(data.runs, order, { series: options.series });
  const labels = lossLabels(data.runs, order, { series: options.series });
  assignSeriesColors(labels);
  const all: Slot[] = [];
  const groups = grids.map((g) => {
    const bus = hoverBus(); // one hover line across the charts of a group
    const cards = CURVE_METRICS.map((_, i) => {
      const slot: Slot = { card: h('div', {}), draw: () => drawCard(ctx, g, grids.length > 1, i, bus, labels) };
      slot.card = slot.draw();
      all.push(slot);
      return slot;
    });
    return h('div', { class: 'grid-group', 'data-group': gridTitle(g) },
      grids.length > 1 ? h('h2', {}, gridTitle(g)) : null,
      h('div', { class: 'grid' }, cards.map((c) => c.card)));
  });
  return { groups, slots: all };
}

function onScreen(el: Element): boolean {
  const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight && r.width > 0;
}

function controls(ctx: PageContext, redraw: (settle: boolean) => void): HTMLElement {
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
        redraw(true);
      } }), ' ', value),
    h('label', {}, h('input', { type: 'checkbox', checked: o.showSeeds, 'data-testid': 'show-seeds',
      onchange: (e: Event) => { o.showSeeds = (e.target as HTMLInputElement).checked; redraw(false); } }), ' individual seeds'),
    h('label', {}, h('input', { type: 'checkbox', checked: o.logLosses, 'data-testid': 'log-losses',
      onchange: (e: Event) => { o.logLosses = (e.target as HTMLInputElement).checked; redraw(false); } }), ' log scale for losses'),
    h('span', { class: 'note' }, 'Hover or tap a chart (or focus it and use ← →) to read every series at an epoch; each chart\'s menu picks its metric.'));
}

export function curvesPage(ctx: PageContext): HTMLElement {
  if (!ctx.data.runs.some((r) => r.rows?.length)) {
    return h('div', { class: 'page' }, comparisonControls(ctx, { seriesChoice: true }), message('info', 'No epochs yet.', ' No run has finished an epoch; curves appear as soon as one does.'));
  }
  let built = slots(ctx);
  const area = h('div', { class: 'charts', 'data-testid': 'charts', 'data-draws': '0' }, built.groups);
  const stale = new Set<Slot>();
  const count = (n: number) => { area.dataset.draws = String(Number(area.dataset.draws) + n); };
  const redrawSlot = (s: Slot) => { const next = s.draw(); s.card.replaceWith(next); s.card = next; stale.delete(s); count(1); };
  // Charts off screen are redrawn when they scroll into view.
  const seen = typeof IntersectionObserver === 'undefined' ? null : new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      const s = [...stale].find((x) => x.card === e.target);
      if (s) { seen!.unobserve(e.target); redrawSlot(s); }
    }
  });
  const redrawVisible = () => {
    for (const s of built.slots) {
      if (onScreen(s.card) || !seen) redrawSlot(s);
      else { stale.add(s); seen.observe(s.card); }
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const redraw = (settle: boolean) => {
    clearTimeout(timer);
    if (settle) timer = setTimeout(redrawVisible, SMOOTHING_SETTLE_MS);
    else {
      seen?.disconnect();
      stale.clear();
      built = slots(ctx);
      area.replaceChildren(...built.groups);
      count(built.slots.length);
    }
  };
  return h('div', { class: 'page' }, comparisonControls(ctx, { seriesChoice: true }), controls(ctx, redraw), area);
}
