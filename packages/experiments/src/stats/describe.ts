/** Mean, sample standard deviation and Student-t 95% confidence interval over seeds. */
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
