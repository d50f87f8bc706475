/** End-of-run charts: confusion heatmap, per-class F1 bars, reliability diagram. */
import * as Plot from '@observablehq/plot';
import type { ClassF1, ConfusionCell } from '../../data/final.ts';
import type { CalibrationBin } from '../../types.ts';

const style = { fontSize: '12px', fontFamily: 'system-ui, sans-serif', background: 'white' };

function main(svg: Element): SVGSVGElement {
  const s = svg as SVGSVGElement;
  s.classList.add('chart-main');
  return s;
}

export function confusionChart(cells: ConfusionCell[], classNames: string[]): SVGSVGElement {
  return main(Plot.plot({
    width: 520,
    height: 470,
    marginLeft: 84,
    marginBottom: 74,
    padding: 0.03,
    style,
    x: { label: 'predicted', domain: classNames, tickRotate: -40 },
    y: { label: 'true class', domain: classNames },
    color: { type: 'linear', scheme: 'blues', domain: [0, 1] },
    marks: [
      Plot.cell(cells, { x: 'predicted', y: 'actual', fill: 'rate', tip: true,
        title: (d: ConfusionCell) => `true ${d.actual} → predicted ${d.predicted}\n${d.count} (${(d.rate * 100).toFixed(1)}% of ${d.actual})` }),
      Plot.text(cells, { x: 'predicted', y: 'actual', text: (d: ConfusionCell) => String(d.count), fill: (d: ConfusionCell) => (d.rate > 0.5 ? 'white' : 'black'), fontSize: 10 }),
    ],
  }));
}

export function perClassF1Chart(rows: ClassF1[], color: string): SVGSVGElement {
  const means = rows.filter((r) => r.seed === 'mean');
  const seeds = rows.filter((r) => r.seed !== 'mean');
  return main(Plot.plot({
    width: 520,
    height: 300,
    marginBottom: 60,
    style,
    x: { label: null, domain: means.map((m) => m.class), tickRotate: -30 },
    y: { label: 'F1 (test)', domain: [0, 1], grid: true },
    marks: [
      Plot.barY(means, { x: 'class', y: 'f1', fill: color, fillOpacity: 0.85, tip: true, title: (d: ClassF1) => `${d.class}: F1 ${d.f1.toFixed(4)} (mean over seeds)` }),
      seeds.length > 1 ? Plot.dot(seeds, { x: 'class', y: 'f1', r: 2.5, fill: 'black', title: (d: ClassF1) => `${d.class}, seed ${d.seed}: ${d.f1.toFixed(4)}` }) : null,
      Plot.ruleY([0]),
    ],
  }));
}

export function reliabilityChart(bins: CalibrationBin[], ece: number, color: string): SVGSVGElement {
  const used = bins.filter((b) => b.count > 0);
  return main(Plot.plot({
    width: 420,
    height: 360,
    style,
    x: { label: 'confidence', domain: [0, 1], grid: true },
    y: { label: 'accuracy', domain: [0, 1], grid: true },
    marks: [
      Plot.rectY(used, { x1: 'lo', x2: 'hi', y: 'accuracy', fill: color, fillOpacity: 0.7, inset: 0.5, tip: true,
        title: (b: CalibrationBin) => `confidence ${b.lo.toFixed(2)}–${b.hi.toFixed(2)}\n${b.count} examples\nmean confidence ${b.confidence.toFixed(3)}\naccuracy ${b.accuracy.toFixed(3)}` }),
      Plot.rect(used, { x1: 'lo', x2: 'hi', y1: 'accuracy', y2: 'confidence', fill: '#e03030', fillOpacity: 0.25, inset: 0.5 }),
      Plot.line([[0, 0], [1, 1]], { stroke: '#555', strokeDasharray: '4,3' }),
      Plot.dot(used, { x: 'confidence', y: 'accuracy', r: 2.5, fill: 'black' }),
      Plot.text([`ECE ${ece.toFixed(4)}`], { frameAnchor: 'top-left', dx: 8, dy: 8, fontSize: 13, fontWeight: 'bold' }),
    ],
  }));
}
