/** The summary table as an SVG (for `losslab plot`): per loss, mean ± std and Δ vs CE with p for each metric. */
import { bestLabels, diffDirection } from '../data/summary.ts';
import { comparedToCE, metricInfo } from '../format/metrics.ts';
import type { SummaryGroup } from '../format/types.ts';
import { colorOf } from '../ui/charts/palette.ts';

const SVG = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const num = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(4));

export function summaryTableSvg(doc: Document, g: SummaryGroup, metrics: readonly string[], title: string): SVGSVGElement {
  const col0 = 110;
  const colW = 200;
  const rowH = 40;
  const top = 58;
  const width = col0 + 30 + colW * metrics.length + 10;
  const height = top + rowH * g.rows.length + 30;
  const svg = doc.createElementNS(SVG, 'svg') as SVGSVGElement;
  const el = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const e = doc.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  for (const [k, v] of Object.entries({ width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': FONT, 'font-size': 12, role: 'img', 'aria-label': title })) svg.setAttribute(k, String(v));
  svg.append(el('rect', { width, height, fill: 'white' }));
  svg.append(el('text', { x: 8, y: 18, 'font-size': 14, 'font-weight': 600, fill: '#1d2330' }, title));
  svg.append(el('text', { x: 8, y: height - 10, 'font-size': 10, fill: '#5a6378' }, 'mean ± sample std over seeds; Δ vs CE: paired difference, paired t-test p (Holm-adjusted where the summary has it; < 3 seeds: not tested); ★ best mean; green/red: significantly better/worse than CE'));
  const headY = top - 12;
  svg.append(el('text', { x: 8, y: headY, 'font-weight': 600 }, 'loss'));
  svg.append(el('text', { x: col0, y: headY, 'font-weight': 600 }, 'n'));
  metrics.forEach((m, j) => svg.append(el('text', { x: col0 + 30 + j * colW, y: headY, 'font-weight': 600 }, metricInfo(m).short)));
  svg.append(el('line', { x1: 4, x2: width - 4, y1: top - 6, y2: top - 6, stroke: '#c8cdd8' }));
  g.rows.forEach((r, i) => {
    const y = top + 12 + i * rowH;
    svg.append(el('rect', { x: 8, y: y - 10, width: 10, height: 10, rx: 2, fill: colorOf(r.label) }));
    svg.append(el('text', { x: 22, y, 'font-weight': 600 }, r.label));
    svg.append(el('text', { x: col0, y }, String(r.n)));
    metrics.forEach((m, j) => {
      const s = r.final[m];
      const x = col0 + 30 + j * colW;
      const best = bestLabels(g.rows, m).has(r.label);
      svg.append(el('text', { x, y, 'font-weight': best ? 700 : 400 }, s ? `${best ? '★ ' : ''}${num(s.mean)}${s.std === null ? ' (1 seed)' : ` ± ${num(s.std)}`}` : '–'));
      const d = comparedToCE(m) ? r.vsCE?.[m] : undefined;
      if (d && d.meanDiff !== null) {
        const dir = diffDirection(m, d);
        const fill = d.significant && dir === 'better' ? '#0b6b2f' : d.significant && dir === 'worse' ? '#a3161b' : '#5a6378';
        const pv = (v: number) => (v < 0.001 ? '<.001' : v.toFixed(3).replace(/^0/, ''));
        const p = d.pValue === null ? 'no test' : d.tooFewSeeds ? `p ${pv(d.pValue)}, n=${d.n}: not tested`
          : `p ${pv(d.pValue)}${d.pAdjusted === undefined || d.pAdjusted === null ? '' : `, Holm ${pv(d.pAdjusted)}`}`;
        svg.append(el('text', { x, y: y + 15, 'font-size': 10, fill }, `Δ ${d.meanDiff >= 0 ? '+' : ''}${num(d.meanDiff)}, ${p}`));
      }
    });
    svg.append(el('line', { x1: 4, x2: width - 4, y1: y + 22, y2: y + 22, stroke: '#eef0f4' }));
  });
  return svg;
}
