/**
 * A metric against epoch: per loss the mean over seeds (smoothed) with a ±std band, the raw mean
 * faint behind it when smoothing, optional seed lines, line-end labels spread so they never
 * overlap, and a title and legend inside the SVG (so exports carry them). The same code draws in
 * the page and, with a DOM shim, in `losslab plot`.
 */
import * as Plot from '@observablehq/plot';
import type { BandPoint, SeedPoint } from '../../data/bands.ts';
import { dodge } from '../../data/dodge.ts';
import type { MetricInfo } from '../../format/metrics.ts';
import { epochTicks, tickLabel } from '../../data/ticks.ts';
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
}

const SVG = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LABEL_GAP = 13;
const TOP = 46;

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

export function curveChart({ metric, title, labels, band, raw = [], seeds, showSeeds, log, totalEpochs = 0, width = 460, height = 300, document: doc }: CurveChartInput): SVGSVGElement {
  const d = doc ?? globalThis.document;
  const epochs = band.map((b) => b.epoch);
  const maxEpoch = Math.max(1, ...epochs);
  const lastEpoch = Math.max(maxEpoch, totalEpochs);
  const shown = labels.filter((l) => band.some((b) => b.label === l));
  const legendRows = Math.ceil(shown.reduce((w, l) => w + 22 + l.length * 7, 0) / Math.max(1, width - 16));
  const marginTop = TOP + 14 * Math.max(0, legendRows - 1);
  const marginRight = Math.min(90, 16 + 7 * Math.max(0, ...shown.map((l) => l.length)));
  const fullHeight = height + marginTop - TOP;
  const plot = Plot.plot({
    document: d,
    width,
    height: fullHeight,
    marginTop,
    marginRight,
    marginLeft: 56,
    style: { fontSize: '12px', fontFamily: FONT, background: 'white', overflow: 'visible' },
    x: { label: 'epoch', domain: [1, Math.max(2, lastEpoch)], ticks: epochTicks(lastEpoch), tickFormat: 'd', grid: true, labelAnchor: 'right' },
    // No y label: the title above says what the axis is. Log ticks as plain numbers (Plot's default SI form prints 0.3 as "300m").
    y: { label: null, type: log ? 'log' : 'linear', grid: true, nice: !log, ...(log ? { tickFormat: tickLabel } : {}) },
    color: colorScale(labels),
    marks: [
      Plot.areaY(band, { x: 'epoch', y1: 'lo', y2: 'hi', fill: 'label', z: 'label', fillOpacity: 0.16, curve: 'linear', ariaDescription: 'band' }),
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
  const py = dodge(ends.map((e) => Number(ys.apply(e.mean))), LABEL_GAP, marginTop + 4, fullHeight - 30 - 4);
  const g = el(d, 'g', { 'aria-description': 'labels', 'font-family': FONT, 'font-size': 12, 'font-weight': 600, 'text-anchor': 'start' });
  ends.forEach((e, i) => {
    const x = Number(xs.apply(e.epoch)) + 6;
    g.append(el(d, 'text', { x, y: py[i], dy: '0.32em', fill: colorOf(e.label), 'data-label': e.label }, e.label));
  });
  svg.append(g);
  titleAndLegend(svg, d, title ?? metric.title, shown, width);
  // Where epochs are in pixels, for the hover read-out (charts/hover.ts).
  const [x0, x1] = [1, Math.max(2, lastEpoch)].map((e) => Number(xs.apply(e)));
  Object.assign(svg.dataset, { x0: String(x0), x1: String(x1), e1: String(Math.max(2, lastEpoch)), top: String(marginTop), bottom: String(fullHeight - 30) });
  svg.dataset.series = String(shown.length);
  svg.dataset.epochs = String(maxEpoch);
  return svg;
}

/** The chart's numbers as CSV rows: epoch, loss, mean, std, seeds, band, and the raw mean when smoothed. */
export function curveRows(band: readonly BandPoint[], raw: readonly BandPoint[] = []): { header: string[]; rows: (string | number)[][] } {
  const rawOf = new Map(raw.map((r) => [`${r.label}\u0000${r.epoch}`, r.mean]));
  const header = ['epoch', 'loss', 'mean', 'std', 'n_seeds', 'band_lo', 'band_hi', ...(raw.length ? ['raw_mean'] : [])];
  const rows = band.map((b) => [b.epoch, b.label, b.mean, b.std, b.n, b.lo, b.hi, ...(raw.length ? [rawOf.get(`${b.label}\u0000${b.epoch}`) ?? ''] : [])]);
  return { header, rows };
}
