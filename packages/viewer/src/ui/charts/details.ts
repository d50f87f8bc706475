/**
 * End-of-run charts: confusion heatmap, per-class F1 bars, reliability diagram. Each carries its
 * title inside the SVG (exports keep it) and an accessible label; `document` lets `losslab plot`
 * draw them outside a browser.
 */
import * as Plot from '@observablehq/plot';
import type { ClassF1, ConfusionCell } from '../../data/final.ts';
import type { CalibrationBin } from '../../format/types.ts';

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

export function confusionChart(cells: ConfusionCell[], classNames: string[], { title, document }: DetailOptions): SVGSVGElement {
  return finish(Plot.plot({
    document,
    width: 520,
    height: 470 + TITLE_SPACE,
    marginTop: 10 + TITLE_SPACE,
    marginLeft: 96,
    marginBottom: 74,
    padding: 0.03,
    style,
    x: { label: 'predicted', domain: classNames, tickRotate: -40 },
    y: { label: 'true class', domain: classNames, labelAnchor: 'center' }, // beside the axis: the top margin holds the title
    color: { type: 'linear', scheme: 'blues', domain: [0, 1] },
    marks: [
      Plot.cell(cells, { x: 'predicted', y: 'actual', fill: 'rate', tip: !document,
        title: (d: ConfusionCell) => `true ${d.actual} → predicted ${d.predicted}\n${d.count} (${(d.rate * 100).toFixed(1)}% of ${d.actual})` }),
      Plot.text(cells, { x: 'predicted', y: 'actual', text: (d: ConfusionCell) => String(d.count), fill: (d: ConfusionCell) => (d.rate > 0.5 ? 'white' : 'black'), fontSize: 10 }),
    ],
  }), title, `counts of true class (rows) against predicted class (columns), ${classNames.length} classes`);
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

export function reliabilityChart(bins: CalibrationBin[], ece: number, color: string, { title, document }: DetailOptions): SVGSVGElement {
  const used = bins.filter((b) => b.count > 0);
  return finish(Plot.plot({
    document,
    width: 420,
    height: 360 + TITLE_SPACE,
    marginTop: 20 + TITLE_SPACE,
    style,
    x: { label: 'confidence', domain: [0, 1], grid: true },
    y: { label: 'accuracy', domain: [0, 1], grid: true, labelAnchor: 'center' },
    marginLeft: 56,
    marks: [
      Plot.rectY(used, { x1: 'lo', x2: 'hi', y: 'accuracy', fill: color, fillOpacity: 0.7, inset: 0.5, tip: !document,
        title: (b: CalibrationBin) => `confidence ${b.lo.toFixed(2)}–${b.hi.toFixed(2)}\n${b.count} examples\nmean confidence ${b.confidence.toFixed(3)}\naccuracy ${b.accuracy.toFixed(3)}` }),
      Plot.rect(used, { x1: 'lo', x2: 'hi', y1: 'accuracy', y2: 'confidence', fill: '#e03030', fillOpacity: 0.25, inset: 0.5 }),
      Plot.line([[0, 0], [1, 1]], { stroke: '#555', strokeDasharray: '4,3' }),
      Plot.dot(used, { x: 'confidence', y: 'accuracy', r: 2.5, fill: 'black' }),
      Plot.text([`ECE ${ece.toFixed(4)}`], { frameAnchor: 'top-left', dx: 8, dy: 8, fontSize: 13, fontWeight: 'bold' }),
    ],
  }), title, `accuracy against confidence in ${used.length} bins, ECE ${ece.toFixed(4)}`);
}
