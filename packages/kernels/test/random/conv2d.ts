import type { OpCase } from '../tables.ts';
import { rng, uniform, f64 } from '../random.ts';
import { conv2dMagnitude } from '../magnitude.ts';
import { conv2dRef, conv2dBackwardRef, conv2dRefOutputSize, type Conv2dRefShape } from '../../src/reference/conv2d.ts';

type Spec = Conv2dRefShape & { relu?: boolean; noBias?: boolean };

/**
 * Convolutions against the float64 reference: batch 1, channel counts 1/3 and past the 8-channel
 * block, odd sizes, stride 2 with padding, kernel 5, fused ReLU, and the ConvNet's real layers
 * (conv1 3→4 on 32×32, conv2 4→8 on 15×15) at batch 64, plus conv2 at batch 256.
 */
const specs: Spec[] = [
  { n: 1, cin: 1, h: 5, w: 5, cout: 1, kh: 3, kw: 3, stride: 1, pad: 0 },
  { n: 2, cin: 3, h: 7, w: 9, cout: 5, kh: 3, kw: 3, stride: 2, pad: 1 },
  { n: 1, cin: 2, h: 11, w: 13, cout: 3, kh: 5, kw: 5, stride: 1, pad: 2 },
  { n: 3, cin: 1, h: 10, w: 10, cout: 9, kh: 3, kw: 3, stride: 2, pad: 0 },
  { n: 2, cin: 10, h: 6, w: 5, cout: 2, kh: 3, kw: 2, stride: 1, pad: 1 },
  { n: 1, cin: 3, h: 9, w: 8, cout: 4, kh: 5, kw: 5, stride: 2, pad: 2 },
  { n: 2, cin: 3, h: 8, w: 8, cout: 4, kh: 3, kw: 3, stride: 1, pad: 1, relu: true },
  { n: 64, cin: 3, h: 32, w: 32, cout: 4, kh: 3, kw: 3, stride: 1, pad: 0 },
  { n: 64, cin: 4, h: 15, w: 15, cout: 8, kh: 3, kw: 3, stride: 1, pad: 0, relu: true },
  { n: 256, cin: 4, h: 15, w: 15, cout: 8, kh: 3, kw: 3, stride: 1, pad: 0 },
  // ResNet's convolutions: no bias, 3×3 stride 1 pad 1, and the 16→32 downsampling at stride 2 pad 1.
  { n: 4, cin: 16, h: 8, w: 8, cout: 16, kh: 3, kw: 3, stride: 1, pad: 1, noBias: true },
  { n: 4, cin: 16, h: 32, w: 32, cout: 32, kh: 3, kw: 3, stride: 2, pad: 1, noBias: true },
  // conv2d_forward_3x3 (3×3, stride 1, pad 1, width and channels multiples of 4) at 16, 8 and 4
  // pixels per invocation, h ≠ w, odd input channels, fused ReLU; its input gradient too where cin % 4 = 0.
  { n: 3, cin: 5, h: 3, w: 32, cout: 8, kh: 3, kw: 3, stride: 1, pad: 1, relu: true },
  { n: 2, cin: 8, h: 5, w: 16, cout: 12, kh: 3, kw: 3, stride: 1, pad: 1 },
  { n: 2, cin: 4, h: 7, w: 4, cout: 4, kh: 3, kw: 3, stride: 1, pad: 1, relu: true },
  { n: 2, cin: 12, h: 8, w: 24, cout: 8, kh: 3, kw: 3, stride: 1, pad: 1, noBias: true },
];

export function cases(): OpCase[] {
  return specs.map((s, k) => {
    const next = rng(2000 + k);
    const { oh, ow } = conv2dRefOutputSize(s);
    const x = uniform(next, s.n * s.cin * s.h * s.w);
    const weight = uniform(next, s.cout * s.cin * s.kh * s.kw, -0.5, 0.5);
    const bias = s.noBias ? new Array<number>(s.cout).fill(0) : uniform(next, s.cout, -0.5, 0.5);
    const gy = uniform(next, s.n * s.cout * oh * ow);
    const g = conv2dBackwardRef(s, x, weight, gy);
    const y = conv2dRef(s, x, weight, bias, s.relu);
    const mag = conv2dMagnitude(s, x, weight, bias, gy);
    return {
      name: `random conv2d n${s.n} ${s.cin}→${s.cout} ${s.h}×${s.w} k${s.kh}×${s.kw} s${s.stride} p${s.pad}${s.relu ? ' relu' : ''}${s.noBias ? ' no bias' : ''}`,
      op: 'conv2d',
      source: 'reference',
      params: { stride: s.stride, padding: s.pad, relu: s.relu ?? false },
      inputs: {
        x: f64([s.n, s.cin, s.h, s.w], x),
        weight: f64([s.cout, s.cin, s.kh, s.kw], weight),
        ...(s.noBias ? {} : { bias: f64([s.cout], bias) }),
        grad_y: f64([s.n, s.cout, oh, ow], gy),
      },
      expected: {
        y: f64([s.n, s.cout, oh, ow], y),
        grad_x: f64([s.n, s.cin, s.h, s.w], g.dx),
        grad_weight: f64([s.cout, s.cin, s.kh, s.kw], g.dweight),
        ...(s.noBias ? {} : { grad_bias: f64([s.cout], g.dbias) }),
      },
      scale: {
        y: f64([s.n, s.cout, oh, ow], s.relu ? mag.y.map((v, i) => (y[i] > 0 ? v : 0)) : mag.y),
        grad_x: f64([s.n, s.cin, s.h, s.w], mag.dx),
        grad_weight: f64([s.cout, s.cin, s.kh, s.kw], mag.dweight),
        grad_bias: f64([s.cout], mag.dbias),
      },
    };
  });
}
