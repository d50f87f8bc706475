/**
 * float64 CPU reference of a loss (forward, per-sample values, the gradient of the mean loss,
 * argmax accuracy): the loss's compiled graph evaluated in float64 (src/losses/eval64.ts), its
 * gradient the one the compiler derived. The kernels are checked against it; the derived
 * gradient is checked against central differences (losses/gradcheck.ts) and PyTorch fixtures.
 */
import { RowEvaluator, type LossSpec } from '../losses/index.ts';

export interface LossRefResult {
  /** Mean loss over the batch. */
  value: number;
  /** Loss per sample, so mean(perSample) = value. */
  perSample: Float64Array;
  /** d(mean loss)/d logits, [n, c]. */
  grad: Float64Array;
  /** Samples whose argmax (first max on ties) equals the target. */
  correct: number;
}

export function lossRef(kind: LossSpec, logits: ArrayLike<number>, target: ArrayLike<number>, n: number, c: number): LossRefResult {
  const perSample = new Float64Array(n);
  const grad = new Float64Array(n * c);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: c }, (_, j) => logits[i * c + j]);
    const ev = new RowEvaluator(z, target[i]);
    if (ev.predicted === target[i]) correct++;
    perSample[i] = ev.scalar(kind.compiled.value);
    const g = ev.vector(kind.compiled.grad);
    for (let j = 0; j < c; j++) grad[i * c + j] = g[j] / n;
  }
  const value = perSample.reduce((a, b) => a + b, 0) / n;
  return { value, perSample, grad, correct };
}

/** Forward only, for central differences: the mean loss. */
export function lossValueRef(kind: LossSpec, logits: ArrayLike<number>, target: ArrayLike<number>, n: number, c: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: c }, (_, j) => logits[i * c + j]);
    total += new RowEvaluator(z, target[i]).scalar(kind.compiled.value);
  }
  return total / n;
}
