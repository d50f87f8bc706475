import { describe as suite, expect, it } from 'vitest';
import { ciMean, describe, holmAdjust, mean, pairedTTest, sampleStd, tCritical } from '../../src/format/stats.ts';
import { smoothEma } from '../../src/data/smooth.ts';

suite('stats (the summary\'s, shared with losslab summary)', () => {
  it('mean and sample std; no std below two values', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sampleStd([1, 2, 3, 4])).toBeCloseTo(1.2909944, 6);
    expect(sampleStd([5])).toBeNull();
    expect(describe([5])).toEqual({ n: 1, mean: 5, std: null, ci95: null, values: [5] });
  });

  it('Student t against table values', () => {
    expect(tCritical(1)).toBeCloseTo(12.7062, 3);
    expect(tCritical(2)).toBeCloseTo(4.3027, 3);
    expect(tCritical(10)).toBeCloseTo(2.2281, 3);
  });

  it('95% CI and paired t-test', () => {
    const [lo, hi] = ciMean([1, 2, 3])!;
    expect(lo).toBeCloseTo(2 - 4.302653 / Math.sqrt(3), 4);
    expect(hi).toBeCloseTo(2 + 4.302653 / Math.sqrt(3), 4);
    // d = [0.01, 0.03, 0.01]: t = 0.016667 / (0.011547 / √3) = 2.5, df 2 → p = 0.1296
    const t = pairedTTest([0.01, 0.03, 0.01]);
    expect(t.t).toBeCloseTo(2.5, 6);
    expect(t.pValue).toBeCloseTo(0.1296, 3);
    expect(pairedTTest([1]).pValue).toBeNull();
  });
});

suite('Holm\'s correction', () => {
  it('multiplies the k-th smallest p by m − k + 1, keeps it monotone, caps at 1, skips nulls', () => {
    const adj = holmAdjust([0.01, 0.04, null, 0.03, 0.5]);
    expect(adj[0]).toBeCloseTo(0.04, 12); // 4 × 0.01
    expect(adj[3]).toBeCloseTo(0.09, 12); // 3 × 0.03
    expect(adj[1]).toBeCloseTo(0.09, 12); // 2 × 0.04 = 0.08, raised to the running maximum
    expect(adj[2]).toBeNull();
    expect(adj[4]).toBe(0.5);
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]);
  });
});

suite('smoothEma', () => {
  it('is the identity at weight 0 and debiased otherwise', () => {
    expect(smoothEma([1, 2, 3], 0)).toEqual([1, 2, 3]);
    const s = smoothEma([1, 3], 0.5);
    expect(s[0]).toBe(1);
    expect(s[1]).toBeCloseTo((0.25 * 1 + 0.5 * 3) / 0.75, 10);
  });

  it('keeps NaN in place without poisoning later points', () => {
    const s = smoothEma([1, NaN, 1], 0.9);
    expect(s[1]).toBeNaN();
    expect(s[2]).toBeCloseTo(1, 10);
  });
});
