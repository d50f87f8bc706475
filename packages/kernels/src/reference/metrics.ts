/** float64 reference of the evaluation metrics (see ops/metrics.ts for the definitions). */
export const METRICS_CONF_SCALE = 100000;

export interface MetricsRef {
  confusion: Float64Array; // [c*c]
  count: Float64Array; // [bins]
  correct: Float64Array; // [bins]
  /** Fixed-point confidence sums: Σ floor(conf·1e5 + 0.5), as the kernel accumulates them. */
  confFixed: Float64Array; // [bins]
  /** Exact confidence sums. */
  confSum: Float64Array; // [bins]
}

/** Top softmax probability and argmax (first maximum wins) of one row, in float64. */
export function topSoftmax(row: ArrayLike<number>): { pred: number; conf: number } {
  let pred = 0;
  for (let j = 1; j < row.length; j++) if (row[j] > row[pred]) pred = j;
  let s = 0;
  for (let j = 0; j < row.length; j++) s += Math.exp(row[j] - row[pred]);
  return { pred, conf: 1 / s };
}

export function metricsRef(logits: ArrayLike<number>, target: ArrayLike<number>, c: number, bins: number): MetricsRef {
  const r: MetricsRef = {
    confusion: new Float64Array(c * c), count: new Float64Array(bins), correct: new Float64Array(bins),
    confFixed: new Float64Array(bins), confSum: new Float64Array(bins),
  };
  for (let i = 0; i < target.length; i++) {
    const t = target[i];
    if (t >= c) continue;
    const { pred, conf } = topSoftmax(Array.prototype.slice.call(logits, i * c, (i + 1) * c));
    const b = Math.min(Math.floor(conf * bins), bins - 1);
    r.confusion[t * c + pred] += 1;
    r.count[b] += 1;
    if (pred === t) r.correct[b] += 1;
    r.confFixed[b] += Math.floor(conf * METRICS_CONF_SCALE + 0.5);
    r.confSum[b] += conf;
  }
  return r;
}
