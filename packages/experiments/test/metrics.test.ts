import { describe, expect, it } from 'vitest';
import { accuracy, binConfidences, confusionMatrix, ece, macroF1, perClass, reliabilityBins } from '../src/metrics/index.ts';

describe('confusion-matrix metrics', () => {
  it('builds confusion[true][pred]', () => {
    expect(confusionMatrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], 3)).toEqual([[1, 1, 0], [0, 1, 0], [1, 0, 1]]);
  });

  it('accuracy, per-class and macro-F1 with an empty class (zero_division = 0)', () => {
    const m = [[2, 1, 0], [1, 3, 0], [0, 0, 0]];
    expect(accuracy(m)).toBeCloseTo(5 / 7, 15);
    const pc = perClass(m);
    expect(pc[0]).toEqual({ precision: 2 / 3, recall: 2 / 3, f1: expect.closeTo(2 / 3, 15), support: 3 });
    expect(pc[1].precision).toBeCloseTo(3 / 4, 15);
    expect(pc[1].f1).toBeCloseTo(3 / 4, 15);
    expect(pc[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(macroF1(m)).toBeCloseTo(17 / 36, 15);
  });

  it('a class predicted but never true has precision 0 and F1 0', () => {
    const m = [[1, 0, 1], [0, 2, 0], [0, 0, 0]];
    const pc = perClass(m);
    expect(pc[0].precision).toBe(1);
    expect(pc[0].recall).toBe(0.5);
    expect(pc[0].f1).toBeCloseTo(2 / 3, 15);
    expect(pc[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(macroF1(m)).toBeCloseTo(5 / 9, 15);
  });

  it('an all-zero matrix gives zeros, not NaN', () => {
    expect(accuracy([[0, 0], [0, 0]])).toBe(0);
    expect(macroF1([[0, 0], [0, 0]])).toBe(0);
  });
});

describe('expected calibration error', () => {
  it('Σ |acc_b − conf_b| · n_b / N from bin counts', () => {
    const bins = [
      { count: 4, confidenceSum: 2.0, correct: 1 }, // acc 0.25, conf 0.5 → 0.25·4/10
      { count: 0, confidenceSum: 0, correct: 0 },
      { count: 6, confidenceSum: 5.4, correct: 6 }, // acc 1, conf 0.9 → 0.1·6/10
    ];
    expect(ece(bins)).toBeCloseTo(0.16, 15);
    expect(ece([{ count: 0, confidenceSum: 0, correct: 0 }])).toBe(0);
  });

  it('bins confidences into 15 equal-width bins and reports the reliability diagram', () => {
    const conf = [0.05, 0.5, 0.52, 1.0, 0.99];
    const correct = [false, true, false, true, true];
    const bins = binConfidences(conf, correct, 15);
    expect(bins.map((b) => b.count)).toEqual([1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 2]);
    const r = reliabilityBins(bins);
    expect(r[7]).toEqual({ lo: 7 / 15, hi: 8 / 15, count: 2, confidence: expect.closeTo(0.51, 12), accuracy: 0.5 });
    expect(r[1]).toEqual({ lo: 1 / 15, hi: 2 / 15, count: 0, confidence: 0, accuracy: 0 });
    // |0 − 0.05|·1 + |0.5 − 0.51|·2 + |1 − 0.995|·2, over 5
    expect(ece(bins)).toBeCloseTo((0.05 + 0.02 + 0.01) / 5, 12);
  });
});
