import type { OpCase } from '../tables.ts';
import { rng, uniform, f64 } from '../random.ts';
import { maxpool2dRef, maxpool2dBackwardRef, maxpool2dRefOutputSize, type Pool2dRefShape } from '../../src/reference/maxpool2d.ts';

/** ties: values on a coarse grid so windows hold equal maxima; relu: inputs are ReLU outputs (many zeros) and reluMask is on. */
type Spec = Pool2dRefShape & { ties?: boolean; relu?: boolean };

/**
 * Max pooling against the float64 reference: batch 1, one channel, odd sizes with floor-mode
 * leftovers, overlapping windows (kernel 3 stride 2), gaps (stride > kernel), ties, the reluMask fusion, the ConvNet's
 * pools (2/2 on 30×30 and 13×13) at batch 64 and the second at batch 256.
 */
const specs: Spec[] = [
  { n: 1, c: 1, h: 7, w: 9, kernel: 2, stride: 2 },
  { n: 2, c: 3, h: 9, w: 11, kernel: 3, stride: 2 },
  { n: 2, c: 3, h: 9, w: 11, kernel: 3, stride: 2, ties: true },
  { n: 3, c: 5, h: 10, w: 7, kernel: 3, stride: 1, ties: true },
  { n: 2, c: 4, h: 13, w: 13, kernel: 2, stride: 2, ties: true },
  { n: 2, c: 4, h: 12, w: 13, kernel: 3, stride: 2, relu: true },
  { n: 2, c: 3, h: 11, w: 10, kernel: 2, stride: 3, ties: true },
  { n: 1, c: 2, h: 10, w: 11, kernel: 3, stride: 3, relu: true },
  { n: 64, c: 4, h: 30, w: 30, kernel: 2, stride: 2, relu: true },
  { n: 64, c: 8, h: 13, w: 13, kernel: 2, stride: 2 },
  { n: 256, c: 8, h: 13, w: 13, kernel: 2, stride: 2, relu: true },
];

export function cases(): OpCase[] {
  return specs.map((s, k) => {
    const next = rng(3000 + k);
    const { oh, ow } = maxpool2dRefOutputSize(s);
    let x = uniform(next, s.n * s.c * s.h * s.w);
    if (s.ties) x = x.map((v) => Math.round(v * 2) / 2);
    if (s.relu) x = x.map((v) => Math.max(v, 0));
    const gy = uniform(next, s.n * s.c * oh * ow);
    return {
      name: `random maxpool2d n${s.n} c${s.c} ${s.h}×${s.w} k${s.kernel} s${s.stride}${s.ties ? ' ties' : ''}${s.relu ? ' reluMask' : ''}`,
      op: 'maxpool2d',
      source: 'reference',
      params: { kernel: s.kernel, stride: s.stride, reluMask: s.relu ?? false },
      inputs: { x: f64([s.n, s.c, s.h, s.w], x), grad_y: f64([s.n, s.c, oh, ow], gy) },
      expected: {
        y: f64([s.n, s.c, oh, ow], maxpool2dRef(s, x)),
        grad_x: f64([s.n, s.c, s.h, s.w], maxpool2dBackwardRef(s, x, gy, s.relu)),
      },
    };
  });
}
