/** Classification metrics from a confusion matrix (confusion[true][pred]). */

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export function total(confusion: number[][]): number {
  return confusion.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
}

export function accuracy(confusion: number[][]): number {
  const n = total(confusion);
  if (n === 0) return 0;
  return confusion.reduce((s, row, i) => s + row[i], 0) / n;
}

/** Precision, recall and F1 per class; a zero denominator gives 0 (sklearn's zero_division=0). */
export function perClass(confusion: number[][]): ClassMetrics[] {
  const k = confusion.length;
  return confusion.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let t = 0; t < k; t++) predicted += confusion[t][c];
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
}

/** Unweighted mean of the per-class F1 over all classes (sklearn's average='macro'). */
export function macroF1(confusion: number[][]): number {
  const pc = perClass(confusion);
  return pc.length ? pc.reduce((s, m) => s + m.f1, 0) / pc.length : 0;
}

/** Builds a confusion matrix from label and prediction arrays (for tests and references). */
export function confusionMatrix(labels: ArrayLike<number>, preds: ArrayLike<number>, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][preds[i]]++;
  return m;
}
