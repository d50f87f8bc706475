/** float64 reference for the fused conv → ReLU → max pool 2×2/2: the composition of the three references. */
import { conv2dRef, conv2dBackwardRef, conv2dRefOutputSize, type Conv2dRefShape } from './conv2d.ts';
import { maxpool2dRef, maxpool2dBackwardRef, type Pool2dRefShape } from './maxpool2d.ts';

function poolShape(s: Conv2dRefShape): Pool2dRefShape {
  const { oh, ow } = conv2dRefOutputSize(s);
  return { n: s.n, c: s.cout, h: oh, w: ow, kernel: 2, stride: 2 };
}

/** Pooled output and, given the pooled gradient gy, the gradients of sum(gy · output). */
export function conv2dReluPoolRef(s: Conv2dRefShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>, gy: ArrayLike<number>) {
  const a = conv2dRef(s, x, weight, bias, true);
  const ps = poolShape(s);
  const dy = maxpool2dBackwardRef(ps, a, gy, true);
  return { y: maxpool2dRef(ps, a), ...conv2dBackwardRef(s, x, weight, dy) };
}
