/** Curves for the charts: per-seed series and the mean ± std band across seeds, per epoch. */
import type { EpochRow, Metric } from '../format/types.ts';
import { mean, sampleStd } from '../format/stats.ts';
import { smoothEma } from './smooth.ts';
import type { LossGroup } from './group.ts';

export interface SeedPoint {
  label: string;
  seed: number;
  epoch: number;
  value: number;
}

export interface BandPoint {
  label: string;
  epoch: number;
  mean: number;
  std: number;
  lo: number;
  hi: number;
  /** Seeds that reached this epoch with a finite value. */
  n: number;
}

export interface CurveOptions {
  /** EMA weight in [0, 1). */
  smoothing?: number;
  /** For log scales: drop non-positive values and keep the band's lower edge above zero. */
  positiveOnly?: boolean;
  /** The metric's possible range (accuracy in [0, 1], losses ≥ 0): the ±std band is cut to it. */
  range?: [number, number];
}

/** One seed's values of `metric` by epoch, smoothed. */
export function seedSeries(rows: readonly EpochRow[], metric: Metric, smoothing = 0): { epoch: number; value: number }[] {
  const values = smoothEma(rows.map((r) => r[metric]), smoothing);
  return rows.map((r, i) => ({ epoch: r.epoch, value: values[i] }));
}

export function lossCurves(group: LossGroup, metric: Metric, opts: CurveOptions = {}): { seeds: SeedPoint[]; band: BandPoint[] } {
  const keep = (v: number) => Number.isFinite(v) && (!opts.positiveOnly || v > 0);
  const seeds: SeedPoint[] = [];
  const byEpoch = new Map<number, number[]>();
  for (const r of group.runs) {
    if (!r.rows) continue;
    for (const p of seedSeries(r.rows, metric, opts.smoothing)) {
      if (!keep(p.value)) continue;
      seeds.push({ label: group.label, seed: r.run.seed, epoch: p.epoch, value: p.value });
      const list = byEpoch.get(p.epoch) ?? [];
      list.push(p.value);
      byEpoch.set(p.epoch, list);
    }
  }
  const band = [...byEpoch.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([epoch, vs]): BandPoint => {
      const m = mean(vs);
      const s = sampleStd(vs) ?? 0;
      const [min, max] = opts.range ?? [-Infinity, Infinity];
      let lo = Math.max(m - s, min);
      if (opts.positiveOnly && lo <= 0) lo = Math.min(...vs);
      return { label: group.label, epoch, mean: m, std: s, lo, hi: Math.min(m + s, max), n: vs.length };
    });
  return { seeds, band };
}

/**
 * What a chart's lines and bands are, in words, for its caption: "mean over seeds; band ± 1
 * sample std across seeds; n = 2 seeds per loss" (or each loss's n where they differ, a range
 * where a loss has fewer seeds at some epochs).
 */
export function bandCaption(band: readonly BandPoint[], labels: readonly string[]): string {
  const ns = labels.map((l) => band.filter((b) => b.label === l).map((b) => b.n)).map((xs, i) => ({ label: labels[i], lo: Math.min(...xs), hi: Math.max(...xs) })).filter((x) => Number.isFinite(x.lo));
  if (!ns.length) return '';
  const one = (x: { lo: number; hi: number }) => (x.lo === x.hi ? String(x.hi) : `${x.lo}–${x.hi}`);
  const same = ns.every((x) => x.lo === ns[0].lo && x.hi === ns[0].hi);
  const n = same ? `n = ${one(ns[0])} seed${ns[0].hi === 1 ? '' : 's'}${ns.length > 1 ? ' per line' : ''}` : `n seeds: ${ns.map((x) => `${x.label} ${one(x)}`).join(', ')}`;
  if (ns.every((x) => x.hi === 1)) return `one seed per line: no band; ${n}`;
  return `line: mean over seeds; band: ± 1 sample std across seeds; ${n}`;
}

/** Every seed's value at every epoch, by series: for a chart's CSV next to the mean and band. */
export function seedColumns(seeds: readonly SeedPoint[]): { seeds: number[]; at: (label: string, epoch: number, seed: number) => number | undefined } {
  const map = new Map(seeds.map((p) => [`${p.label}\u0000${p.epoch}\u0000${p.seed}`, p.value]));
  return { seeds: [...new Set(seeds.map((p) => p.seed))].sort((a, b) => a - b), at: (l, e, s) => map.get(`${l}\u0000${e}\u0000${s}`) };
}
