/** End-of-run details across seeds: confusion normalised per true class, per-class F1 by seed, pooled calibration bins. */
import type { CalibrationBin, FinalDetails } from '../format/types.ts';
import { describe, mean } from '../format/stats.ts';

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

/**
 * Cells of the confusion matrix normalised per true class (each row sums to 1), averaged over
 * seeds: every loss on the same 0–1 scale whatever its number of seeds or class sizes. `count`
 * is the sum over seeds, for the read-out.
 */
export function meanConfusionRates(finals: readonly FinalDetails[], classNames: readonly string[]): ConfusionCell[] {
  const per = finals.map((f) => confusionCells(f.confusion, classNames));
  const summed = confusionCells(sumConfusion(finals), classNames);
  return summed.map((c, k) => ({ ...c, rate: mean(per.map((p) => p[k]?.rate ?? 0)) }));
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

/**
 * Bins pooled over seeds (count-weighted confidence and accuracy), for the reliability diagram.
 * No ECE of pooled bins: the one ECE is the mean of the runs' own (eceText, ECE_DEFINITION).
 */
export function poolCalibration(finals: readonly FinalDetails[]): { bins: CalibrationBin[] } {
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
  return { bins };
}

const f4 = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(4));

/** The ECE read-out (format/metrics.ts ECE_DEFINITION): mean ± std of the runs' own ECEs, as the summary; or the one run's. */
export function eceText(fs: readonly FinalDetails[]): string {
  const d = describe(fs.map((f) => f.calibration.ece));
  return d.n === 1 ? `ECE ${f4(d.mean)} (seed ${fs[0].seed})` : `ECE ${f4(d.mean)} ± ${f4(d.std)} (mean ± std, ${d.n} seeds)`;
}
