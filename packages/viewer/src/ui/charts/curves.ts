/**
 * A metric against epoch: per loss the mean over seeds (smoothed) with a ±std band, the raw mean
 * faint behind it when smoothing, optional seed lines, line-end labels spread so they never
 * overlap, and a title and legend inside the SVG (so exports carry them). The same code draws in
 * the page and, with a DOM shim, in `losslab plot`.
 */
import * as Plot from '@observablehq/plot';
import { seedColumns, type BandPoint, type SeedPoint } from '../../data/bands.ts';
import { dodge } from '../../data/dodge.ts';
import type { MetricInfo } from '../../format/metrics.ts';
import { epochTickTarget, epochTicks, logTicks, tickLabel } from '../../data/ticks.ts';
import { colorOf, colorScale } from './palette.ts';

export interface CurveChartInput {
  metric: MetricInfo;
  /** Title drawn in the chart (defaults to the metric's). */
  title?: string;
  labels: string[];
  band: BandPoint[];
  /** The unsmoothed mean, drawn faintly behind the smoothed one (empty when not smoothing). */
  raw?: BandPoint[];
  seeds: SeedPoint[];
  showSeeds: boolean;
  log: boolean;
  /** Planned epochs: the x axis spans them, so a running study shows how far it got. */
  totalEpochs?: number;
  width?: number;
  height?: number;
  /** For rendering outside a browser (losslab plot): the document to create elements in. */
  document?: Document;
  /** What the lines and bands are (bands.ts bandCaption), drawn under the chart so exports carry it. */
  caption?: string;
}

const SVG = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LABEL_GAP = 13;
const TOP = 46;
const LEFT = 64;
const CAPTION_LINE = 14;

/** Words into lines of at most `chars` characters. */
export function wrapWords(text: string, chars: number): string[] {
  const lines: string[] = [];
  for (const w of text.split(' ')) {
    if (lines.length && (lines.at(-1)! + ' ' + w).length <= chars) lines[lines.length - 1] += ` ${w}`;
    else lines.push(w);
  }
  return lines;
}

function el(doc: Document, tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = doc.createElementNS(SVG, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Title and a one-row legend (wrapping when needed) in the top margin. */
function titleAndLegend(svg: SVGSVGElement, doc: Document, title: string, labels: string[], width: number): void {
  const g = el(doc, 'g', { 'aria-hidden': 'true', class: 'chart-head', 'font-family': FONT, 'text-anchor': 'start' });
  g.append(el(doc, 'text', { x: 8, y: 16, 'font-size': 14, 'font-weight': 600, fill: '#1d2330', class: 'chart-title' }, title));
  let x = 8;
  let y = 36;
  for (const l of labels) {
    const w = 22 + l.length * 7;
    if (x + w > width - 8 && x > 8) { x = 8; y += 14; }
    g.append(el(doc, 'rect', { x, y: y - 9, width: 12, height: 10, rx: 2, fill: colorOf(l) }));
    g.append(el(doc, 'text', { x: x + 16, y, 'font-size': 12, fill: '#1d2330' }, l));
    x += w;
  }
  svg.append(g);
}

export function curveChart({ metric, title, labels, band, raw = [], seeds, showSeeds, log, totalEpochs = 0, width = 460, height = 300, document: doc, caption }: CurveChartInput): SVGSVGElement {
  const d = doc ?? globalThis.document;
  const epochs = band.map((b) => b.epoch);
  const maxEpoch = Math.max(1, ...epochs);
  const lastEpoch = Math.max(maxEpoch, totalEpochs);
  const shown = labels.filter((l) => band.some((b) => b.label === l));
  const legendRows = Math.ceil(shown.reduce((w, l) => w + 22 + l.length * 7, 0) / Math.max(1, width - 16));
  const marginTop = TOP + 14 * Math.max(0, legendRows - 1);
  // Line-end labels where they fit beside the plot (a third of the width at most); else the legend alone names the lines.
  const endLabelsWidth = 16 + 7 * Math.max(0, ...shown.map((l) => l.length));
  const endLabels = endLabelsWidth <= Math.max(90, width * 0.3);
  const marginRight = endLabels ? endLabelsWidth : 16;
  const captionLines = caption ? wrapWords(caption, Math.max(30, Math.floor((width - 16) / 6.2))) : [];
  const marginBottom = 34 + CAPTION_LINE * captionLines.length;
  const fullHeight = height + marginTop - TOP + CAPTION_LINE * captionLines.length;
  // A series evaluated once has no line: a dot with its ± std as an error bar.
  const single = shown.filter((l) => band.filter((b) => b.label === l).length === 1);
  const singles = band.filter((b) => single.includes(b.label));
  // Log axis: ticks labelled over the whole range (Plot's own leave decades half bare), domain widened to them.
  const values = [...band.flatMap((b) => [b.lo, b.hi, b.mean]), ...(showSeeds ? seeds.map((p) => p.value) : []), ...raw.map((b) => b.mean)].filter((v) => v > 0 && Number.isFinite(v));
  const yTicks = log && values.length ? logTicks(Math.min(...values), Math.max(...values)) : null;
  const plotWidth = width - LEFT - marginRight;
  const plot = Plot.plot({
    document: d,
    width,
    height: fullHeight,
    marginTop,
    marginRight,
    marginBottom,
    marginLeft: LEFT,
    style: { fontSize: '12px', fontFamily: FONT, background: 'white', overflow: 'visible' },
    x: { label: 'epoch', domain: [1, Math.max(2, lastEpoch)], ticks: epochTicks(lastEpoch, epochTickTarget(plotWidth)), tickFormat: 'd', grid: true, labelAnchor: 'right', labelOffset: 30 },
    // The y label names the quantity and its unit, beside the axis (the top margin holds title and legend).
    y: { label: metric.axis, labelAnchor: 'center', labelArrow: 'none', type: log ? 'log' : 'linear', grid: true, nice: !log,
      ...(yTicks?.length ? { ticks: yTicks, domain: [yTicks[0], yTicks.at(-1)!], tickFormat: tickLabel } : log ? { tickFormat: tickLabel } : {}) },
    color: colorScale(labels),
    marks: [
      Plot.areaY(band, { x: 'epoch', y1: 'lo', y2: 'hi', fill: 'label', z: 'label', fillOpacity: 0.16, curve: 'linear', ariaDescription: 'band' }),
      singles.length ? Plot.ruleX(singles, { x: 'epoch', y1: 'lo', y2: 'hi', stroke: 'label', strokeWidth: 2, ariaDescription: 'spread' }) : null,
      singles.length ? Plot.tickY(singles.flatMap((b) => [{ ...b, y: b.lo }, { ...b, y: b.hi }]), { x: 'epoch', y: 'y', stroke: 'label', strokeWidth: 2, ariaHidden: 'true' }) : null,
      singles.length ? Plot.dot(singles, { x: 'epoch', y: 'mean', fill: 'label', r: 4, ariaDescription: 'single' }) : null,
      raw.length ? Plot.lineY(raw, { x: 'epoch', y: 'mean', stroke: 'label', z: 'label', strokeOpacity: 0.3, strokeWidth: 1.2, ariaDescription: 'raw' }) : null,
      showSeeds ? Plot.lineY(seeds, { x: 'epoch', y: 'value', stroke: 'label', z: (p: SeedPoint) => `${p.label}/${p.seed}`, strokeOpacity: 0.6, strokeWidth: 1, strokeDasharray: '3,2', ariaDescription: 'seeds' }) : null,
      Plot.lineY(band, { x: 'epoch', y: 'mean', stroke: 'label', z: 'label', strokeWidth: 2, marker: lastEpoch <= 12 ? 'circle-stroke' : null, ariaDescription: 'mean' }),
    ],
  });
  const svg = plot as unknown as SVGSVGElement;
  svg.classList.add('chart-main');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${title ?? metric.title} against epoch, mean over seeds${shown.length ? ` for ${shown.join(', ')}` : ''}`);
  // Line-end labels, spread apart in pixels so close curves stay readable.
  const ys = plot.scale('y')!;
  const xs = plot.scale('x')!;
  const ends = shown.map((l) => band.filter((b) => b.label === l).at(-1)!);
  const py = dodge(ends.map((e) => Number(ys.apply(e.mean))), LABEL_GAP, marginTop + 4, fullHeight - marginBottom - 4);
  const g = el(d, 'g', { 'aria-description': 'labels', 'font-family': FONT, 'font-size': 12, 'font-weight': 600, 'text-anchor': 'start' });
  if (endLabels) ends.forEach((e, i) => {
    const x = Number(xs.apply(e.epoch)) + (single.includes(e.label) ? 12 : 6); // beside a lone dot's error bar, not on it
    g.append(el(d, 'text', { x, y: py[i], dy: '0.32em', fill: colorOf(e.label), 'data-label': e.label }, e.label));
  });
  svg.append(g);
  titleAndLegend(svg, d, title ?? metric.title, shown, width);
  if (captionLines.length) {
    const cap = el(d, 'text', { class: 'chart-caption', x: 8, y: fullHeight - CAPTION_LINE * captionLines.length + 10, 'font-family': FONT, 'font-size': 11, fill: '#5a6378', 'text-anchor': 'start' });
    captionLines.forEach((line, i) => cap.append(el(d, 'tspan', { x: 8, dy: i ? CAPTION_LINE : 0 }, line)));
    svg.append(cap);
  }
  // Where epochs are in pixels, for the hover read-out (charts/hover.ts).
  const [x0, x1] = [1, Math.max(2, lastEpoch)].map((e) => Number(xs.apply(e)));
  Object.assign(svg.dataset, { x0: String(x0), x1: String(x1), e1: String(Math.max(2, lastEpoch)), top: String(marginTop), bottom: String(fullHeight - marginBottom) });
  svg.dataset.series = String(shown.length);
  svg.dataset.epochs = String(maxEpoch);
  return svg;
}

/** The chart's numbers as CSV rows: epoch, series, mean, std, seeds, band, the raw mean when smoothed, and every seed's value. */
export function curveRows(band: readonly BandPoint[], raw: readonly BandPoint[] = [], seeds: readonly SeedPoint[] = []): { header: string[]; rows: (string | number)[][] } {
  const rawOf = new Map(raw.map((r) => [`${r.label}\u0000${r.epoch}`, r.mean]));
  const per = seedColumns(seeds);
  const header = ['epoch', 'loss', 'mean', 'std', 'n_seeds', 'band_lo', 'band_hi', ...(raw.length ? ['raw_mean'] : []), ...per.seeds.map((s) => `seed_${s}`)];
  const rows = band.map((b) => [b.epoch, b.label, b.mean, b.std, b.n, b.lo, b.hi, ...(raw.length ? [rawOf.get(`${b.label}\u0000${b.epoch}`) ?? ''] : []),
    ...per.seeds.map((s) => per.at(b.label, b.epoch, s) ?? '')]);
  return { header, rows };
}
