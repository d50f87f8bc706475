import type { OpCase } from '../tables.ts';
import { rng, uniform, f64 } from '../random.ts';
import { batchnorm2dRef, batchnorm2dBackwardRef, type BatchNorm2dRefShape } from '../../src/reference/batchnorm2d.ts';

type Spec = BatchNorm2dRefShape & { mode: 'train' | 'eval'; relu?: boolean; momentum?: number; offset?: number };

/**
 * BatchNorm2d against the float64 reference: one channel, one sample (M = h·w), a 1×1 plane,
 * an offset input (mean far from 0 relative to the spread: the two-pass variance), fused ReLU, eval mode with and
 * without ReLU, another momentum, and ResNet-20's shapes (16 channels at 32×32, 64 at 8×8).
 */
const specs: Spec[] = [
  { n: 2, c: 1, h: 3, w: 3, mode: 'train' },
  { n: 1, c: 3, h: 5, w: 4, mode: 'train', relu: true },
  { n: 7, c: 5, h: 1, w: 1, mode: 'train' },
  { n: 3, c: 4, h: 6, w: 6, mode: 'train', offset: 4 },
  { n: 4, c: 6, h: 7, w: 5, mode: 'train', relu: true, momentum: 0.3 },
  { n: 3, c: 5, h: 4, w: 4, mode: 'eval' },
  { n: 3, c: 5, h: 4, w: 4, mode: 'eval', relu: true },
  { n: 8, c: 16, h: 32, w: 32, mode: 'train', relu: true },
  { n: 16, c: 64, h: 8, w: 8, mode: 'train' },
];

export function cases(): OpCase[] {
  return specs.map((s, k) => {
    const next = rng(7000 + k);
    const size = s.n * s.c * s.h * s.w;
    // offset: x in offset ± 0.5, a mean 14 standard deviations from 0 (a one-pass E[x²] - E[x]² would lose the variance's digits)
    const x = s.offset ? uniform(next, size, s.offset - 0.5, s.offset + 0.5) : uniform(next, size, -2, 2);
    const weight = uniform(next, s.c, 0.5, 1.5);
    const bias = uniform(next, s.c, -0.5, 0.5);
    const runningMean = uniform(next, s.c, -0.2, 0.2);
    const runningVar = uniform(next, s.c, 0.5, 2);
    const gy = uniform(next, size);
    const o = { mode: s.mode, relu: s.relu, momentum: s.momentum };
    const f = batchnorm2dRef(s, x, weight, bias, runningMean, runningVar, o);
    const g = batchnorm2dBackwardRef(s, x, weight, Float32Array.from(f.y), gy, runningVar, o);
    const xs = [s.n, s.c, s.h, s.w];
    const expected: OpCase['expected'] = { y: f64(xs, f.y), grad_x: f64(xs, g.dx) };
    if (s.mode === 'train') {
      Object.assign(expected, {
        running_mean: f64([s.c], f.runningMean), running_var: f64([s.c], f.runningVar), num_batches_tracked: f64([], [4]),
        grad_weight: f64([s.c], g.dweight), grad_bias: f64([s.c], g.dbias),
      });
    }
    return {
      name: `random batchnorm2d ${s.mode} n${s.n} c${s.c} ${s.h}×${s.w}${s.relu ? ' relu' : ''}${s.momentum ? ` momentum ${s.momentum}` : ''}${s.offset ? ` offset ${s.offset}` : ''}`,
      op: 'batchnorm2d',
      source: 'reference',
      params: { mode: s.mode, relu: s.relu ?? false, ...(s.momentum ? { momentum: s.momentum } : {}) },
      inputs: {
        x: f64(xs, x), weight: f64([s.c], weight), bias: f64([s.c], bias),
        running_mean: f64([s.c], runningMean), running_var: f64([s.c], runningVar), num_batches_tracked: f64([], [3]), grad_y: f64(xs, gy),
      },
      expected,
    };
  });
}
