// Reference values from scipy 1.17 (stats.t.ppf, stats.t.interval, stats.ttest_rel / ttest_1samp / ttest_ind(equal_var=False)).
import { describe, expect, it } from 'vitest';
import { bootstrapCi, describe as describeValues, holmAdjust, pairedDifference, pairedTTest, quantileSorted, sampleStd, tCritical, welchTest } from '../src/stats/index.ts';
import { buildSummary, renderSummaryMd } from '../src/study/index.ts';
import type { RunRecord } from '../src/study/collect.ts';

describe('descriptive statistics', () => {
  it('Student-t quantiles', () => {
    expect(tCritical(1)).toBeCloseTo(12.706204736174694, 9);
    expect(tCritical(2)).toBeCloseTo(4.302652729749462, 9);
    expect(tCritical(9)).toBeCloseTo(2.262157162798205, 9);
  });

  it('mean, sample std and 95% CI', () => {
    const d = describeValues([0.6, 0.59, 0.61]);
    expect(d.mean).toBeCloseTo(0.6, 14);
    expect(d.std).toBeCloseTo(0.01, 14);
    expect(d.ci95![0]).toBeCloseTo(0.5751586228824966, 12);
    expect(d.ci95![1]).toBeCloseTo(0.6248413771175033, 12);
    expect(d.values).toEqual([0.6, 0.59, 0.61]);
  });

  it('n = 1: no std, no CI', () => {
    expect(describeValues([0.7])).toEqual({ n: 1, mean: 0.7, std: null, ci95: null, values: [0.7] });
    expect(sampleStd([1])).toBeNull();
  });
});

describe('paired comparison', () => {
  it('one-sample t-test on differences', () => {
    const r = pairedTTest([1, 2, 3, 4, 5]);
    expect(r.t).toBeCloseTo(4.242640687119285, 12);
    expect(r.pValue).toBeCloseTo(0.01323559956368269, 9);
  });

  it("Student's sleep data (Cushny & Peebles): paired t-test and t CI", () => {
    const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const p = pairedDifference(g2, g1);
    expect(p.meanDiff).toBeCloseTo(1.58, 12);
    expect(p.t).toBeCloseTo(4.062127683382037, 10);
    expect(p.pValue).toBeCloseTo(0.002832890197384273, 9);
    expect(p.ci95![0]).toBeCloseTo(0.7001142367230176, 10);
    expect(p.ci95![1]).toBeCloseTo(2.4598857632769824, 10);
    expect(p.significant).toBe(true);
    expect(p.bootstrapCi95![0]).toBeLessThan(1.58);
    expect(p.bootstrapCi95![1]).toBeGreaterThan(1.58);
  });

  it('three seeds, not significant', () => {
    const p = pairedDifference([0.61, 0.58, 0.64], [0.6, 0.55, 0.59]);
    expect(p.t).toBeCloseTo(2.5980762113533125, 10);
    expect(p.pValue).toBeCloseTo(0.12168993434632042, 9);
    expect(p.significant).toBe(false);
  });

  it('n = 1: a difference, but no p-value and no CIs', () => {
    const p = pairedDifference([0.7], [0.6]);
    expect(p).toMatchObject({ n: 1, pValue: null, ci95: null, bootstrapCi95: null, significant: false });
    expect(p.meanDiff).toBeCloseTo(0.1, 15);
  });

  it('identical differences: p = 0 (or 1 when all zero)', () => {
    expect(pairedTTest([0.1, 0.1, 0.1]).pValue).toBe(0);
    expect(pairedTTest([0, 0, 0]).pValue).toBe(1);
  });

  it('the bootstrap is seeded: same seed, same interval', () => {
    const d = [0.01, -0.02, 0.03, 0.015, 0.0];
    expect(bootstrapCi(d, { seed: 7 })).toEqual(bootstrapCi(d, { seed: 7 }));
    expect(bootstrapCi(d, { seed: 7, resamples: 9 })).not.toEqual(bootstrapCi(d, { seed: 8, resamples: 9 }));
    const [lo, hi] = bootstrapCi(d)!;
    expect(lo).toBeGreaterThanOrEqual(-0.02);
    expect(hi).toBeLessThanOrEqual(0.03);
  });

  it('numpy-style linear percentile', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
  });
});

describe('Welch two-sample test (independent seeds of two implementations)', () => {
  it('t, p, df and CI as scipy.stats.ttest_ind(a, b, equal_var=False)', () => {
    const w = welchTest([0.5995, 0.5957, 0.592, 0.601], [0.5955, 0.5958, 0.589])!;
    expect(w.t).toBeCloseTo(1.2056485875852652, 9);
    expect(w.pValue).toBeCloseTo(0.2864306658627284, 9);
    const v = welchTest([0.3796, 0.387, 0.331, 0.355, 0.364], [0.3624, 0.3364])!;
    expect(v.t).toBeCloseTo(0.8534861102584768, 9);
    expect(v.pValue).toBeCloseTo(0.4733270774883025, 9);
    expect(v.df).toBeCloseTo(2.2888894042437227, 9);
    expect(v.ci95[1] - v.meanDiff).toBeCloseTo(0.062334288205699764, 9); // half-width
  });

  it('undefined with fewer than two values on a side or no spread at all', () => {
    expect(welchTest([0.5], [0.4, 0.41])).toBeNull();
    expect(welchTest([0.5, 0.5], [0.4, 0.4])).toBeNull();
  });
});

describe("Holm's correction", () => {
  it('matches R p.adjust(method = "holm"), nulls untouched', () => {
    // p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
    const adj = holmAdjust([0.01, null, 0.04, 0.03, 0.005]);
    expect(adj[1]).toBeNull();
    [0.03, 0.06, 0.06, 0.02].forEach((x, i) => expect(adj[[0, 2, 3, 4][i]]).toBeCloseTo(x, 12));
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });
});

describe('summary statistics across a table', () => {
  const rec = (loss: string, seed: number, acc: number): RunRecord => ({
    source: '.', recall: null, final: { test_acc: acc, f1: acc, test_nll: 1 - acc, ece: 0.1, train_acc: acc },
    run: { id: `${loss}_${seed}`, index: seed, loss, label: loss.toUpperCase(), seed, data: 'clean', arch: 'convnet', status: 'done', epochsDone: 1, epochs: 1, divergedEpoch: null, error: null, startedAt: null, endedAt: null, adapter: null, csv: '', final: '', state: '', statusFile: '' },
  });
  const meta = { study: 't', sources: ['.'], classNames: [] };

  it('n < 3 paired seeds: too few to test, never significant, however large the difference', () => {
    const s = buildSummary([rec('ce', 0, 0.5), rec('ce', 1, 0.51), rec('l1', 0, 0.2), rec('l1', 1, 0.2101)], meta);
    const v = s.groups[0].rows[1].vsCE!.test_acc!;
    expect(v).toMatchObject({ n: 2, tooFewSeeds: true, significant: false, pAdjusted: null });
    expect(v.pValue).toBeLessThan(0.05); // the raw test would have called it
    expect(renderSummaryMd(s)).toMatch(/Too few seeds to test[^\n]*\n- L1 − CE, test accuracy/);
    expect(renderSummaryMd(s)).toMatch(/paired t-test at α = 0.05: no comparison here has enough paired seeds to test\./);
    expect(renderSummaryMd(s)).not.toMatch(/across the 0 tested/);
  });

  it('adjusted p over all comparisons of the table; significance follows the adjusted p', () => {
    const accs = [[0.5, 0.52, 0.55, 0.51], [0.45, 0.49, 0.48, 0.47]];
    const recs = accs.flatMap((a, l) => a.map((x, s) => rec(l ? 'l1' : 'ce', s, x)));
    const s = buildSummary(recs, meta);
    const vs = Object.values(s.groups[0].rows[1].vsCE!);
    expect(vs).toHaveLength(5);
    const raw = vs.map((v) => v!.pValue);
    const adj = holmAdjust(raw);
    vs.forEach((v, i) => {
      expect(v!.pAdjusted).toBe(adj[i]);
      expect(v!.significant).toBe(adj[i]! < 0.05);
    });
    const acc = s.groups[0].rows[1].vsCE!.test_acc!;
    expect(acc.pValue!).toBeLessThan(0.05); // raw: significant …
    expect(acc.pAdjusted!).toBeGreaterThan(0.05); // … not after Holm across 5 comparisons
    expect(acc.significant).toBe(false);
    expect(renderSummaryMd(s)).toMatch(/Holm's correction across the 5 tested comparisons/);
    expect(renderSummaryMd(s)).toMatch(/L1 − CE, test accuracy: −0\.0475 \(p = 0\.011, Holm-adjusted p = 0\.057, n = 4/);
  });
});
