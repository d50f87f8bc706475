/**
 * Fused conv (stride 1) + ReLU + max pool 2×2 stride 2 (the ConvNet's blocks). The forward writes
 * only the pooled output and an argmax word per pooled cell and group of 4 channels: byte j is
 * the row-major window index (0..3) of channel 4g + j's first maximum, or 255 when that maximum
 * is not > 0 (no gradient flows through the ReLU) or the channel does not exist. The backward
 * reads the pooled gradient and the argmax words; the full-resolution conv output and its
 * gradient exist only when the input gradient is wanted (a plan-time scratch buffer).
 *
 * Lockstep runs (`runs`, default one): every activation buffer holds runs.count × shape.n samples,
 * run-major, and `shape.n` is the samples of ONE run: the plan (variants, chunks) comes from it, so
 * each run computes exactly what it computes alone. Sizes below are per run.
 */
import { ceilDiv, ONE_RUN, type BufferLike, type Dispatch, type KernelContext, type Runs } from '../core.ts';
import { defineKernel, read, readWrite } from '../kernel.ts';
import { grid1d } from './grid.ts';
import { conv2dBackwardInput, weightGradSum } from './conv2d.ts';
import { conv2dOutputSize, planConv, type Conv2dShape, type ConvLimits, type ConvPlan } from './conv2d_plan.ts';
import forwardWgsl from './conv2d_relu_pool_forward.wgsl?raw';
import backwardWeightWgsl from './conv2d_relu_pool_backward_weight.wgsl?raw';
import unpoolWgsl from './conv2d_relu_pool_unpool.wgsl?raw';
import { packedRunsLimit, packedWeights, packWeights, runGroupsZ } from './conv2d_relu_pool_pack.ts';
import { conv2dReluPoolBackwardInput } from './conv2d_relu_pool_backward_input.ts';

const WG = 64;

// Pooled size ph × pw; pwq = ceil(pw / 2) invocations per pooled row (row: per grid row); cogs =
// ceil(cout / 4) argmax words per pooled cell. wv: [group][K], 4 channels per vec4; x4: the same
// buffer as x, read 4 floats at a time (ALIGNED).
const forwardKernel = defineKernel({
  name: 'conv2d_relu_pool_forward', code: forwardWgsl,
  bindings: { x: read(), wv: packedWeights, bias: read(), y: readWrite(), arg: readWrite('u32'), x4: read('vec4f') },
  uniforms: { n: 'u32', cin: 'u32', h: 'u32', w: 'u32', cout: 'u32', kh: 'u32', kw: 'u32', pad: 'u32', ph: 'u32', pw: 'u32', pwq: 'u32', row: 'u32', cogs: 'u32', wrun: 'u32', bstride: 'u32' },
});
// gy: the pooled gradient [n, cout, ph, pw]; arg [n, cogs, ph, pw]; partial [run][chunk][cout][K + 1]; chunk: pooled rows per partial.
const backwardWeightKernel = defineKernel({
  name: 'conv2d_relu_pool_backward_weight', code: backwardWeightWgsl,
  bindings: { x: read(), gy: read(), arg: read('u32'), partial: readWrite() },
  uniforms: { n: 'u32', cin: 'u32', h: 'u32', w: 'u32', cout: 'u32', pad: 'u32', ph: 'u32', pw: 'u32', cogs: 'u32', chunk: 'u32', chunks: 'u32' },
});
// dy [n, cout, oh, ow] from gy [n, cout, ph, pw] and arg; ch × cw 2×2 cells per plane.
const unpoolKernel = defineKernel({
  name: 'conv2d_relu_pool_unpool', code: unpoolWgsl,
  bindings: { gy: read(), arg: read('u32'), dy: readWrite() },
  uniforms: { n: 'u32', cout: 'u32', oh: 'u32', ow: 'u32', ph: 'u32', pw: 'u32', cogs: 'u32', row: 'u32', ch: 'u32', cw: 'u32' },
});

/** The planner's plan for conv → ReLU → 2×2/2 max pool with bias on this context's adapter. */
const FUSION = { relu: true, bias: true, pool: { kernel: 2, stride: 2 } };
const fusedPlan = (ctx: KernelContext, s: Conv2dShape): ConvPlan => planConv(s, FUSION, ctx.device.limits);

/** Pooled output size and argmax words (u32 count) of the fused op, for one run's shape.n samples. */
export function conv2dReluPoolSizes(s: Conv2dShape): { oh: number; ow: number; ph: number; pw: number; cogs: number; argWords: number } {
  const { oh, ow } = conv2dOutputSize(s);
  const ph = Math.floor(oh / 2);
  const pw = Math.floor(ow / 2);
  const cogs = ceilDiv(s.cout, 4);
  return { oh, ow, ph, pw, cogs, argWords: s.n * cogs * ph * pw };
}

/**
 * The most lockstep runs the fused op serves for one run's shape `s` on an adapter with `limits`:
 * every run's packed weights (forward, and the gather input gradient's) share one uniform binding.
 */
export function conv2dReluPoolMaxRuns(limits: ConvLimits, s: Conv2dShape): number {
  const plan = planConv(s, FUSION, limits);
  const khw = s.kh * s.kw;
  const dx = plan.inputGrad.kernel === 'relu_pool_gather' ? ceilDiv(s.cin, 4) * s.cout * khw : 0;
  return packedRunsLimit(limits, Math.max(ceilDiv(s.cout, 4) * s.cin * khw, dx));
}

function check(ctx: KernelContext, s: Conv2dShape): { plan: ConvPlan; z: ReturnType<typeof conv2dReluPoolSizes> } {
  const plan = fusedPlan(ctx, s);
  if (!plan.fused) throw new Error(`conv2dReluPool: the planner does not fuse shape ${JSON.stringify(s)}`);
  return { plan, z: conv2dReluPoolSizes(s) };
}

/**
 * y [n, cout, ph, pw] = maxpool2×2(relu(conv(x, weight) + bias)); arg as described above. Two
 * dispatches: the weights packed into a plan-time uniform buffer, then the fused kernel.
 * Runs: x, y and arg hold runs.count × n samples, run-major; run r's weight and bias are
 * runs.paramStride floats after run r − 1's; the packed weights hold one block per run. The run is
 * part of workgroup z (run · cogs + group).
 */
export function conv2dReluPoolForward(ctx: KernelContext, a: { shape: Conv2dShape; x: BufferLike; weight: BufferLike; bias: BufferLike; y: BufferLike; arg: BufferLike; runs?: Runs }): Dispatch[] {
  const s = a.shape;
  const runs = a.runs ?? ONE_RUN;
  const R = runs.count;
  const { plan, z } = check(ctx, s);
  const aligned = plan.forward.kernel === 'relu_pool' && plan.forward.aligned;
  const pwq = ceilDiv(z.pw, 2);
  const g = grid1d(s.n * z.ph * pwq, WG);
  const kk = s.cin * s.kh * s.kw;
  const { packed, dispatch } = packWeights(ctx, a.weight, { rows: s.cout, kk, rs: kk, inner: kk, os: 0 }, runs);
  return [
    dispatch,
    forwardKernel.dispatch(ctx, {
      bindings: { x: a.x, wv: packed.wv, bias: a.bias, y: a.y, arg: a.arg, x4: a.x },
      uniforms: { n: s.n, cin: s.cin, h: s.h, w: s.w, cout: s.cout, kh: s.kh, kw: s.kw, pad: s.pad, ph: z.ph, pw: z.pw, pwq, row: g.row, cogs: z.cogs, wrun: packed.stride, bstride: runs.paramStride },
      constants: { KH: s.kh, KW: s.kw, CIN: s.cin, ALIGNED: aligned ? 1 : 0 }, defines: { PACKED: packed.length },
      workgroups: [g.workgroups[0], g.workgroups[1], runGroupsZ('conv2dReluPoolForward', R * z.cogs)],
      work: { flops: 2 * R * s.n * s.cout * z.oh * z.ow * kk, bytes: 4 * R * (s.n * s.cin * s.h * s.w + s.n * s.cout * z.ph * z.pw + z.argWords) },
    }),
  ];
}

/**
 * From the pooled gradient gy: dweight and dbias (overwritten) and, when dx is given, dx (through
 * a full-resolution conv-output gradient in a plan-time scratch buffer and the conv's input gradient).
 * Runs: as the forward (gy, arg, dx run-major; dweight, dbias runs.paramStride floats apart); the
 * weight gradient's partial sums are per run ([run][chunk][cout][K + 1], the run is workgroup z)
 * and summed per run, in the order one run sums them.
 */
export function conv2dReluPoolBackward(ctx: KernelContext, a: {
  shape: Conv2dShape; x: BufferLike; weight: BufferLike; gy: BufferLike; arg: BufferLike; dweight: BufferLike; dbias: BufferLike; dx?: BufferLike; runs?: Runs;
}): Dispatch[] {
  const s = a.shape;
  const runs = a.runs ?? ONE_RUN;
  const R = runs.count;
  const { plan, z } = check(ctx, s);
  if (plan.weightGrad.kernel !== 'relu_pool') throw new Error('conv2dReluPoolBackward: a fused plan without the fused weight gradient');
  const { chunk, chunks } = plan.weightGrad;
  const kk = s.cin * s.kh * s.kw;
  const partial = ctx.storage(R * chunks * s.cout * (kk + 1) * 4, 'conv2d_relu_pool dweight partials');
  const out = [
    // Work: a multiply-add per weight and pooled cell (the ReLU/pool route each pooled gradient to one conv output).
    backwardWeightKernel.dispatch(ctx, {
      bindings: { x: a.x, gy: a.gy, arg: a.arg, partial },
      uniforms: { n: s.n, cin: s.cin, h: s.h, w: s.w, cout: s.cout, pad: s.pad, ph: z.ph, pw: z.pw, cogs: z.cogs, chunk, chunks },
      constants: { KH: s.kh, KW: s.kw }, workgroups: [ceilDiv(chunks * s.cin * z.cogs, WG), 1, runGroupsZ('conv2dReluPoolBackward', R)],
      work: { flops: 2 * R * s.n * s.cout * z.ph * z.pw * kk, bytes: 4 * R * (s.n * s.cin * s.h * s.w + s.n * s.cout * z.ph * z.pw + z.argWords + chunks * s.cout * (kk + 1)) },
    }),
    weightGradSum(ctx, { cout: s.cout, kk, chunks, partial, dweight: a.dweight, dbias: a.dbias, runs }),
  ];
  const dxPlan = plan.inputGrad;
  if (a.dx && dxPlan.kernel === 'relu_pool_gather') {
    out.push(...conv2dReluPoolBackwardInput(ctx, { shape: s, sizes: z, weight: a.weight, gy: a.gy, arg: a.arg, dx: a.dx, runs }));
  } else if (a.dx && dxPlan.kernel === 'unpool') {
    // Too many weights for the uniform array: unpool to full resolution, then the plain conv's dx.
    // The unpool is per sample: every run's samples in one grid.
    const dy = ctx.storage(R * s.n * s.cout * z.oh * z.ow * 4, 'conv2d_relu_pool conv-output gradient');
    const ch = ceilDiv(z.oh, 2);
    const cw = ceilDiv(z.ow, 2);
    const g = grid1d(R * s.n * z.cogs * ch * cw, WG);
    out.push(unpoolKernel.dispatch(ctx, {
      bindings: { gy: a.gy, arg: a.arg, dy }, uniforms: { n: R * s.n, cout: s.cout, oh: z.oh, ow: z.ow, ph: z.ph, pw: z.pw, cogs: z.cogs, row: g.row, ch, cw },
      workgroups: g.workgroups,
    }));
    out.push(...conv2dBackwardInput(ctx, { shape: s, dy, weight: a.weight, dx: a.dx, runs }, dxPlan.then));
  } else if (a.dx) {
    throw new Error(`conv2dReluPoolBackward: a fused plan with a plain ${dxPlan.kernel} input gradient`);
  }
  return out;
}
