/**
 * The summary as a column-width figure (for `losslab plot`): per compared metric a panel of each
 * loss's mean with its Student-t 95% CI over seeds, and Δ vs CE with its bootstrap 95% CI and
 * p-value as text; a caption says what the intervals are and how many seeds. At most 600 px wide
 * (1,200 px as PNG at 2×).
 */
import * as Plot from '@observablehq/plot';
import { bestLabels, diffDirection } from '../data/summary.ts';
import { COMPARED_METRICS, ECE_DEFINITION, metricInfo } from '../format/metrics.ts';
import { MIN_SEEDS_TO_TEST } from '../format/stats.ts';
import type { SummaryGroup } from '../format/types.ts';
import { colorOf } from '../ui/charts/palette.ts';
import { wrapWords } from '../ui/charts/curves.ts';

const SVG = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const SUMMARY_FIGURE_WIDTH = 600;
const num = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(4));
const pv = (v: number) => (v < 0.001 ? '<.001' : v.toFixed(3).replace(/^0/, ''));

interface Row { label: string; mean: number; lo: number; hi: number; n: number; best: boolean; diff: string; diffFill: string }

export function summaryFigureSvg(doc: Document, g: SummaryGroup, metrics: readonly string[], title: string, classCount = 10): SVGSVGElement {
  const shown = COMPARED_METRICS.filter((m) => metrics.includes(m));
  const colW = SUMMARY_FIGURE_WIDTH / 2;
  const labels = g.rows.map((r) => r.label);
  const panelH = 58 + 34 * labels.length;
  const ns = g.rows.map((r) => r.n);
  const nText = Math.min(...ns) === Math.max(...ns) ? `n = ${ns[0]} seeds per loss` : `n = ${Math.min(...ns)}–${Math.max(...ns)} seeds (${g.rows.map((r) => `${r.label} ${r.n}`).join(', ')})`;
  const caption = `Dots: mean over seeds of the final epoch; bars: Student-t 95% CI of the mean (none with one seed); ${nText}. Under each loss: Δ vs CE (paired over shared seeds) with its bootstrap 95% CI (Student-t below 3 seeds, then untested; CIs not adjusted for multiple comparisons, and a bootstrap over few seeds is narrow) and paired t-test p (Holm-adjusted); green/red: significantly better/worse than CE. ★: best, significantly better than the runner-up, among losses above chance. ${ECE_DEFINITION}.`;
  const capLines = wrapWords(caption, 96);
  const top = 30;
  const rowsOfPanels = Math.ceil(shown.length / 2);
  const height = top + panelH * rowsOfPanels + 14 * capLines.length + 12;
  const svg = doc.createElementNS(SVG, 'svg') as SVGSVGElement;
  const el = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const e = doc.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  for (const [k, v] of Object.entries({ width: SUMMARY_FIGURE_WIDTH, height, viewBox: `0 0 ${SUMMARY_FIGURE_WIDTH} ${height}`, 'font-family': FONT, 'font-size': 11, role: 'img', 'aria-label': title })) svg.setAttribute(k, String(v));
  svg.append(el('rect', { width: SUMMARY_FIGURE_WIDTH, height, fill: 'white' }));
  svg.append(el('text', { x: 8, y: 18, 'font-size': 14, 'font-weight': 600, fill: '#1d2330' }, title));
  shown.forEach((m, i) => {
    const info = metricInfo(m);
    const best = bestLabels(g.rows, m, classCount);
    const rows: Row[] = g.rows.flatMap((r) => {
      const s = r.final[m];
      if (!s) return [];
      const d = r.vsCE?.[m];
      const dir = d ? diffDirection(m, d) : 'none';
      // Below MIN_SEEDS_TO_TEST a percentile bootstrap has a handful of distinct resamples: the (wide) t-CI instead.
      const few = !d || d.n < MIN_SEEDS_TO_TEST;
      const ci = few ? d?.ci95 : d?.bootstrapCi95 ?? d?.ci95;
      const p = !d || d.pValue === null ? '' : few ? `, n=${d.n}: untested` : `, p ${pv(d.pAdjusted ?? d.pValue)}`;
      return [{ label: r.label, mean: s.mean, lo: s.ci95?.[0] ?? s.mean, hi: s.ci95?.[1] ?? s.mean, n: r.n, best: best.has(r.label),
        diff: d && d.meanDiff !== null ? `Δ ${d.meanDiff >= 0 ? '+' : '−'}${num(Math.abs(d.meanDiff))}${ci ? ` [${num(ci[0])}, ${num(ci[1])}]` : ''}${p}` : '',
        diffFill: d?.significant && dir === 'better' ? '#0b6b2f' : d?.significant && dir === 'worse' ? '#a3161b' : '#5a6378' }];
    });
    const panel = Plot.plot({
      document: doc,
      width: colW,
      height: panelH,
      marginLeft: 78,
      marginRight: 36,
      marginTop: 24,
      marginBottom: 34,
      style: { fontSize: '11px', fontFamily: FONT, background: 'white' },
      x: { label: info.axis, labelAnchor: 'center', labelArrow: 'none', grid: true, nice: true, ...(info.percent ? { domain: [Math.max(0, Math.min(...rows.map((r) => r.lo)) - 0.02), Math.min(1, Math.max(...rows.map((r) => r.hi)) + 0.02)] } : {}) },
      y: { domain: labels, label: null, tickSize: 0, padding: 0.5, tickFormat: (l: string) => `${rows.find((r) => r.label === l)?.best ? '★ ' : ''}${l}` },
      marks: [
        Plot.ruleY(rows, { y: 'label', x1: 'lo', x2: 'hi', stroke: (r: Row) => colorOf(r.label), strokeWidth: 2, clip: true }),
        Plot.dot(rows, { y: 'label', x: 'mean', fill: (r: Row) => colorOf(r.label), r: 3.5 }),
        Plot.text(rows, { y: 'label', x: 'mean', text: (r: Row) => num(r.mean), dy: -9, dx: -3, textAnchor: 'start', fontSize: 10, fill: '#1d2330' }),
        Plot.text(rows, { y: 'label', frameAnchor: 'left', text: 'diff', dy: 11, dx: 4, fontSize: 9.5, fill: (r: Row) => r.diffFill }),
      ],
    }) as unknown as SVGSVGElement;
    panel.setAttribute('x', String((i % 2) * colW));
    panel.setAttribute('y', String(top + Math.floor(i / 2) * panelH));
    svg.append(panel);
    svg.append(el('text', { x: (i % 2) * colW + 8, y: top + Math.floor(i / 2) * panelH + 14, 'font-size': 12, 'font-weight': 600, fill: '#1d2330' },
      `${info.title}${info.better ? ` (${info.better === 'max' ? 'higher' : 'lower'} is better)` : ''}`));
  });
  const cap = el('text', { class: 'chart-caption', x: 8, y: top + panelH * rowsOfPanels + 12, 'font-size': 10, fill: '#5a6378' });
  capLines.forEach((l, i) => cap.append(el('tspan', { x: 8, dy: i ? 14 : 0 }, l)));
  svg.append(cap);
  return svg;
}
