/**
 * 2-D max pooling (float32, NCHW, no padding, floor mode) with PyTorch's tie rule: forward,
 * and backward as a gather over the windows covering each input element, optionally fused
 * with the preceding ReLU's backward (reluMask).
 */
import { ceilDiv, type BufferLike, type Dispatch, type KernelContext } from '../core.ts';
import { grid1d } from './grid.ts';
import { defineKernel, read, readWrite, type Values } from '../kernel.ts';
import forwardWgsl from './maxpool2d_forward.wgsl?raw';
import backwardWgsl from './maxpool2d_backward.wgsl?raw';

export interface Pool2dShape { n: number; c: number; h: number; w: number; kernel: number; stride: number }

export function maxpool2dOutputSize(s: Pool2dShape): { oh: number; ow: number } {
  return { oh: Math.floor((s.h - s.kernel) / s.stride) + 1, ow: Math.floor((s.w - s.kernel) / s.stride) + 1 };
}

const WG = 64;

/** The shape both kernels read; row: invocations per grid row; ch × cw: stride cells per plane (main_cells). */
const poolUniforms = {
  n: 'u32', c: 'u32', h: 'u32', w: 'u32', kernel: 'u32', stride: 'u32', oh: 'u32', ow: 'u32', relu_mask: 'flag', row: 'u32', ch: 'u32', cw: 'u32',
} as const;
const forwardKernel = defineKernel({ name: 'maxpool2d_forward', code: forwardWgsl, bindings: { x: read(), y: readWrite() }, uniforms: poolUniforms });
const backwardKernel = defineKernel({ name: 'maxpool2d_backward', code: backwardWgsl, bindings: { x: read(), dy: read(), dx: readWrite() }, uniforms: poolUniforms });

function poolParams(s: Pool2dShape, reluMask: boolean, row: number): Values<typeof poolUniforms> {
  const { oh, ow } = maxpool2dOutputSize(s);
  if ([s.n, s.c, s.h, s.w, s.kernel, s.stride].some((d) => !Number.isInteger(d) || d < 1) || oh < 1 || ow < 1) {
    throw new Error(`maxpool2d: invalid shape ${JSON.stringify(s)}`);
  }
  return { n: s.n, c: s.c, h: s.h, w: s.w, kernel: s.kernel, stride: s.stride, oh, ow, relu_mask: reluMask, row, ch: ceilDiv(s.h, s.stride), cw: ceilDiv(s.w, s.stride) };
}

/** y [n, c, oh, ow] = window maxima of x. */
export function maxpool2dForward(ctx: KernelContext, a: { shape: Pool2dShape; x: BufferLike; y: BufferLike }): Dispatch {
  const { oh, ow } = maxpool2dOutputSize(a.shape);
  const g = grid1d(a.shape.n * a.shape.c * oh * ow, WG);
  return forwardKernel.dispatch(ctx, { bindings: { x: a.x, y: a.y }, uniforms: poolParams(a.shape, false, g.row), workgroups: g.workgroups });
}

/** dx (overwritten, every element): dy routed to each window's first maximum; reluMask also zeroes dx where x <= 0. */
export function maxpool2dBackward(ctx: KernelContext, a: { shape: Pool2dShape; x: BufferLike; dy: BufferLike; dx: BufferLike; reluMask?: boolean }): Dispatch {
  const s = a.shape;
  // Non-overlapping windows: one invocation per stride × stride cell; otherwise a gather per element.
  const cells = s.stride >= s.kernel;
  const g = grid1d(cells ? s.n * s.c * ceilDiv(s.h, s.stride) * ceilDiv(s.w, s.stride) : s.n * s.c * s.h * s.w, WG);
  return backwardKernel.dispatch(ctx, {
    bindings: { x: a.x, dy: a.dy, dx: a.dx }, uniforms: poolParams(s, a.reluMask ?? false, g.row), workgroups: g.workgroups, entry: cells ? 'main_cells' : 'main',
  });
}
