import { describe, expect, it } from 'vitest';
import { ci95, incompleteBeta, mean, pairedTTest, std, tQuantile975, tTwoSidedP } from '../../src/data/stats.ts';
import { smoothEma } from '../../src/data/smooth.ts';

describe('stats', () => {
  it('mean and sample std', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(std([1, 2, 3, 4])).toBeCloseTo(1.2909944, 6);
    expect(std([5])).toBe(0);
    expect(mean([])).toBeNaN();
  });

  it('Student t against table values', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.7062, 3);
    expect(tQuantile975(2)).toBeCloseTo(4.3027, 3);
    expect(tQuantile975(10)).toBeCloseTo(2.2281, 3);
    expect(tTwoSidedP(2, 5)).toBeCloseTo(0.10191, 4);
    // df = 1 is the Cauchy distribution: p = 1 − 2/π·atan|t|
    expect(tTwoSidedP(3, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(3), 8);
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 10);
  });

  it('95% CI and paired t-test', () => {
    const [lo, hi] = ci95([1, 2, 3]);
    expect(lo).toBeCloseTo(2 - 4.302653 / Math.sqrt(3), 4);
    expect(hi).toBeCloseTo(2 + 4.302653 / Math.sqrt(3), 4);
    const t = pairedTTest([0.61, 0.63, 0.6], [0.6, 0.6, 0.59]);
    expect(t.meanDiff).toBeCloseTo(0.016667, 5);
    expect(t.n).toBe(3);
    // d = [0.01, 0.03, 0.01]: t = 0.016667 / (0.011547 / √3) = 2.5, df 2 → p = 0.1296
    expect(t.pValue).toBeCloseTo(0.1296, 3);
    expect(t.significant).toBe(false);
    expect(pairedTTest([1], [0]).pValue).toBeNaN();
  });
});

describe('smoothEma', () => {
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
