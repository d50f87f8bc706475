/** Two independent samples with unequal variances (e.g. two implementations, different seeds): Welch's t-test. */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { mean, sampleStd, tCritical } from './describe.ts';

export interface WelchTest {
  /** mean(a) − mean(b) */
  meanDiff: number;
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Welch 95% CI of the difference of means. */
  ci95: [number, number];
}

/** null when either sample has fewer than 2 values or both have no spread. */
export function welchTest(a: readonly number[], b: readonly number[], level = 0.95): WelchTest | null {
  const sa = sampleStd(a);
  const sb = sampleStd(b);
  if (sa === null || sb === null) return null;
  const va = sa ** 2 / a.length;
  const vb = sb ** 2 / b.length;
  const se = Math.sqrt(va + vb);
  if (se === 0) return null;
  const meanDiff = mean(a) - mean(b);
  const t = meanDiff / se;
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const half = tCritical(df, level) * se;
  return { meanDiff, t, df, pValue: 2 * (1 - tCdf(Math.abs(t), df)), ci95: [meanDiff - half, meanDiff + half] };
}
