/**
 * A study's figures drawn outside a browser with the viewer's own chart code (Observable Plot on
 * linkedom's DOM), written as SVG and as PNG (resvg), ready for a paper: the curves of every metric
 * (y axis with its unit, a caption saying what the band is and over how many seeds), a
 * column-width summary with CIs, per-class F1 of every loss side by side, and per loss the
 * confusion matrix (normalised per true class, one shared scale) and the reliability diagram.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { lossCurves } from '../data/bands.ts';
import { eceText, meanConfusionRates, perClassF1, poolCalibration } from '../data/final.ts';
import { bandCaption } from '../data/bands.ts';
import { groupRuns, gridTag, gridTitle, lossLabels } from '../data/group.ts';
import type { StudyData } from '../data/model.ts';
import { summaryFromRuns } from '../data/summary.ts';
import { CURVE_METRICS, metricRange, SUMMARY_METRICS } from '../format/metrics.ts';
import type { Metric, SummaryGroup } from '../format/types.ts';
import { curveChart } from '../ui/charts/curves.ts';
import { classF1Figure, confusionChart, reliabilityChart } from '../ui/charts/details.ts';
import { assignSeriesColors, colorOf } from '../ui/charts/palette.ts';
import { summaryFigureSvg } from './table.ts';

export interface Figure {
  /** File name without extension. */
  name: string;
  title: string;
  svg: string;
}

export interface FigureOptions {
  smoothing?: number;
  width?: number;
  /** Differing settings drawn as series within a figure rather than figures of their own. */
  series?: string[];
}

const safe = (s: string) => s.replace(/[^a-zA-Z0-9._-]+/g, '_');

/** XML text: linkedom's outerHTML (HTML rules) leaves `<` and `&` in attribute values as they are, which XML refuses. */
const xmlEscape = (s: string, attr: boolean) => {
  const t = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attr ? t.replace(/"/g, '&quot;').replace(/\n/g, '&#10;') : t;
};

function xml(n: Node): string {
  if (n.nodeType === 3) return xmlEscape(n.textContent ?? '', false);
  if (n.nodeType !== 1) return '';
  const e = n as Element;
  const attrs = Array.from(e.attributes).map((a) => ` ${a.name}="${xmlEscape(a.value, true)}"`).join('');
  const inner = Array.from(e.childNodes).map(xml).join('');
  return inner ? `<${e.localName}${attrs}>${inner}</${e.localName}>` : `<${e.localName}${attrs} />`;
}

function serialize(svg: SVGSVGElement): string {
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml(svg)}\n`;
}

export function studyFigures(data: StudyData, opts: FigureOptions = {}): Figure[] {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const doc = document as unknown as Document;
  const order = (data.study.config.losses as string[] | undefined) ?? [];
  const labels = lossLabels(data.runs, order, { series: opts.series });
  const grids = groupRuns(data.runs, order, { series: opts.series });
  const classCount = data.study.classNames.length || 10;
  assignSeriesColors(labels);
  const figures: Figure[] = [];
  const multi = grids.length > 1;
  for (const g of grids) {
    const tag = multi ? `_${gridTag(g)}` : '';
    for (const m of CURVE_METRICS) {
      const band = g.losses.flatMap((l) => lossCurves(l, m.key as Metric, { smoothing: opts.smoothing ?? 0, range: metricRange(m) }).band);
      if (!band.length) continue;
      const raw = opts.smoothing ? g.losses.flatMap((l) => lossCurves(l, m.key as Metric).band) : [];
      const title = `${m.title}${multi ? ` — ${gridTitle(g)}` : ''}`;
      const caption = `${bandCaption(band, labels)}${opts.smoothing ? `; smoothed (EMA ${opts.smoothing}), raw mean faint` : ''}.`;
      const svg = curveChart({ metric: m, title, labels, band, raw, seeds: [], showSeeds: false, log: false, width: opts.width ?? 640, height: 360, caption,
        totalEpochs: Math.max(0, ...g.losses.flatMap((l) => l.runs.map((r) => r.run.epochs))), document: doc });
      figures.push({ name: safe(`curve_${m.key}${tag}`), title, svg: serialize(svg) });
    }
    for (const l of g.losses) {
      const finals = l.runs.flatMap((r) => (r.final ? [r.final] : []));
      if (!finals.length) continue;
      const which = `${l.label}, ${finals.length > 1 ? `${finals.length} seeds` : `seed ${finals[0].seed}`}${multi ? `, ${gridTitle(g)}` : ''}`;
      const classes = data.study.classNames.length ? data.study.classNames : finals[0].perClass.map((p) => p.class);
      const confTitle = `Confusion matrix, % of each true class${finals.length > 1 ? ` (mean of ${finals.length} seeds)` : ''} — ${which}`;
      const conf = confusionChart(meanConfusionRates(finals, classes), classes, { title: confTitle, document: doc });
      figures.push({ name: safe(`confusion_${l.label}${tag}`), title: confTitle, svg: serialize(conf) });
      const cal = poolCalibration(finals);
      const rel = reliabilityChart(cal.bins, eceText(finals), colorOf(l.label), { title: `Reliability — ${which}`, document: doc });
      figures.push({ name: safe(`reliability_${l.label}${tag}`), title: `Reliability — ${which}`, svg: serialize(rel) });
    }
    const f1 = g.losses.map((l) => ({ label: l.label, rows: perClassF1(l.runs.flatMap((r) => (r.final ? [r.final] : []))) })).filter((x) => x.rows.length);
    if (f1.length) {
      const title = `Per-class F1${multi ? ` — ${gridTitle(g)}` : ''}`;
      figures.push({ name: safe(`per_class_f1${tag}`), title, svg: serialize(classF1Figure(f1, labels, { title, document: doc })) });
    }
  }
  const groups: (SummaryGroup & { group?: string })[] = data.summary?.groups ?? summaryFromRuns(groupRuns(data.runs, order), [...SUMMARY_METRICS]);
  const metrics = data.summary?.metrics.length ? data.summary.metrics : [...SUMMARY_METRICS];
  groups.forEach((g) => {
    if (!g.rows.length) return;
    const title = `Summary${groups.length > 1 ? ` — ${gridTitle(g)}` : ''}`;
    figures.push({ name: safe(`summary${groups.length > 1 ? `_${gridTag(g)}` : ''}`), title, svg: serialize(summaryFigureSvg(doc, g, metrics, title, classCount)) });
  });
  return figures;
}

/** resvg's native binding is loaded on first use: a bundle without it still runs every other command. */
export async function toPng(svg: string, scale = 2): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const r = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return Buffer.from(r.render().asPng());
}

/** Writes <name>.svg and <name>.png for every figure into `outDir`; returns the files written. */
export async function writeFigures(figures: readonly Figure[], outDir: string, formats: readonly ('svg' | 'png')[] = ['svg', 'png'], onFile?: (file: string) => void): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const f of figures) {
    for (const fmt of formats) {
      const file = join(outDir, `${f.name}.${fmt}`);
      await writeFile(file, fmt === 'svg' ? f.svg : await toPng(f.svg));
      written.push(file);
      onFile?.(file);
    }
  }
  return written;
}
