/**
 * BatchNorm2d (float32, NCHW) with PyTorch semantics (eps 1e-5, momentum 0.1 by default):
 * training forward from batch statistics (saved as [mean | invstd] for the backward) with the
 * running-stat update, eval forward from the running statistics, and the backward to the input,
 * γ and β. A following ReLU can be fused (forward clamps, backward masks by y > 0).
 *
 * Runs in lockstep (`runs`, default one): x, y, dy, dx hold runs.count × n samples, run-major; the
 * saved statistics runs.count × [mean | invstd]; γ, β and their gradients are bindings into the
 * parameter store spanning every run (run r's at r·paramStride floats), the running statistics and
 * num_batches_tracked into the state store (r·stateStride). The run is the grid's z (element-wise
 * passes) or y (one workgroup per channel and run), so every statistic is run r's own batch's and
 * run r's numbers are bit-identical to the same op on run r alone.
 */
import { elementwiseWork, sharedBinding, ONE_RUN, type BufferLike, type Dispatch, type KernelContext, type Runs } from '../core.ts';
import { grid1d } from './grid.ts';
import { defineKernel, read, readWrite } from '../kernel.ts';
import statsWgsl from './batchnorm2d_stats.wgsl?raw';
import forwardWgsl from './batchnorm2d_forward.wgsl?raw';
import backwardReduceWgsl from './batchnorm2d_backward_reduce.wgsl?raw';
import backwardInputWgsl from './batchnorm2d_backward_input.wgsl?raw';
import backwardEvalWgsl from './batchnorm2d_backward_eval.wgsl?raw';

export interface BatchNorm2dShape { n: number; c: number; h: number; w: number }
export const BATCHNORM_EPS = 1e-5;
export const BATCHNORM_MOMENTUM = 0.1;

/** The running state a BatchNorm2d owns outside the optimizer: three tensors of one buffer (a state store). */
export interface BatchNormState { runningMean: BufferLike; runningVar: BufferLike; numBatchesTracked: BufferLike }

/** Elements per run (n·c·h·w). Channels and runs are grid dimensions: ctx.dispatch names the op if one exceeds the device's limit. */
function check(s: BatchNorm2dShape, runs: Runs): number {
  if ([s.n, s.c, s.h, s.w].some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`batchnorm2d: invalid shape ${JSON.stringify(s)}`);
  if (!Number.isInteger(runs.count) || runs.count < 1) throw new Error(`batchnorm2d: runs.count must be a whole number ≥ 1, got ${runs.count}`);
  return s.n * s.c * s.h * s.w;
}

/** A grid over one run's `total` elements (x, y) with the run as z. */
function runGrid(total: number, runs: Runs): { workgroups: [number, number, number]; row: number } {
  const g = grid1d(total);
  return { workgroups: [g.workgroups[0], g.workgroups[1], runs.count], row: g.row };
}

// Per-channel reductions (one workgroup per channel and run over n·hw values); update: apply the
// running-stat update. state: the running mean, variance and count at *_at floats; state_stride:
// floats between two runs' running statistics.
const statsKernel = defineKernel({
  name: 'batchnorm2d_stats', code: statsWgsl,
  bindings: { x: read(), saved: readWrite(), state: readWrite() },
  uniforms: { n: 'u32', c: 'u32', hw: 'u32', update: 'flag', momentum: 'f32', eps: 'f32', state_stride: 'u32', mean_at: 'u32', var_at: 'u32', batches_at: 'u32' },
});
// Element-wise over total = n·c·hw per run; mode 0 train (center = saved [mean | invstd], center_stride 2·c),
// 1 eval (running mean, var; center_stride the state stride). param_stride: floats between two runs' γ (β).
const forwardKernel = defineKernel({
  name: 'batchnorm2d_forward', code: forwardWgsl,
  bindings: { x: read(), center: read(), spread: read(), weight: read(), bias: read(), y: readWrite() },
  uniforms: { total: 'u32', c: 'u32', hw: 'u32', row: 'u32', mode: 'u32', relu: 'flag', eps: 'f32', center_stride: 'u32', param_stride: 'u32' },
});
// grads: dγ and dβ at dweight_at, dbias_at floats (one writable binding).
const backwardReduceKernel = defineKernel({
  name: 'batchnorm2d_backward_reduce', code: backwardReduceWgsl,
  bindings: { x: read(), y: read(), dy: read(), saved: read(), grads: readWrite() },
  uniforms: { n: 'u32', c: 'u32', hw: 'u32', relu: 'flag', param_stride: 'u32', dweight_at: 'u32', dbias_at: 'u32' },
});
// m = n·hw: the values each channel's statistics were taken over (one run's).
const backwardInputKernel = defineKernel({
  name: 'batchnorm2d_backward_input', code: backwardInputWgsl,
  bindings: { x: read(), y: read(), dy: read(), saved: read(), weight: read(), dweight: read(), dbias: read(), dx: readWrite() },
  uniforms: { total: 'u32', c: 'u32', hw: 'u32', row: 'u32', relu: 'flag', m: 'u32', param_stride: 'u32' },
});
const backwardEvalKernel = defineKernel({
  name: 'batchnorm2d_backward_eval', code: backwardEvalWgsl,
  bindings: { y: read(), dy: read(), running_var: read(), weight: read(), dx: readWrite() },
  uniforms: { total: 'u32', c: 'u32', hw: 'u32', row: 'u32', relu: 'flag', eps: 'f32', param_stride: 'u32', state_stride: 'u32' },
});

/** Bytes of the saved statistics buffer ([mean | invstd], 2·c floats per run). */
export const batchnorm2dSavedBytes = (c: number, runs: Runs = ONE_RUN): number => runs.count * 2 * c * 4;

/**
 * Training forward: batch statistics into `saved`, the running-stat update (unless update is
 * false), then y = γ·x̂ + β (ReLU'd when relu).
 */
export function batchnorm2dForwardTrain(ctx: KernelContext, a: {
  shape: BatchNorm2dShape; x: BufferLike; weight: BufferLike; bias: BufferLike; y: BufferLike; saved: BufferLike;
  state: BatchNormState; relu: boolean; update?: boolean; momentum?: number; eps?: number; runs?: Runs;
}): Dispatch[] {
  const s = a.shape;
  const runs = a.runs ?? ONE_RUN;
  const total = check(s, runs);
  const eps = a.eps ?? BATCHNORM_EPS;
  const state = sharedBinding('batchnorm2d', { running_mean: a.state.runningMean, running_var: a.state.runningVar, num_batches_tracked: a.state.numBatchesTracked });
  return [
    statsKernel.dispatch(ctx, {
      bindings: { x: a.x, saved: a.saved, state: state.binding },
      uniforms: {
        n: s.n, c: s.c, hw: s.h * s.w, update: a.update !== false, momentum: a.momentum ?? BATCHNORM_MOMENTUM, eps, state_stride: runs.stateStride,
        mean_at: state.at.running_mean, var_at: state.at.running_var, batches_at: state.at.num_batches_tracked,
      },
      workgroups: [s.c, runs.count], work: elementwiseWork(runs.count * total, 3, 1),
    }),
    normalize(ctx, s, total, runs, a.x, a.saved, a.saved, 2 * s.c, a.weight, a.bias, a.y, 0, a.relu, eps),
  ];
}

/** Eval forward: y = γ·(x - running_mean)/√(running_var + eps) + β (ReLU'd when relu). */
export function batchnorm2dForwardEval(ctx: KernelContext, a: {
  shape: BatchNorm2dShape; x: BufferLike; weight: BufferLike; bias: BufferLike; y: BufferLike; state: BatchNormState; relu: boolean; eps?: number; runs?: Runs;
}): Dispatch {
  const runs = a.runs ?? ONE_RUN;
  const total = check(a.shape, runs);
  return normalize(ctx, a.shape, total, runs, a.x, a.state.runningMean, a.state.runningVar, runs.stateStride, a.weight, a.bias, a.y, 1, a.relu, a.eps ?? BATCHNORM_EPS);
}

function normalize(ctx: KernelContext, s: BatchNorm2dShape, total: number, runs: Runs, x: BufferLike, center: BufferLike, spread: BufferLike,
  centerStride: number, weight: BufferLike, bias: BufferLike, y: BufferLike, mode: number, relu: boolean, eps: number): Dispatch {
  const g = runGrid(total, runs);
  return forwardKernel.dispatch(ctx, {
    bindings: { x, center, spread, weight, bias, y },
    uniforms: { total, c: s.c, hw: s.h * s.w, row: g.row, mode, relu, eps, center_stride: centerStride, param_stride: runs.paramStride },
    workgroups: g.workgroups, work: elementwiseWork(runs.count * total, 2, 2),
  });
}

/**
 * Training backward: dγ, dβ (overwritten; two tensors of one buffer, a gradient store) and dx
 * (overwritten, unless dx is omitted). `y` is the forward's output (read only for the fused ReLU's mask).
 */
export function batchnorm2dBackward(ctx: KernelContext, a: {
  shape: BatchNorm2dShape; x: BufferLike; y: BufferLike; dy: BufferLike; saved: BufferLike; weight: BufferLike;
  dweight: BufferLike; dbias: BufferLike; dx?: BufferLike; relu: boolean; runs?: Runs;
}): Dispatch[] {
  const s = a.shape;
  const runs = a.runs ?? ONE_RUN;
  const total = check(s, runs);
  const grads = sharedBinding('batchnorm2d backward', { dweight: a.dweight, dbias: a.dbias });
  const out = [backwardReduceKernel.dispatch(ctx, {
    bindings: { x: a.x, y: a.y, dy: a.dy, saved: a.saved, grads: grads.binding },
    uniforms: { n: s.n, c: s.c, hw: s.h * s.w, relu: a.relu, param_stride: runs.paramStride, dweight_at: grads.at.dweight, dbias_at: grads.at.dbias },
    workgroups: [s.c, runs.count], work: elementwiseWork(runs.count * total, 4, 3),
  })];
  if (a.dx) {
    const g = runGrid(total, runs);
    out.push(backwardInputKernel.dispatch(ctx, {
      bindings: { x: a.x, y: a.y, dy: a.dy, saved: a.saved, weight: a.weight, dweight: a.dweight, dbias: a.dbias, dx: a.dx },
      uniforms: { total, c: s.c, hw: s.h * s.w, row: g.row, relu: a.relu, m: s.n * s.h * s.w, param_stride: runs.paramStride },
      workgroups: g.workgroups, work: elementwiseWork(runs.count * total, 5, 4),
    }));
  }
  return out;
}

/** Eval-mode backward to the input only (the statistics are constants): dx = g·γ/√(running_var + eps). */
export function batchnorm2dBackwardEval(ctx: KernelContext, a: {
  shape: BatchNorm2dShape; y: BufferLike; dy: BufferLike; state: BatchNormState; weight: BufferLike; dx: BufferLike; relu: boolean; eps?: number; runs?: Runs;
}): Dispatch {
  const s = a.shape;
  const runs = a.runs ?? ONE_RUN;
  const total = check(s, runs);
  const g = runGrid(total, runs);
  return backwardEvalKernel.dispatch(ctx, {
    bindings: { y: a.y, dy: a.dy, running_var: a.state.runningVar, weight: a.weight, dx: a.dx },
    uniforms: { total, c: s.c, hw: s.h * s.w, row: g.row, relu: a.relu, eps: a.eps ?? BATCHNORM_EPS, param_stride: runs.paramStride, state_stride: runs.stateStride },
    workgroups: g.workgroups, work: elementwiseWork(runs.count * total, 2, 3),
  });
}
