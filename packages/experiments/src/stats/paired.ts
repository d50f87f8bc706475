/** Paired comparison of a loss against CE over the same seeds: t-test and seeded bootstrap CI. */
import { bootstrapCi, ciMean, mean, pairedTTest, quantileSorted } from '@losslab/viewer/format';

// The bootstrap lives in the statistics module the viewer shares: one implementation for both.
export { pairedTTest, bootstrapCi, quantileSorted };

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
