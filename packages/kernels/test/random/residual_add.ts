import type { OpCase } from '../tables.ts';
import { rng, uniform, f64 } from '../random.ts';
import { residualAddRef, residualAddBackwardRef, type ResidualRefShape } from '../../src/reference/residual_add.ts';

type Spec = { n: number; cb: number; hb: number; wb: number; c: number; stride: number; relu?: boolean; accumulate?: boolean };

/**
 * The residual sum against the float64 reference: identity shortcuts (with and without the fused
 * ReLU), option-A shortcuts (stride 2, zero-padded channels) at odd and even sizes, accumulation
 * into existing gradients, and ResNet-20's first downsampling block (16→32 channels, 32×32→16×16).
 */
const specs: Spec[] = [
  { n: 1, cb: 1, hb: 3, wb: 5, c: 1, stride: 1 },
  { n: 2, cb: 3, hb: 4, wb: 4, c: 3, stride: 1, relu: true },
  { n: 2, cb: 2, hb: 5, wb: 7, c: 4, stride: 2 },
  { n: 2, cb: 4, hb: 6, wb: 6, c: 8, stride: 2, relu: true },
  { n: 2, cb: 4, hb: 6, wb: 6, c: 8, stride: 2, relu: true, accumulate: true },
  { n: 3, cb: 2, hb: 3, wb: 3, c: 2, stride: 1, relu: true, accumulate: true },
  { n: 8, cb: 16, hb: 32, wb: 32, c: 32, stride: 2, relu: true },
];

export function cases(): OpCase[] {
  return specs.map((sp, k) => {
    const next = rng(8000 + k);
    const s: ResidualRefShape = { n: sp.n, c: sp.c, h: Math.ceil(sp.hb / sp.stride), w: Math.ceil(sp.wb / sp.stride), cb: sp.cb, hb: sp.hb, wb: sp.wb, stride: sp.stride, offset: (sp.c - sp.cb) / 2 };
    const ys = [s.n, s.c, s.h, s.w];
    const bs = [s.n, s.cb, s.hb, s.wb];
    const a = uniform(next, s.n * s.c * s.h * s.w);
    const b = uniform(next, s.n * s.cb * s.hb * s.wb);
    const gy = uniform(next, a.length);
    const y = residualAddRef(s, a, b, sp.relu);
    const g = residualAddBackwardRef(s, Float32Array.from(y), gy, sp.relu);
    const inputs: OpCase['inputs'] = { a: f64(ys, a), b: f64(bs, b), grad_y: f64(ys, gy) };
    if (sp.accumulate) {
      const a0 = uniform(next, a.length);
      const b0 = uniform(next, b.length);
      inputs.grad_a0 = f64(ys, a0);
      inputs.grad_b0 = f64(bs, b0);
      g.da.forEach((v, i) => (g.da[i] = v + a0[i]));
      g.db.forEach((v, i) => (g.db[i] = v + b0[i]));
    }
    return {
      name: `random residual_add n${s.n} ${s.cb}→${s.c} ${s.hb}×${s.wb} s${s.stride}${sp.relu ? ' relu' : ''}${sp.accumulate ? ' accumulate' : ''}`,
      op: 'residual_add',
      source: 'reference',
      params: { stride: sp.stride, relu: sp.relu ?? false, accumulate: sp.accumulate ?? false },
      inputs,
      expected: { y: f64(ys, y), grad_a: f64(ys, g.da), grad_b: f64(bs, g.db) },
    };
  });
}
