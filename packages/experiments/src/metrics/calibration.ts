/** Expected calibration error from equal-width confidence bins (15 in the study). */

/** One bin as the engine counts it: images, sum of their max-softmax confidence, correct ones. */
export interface BinCounts {
  count: number;
  confidenceSum: number;
  correct: number;
}

/** One bin as the results files hold it: range, count, mean confidence and accuracy (0 when empty). */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  confidence: number;
  accuracy: number;
}

export function reliabilityBins(bins: BinCounts[]): ReliabilityBin[] {
  const b = bins.length;
  return bins.map((x, i) => ({
    lo: i / b,
    hi: (i + 1) / b,
    count: x.count,
    confidence: x.count > 0 ? x.confidenceSum / x.count : 0,
    accuracy: x.count > 0 ? x.correct / x.count : 0,
  }));
}

/** ECE = Σ_b |acc_b − conf_b| · n_b / N. */
export function ece(bins: BinCounts[]): number {
  const n = bins.reduce((s, x) => s + x.count, 0);
  if (n === 0) return 0;
  let e = 0;
  for (const x of bins) if (x.count > 0) e += Math.abs(x.correct - x.confidenceSum) / n; // |acc−conf|·n_b = |correct−confSum|
  return e;
}

/** Counts confidences into `nBins` equal-width bins over [0, 1] (the last bin includes 1). */
export function binConfidences(confidence: ArrayLike<number>, correct: ArrayLike<boolean>, nBins = 15): BinCounts[] {
  const bins = Array.from({ length: nBins }, () => ({ count: 0, confidenceSum: 0, correct: 0 }));
  for (let i = 0; i < confidence.length; i++) {
    const c = confidence[i];
    const b = bins[Math.min(nBins - 1, Math.floor(c * nBins))];
    b.count++;
    b.confidenceSum += c;
    if (correct[i]) b.correct++;
  }
  return bins;
}
