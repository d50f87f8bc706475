// Lockstep convolutions (the run dimension): R = 3 runs with different weights and inputs, done by
// one call with runs.count = 3, must give each run's results BIT-IDENTICAL to the same op with one
// run on that run's data alone — forward, input gradient and weight + bias gradient, for every
// variant the planner picks for a plain convolution, on the layer shapes of ConvNet and ResNet
// (CIFAR-10's 3×32×32 and Fashion-MNIST's 1×28×28 inputs; stride 2; small last batches).
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { expectBitIdentical, firstBitDifference } from './runs-exact.ts';
import { rng, uniform } from './random.ts';
import { ONE_RUN, type Binding, type KernelContext, type Runs } from '../src/core.ts';
import { conv2dForward, conv2dBackwardInput, conv2dBackwardWeight, conv2dOutputSize, convPlanOf, type Conv2dShape } from '../src/ops/conv2d.ts';
import { CONV_VARIANTS, convVariants } from '../src/ops/conv2d_plan.ts';

const R = 3;

interface Case { name: string; s: Conv2dShape; bias: boolean; relu: boolean }

const conv = (n: number, cin: number, cout: number, hw: number, stride: number, pad: number): Conv2dShape =>
  ({ n, cin, h: hw, w: hw, cout, kh: 3, kw: 3, stride, pad });

// Per-run shapes as the models plan them (batches kept small: lavapipe is slow); n = 3 stands for a
// last batch smaller than the batch.
const CASES: Case[] = [
  { name: 'ConvNet conv1 (CIFAR)', s: conv(4, 3, 4, 32, 1, 0), bias: true, relu: true },
  { name: 'ConvNet conv1 (Fashion-MNIST), last batch', s: conv(3, 1, 4, 28, 1, 0), bias: true, relu: true },
  { name: 'ConvNet conv2', s: conv(4, 4, 8, 15, 1, 0), bias: true, relu: false },
  { name: 'ConvNet-large conv1', s: conv(2, 3, 32, 32, 1, 1), bias: true, relu: true },
  { name: 'ResNet conv1', s: conv(2, 3, 16, 32, 1, 1), bias: false, relu: false },
  { name: 'ResNet layer1 conv, last batch', s: conv(3, 16, 16, 32, 1, 1), bias: false, relu: false },
  { name: 'ResNet layer2.0.conv1 (stride 2)', s: conv(2, 16, 32, 32, 2, 1), bias: false, relu: false },
  { name: 'ResNet layer2 conv', s: conv(2, 32, 32, 16, 1, 1), bias: false, relu: false },
  { name: 'ResNet layer3.0.conv1 (stride 2), last batch', s: conv(3, 32, 64, 16, 2, 1), bias: false, relu: false },
  { name: 'ResNet layer3 conv', s: conv(4, 64, 64, 8, 1, 1), bias: false, relu: false },
  { name: 'ResNet layer1 conv (Fashion-MNIST)', s: conv(2, 16, 16, 28, 1, 1), bias: false, relu: false },
  { name: 'ResNet layer2 conv (Fashion-MNIST), last batch', s: conv(3, 32, 32, 14, 1, 1), bias: false, relu: false },
];

/** Index of the first element whose bits differ, or -1. */
/** The results of one convolution's three passes, one array per run. */
interface Results { y: Float32Array[]; dx: Float32Array[]; dweight: Float32Array[]; dbias: Float32Array[] }

/**
 * A parameter store as nn's ParamStore lays it out: per run, the weight at 0 and the bias 64-float
 * aligned after it, runs `stride` floats apart (with a gap, so a missing run offset reads another
 * run's numbers or the gap's). Gradients likewise, pre-filled with `gradFill` so stray writes show.
 */
function layout(c: Case) {
  const { s } = c;
  const wn = s.cout * s.cin * s.kh * s.kw;
  const boff = Math.ceil(wn / 64) * 64;
  const stride = Math.ceil((boff + s.cout) / 64) * 64 + 64;
  const { oh, ow } = conv2dOutputSize(s);
  return { wn, boff, stride, xn: s.n * s.cin * s.h * s.w, yn: s.n * s.cout * oh * ow };
}

function makeData(c: Case, seed: number) {
  const l = layout(c);
  const next = rng(seed);
  return {
    params: Float32Array.from(uniform(next, R * l.stride, -0.5, 0.5)),
    grads: Float32Array.from(uniform(next, R * l.stride, 7, 8)),
    x: Float32Array.from(uniform(next, R * l.xn)),
    dy: Float32Array.from(uniform(next, R * l.yn)),
  };
}

/** The three passes over `runs.count` runs, the parameters at run `first`'s copy in `params`/`grads`. */
async function runConv(ctx: KernelContext, c: Case, d: ReturnType<typeof makeData>, runs: Runs, first: number): Promise<Results & { grads: Float32Array; dispatches: number }> {
  const { s, bias, relu } = c;
  const l = layout(c);
  const k = runs.count;
  const span = (n: number) => ((k - 1) * l.stride + n) * 4;
  const params = ctx.upload(d.params, 'params');
  const grads = ctx.upload(d.grads, 'grads');
  const at = (buffer: GPUBuffer, floats: number, n: number): Binding => ({ buffer, offset: (first * l.stride + floats) * 4, size: span(n) });
  const x = ctx.upload(d.x.slice(first * l.xn, (first + k) * l.xn), 'x');
  const dy = ctx.upload(d.dy.slice(first * l.yn, (first + k) * l.yn), 'dy');
  const y = ctx.storage(k * l.yn * 4, 'y');
  const dx = ctx.storage(k * l.xn * 4, 'dx');
  const weight = at(params, 0, l.wn);
  // A WebGPU validation error (e.g. overlapping writable bindings) would only be logged: fail on it.
  ctx.device.pushErrorScope('validation');
  const dispatches = [
    ...conv2dForward(ctx, { shape: s, x, weight, bias: bias ? at(params, l.boff, s.cout) : undefined, y, relu, runs }),
    ...conv2dBackwardInput(ctx, { shape: s, dy, weight, dx, runs }),
    ...conv2dBackwardWeight(ctx, { shape: s, x, dy, dweight: at(grads, 0, l.wn), dbias: bias ? at(grads, l.boff, s.cout) : undefined, runs }),
  ];
  ctx.run(dispatches, 'runs-conv');
  const error = await ctx.device.popErrorScope();
  expect(error?.message, `runs.count = ${k}: WebGPU validation error`).toBeUndefined();
  const [yh, dxh, gh] = await Promise.all([ctx.readF32(y, k * l.yn), ctx.readF32(dx, k * l.xn), ctx.readF32(grads, R * l.stride)]);
  const per = (a: Float32Array, n: number) => Array.from({ length: k }, (_, r) => a.slice(r * n, (r + 1) * n));
  const g = Array.from({ length: k }, (_, r) => (first + r) * l.stride);
  return {
    y: per(yh, l.yn), dx: per(dxh, l.xn),
    dweight: g.map((o) => gh.slice(o, o + l.wn)), dbias: g.map((o) => gh.slice(o + l.boff, o + l.boff + s.cout)),
    grads: gh, dispatches: dispatches.length,
  };
}

describe('conv2d with the run dimension: each of 3 runs bit-identical to running it alone', () => {
  it('the cases cover every variant the planner picks for a plain convolution', async () => {
    const { ctx } = await testDevice();
    const seen = { forward: new Set<string>(), inputGrad: new Set<string>(), weightGrad: new Set<string>() };
    for (const c of CASES) {
      const v = convVariants(convPlanOf(ctx, c.s, c.relu, c.bias));
      seen.forward.add(v.forward);
      v.inputGrad.forEach((g) => seen.inputGrad.add(g));
      seen.weightGrad.add(v.weightGrad);
    }
    const fusedOnly = /relu_pool|unpool/;
    for (const pass of ['forward', 'inputGrad', 'weightGrad'] as const) {
      expect(CONV_VARIANTS[pass].filter((v) => !fusedOnly.test(v) && !seen[pass].has(v)), `uncovered ${pass} variants`).toEqual([]);
    }
    // And every pixel tile of the 3×3 kernel, as the forward and as the input gradient.
    const plans = CASES.map((c) => convPlanOf(ctx, c.s, c.relu, c.bias));
    const fwdPx = new Set(plans.flatMap((p) => (p.forward.kernel === '3x3' ? [p.forward.px] : [])));
    const dxPx = new Set(plans.flatMap((p) => (p.inputGrad.kernel === '3x3_transposed' ? [p.inputGrad.px] : [])));
    expect([[...fwdPx].sort((a, b) => a - b), [...dxPx].sort((a, b) => a - b)]).toEqual([[4, 8, 16], [4, 8, 16]]);
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const { ctx } = await testDevice();
    const l = layout(c);
    const d = makeData(c, 9100 + i);
    const runs: Runs = { count: R, paramStride: l.stride, stateStride: 0 };
    const all = await runConv(ctx, c, d, runs, 0);
    const plan = convVariants(convPlanOf(ctx, c.s, c.relu, c.bias));
    for (let r = 0; r < R; r++) {
      const alone = await runConv(ctx, c, d, ONE_RUN, r);
      expect(all.dispatches, 'one dispatch serves every run').toBe(alone.dispatches);
      const tag = `run ${r} (${plan.forward} · ${plan.inputGrad.join('+')} · ${plan.weightGrad})`;
      expectBitIdentical(all.y[r], alone.y[0], `${tag} y`);
      expectBitIdentical(all.dx[r], alone.dx[0], `${tag} dx`);
      expectBitIdentical(all.dweight[r], alone.dweight[0], `${tag} dweight`);
      if (c.bias) expectBitIdentical(all.dbias[r], alone.dbias[0], `${tag} dbias`);
    }
    // The runs differ (a kernel serving every run with run 0's weights or samples would not).
    for (const key of ['y', 'dx', 'dweight'] as const) {
      expect(firstBitDifference(all[key][0], all[key][1]), `${key}: runs 0 and 1 are identical`).toBeGreaterThanOrEqual(0);
      expect(firstBitDifference(all[key][1], all[key][2]), `${key}: runs 1 and 2 are identical`).toBeGreaterThanOrEqual(0);
    }
    // Nothing outside each run's gradients was written (the gaps keep their fill).
    const written = new Uint8Array(R * l.stride);
    for (let r = 0; r < R; r++) {
      written.fill(1, r * l.stride, r * l.stride + l.wn);
      if (c.bias) written.fill(1, r * l.stride + l.boff, r * l.stride + l.boff + c.s.cout);
    }
    const stray = all.grads.findIndex((v, j) => !written[j] && v !== d.grads[j]);
    expect(stray, `gradient store written outside the runs' tensors at ${stray}`).toBe(-1);
  });

  it('a run dimension past the 65535 workgroups of a grid axis is a one-line error', async () => {
    const { ctx } = await testDevice();
    const s = conv(1, 4, 64, 8, 2, 1); // the direct kernel: 8 channel blocks per run
    const buf = ctx.storage(4 * 1024);
    const runs: Runs = { count: 10000, paramStride: 64 * 64, stateStride: 0 };
    expect(() => conv2dForward(ctx, { shape: s, x: buf, weight: buf, y: buf, relu: false, runs })).toThrow(/^conv2d: 10000 runs × 8 workgroups exceed the 65535 workgroups of one dispatch dimension$/);
  });
});
