/**
 * Exponential moving average with debiasing (as TensorBoard's smoothing slider): weight 0
 * returns the input; NaN values stay NaN and do not poison later points.
 */
export function smoothEma(values: readonly number[], weight: number): number[] {
  if (!(weight > 0)) return [...values];
  const w = Math.min(weight, 0.999);
  let acc = 0;
  let norm = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    acc = acc * w + (1 - w) * v;
    norm = norm * w + (1 - w);
    return acc / norm;
  });
}
