import type { OpCase } from '../tables.ts';
import { rng, uniform, f64 } from '../random.ts';
import { sgdRef } from '../../src/reference/sgd.ts';

/** SGD against a float64 reference over several steps: plain, momentum, Nesterov, weight decay, lr schedule. */
export function cases(): OpCase[] {
  const configs = [
    { n: 1, steps: 1, lr: 0.1, momentum: 0, weightDecay: 0, nesterov: false, fixed: true },
    { n: 257, steps: 3, lr: 0.05, momentum: 0.9, weightDecay: 0, nesterov: false, fixed: false },
    { n: 1000, steps: 4, lr: 0.01, momentum: 0.9, weightDecay: 5e-4, nesterov: true, fixed: false },
    { n: 11008, steps: 5, lr: [0.1, 0.1, 0.01, 0.01, 0.001], momentum: 0.9, weightDecay: 5e-4, nesterov: false, fixed: false },
    { n: 300, steps: 3, lr: 0.02, momentum: 0, weightDecay: 1e-2, nesterov: false, fixed: true },
  ];
  return configs.map((c, k) => {
    const next = rng(700 + k);
    const p = uniform(next, c.n);
    const g = uniform(next, c.fixed ? c.n : c.n * c.steps);
    const ref = sgdRef(p, (s) => (c.fixed ? g : g.slice(s * c.n, (s + 1) * c.n)), c, c.steps);
    const lrText = Array.isArray(c.lr) ? `[${c.lr.join(',')}]` : c.lr;
    return {
      name: `random sgd n=${c.n} steps=${c.steps} lr=${lrText} mu=${c.momentum} wd=${c.weightDecay}${c.nesterov ? ' nesterov' : ''}`,
      op: 'sgd',
      source: 'reference',
      params: { lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay, nesterov: c.nesterov, steps: c.steps },
      inputs: { p: f64([c.n], p), g: f64(c.fixed ? [c.n] : [c.steps, c.n], g) },
      expected: { p: f64([c.n], ref.p), momentum: f64([c.n], ref.momentum) },
    };
  });
}
