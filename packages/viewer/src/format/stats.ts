/**
 * The statistics of a study's summary, one implementation for `losslab summary` and the viewer:
 * mean, sample std and Student-t 95% CI over seeds (null below two seeds), the paired t-test
 * of a loss against CE over shared seeds, and Holm's correction across a table's comparisons.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface Described {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); null for n < 2. */
  std: number | null;
  /** mean ± t_{0.975, n−1} · std / √n; null for n < 2. */
  ci95: [number, number] | null;
  values: number[];
}

/** The significance level of every test in a summary. */
export const ALPHA = 0.05;

export function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function sampleStd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Two-sided quantile of Student's t with `df` degrees of freedom. */
export function tCritical(df: number, level = 0.95): number {
  return tQuantile(1 - (1 - level) / 2, df);
}

export function ciMean(xs: readonly number[], level = 0.95): [number, number] | null {
  const sd = sampleStd(xs);
  if (sd === null) return null;
  const half = (tCritical(xs.length - 1, level) * sd) / Math.sqrt(xs.length);
  const m = mean(xs);
  return [m - half, m + half];
}

export function describe(values: readonly number[]): Described {
  if (values.length === 0) throw new RangeError('describe: no values');
  return { n: values.length, mean: mean(values), std: sampleStd(values), ci95: ciMean(values), values: [...values] };
}

/** Two-sided paired t-test of the differences; null below two pairs. */
export function pairedTTest(diffs: readonly number[]): { t: number | null; pValue: number | null } {
  const n = diffs.length;
  const sd = sampleStd(diffs);
  if (sd === null) return { t: null, pValue: null };
  const m = mean(diffs);
  if (sd === 0) return m === 0 ? { t: 0, pValue: 1 } : { t: Math.sign(m) * Infinity, pValue: 0 };
  const t = m / (sd / Math.sqrt(n));
  return { t, pValue: 2 * (1 - tCdf(Math.abs(t), n - 1)) };
}

/** Fewer paired seeds than this: a comparison is reported but not tested (the t-test has 1 degree of freedom or none). */
export const MIN_SEEDS_TO_TEST = 3;

/**
 * Holm's step-down correction for m comparisons tested together (a summary table's comparisons
 * against CE): sort the p-values, multiply the k-th smallest by (m − k + 1), keep the running
 * maximum, cap at 1. Adjusted p-values in the input's order; nulls stay null and are not counted.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const tested = pValues.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null).sort((a, b) => a.p - b.p);
  const m = tested.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  tested.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    out[i] = running;
  });
  return out;
}

/** A small seeded generator (SplitMix32-style) for bootstrap resamples: uniform floats in [0, 1). */
export function seededRng(seed: number): () => number {
  let state = (seed >>> 0) ^ 0x9e3779b9;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
}

/** Uniform integer in [0, n). */
export const randInt = (rng: () => number, n: number): number => Math.floor(rng() * n);

/** Numpy-style linear-interpolation percentile of sorted values, q in [0, 1]. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Percentile bootstrap CI of the mean (seeded, 10 000 resamples by default): the CI `losslab
 * summary` gives every difference against CE, and the viewer computes the same way. null for n < 2.
 */
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
