import type { OpCase } from '../tables.ts';
import { rng, uniform, f64 } from '../random.ts';
import { globalAvgPoolRef, globalAvgPoolBackwardRef } from '../../src/reference/residual_add.ts';

/** Global average pooling against the float64 reference: a 1×1 plane, odd planes, ResNet-20's 64×8×8 at batch 128. */
const specs = [[1, 1, 1, 1], [2, 3, 5, 7], [3, 10, 4, 4], [128, 64, 8, 8]];

export function cases(): OpCase[] {
  return specs.map(([n, c, h, w], k) => {
    const next = rng(9000 + k);
    const x = uniform(next, n * c * h * w);
    const gy = uniform(next, n * c);
    return {
      name: `random global_avg_pool n${n} c${c} ${h}×${w}`,
      op: 'global_avg_pool',
      source: 'reference',
      inputs: { x: f64([n, c, h, w], x), grad_y: f64([n, c], gy) },
      expected: { y: f64([n, c], globalAvgPoolRef(n, c, h * w, x)), grad_x: f64([n, c, h, w], globalAvgPoolBackwardRef(n, c, h * w, gy)) },
    };
  });
}
