/**
 * End-of-run charts: confusion heatmap, per-class F1 bars, reliability diagram. Each carries its
 * title inside the SVG (exports keep it) and an accessible label; `document` lets `losslab plot`
 * draw them outside a browser.
 */
import * as Plot from '@observablehq/plot';
import type { ClassF1, ConfusionCell } from '../../data/final.ts';
import type { CalibrationBin } from '../../format/types.ts';
import { colorOf } from './palette.ts';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const style = { fontSize: '12px', fontFamily: FONT, background: 'white' };
const TITLE_SPACE = 28;

export interface DetailOptions {
  title: string;
  document?: Document;
}

/** Marks the chart as the card's main one, gives it a role and label, and draws its title. */
function finish(plot: Element, title: string, description: string): SVGSVGElement {
  const s = plot as SVGSVGElement;
  s.classList.add('chart-main');
  s.setAttribute('role', 'img');
  s.setAttribute('aria-label', `${title}: ${description}`);
  const t = s.ownerDocument.createElementNS('http://www.w3.org/2000/svg', 'text');
  for (const [k, v] of Object.entries({ x: 8, y: 18, 'font-size': 14, 'font-weight': 600, 'font-family': FONT, fill: '#1d2330', 'aria-hidden': 'true', class: 'chart-title', 'text-anchor': 'start' })) t.setAttribute(k, String(v));
  t.textContent = title;
  s.append(t);
  return s;
}

/**
 * Rows normalised per true class (% of that class's test images), on one colour scale 0–100% with
 * its legend: matrices of different losses (and seed counts) compare cell by cell.
 */
export function confusionChart(cells: ConfusionCell[], classNames: string[], { title, document }: DetailOptions): SVGSVGElement {
  const svg = finish(Plot.plot({
    document,
    width: 520,
    height: 514 + TITLE_SPACE,
    marginTop: 10 + TITLE_SPACE,
    marginLeft: 96,
    marginBottom: 118,
    padding: 0.03,
    style,
    x: { label: 'predicted class', domain: classNames, tickRotate: -40, labelAnchor: 'center', labelOffset: 66 },
    y: { label: 'true class', domain: classNames, labelAnchor: 'center' }, // beside the axis: the top margin holds the title
    color: { type: 'linear', scheme: 'blues', domain: [0, 1], label: '% of the true class', tickFormat: (v: number) => `${Math.round(v * 100)}%` },
    marks: [
      Plot.cell(cells, { x: 'predicted', y: 'actual', fill: 'rate', tip: !document,
        title: (d: ConfusionCell) => `true ${d.actual} → predicted ${d.predicted}\n${(d.rate * 100).toFixed(1)}% of ${d.actual} (${d.count} images over the seeds shown)` }),
      Plot.text(cells, { x: 'predicted', y: 'actual', text: (d: ConfusionCell) => (d.rate * 100).toFixed(d.rate >= 0.095 ? 0 : 1), fill: (d: ConfusionCell) => (d.rate > 0.5 ? 'white' : 'black'), fontSize: 10 }),
    ],
  }), title, `percent of each true class (rows) predicted as each class (columns), ${classNames.length} classes, one colour scale from 0 to 100%`);
  return withColorLegend(svg, 'blues', '% of the true class (rows sum to 100%)');
}

/** A horizontal 0–100% colour ramp with its label under the chart (exports keep it). */
function withColorLegend(svg: SVGSVGElement, scheme: 'blues', label: string): SVGSVGElement {
  const doc = svg.ownerDocument;
  const ns = 'http://www.w3.org/2000/svg';
  const scale = Plot.scale({ color: { type: 'linear', scheme, domain: [0, 1] } });
  const w = Number(svg.getAttribute('width'));
  const hgt = Number(svg.getAttribute('height'));
  const g = doc.createElementNS(ns, 'g');
  g.setAttribute('class', 'color-legend');
  g.setAttribute('font-family', FONT);
  g.setAttribute('font-size', '11');
  g.setAttribute('text-anchor', 'start');
  const x0 = 96, width = Math.min(240, w - x0 - 20), y = hgt - 40;
  for (let i = 0; i < 20; i++) {
    const r = doc.createElementNS(ns, 'rect');
    for (const [k, v] of Object.entries({ x: x0 + (i * width) / 20, y, width: width / 20 + 0.5, height: 8, fill: String(scale.apply((i + 0.5) / 20)) })) r.setAttribute(k, String(v));
    g.append(r);
  }
  const text = (x: number, t: string, anchor: string) => {
    const e = doc.createElementNS(ns, 'text');
    for (const [k, v] of Object.entries({ x, y: y + 20, 'text-anchor': anchor, fill: '#1d2330' })) e.setAttribute(k, String(v));
    e.textContent = t;
    g.append(e);
  };
  text(x0, '0%', 'start');
  text(x0 + width, '100%', 'end');
  const t = doc.createElementNS(ns, 'text');
  for (const [k, v] of Object.entries({ x: x0, y: y + 34, fill: '#1d2330' })) t.setAttribute(k, String(v));
  t.textContent = label;
  g.append(t);
  svg.append(g);
  return svg;
}

export function perClassF1Chart(rows: ClassF1[], color: string, { title, document }: DetailOptions): SVGSVGElement {
  const means = rows.filter((r) => r.seed === 'mean');
  const seeds = rows.filter((r) => r.seed !== 'mean');
  return finish(Plot.plot({
    document,
    width: 520,
    height: 300 + TITLE_SPACE,
    marginTop: 20 + TITLE_SPACE,
    marginBottom: 60,
    style,
    x: { label: null, domain: means.map((m) => m.class), tickRotate: -30 },
    y: { label: 'F1 (test)', domain: [0, 1], grid: true, labelAnchor: 'center' },
    marginLeft: 56,
    marks: [
      Plot.barY(means, { x: 'class', y: 'f1', fill: color, fillOpacity: 0.85, tip: !document, title: (d: ClassF1) => `${d.class}: F1 ${d.f1.toFixed(4)} (mean over seeds)` }),
      seeds.length > 1 ? Plot.dot(seeds, { x: 'class', y: 'f1', r: 2.5, fill: 'black', title: (d: ClassF1) => `${d.class}, seed ${d.seed}: ${d.f1.toFixed(4)}` }) : null,
      Plot.ruleY([0]),
    ],
  }), title, `F1 per class: ${means.map((m) => `${m.class} ${m.f1.toFixed(2)}`).join(', ')}`);
}

/**
 * Per-class F1 of every loss side by side (a paper's figure): per class a bar per loss at the mean
 * over seeds, with ± 1 std over seeds as an error bar, and a caption saying so.
 */
export function classF1Figure(losses: { label: string; rows: ClassF1[] }[], order: readonly string[], { title, document }: DetailOptions): SVGSVGElement {
  const stats = losses.flatMap((l) => {
    const classes = [...new Set(l.rows.map((r) => r.class))];
    return classes.map((c) => {
      const vs = l.rows.filter((r) => r.class === c && r.seed !== 'mean').map((r) => r.f1);
      const m = vs.reduce((a, b) => a + b, 0) / vs.length;
      const sd = vs.length > 1 ? Math.sqrt(vs.reduce((a, b) => a + (b - m) ** 2, 0) / (vs.length - 1)) : 0;
      return { label: l.label, class: c, mean: m, lo: Math.max(0, m - sd), hi: Math.min(1, m + sd), n: vs.length };
    });
  });
  const labels = order.filter((l) => losses.some((x) => x.label === l));
  const ns = [...new Set(stats.map((s) => s.n))];
  const caption = `Bars: mean F1 on the test set over seeds; whiskers: ± 1 sample std across seeds; n = ${ns.length === 1 ? ns[0] : `${Math.min(...ns)}–${Math.max(...ns)}`} seed${ns.length === 1 && ns[0] === 1 ? '' : 's'} per loss.`;
  const svg = finish(Plot.plot({
    document,
    width: 600,
    height: 300 + TITLE_SPACE + 40,
    marginTop: 24 + TITLE_SPACE,
    marginBottom: 70,
    marginLeft: 56,
    style,
    fx: { label: null, domain: [...new Set(stats.map((s) => s.class))], tickRotate: -30, padding: 0.15 },
    x: { domain: labels, axis: null, paddingInner: 0.1 },
    y: { label: 'F1 (0–1)', labelAnchor: 'center', labelArrow: 'none', domain: [0, 1], grid: true },
    color: { domain: labels, range: labels.map((l) => colorOf(l)), legend: false },
    marks: [
      Plot.barY(stats, { fx: 'class', x: 'label', y: 'mean', fill: 'label', fillOpacity: 0.85 }),
      Plot.ruleX(stats.filter((s) => s.n > 1), { fx: 'class', x: 'label', y1: 'lo', y2: 'hi', stroke: '#1d2330' }),
      Plot.ruleY([0]),
    ],
  }), title, `F1 per class for ${labels.join(', ')}`);
  const doc = svg.ownerDocument;
  const ns2 = 'http://www.w3.org/2000/svg';
  const hgt = Number(svg.getAttribute('height'));
  let x = 8;
  for (const l of labels) {
    const r = doc.createElementNS(ns2, 'rect');
    for (const [k, v] of Object.entries({ x, y: TITLE_SPACE - 2, width: 12, height: 10, rx: 2, fill: colorOf(l) })) r.setAttribute(k, String(v));
    const t = doc.createElementNS(ns2, 'text');
    for (const [k, v] of Object.entries({ x: x + 16, y: TITLE_SPACE + 7, 'font-size': 12, 'font-family': FONT, fill: '#1d2330', 'text-anchor': 'start' })) t.setAttribute(k, String(v));
    t.textContent = l;
    svg.append(r, t);
    x += 24 + l.length * 7;
  }
  const cap = doc.createElementNS(ns2, 'text');
  for (const [k, v] of Object.entries({ x: 8, y: hgt - 8, 'font-size': 11, 'font-family': FONT, fill: '#5a6378', class: 'chart-caption', 'text-anchor': 'start' })) cap.setAttribute(k, String(v));
  cap.textContent = caption;
  svg.append(cap);
  return svg;
}

/** `ece`: the read-out of the ECE (loss.ts eceText: mean ± std over the runs, as the summary). */
export function reliabilityChart(bins: CalibrationBin[], ece: string, color: string, { title, document }: DetailOptions): SVGSVGElement {
  const used = bins.filter((b) => b.count > 0);
  const legend = [
    { key: 'bar', text: 'accuracy per confidence bin (seeds pooled)' },
    { key: 'gap', text: 'gap to the bin\'s mean confidence' },
    { key: 'diag', text: 'perfect calibration' },
  ];
  const svg = finish(Plot.plot({
    document,
    width: 420,
    height: 380 + TITLE_SPACE + 52,
    marginTop: 20 + TITLE_SPACE,
    marginBottom: 40 + 52,
    style,
    x: { label: 'confidence (max softmax probability)', domain: [0, 1], grid: true, labelAnchor: 'center', labelOffset: 32 },
    y: { label: 'accuracy (fraction correct)', domain: [0, 1], grid: true, labelAnchor: 'center' },
    marginLeft: 56,
    marks: [
      Plot.rectY(used, { x1: 'lo', x2: 'hi', y: 'accuracy', fill: color, fillOpacity: 0.7, inset: 0.5, tip: !document,
        title: (b: CalibrationBin) => `confidence ${b.lo.toFixed(2)}–${b.hi.toFixed(2)}\n${b.count} examples\nmean confidence ${b.confidence.toFixed(3)}\naccuracy ${b.accuracy.toFixed(3)}` }),
      Plot.rect(used, { x1: 'lo', x2: 'hi', y1: 'accuracy', y2: 'confidence', fill: '#e03030', fillOpacity: 0.25, inset: 0.5 }),
      Plot.line([[0, 0], [1, 1]], { stroke: '#555', strokeDasharray: '4,3' }),
      Plot.dot(used, { x: 'confidence', y: 'accuracy', r: 2.5, fill: 'black' }),
      Plot.text([ece], { frameAnchor: 'top-left', dx: 8, dy: 8, fontSize: 12, fontWeight: 'bold' }),
    ],
  }), title, `accuracy against confidence in ${used.length} bins; ${ece}`);
  // Legend under the axis (exports keep it).
  const doc = svg.ownerDocument;
  const ns = 'http://www.w3.org/2000/svg';
  const hgt = Number(svg.getAttribute('height'));
  const g = doc.createElementNS(ns, 'g');
  g.setAttribute('class', 'legend');
  g.setAttribute('font-family', FONT);
  g.setAttribute('font-size', '11');
  g.setAttribute('text-anchor', 'start'); // Plot's root sets middle
  legend.forEach((l, i) => {
    const y = hgt - 44 + i * 15;
    const mark = l.key === 'diag' ? doc.createElementNS(ns, 'line') : doc.createElementNS(ns, 'rect');
    const attrs: Record<string, string | number> = l.key === 'diag'
      ? { x1: 12, x2: 26, y1: y - 4, y2: y - 4, stroke: '#555', 'stroke-dasharray': '4,3' }
      : { x: 12, y: y - 9, width: 14, height: 10, fill: l.key === 'bar' ? color : '#e03030', 'fill-opacity': l.key === 'bar' ? 0.7 : 0.25 };
    for (const [k, v] of Object.entries(attrs)) mark.setAttribute(k, String(v));
    const t = doc.createElementNS(ns, 'text');
    t.setAttribute('x', '32');
    t.setAttribute('y', String(y));
    t.setAttribute('fill', '#1d2330');
    t.textContent = l.text;
    g.append(mark, t);
  });
  svg.append(g);
  return svg;
}
