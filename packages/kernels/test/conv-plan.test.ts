// The convolution planner (src/ops/conv2d_plan.ts): every variant it can pick, and every tile size
// of the 3×3 kernels, is reached by at least one of the random float64 cases that ops.test.ts runs
// (in Node and in Chromium), so each variant is checked against the reference; the rules at its
// edges; and the cache.
import { describe, expect, it } from 'vitest';
import { randomCases } from './cases.ts';
import { CONV_VARIANTS, convVariants, planConv, DEFAULT_CONV_LIMITS, type Conv2dShape, type ConvFusion, type ConvPlan } from '../src/ops/conv2d_plan.ts';

/** The plan of each random conv case, as the op runners ask for it. */
function plannedCases(): { name: string; plan: ConvPlan }[] {
  return randomCases().filter((c) => c.op === 'conv2d' || c.op === 'conv2d_relu_pool').map((c) => {
    const [n, cin, h, w] = c.inputs.x.shape;
    const [cout, , kh, kw] = c.inputs.weight.shape;
    const fused = c.op === 'conv2d_relu_pool';
    const s: Conv2dShape = { n, cin, h, w, cout, kh, kw, stride: fused ? 1 : Number(c.params?.stride ?? 1), pad: Number(c.params?.padding ?? 0) };
    const fusion: ConvFusion = fused ? { relu: true, bias: true, pool: { kernel: 2, stride: 2 } } : { relu: Boolean(c.params?.relu), bias: c.inputs.bias !== undefined };
    return { name: c.name, plan: planConv(s, fusion) };
  });
}

describe('convolution planner', () => {
  const planned = plannedCases();

  it.each(Object.keys(CONV_VARIANTS) as (keyof typeof CONV_VARIANTS)[])('every %s variant is covered by a random float64 case', (pass) => {
    const seen = new Set(planned.flatMap(({ plan }) => [convVariants(plan)[pass]].flat()));
    expect(CONV_VARIANTS[pass].filter((v) => !seen.has(v)), `uncovered ${pass} variants`).toEqual([]);
  });

  it('every pixel tile of the 3×3 forward (16, 8, 4), forward and input gradient alike, is covered', () => {
    const px = new Set<number>();
    for (const { plan } of planned) {
      if (plan.forward.kernel === '3x3') px.add(plan.forward.px);
      const g = plan.inputGrad.kernel === 'unpool' ? plan.inputGrad.then : plan.inputGrad;
      if (g.kernel === '3x3_transposed') px.add(g.px);
    }
    expect([...px].sort((a, b) => a - b)).toEqual([4, 8, 16]);
  });

  it('decides at the edges of its rules', () => {
    const base: Conv2dShape = { n: 2, cin: 4, h: 8, w: 8, cout: 8, kh: 3, kw: 3, stride: 1, pad: 1 };
    const plain = { relu: false, bias: true };
    const pool = { relu: true, bias: true, pool: { kernel: 2, stride: 2 } };
    expect(planConv(base, plain).forward).toEqual({ kernel: '3x3', px: 8 });
    expect(planConv({ ...base, w: 6 }, plain).forward).toEqual({ kernel: 'direct', px8: false }); // width not a multiple of 4
    expect(planConv({ ...base, cout: 4, pad: 0 }, plain).forward).toEqual({ kernel: 'direct', px8: true });
    expect(planConv({ ...base, cout: 5, pad: 0 }, plain).forward).toEqual({ kernel: 'direct', px8: false });
    expect(planConv({ ...base, stride: 2 }, plain).inputGrad).toEqual({ kernel: 'gather' });
    expect(planConv({ ...base, kw: 2, pad: 0 }, plain).inputGrad).toEqual({ kernel: 'gather' }); // not square
    expect(planConv({ ...base, pad: 3, kh: 3, h: 8 }, plain).inputGrad).toEqual({ kernel: 'gather' }); // pad ≥ k
    // Fusion: only ReLU + 2×2/2 pool with bias at stride 1, kernels up to 3×3.
    expect(planConv(base, pool).fused).toBe(true);
    expect(planConv(base, { ...pool, bias: false }).fused).toBe(false);
    expect(planConv(base, { ...pool, pool: { kernel: 3, stride: 2 } }).fused).toBe(false);
    expect(planConv({ ...base, kh: 5, kw: 5, pad: 2 }, pool).fused).toBe(false);
    // Packed weights: ceil(cout / 4)·cin·9 vec4s must fit 1024 (forward), ceil(cin / 4)·cout·9 the input gradient's.
    expect(planConv({ ...base, cin: 1, cout: 452 }, pool).fused).toBe(true); // 113 · 9 = 1017 vec4s
    expect(planConv({ ...base, cin: 1, cout: 452 }, pool).inputGrad.kernel).toBe('unpool'); // 1 · 452 · 9 do not fit
    expect(planConv({ ...base, cin: 1, cout: 453 }, pool).fused).toBe(false); // 114 · 9 = 1026
    expect(planConv({ ...base, cin: 4, cout: 28 }, pool).inputGrad.kernel).toBe('relu_pool_gather'); // 1 · 28 · 9 = 252
  });

  it('reads the adapter: a smaller uniform binding limit unfuses', () => {
    const s: Conv2dShape = { n: 1, cin: 3, h: 8, w: 8, cout: 64, kh: 3, kw: 3, stride: 1, pad: 0 };
    const pool = { relu: true, bias: true, pool: { kernel: 2, stride: 2 } };
    expect(planConv(s, pool, DEFAULT_CONV_LIMITS).fused).toBe(true); // 16 · 3 · 9 = 432 vec4s
    expect(planConv(s, pool, { maxUniformBufferBindingSize: 400 * 16 }).fused).toBe(false);
  });

  it('caches per adapter: the same question gets the same plan object', () => {
    const s: Conv2dShape = { n: 3, cin: 2, h: 9, w: 9, cout: 3, kh: 3, kw: 3, stride: 1, pad: 0 };
    expect(planConv(s, { relu: true, bias: true })).toBe(planConv({ ...s }, { relu: true, bias: true }));
    expect(planConv(s, { relu: true, bias: true }, { maxUniformBufferBindingSize: 1024 })).not.toBe(planConv(s, { relu: true, bias: true }));
  });

  it('rejects an invalid shape', () => {
    expect(() => planConv({ n: 1, cin: 1, h: 2, w: 2, cout: 1, kh: 3, kw: 3, stride: 1, pad: 0 }, { relu: false, bias: true })).toThrow(/invalid shape/);
  });
});
