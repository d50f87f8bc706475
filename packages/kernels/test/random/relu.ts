import type { OpCase } from '../tables.ts';
import { rng, uniform, f64 } from '../random.ts';
import { reluRef, reluBackwardRef } from '../../src/reference/relu.ts';

/** ReLU at sizes around the workgroup size and at the ConvNet's conv1 output (batch 64). */
export function cases(): OpCase[] {
  return [1, 255, 256, 257, 64 * 4 * 30 * 30].map((n, k) => {
    const next = rng(100 + k);
    const x = uniform(next, n);
    const gy = uniform(next, n);
    const y = reluRef(x);
    return {
      name: `random relu n=${n}`,
      op: 'relu',
      source: 'reference',
      inputs: { x: f64([n], x), grad_y: f64([n], gy) },
      expected: { y: f64([n], y), grad_x: f64([n], reluBackwardRef(y, gy)) },
    };
  });
}
