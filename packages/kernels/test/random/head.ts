import type { OpCase } from '../tables.ts';
import { rng, uniform, ints, f64 } from '../random.ts';
import { headRef } from '../../src/reference/head.ts';
import { parseLoss } from '../../src/losses/index.ts';
import { TESTED_LOSSES } from './loss.ts';

/**
 * The fused head against the float64 reference: the ConvNet's head (288 → 32 → 10) at batch 64
 * and 1 for every built-in and zoo loss, and odd shapes (a batch that is not a multiple of the
 * workgroup, C = 3 and 5 with partial vec4s, C = 100).
 */
const SHAPES = [
  ...TESTED_LOSSES.map((loss) => ({ loss, n: 64, k: 288, h: 32, c: 10 })),
  { loss: 'nce_rce', n: 20, k: 64, h: 16, c: 100 },
  { loss: 'ce', n: 1, k: 288, h: 32, c: 10 },
  { loss: 'focal:2', n: 13, k: 96, h: 16, c: 3 },
  { loss: 'ce', n: 37, k: 64, h: 20, c: 5 },
];

export function cases(): OpCase[] {
  return SHAPES.map(({ loss, n, k, h, c }, idx) => {
    const next = rng(4200 + idx);
    const x = uniform(next, n * k, -2, 2);
    const w1 = uniform(next, h * k, -1 / Math.sqrt(k), 1 / Math.sqrt(k));
    const b1 = uniform(next, h, -0.1, 0.1);
    const w2 = uniform(next, c * h, -1 / Math.sqrt(h), 1 / Math.sqrt(h));
    const b2 = uniform(next, c, -0.1, 0.1);
    const target = ints(next, n, c);
    const r = headRef(parseLoss(loss), x, target, w1, b1, w2, b2, { n, k, h, c });
    return {
      name: `random head ${loss} N=${n} ${k}→${h}→${c}`,
      op: 'head',
      source: 'reference',
      params: { loss },
      inputs: { x: f64([n, k], x), target: f64([n], target), w1: f64([h, k], w1), b1: f64([h], b1), w2: f64([c, h], w2), b2: f64([c], b2) },
      expected: {
        value: { shape: [], data: [r.value] },
        correct: { shape: [], data: [r.correct] },
        grad_x: f64([n, k], r.dx),
        grad_w1: f64([h, k], r.dw1),
        grad_b1: f64([h], r.db1),
        grad_w2: f64([c, h], r.dw2),
        grad_b2: f64([c], r.db2),
      },
    };
  });
}
