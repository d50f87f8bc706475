/**
 * Σ|terms| of every output element of the sum-like ops (the scale of the sum bound in
 * tolerances.ts): the float64 reference run on |inputs|, with any data-dependent routing
 * (ReLU masks, pooling winners) taken from the real inputs.
 */
import { matmulRef, columnSumRef, type MatmulRefOptions } from '../src/reference/matmul.ts';
import { conv2dRef, conv2dBackwardRef, conv2dRefOutputSize, type Conv2dRefShape } from '../src/reference/conv2d.ts';
import { maxpool2dRef, maxpool2dBackwardRef } from '../src/reference/maxpool2d.ts';

export const abs = (x: ArrayLike<number>): number[] => Array.from(x, Math.abs);

/** Σₖ|op(A)ᵢₖ·op(B)ₖⱼ| (+ |biasⱼ|); a ReLU or mask zeroes the same entries as in the real product. */
export function matmulMagnitude(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, o: MatmulRefOptions = {}): Float64Array {
  const mag = matmulRef(abs(a), abs(b), m, k, n, { ...o, relu: false, bias: o.bias && abs(o.bias) });
  if (!o.relu) return mag;
  const y = matmulRef(a, b, m, k, n, o);
  return mag.map((v, i) => (y[i] > 0 ? v : 0));
}

export function columnSumMagnitude(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  return columnSumRef(abs(x), rows, cols);
}

/** y, dx, dweight, dbias magnitudes of a convolution whose output gradient is dy (dy already masked by any ReLU). */
export function conv2dMagnitude(s: Conv2dRefShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>, dy: ArrayLike<number>) {
  return { y: conv2dRef(s, abs(x), abs(weight), abs(bias)), ...conv2dBackwardRef(s, abs(x), abs(weight), abs(dy)) };
}

/**
 * The fused conv → ReLU → 2×2 max pool: y's magnitude is the largest conv magnitude in its
 * window (at least the winner's); the gradients' go through the real pooling winners.
 */
export function conv2dReluPoolMagnitude(s: Conv2dRefShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>, gy: ArrayLike<number>) {
  const { oh, ow } = conv2dRefOutputSize(s);
  const ps = { n: s.n, c: s.cout, h: oh, w: ow, kernel: 2, stride: 2 };
  const dy = maxpool2dBackwardRef(ps, conv2dRef(s, x, weight, bias, true), gy, true);
  const m = conv2dMagnitude(s, x, weight, bias, dy);
  return { ...m, y: maxpool2dRef(ps, m.y) };
}
