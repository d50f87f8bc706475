/**
 * dx of the fused conv + ReLU + 2×2/2 max pool in one gather kernel that reads the pooled
 * gradient and the argmax words directly (conv2d_relu_pool_backward_input.wgsl), weights packed
 * over input channels into a uniform buffer. No full-resolution gradient exists.
 */
import { ceilDiv, type BufferLike, type Dispatch, type KernelContext } from '../core.ts';
import { grid1d } from './grid.ts';
import type { Conv2dShape } from './conv2d.ts';
import { PACKED_VEC4S, packWeights } from './conv2d_relu_pool_pack.ts';
import backwardInputWgsl from './conv2d_relu_pool_backward_input.wgsl?raw';

/** Whether the packed weights (cin in groups of 4 × cout × kh·kw vec4s) fit the uniform array. */
export function conv2dReluPoolBackwardInputSupported(s: Conv2dShape): boolean {
  return ceilDiv(s.cin, 4) * s.cout * s.kh * s.kw <= PACKED_VEC4S;
}

/** dx [n, cin, h, w] (overwritten) from gy [n, cout, ph, pw] and arg (conv2d_relu_pool.ts). */
export function conv2dReluPoolBackwardInput(ctx: KernelContext, a: {
  shape: Conv2dShape; sizes: { ph: number; pw: number; cogs: number }; weight: BufferLike; gy: BufferLike; arg: BufferLike; dx: BufferLike;
}): Dispatch[] {
  const s = a.shape;
  const z = a.sizes;
  const khw = s.kh * s.kw;
  // W[ci, co·khw + t] = w[co, ci, t]: rows are input channels.
  const { wv, dispatch } = packWeights(ctx, a.weight, { rows: s.cin, kk: s.cout * khw, rs: khw, inner: khw, os: s.cin * khw });
  // Conv-output rows reaching a block start at iy0 + pad - (kh - 1): even when iy0 ≡ offy.
  const offy = (s.pad + s.kh + 1) % 2;
  const offx = (s.pad + s.kw + 1) % 2;
  const by = ceilDiv(s.h + offy, 2);
  const bx = ceilDiv(s.w + offx, 4);
  const g = grid1d(s.n * by * bx, 64);
  const u = ctx.uniform([s.n, s.cin, s.h, s.w, s.cout, s.pad, z.ph, z.pw, z.cogs, by, bx, g.row, offy, offx], 'u32', 'conv2d_relu_pool dx params');
  const pipeline = ctx.pipeline('conv2d_relu_pool_backward_input', backwardInputWgsl, { KH: s.kh, KW: s.kw });
  // Work: each pooled gradient reaches one conv output, which spreads over kh·kw·cin inputs.
  const work = { flops: 2 * s.n * s.cout * z.ph * z.pw * khw * s.cin, bytes: 4 * (s.n * s.cout * z.ph * z.pw + s.n * z.cogs * z.ph * z.pw + s.n * s.cin * s.h * s.w) };
  return [dispatch, ctx.dispatch('conv2d_relu_pool_backward_input', pipeline, [a.gy, a.arg, wv, a.dx, u], [g.workgroups[0], g.workgroups[1], ceilDiv(s.cin, 4)], work)];
}
