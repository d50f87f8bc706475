/**
 * 2-D max pooling (float32, NCHW, no padding, floor mode) with PyTorch's tie rule: forward,
 * and backward as a gather over the windows covering each input element, optionally fused
 * with the preceding ReLU's backward (reluMask).
 */
import { ceilDiv, type BufferLike, type Dispatch, type KernelContext } from '../core.ts';
import { grid1d } from './grid.ts';
import forwardWgsl from './maxpool2d_forward.wgsl?raw';
import backwardWgsl from './maxpool2d_backward.wgsl?raw';

export interface Pool2dShape { n: number; c: number; h: number; w: number; kernel: number; stride: number }

export function maxpool2dOutputSize(s: Pool2dShape): { oh: number; ow: number } {
  return { oh: Math.floor((s.h - s.kernel) / s.stride) + 1, ow: Math.floor((s.w - s.kernel) / s.stride) + 1 };
}

const WG = 64;

function poolParams(ctx: KernelContext, s: Pool2dShape, reluMask: boolean, row: number): GPUBuffer {
  const { oh, ow } = maxpool2dOutputSize(s);
  if ([s.n, s.c, s.h, s.w, s.kernel, s.stride].some((d) => !Number.isInteger(d) || d < 1) || oh < 1 || ow < 1) {
    throw new Error(`maxpool2d: invalid shape ${JSON.stringify(s)}`);
  }
  return ctx.uniform([s.n, s.c, s.h, s.w, s.kernel, s.stride, oh, ow, reluMask ? 1 : 0, row, ceilDiv(s.h, s.stride), ceilDiv(s.w, s.stride)], 'u32', 'maxpool2d params');
}

/** y [n, c, oh, ow] = window maxima of x. */
export function maxpool2dForward(ctx: KernelContext, a: { shape: Pool2dShape; x: BufferLike; y: BufferLike }): Dispatch {
  const { oh, ow } = maxpool2dOutputSize(a.shape);
  const g = grid1d(a.shape.n * a.shape.c * oh * ow, WG);
  const pipeline = ctx.pipeline('maxpool2d_forward', forwardWgsl);
  return ctx.dispatch('maxpool2d_forward', pipeline, [a.x, a.y, poolParams(ctx, a.shape, false, g.row)], g.workgroups);
}

/** dx (overwritten, every element): dy routed to each window's first maximum; reluMask also zeroes dx where x <= 0. */
export function maxpool2dBackward(ctx: KernelContext, a: { shape: Pool2dShape; x: BufferLike; dy: BufferLike; dx: BufferLike; reluMask?: boolean }): Dispatch {
  const s = a.shape;
  // Non-overlapping windows: one invocation per stride × stride cell; otherwise a gather per element.
  const cells = s.stride >= s.kernel;
  const g = grid1d(cells ? s.n * s.c * ceilDiv(s.h, s.stride) * ceilDiv(s.w, s.stride) : s.n * s.c * s.h * s.w, WG);
  const pipeline = ctx.pipeline('maxpool2d_backward', backwardWgsl, {}, cells ? 'main_cells' : 'main');
  return ctx.dispatch('maxpool2d_backward', pipeline, [a.x, a.dy, a.dx, poolParams(ctx, s, a.reluMask ?? false, g.row)], g.workgroups);
}
