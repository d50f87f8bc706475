/** End-of-run details across seeds: summed confusion, per-class F1 by seed, pooled calibration bins. */
import type { CalibrationBin, FinalDetails } from '../format/types.ts';
import { mean } from '../format/stats.ts';

export interface ConfusionCell {
  actual: string;
  predicted: string;
  count: number;
  /** Share of the true class's examples (row-normalised). */
  rate: number;
}

export function confusionCells(confusion: readonly number[][], classNames: readonly string[]): ConfusionCell[] {
  const name = (i: number) => classNames[i] ?? `class ${i}`;
  return confusion.flatMap((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => ({ actual: name(i), predicted: name(j), count, rate: total ? count / total : 0 }));
  });
}

export function sumConfusion(finals: readonly FinalDetails[]): number[][] {
  if (!finals.length) return [];
  return finals[0].confusion.map((row, i) => row.map((_, j) => finals.reduce((a, f) => a + (f.confusion[i]?.[j] ?? 0), 0)));
}

export interface ClassF1 {
  class: string;
  f1: number;
  seed: number | 'mean';
}

/** Per-class F1 of every seed plus their mean ('mean' rows). */
export function perClassF1(finals: readonly FinalDetails[]): ClassF1[] {
  const out: ClassF1[] = [];
  const classes = finals[0]?.perClass.map((p) => p.class) ?? [];
  for (const f of finals) for (const p of f.perClass) out.push({ class: p.class, f1: p.f1, seed: f.seed });
  for (const c of classes) out.push({ class: c, f1: mean(finals.map((f) => f.perClass.find((p) => p.class === c)?.f1 ?? NaN)), seed: 'mean' });
  return out;
}

/** Bins pooled over seeds (count-weighted confidence and accuracy) and the pooled ECE. */
export function poolCalibration(finals: readonly FinalDetails[]): { bins: CalibrationBin[]; ece: number } {
  const first = finals[0]?.calibration.bins ?? [];
  const bins = first.map((b, i) => {
    let count = 0;
    let conf = 0;
    let acc = 0;
    for (const f of finals) {
      const x = f.calibration.bins[i];
      if (!x) continue;
      count += x.count;
      conf += x.confidence * x.count;
      acc += x.accuracy * x.count;
    }
    return { lo: b.lo, hi: b.hi, count, confidence: count ? conf / count : 0, accuracy: count ? acc / count : 0 };
  });
  const total = bins.reduce((a, b) => a + b.count, 0);
  const ece = finals.length === 1 ? finals[0].calibration.ece
    : total ? bins.reduce((a, b) => a + (b.count / total) * Math.abs(b.accuracy - b.confidence), 0) : NaN;
  return { bins, ece };
}
