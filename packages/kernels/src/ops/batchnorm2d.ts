/**
 * BatchNorm2d (float32, NCHW) with PyTorch semantics (eps 1e-5, momentum 0.1 by default):
 * training forward from batch statistics (saved as [mean | invstd] for the backward) with the
 * running-stat update, eval forward from the running statistics, and the backward to the input,
 * γ and β. A following ReLU can be fused (forward clamps, backward masks by y > 0).
 */
import { elementwiseWork, type BufferLike, type Dispatch, type KernelContext } from '../core.ts';
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

/** The running state a BatchNorm2d owns outside the optimizer. */
export interface BatchNormState { runningMean: BufferLike; runningVar: BufferLike; numBatchesTracked: BufferLike }

function check(s: BatchNorm2dShape): number {
  if ([s.n, s.c, s.h, s.w].some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`batchnorm2d: invalid shape ${JSON.stringify(s)}`);
  return s.n * s.c * s.h * s.w;
}

// Per-channel reductions (one workgroup per channel over n·hw values); update: apply the running-stat update.
const statsKernel = defineKernel({
  name: 'batchnorm2d_stats', code: statsWgsl,
  bindings: { x: read(), saved: readWrite(), running_mean: readWrite(), running_var: readWrite(), batches: readWrite() },
  uniforms: { n: 'u32', c: 'u32', hw: 'u32', update: 'flag', momentum: 'f32', eps: 'f32' },
});
// Element-wise over total = n·c·hw; mode 0 train (center = saved [mean | invstd]), 1 eval (running mean, var).
const forwardKernel = defineKernel({
  name: 'batchnorm2d_forward', code: forwardWgsl,
  bindings: { x: read(), center: read(), spread: read(), weight: read(), bias: read(), y: readWrite() },
  uniforms: { total: 'u32', c: 'u32', hw: 'u32', row: 'u32', mode: 'u32', relu: 'flag', eps: 'f32' },
});
const backwardReduceKernel = defineKernel({
  name: 'batchnorm2d_backward_reduce', code: backwardReduceWgsl,
  bindings: { x: read(), y: read(), dy: read(), saved: read(), dweight: readWrite(), dbias: readWrite() },
  uniforms: { n: 'u32', c: 'u32', hw: 'u32', relu: 'flag' },
});
// m = n·hw: the values each channel's statistics were taken over.
const backwardInputKernel = defineKernel({
  name: 'batchnorm2d_backward_input', code: backwardInputWgsl,
  bindings: { x: read(), y: read(), dy: read(), saved: read(), weight: read(), dweight: read(), dbias: read(), dx: readWrite() },
  uniforms: { total: 'u32', c: 'u32', hw: 'u32', row: 'u32', relu: 'flag', m: 'u32' },
});
const backwardEvalKernel = defineKernel({
  name: 'batchnorm2d_backward_eval', code: backwardEvalWgsl,
  bindings: { y: read(), dy: read(), running_var: read(), weight: read(), dx: readWrite() },
  uniforms: { total: 'u32', c: 'u32', hw: 'u32', row: 'u32', relu: 'flag', eps: 'f32' },
});

/** Bytes of the saved statistics buffer ([mean | invstd], 2·c floats). */
export const batchnorm2dSavedBytes = (c: number): number => 2 * c * 4;

/**
 * Training forward: batch statistics into `saved`, the running-stat update (unless update is
 * false), then y = γ·x̂ + β (ReLU'd when relu).
 */
export function batchnorm2dForwardTrain(ctx: KernelContext, a: {
  shape: BatchNorm2dShape; x: BufferLike; weight: BufferLike; bias: BufferLike; y: BufferLike; saved: BufferLike;
  state: BatchNormState; relu: boolean; update?: boolean; momentum?: number; eps?: number;
}): Dispatch[] {
  const s = a.shape;
  const total = check(s);
  const eps = a.eps ?? BATCHNORM_EPS;
  return [
    statsKernel.dispatch(ctx, {
      bindings: { x: a.x, saved: a.saved, running_mean: a.state.runningMean, running_var: a.state.runningVar, batches: a.state.numBatchesTracked },
      uniforms: { n: s.n, c: s.c, hw: s.h * s.w, update: a.update !== false, momentum: a.momentum ?? BATCHNORM_MOMENTUM, eps },
      workgroups: [s.c], work: elementwiseWork(total, 3, 1),
    }),
    normalize(ctx, s, total, a.x, a.saved, a.saved, a.weight, a.bias, a.y, 0, a.relu, eps),
  ];
}

/** Eval forward: y = γ·(x - running_mean)/√(running_var + eps) + β (ReLU'd when relu). */
export function batchnorm2dForwardEval(ctx: KernelContext, a: {
  shape: BatchNorm2dShape; x: BufferLike; weight: BufferLike; bias: BufferLike; y: BufferLike; state: BatchNormState; relu: boolean; eps?: number;
}): Dispatch {
  const total = check(a.shape);
  return normalize(ctx, a.shape, total, a.x, a.state.runningMean, a.state.runningVar, a.weight, a.bias, a.y, 1, a.relu, a.eps ?? BATCHNORM_EPS);
}

function normalize(ctx: KernelContext, s: BatchNorm2dShape, total: number, x: BufferLike, center: BufferLike, spread: BufferLike,
  weight: BufferLike, bias: BufferLike, y: BufferLike, mode: number, relu: boolean, eps: number): Dispatch {
  const g = grid1d(total);
  return forwardKernel.dispatch(ctx, {
    bindings: { x, center, spread, weight, bias, y }, uniforms: { total, c: s.c, hw: s.h * s.w, row: g.row, mode, relu, eps },
    workgroups: g.workgroups, work: elementwiseWork(total, 2, 2),
  });
}

/**
 * Training backward: dγ, dβ (overwritten) and dx (overwritten, unless dx is omitted). `y` is the
 * forward's output (read only for the fused ReLU's mask).
 */
export function batchnorm2dBackward(ctx: KernelContext, a: {
  shape: BatchNorm2dShape; x: BufferLike; y: BufferLike; dy: BufferLike; saved: BufferLike; weight: BufferLike;
  dweight: BufferLike; dbias: BufferLike; dx?: BufferLike; relu: boolean;
}): Dispatch[] {
  const s = a.shape;
  const total = check(s);
  const out = [backwardReduceKernel.dispatch(ctx, {
    bindings: { x: a.x, y: a.y, dy: a.dy, saved: a.saved, dweight: a.dweight, dbias: a.dbias },
    uniforms: { n: s.n, c: s.c, hw: s.h * s.w, relu: a.relu }, workgroups: [s.c], work: elementwiseWork(total, 4, 3),
  })];
  if (a.dx) {
    const g = grid1d(total);
    out.push(backwardInputKernel.dispatch(ctx, {
      bindings: { x: a.x, y: a.y, dy: a.dy, saved: a.saved, weight: a.weight, dweight: a.dweight, dbias: a.dbias, dx: a.dx },
      uniforms: { total, c: s.c, hw: s.h * s.w, row: g.row, relu: a.relu, m: s.n * s.h * s.w }, workgroups: g.workgroups, work: elementwiseWork(total, 5, 4),
    }));
  }
  return out;
}

/** Eval-mode backward to the input only (the statistics are constants): dx = g·γ/√(running_var + eps). */
export function batchnorm2dBackwardEval(ctx: KernelContext, a: {
  shape: BatchNorm2dShape; y: BufferLike; dy: BufferLike; state: BatchNormState; weight: BufferLike; dx: BufferLike; relu: boolean; eps?: number;
}): Dispatch {
  const s = a.shape;
  const total = check(s);
  const g = grid1d(total);
  return backwardEvalKernel.dispatch(ctx, {
    bindings: { y: a.y, dy: a.dy, running_var: a.state.runningVar, weight: a.weight, dx: a.dx },
    uniforms: { total, c: s.c, hw: s.h * s.w, row: g.row, relu: a.relu, eps: a.eps ?? BATCHNORM_EPS }, workgroups: g.workgroups, work: elementwiseWork(total, 2, 3),
  });
}
