import type { OpCase } from '../tables.ts';
import { rng, uniform, f64 } from '../random.ts';
import { conv2dReluPoolMagnitude } from '../magnitude.ts';
import { conv2dReluPoolRef } from '../../src/reference/conv2d_relu_pool.ts';
import { conv2dRefOutputSize, type Conv2dRefShape } from '../../src/reference/conv2d.ts';

/** ties: inputs and weights on coarse grids, so conv outputs are exact in float32 and windows hold equal maxima. */
type Spec = Omit<Conv2dRefShape, 'stride'> & { ties?: boolean };

/**
 * The fused conv → ReLU → max pool 2×2/2 against the float64 composition: one channel, a partial
 * channel group (cout 5, 9), padding, a 2×3 and a 1×1 kernel, odd sizes with floor-mode leftovers,
 * ties, and the ConvNet's blocks (3→4 on 32×32, 4→8 on 15×15) at batch 64.
 */
const specs: Spec[] = [
  { n: 1, cin: 1, h: 6, w: 6, cout: 1, kh: 3, kw: 3, pad: 0 },
  { n: 2, cin: 3, h: 9, w: 11, cout: 5, kh: 3, kw: 3, pad: 1 },
  { n: 2, cin: 2, h: 8, w: 9, cout: 9, kh: 2, kw: 3, pad: 0 },
  { n: 3, cin: 4, h: 7, w: 7, cout: 4, kh: 1, kw: 1, pad: 0 },
  { n: 2, cin: 3, h: 10, w: 12, cout: 6, kh: 3, kw: 3, pad: 1, ties: true },
  { n: 4, cin: 2, h: 13, w: 13, cout: 8, kh: 3, kw: 3, pad: 0, ties: true },
  // The fused input gradient: batch 1, 1/3/5 input channels (partial groups of 4), odd sizes,
  // every block alignment (pad and kernel parity), ties; cout 120 from 1 channel overflows its
  // packed weights and takes the unpool + generic conv path.
  { n: 1, cin: 5, h: 7, w: 9, cout: 3, kh: 3, kw: 3, pad: 1 },
  { n: 1, cin: 3, h: 5, w: 6, cout: 1, kh: 2, kw: 2, pad: 0 },
  { n: 2, cin: 5, h: 11, w: 8, cout: 5, kh: 3, kw: 3, pad: 2, ties: true },
  { n: 3, cin: 1, h: 9, w: 7, cout: 7, kh: 1, kw: 3, pad: 1 },
  { n: 1, cin: 3, h: 6, w: 13, cout: 4, kh: 3, kw: 2, pad: 1, ties: true },
  { n: 1, cin: 1, h: 6, w: 6, cout: 120, kh: 3, kw: 3, pad: 0 },
  { n: 64, cin: 3, h: 32, w: 32, cout: 4, kh: 3, kw: 3, pad: 0 },
  { n: 64, cin: 4, h: 15, w: 15, cout: 8, kh: 3, kw: 3, pad: 0 },
];

export function cases(): OpCase[] {
  return specs.map((sp, k) => {
    const s: Conv2dRefShape = { ...sp, stride: 1 };
    const next = rng(4000 + k);
    const { oh, ow } = conv2dRefOutputSize(s);
    const ph = Math.floor(oh / 2);
    const pw = Math.floor(ow / 2);
    const grid = (v: number[], step: number) => (sp.ties ? v.map((t) => Math.round(t / step) * step) : v);
    const x = grid(uniform(next, s.n * s.cin * s.h * s.w), 0.5);
    const weight = grid(uniform(next, s.cout * s.cin * s.kh * s.kw, -0.5, 0.5), 0.25);
    const bias = grid(uniform(next, s.cout, -0.5, 0.5), 0.25);
    const gy = uniform(next, s.n * s.cout * ph * pw);
    const r = conv2dReluPoolRef(s, x, weight, bias, gy);
    const mag = conv2dReluPoolMagnitude(s, x, weight, bias, gy);
    return {
      name: `random conv2d_relu_pool n${s.n} ${s.cin}→${s.cout} ${s.h}×${s.w} k${s.kh}×${s.kw} p${s.pad}${sp.ties ? ' ties' : ''}`,
      op: 'conv2d_relu_pool',
      source: 'reference',
      params: { padding: s.pad },
      inputs: {
        x: f64([s.n, s.cin, s.h, s.w], x),
        weight: f64([s.cout, s.cin, s.kh, s.kw], weight),
        bias: f64([s.cout], bias),
        grad_y: f64([s.n, s.cout, ph, pw], gy),
      },
      expected: {
        y: f64([s.n, s.cout, ph, pw], r.y),
        grad_x: f64([s.n, s.cin, s.h, s.w], r.dx),
        grad_weight: f64([s.cout, s.cin, s.kh, s.kw], r.dweight),
        grad_bias: f64([s.cout], r.dbias),
      },
      scale: {
        y: f64([s.n, s.cout, ph, pw], mag.y),
        grad_x: f64([s.n, s.cin, s.h, s.w], mag.dx),
        grad_weight: f64([s.cout, s.cin, s.kh, s.kw], mag.dweight),
        grad_bias: f64([s.cout], mag.dbias),
      },
    };
  });
}
