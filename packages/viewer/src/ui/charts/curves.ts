/** A metric against epoch: mean over seeds with a ±std band per loss, optional seed lines, hover read-out. */
import * as Plot from '@observablehq/plot';
import type { BandPoint, SeedPoint } from '../../data/bands.ts';
import type { MetricInfo } from '../../data/metrics.ts';
import { colorScale } from './palette.ts';

export interface CurveChartInput {
  metric: MetricInfo;
  labels: string[];
  band: BandPoint[];
  seeds: SeedPoint[];
  showSeeds: boolean;
  log: boolean;
  /** Planned epochs: the x axis spans them, so a running study shows how far it got. */
  totalEpochs?: number;
  width?: number;
}

export function curveChart({ metric, labels, band, seeds, showSeeds, log, totalEpochs = 0, width = 460 }: CurveChartInput): SVGSVGElement {
  const epochs = band.map((b) => b.epoch);
  const maxEpoch = Math.max(1, ...epochs);
  const lastEpoch = Math.max(maxEpoch, totalEpochs);
  const step = Math.max(1, Math.ceil(lastEpoch / 10));
  const ticks = Array.from({ length: Math.floor((lastEpoch - 1) / step) + 1 }, (_, i) => 1 + i * step);
  const tip = (d: BandPoint) =>
    `${d.label} · epoch ${d.epoch}\nmean ${d.mean.toPrecision(4)}${d.n > 1 ? ` ± ${d.std.toPrecision(3)}` : ''}\n${d.n > 1 ? `std over ${d.n} seeds` : '1 seed'}`;
  const svg = Plot.plot({
    width,
    height: 280,
    marginRight: 70,
    marginLeft: 56,
    style: { fontSize: '12px', fontFamily: 'system-ui, sans-serif', background: 'white', overflow: 'visible' },
    x: { label: 'epoch', domain: [1, lastEpoch], ticks, tickFormat: 'd', grid: true },
    y: { label: metric.title, type: log ? 'log' : 'linear', grid: true, nice: true },
    color: colorScale(labels),
    marks: [
      Plot.areaY(band, { x: 'epoch', y1: 'lo', y2: 'hi', fill: 'label', fillOpacity: 0.18, curve: 'linear', ariaDescription: 'band' }),
      showSeeds ? Plot.lineY(seeds, { x: 'epoch', y: 'value', stroke: 'label', z: (d: SeedPoint) => `${d.label}/${d.seed}`, strokeOpacity: 0.55, strokeWidth: 1, strokeDasharray: '3,2', ariaDescription: 'seeds' }) : null,
      Plot.lineY(band, { x: 'epoch', y: 'mean', stroke: 'label', strokeWidth: 2, marker: lastEpoch <= 12 ? 'circle-stroke' : null, ariaDescription: 'mean' }),
      Plot.text(band, Plot.selectLast({ x: 'epoch', y: 'mean', z: 'label', text: 'label', fill: 'label', dx: 6, textAnchor: 'start', ariaDescription: 'labels' })),
      Plot.tip(band, Plot.pointerX({ x: 'epoch', y: 'mean', stroke: 'label', title: tip })),
    ],
  }) as SVGSVGElement;
  svg.classList.add('chart-main');
  svg.dataset.series = String(new Set(band.map((b) => b.label)).size);
  svg.dataset.epochs = String(maxEpoch);
  return svg;
}
