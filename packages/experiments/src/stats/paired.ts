/** Paired comparison of a loss against CE over the same seeds: t-test and seeded bootstrap CI. */
import { randInt, seededRng } from '../util/rng.ts';
import { ciMean, mean, pairedTTest } from '@losslab/viewer/format';

export { pairedTTest };

export interface PairedTest {
  n: number;
  meanDiff: number;
  /** Student-t CI of the mean difference; null for n < 2. */
  ci95: [number, number] | null;
  /** Percentile bootstrap CI of the mean difference (seeded); null for n < 2. */
  bootstrapCi95: [number, number] | null;
  t: number | null;
  /** Two-sided paired t-test p-value; null for n < 2. */
  pValue: number | null;
  significant: boolean;
}

/** Numpy-style linear-interpolation percentile of sorted values, q in [0, 1]. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function bootstrapCi(values: readonly number[], opts: { resamples?: number; seed?: number; level?: number } = {}): [number, number] | null {
  const n = values.length;
  if (n < 2) return null;
  const b = opts.resamples ?? 10_000;
  const rng = seededRng(opts.seed ?? 0);
  const means = new Float64Array(b);
  for (let r = 0; r < b; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[randInt(rng, n)];
    means[r] = s / n;
  }
  means.sort();
  const alpha = 1 - (opts.level ?? 0.95);
  const sorted = Array.from(means);
  return [quantileSorted(sorted, alpha / 2), quantileSorted(sorted, 1 - alpha / 2)];
}

/** `a` and `b` are paired by position (the same seeds); the difference is a − b. */
export function pairedDifference(a: readonly number[], b: readonly number[], alpha = 0.05, seed = 0): PairedTest {
  if (a.length !== b.length || a.length === 0) throw new RangeError('pairedDifference: need equal, non-empty samples');
  const d = a.map((x, i) => x - b[i]);
  const { t, pValue } = pairedTTest(d);
  return {
    n: d.length,
    meanDiff: mean(d),
    ci95: ciMean(d),
    bootstrapCi95: bootstrapCi(d, { seed }),
    t,
    pValue,
    significant: pValue !== null && pValue < alpha,
  };
}
