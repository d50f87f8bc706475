/**
 * BatchNorm2d (float32, NCHW) with PyTorch semantics (eps 1e-5, momentum 0.1 by default):
 * training forward from batch statistics (saved as [mean | invstd] for the backward) with the
 * running-stat update, eval forward from the running statistics, and the backward to the input,
 * γ and β. A following ReLU can be fused (forward clamps, backward masks by y > 0).
 */
import { elementwiseWork, type BufferLike, type Dispatch, type KernelContext } from '../core.ts';
import { grid1d } from './grid.ts';
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

/** u32 and f32 fields in declaration order. */
function params(ctx: KernelContext, fields: [number, 'u32' | 'f32'][], label: string): GPUBuffer {
  const data = new ArrayBuffer(fields.length * 4);
  const view = new DataView(data);
  fields.forEach(([v, k], i) => (k === 'u32' ? view.setUint32(i * 4, v, true) : view.setFloat32(i * 4, v, true)));
  return ctx.uniformRaw(data, label);
}

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
  const stats = ctx.pipeline('batchnorm2d_stats', statsWgsl);
  const u1 = params(ctx, [[s.n, 'u32'], [s.c, 'u32'], [s.h * s.w, 'u32'], [a.update === false ? 0 : 1, 'u32'], [a.momentum ?? BATCHNORM_MOMENTUM, 'f32'], [eps, 'f32']], 'batchnorm2d stats params');
  return [
    ctx.dispatch('batchnorm2d_stats', stats, [a.x, a.saved, a.state.runningMean, a.state.runningVar, a.state.numBatchesTracked, u1], [s.c], elementwiseWork(total, 3, 1)),
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
  const pipeline = ctx.pipeline('batchnorm2d_forward', forwardWgsl);
  const u = params(ctx, [[total, 'u32'], [s.c, 'u32'], [s.h * s.w, 'u32'], [g.row, 'u32'], [mode, 'u32'], [relu ? 1 : 0, 'u32'], [eps, 'f32']], 'batchnorm2d params');
  return ctx.dispatch('batchnorm2d_forward', pipeline, [x, center, spread, weight, bias, y, u], g.workgroups, elementwiseWork(total, 2, 2));
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
  const reduce = ctx.pipeline('batchnorm2d_backward_reduce', backwardReduceWgsl);
  const out = [ctx.dispatch('batchnorm2d_backward_reduce', reduce, [a.x, a.y, a.dy, a.saved, a.dweight, a.dbias,
    ctx.uniform([s.n, s.c, s.h * s.w, a.relu ? 1 : 0], 'u32', 'batchnorm2d backward params')], [s.c], elementwiseWork(total, 4, 3))];
  if (a.dx) {
    const g = grid1d(total);
    const input = ctx.pipeline('batchnorm2d_backward_input', backwardInputWgsl);
    out.push(ctx.dispatch('batchnorm2d_backward_input', input, [a.x, a.y, a.dy, a.saved, a.weight, a.dweight, a.dbias, a.dx,
      ctx.uniform([total, s.c, s.h * s.w, g.row, a.relu ? 1 : 0, s.n * s.h * s.w], 'u32', 'batchnorm2d backward input params')], g.workgroups, elementwiseWork(total, 5, 4)));
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
  const pipeline = ctx.pipeline('batchnorm2d_backward_eval', backwardEvalWgsl);
  const u = params(ctx, [[total, 'u32'], [s.c, 'u32'], [s.h * s.w, 'u32'], [g.row, 'u32'], [a.relu ? 1 : 0, 'u32'], [a.eps ?? BATCHNORM_EPS, 'f32']], 'batchnorm2d backward eval params');
  return ctx.dispatch('batchnorm2d_backward_eval', pipeline, [a.y, a.dy, a.state.runningVar, a.weight, a.dx, u], g.workgroups, elementwiseWork(total, 2, 3));
}
