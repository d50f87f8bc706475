/** float64 CPU reference of the fused head (ops/head.ts), composed from the matmul and loss references. */
import type { LossSpec as LossKind } from '../losses/index.ts';
import { matmulRef, columnSumRef } from './matmul.ts';
import { lossRef } from './loss.ts';

export interface HeadRefResult {
  value: number;
  correct: number;
  dx: Float64Array;
  dw1: Float64Array;
  db1: Float64Array;
  dw2: Float64Array;
  db2: Float64Array;
}

/** Linear(k → h) → ReLU → Linear(h → c) → loss on x [n, k], forward and backward. */
export function headRef(kind: LossKind, x: ArrayLike<number>, target: ArrayLike<number>, w1: ArrayLike<number>, b1: ArrayLike<number>,
  w2: ArrayLike<number>, b2: ArrayLike<number>, s: { n: number; k: number; h: number; c: number }): HeadRefResult {
  const { n, k, h, c } = s;
  const hid = matmulRef(x, w1, n, k, h, { transB: true, bias: b1, relu: true });
  const z = matmulRef(hid, w2, n, h, c, { transB: true, bias: b2 });
  const l = lossRef(kind, z, target, n, c);
  const dh = matmulRef(l.grad, w2, n, c, h, { mask: hid });
  return {
    value: l.value, correct: l.correct,
    dx: matmulRef(dh, w1, n, h, k),
    dw1: matmulRef(dh, x, h, n, k, { transA: true }),
    db1: columnSumRef(dh, n, h),
    dw2: matmulRef(l.grad, hid, c, n, h, { transA: true }),
    db2: columnSumRef(l.grad, n, c),
  };
}
