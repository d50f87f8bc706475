/**
 * dx of the fused conv + ReLU + 2×2/2 max pool in one gather kernel that reads the pooled
 * gradient and the argmax words directly (conv2d_relu_pool_backward_input.wgsl), weights packed
 * over input channels into a uniform buffer. No full-resolution gradient exists.
 */
import { ceilDiv, ONE_RUN, type BufferLike, type Dispatch, type KernelContext, type Runs } from '../core.ts';
import { grid1d } from './grid.ts';
import { defineKernel, read, readWrite } from '../kernel.ts';
import type { Conv2dShape } from './conv2d_plan.ts';
import { packedWeights, packWeights, runGroupsZ } from './conv2d_relu_pool_pack.ts';
import backwardInputWgsl from './conv2d_relu_pool_backward_input.wgsl?raw';

// gy [n, cout, ph, pw]; arg [n, cogs, ph, pw], a byte per channel; wv [cig][co][kh·kw]. by × bx
// blocks per image (row: invocations per grid row); the first block starts at (-offy, -offx);
// cigs: input channel groups of 4 (workgroup z = run · cigs + group); wrun: packed vec4s per run.
const backwardInputKernel = defineKernel({
  name: 'conv2d_relu_pool_backward_input', code: backwardInputWgsl,
  bindings: { gy: read(), arg: read('u32'), wv: packedWeights, dx: readWrite() },
  uniforms: { n: 'u32', cin: 'u32', h: 'u32', w: 'u32', cout: 'u32', pad: 'u32', ph: 'u32', pw: 'u32', cogs: 'u32', by: 'u32', bx: 'u32', row: 'u32', offy: 'u32', offx: 'u32', cigs: 'u32', wrun: 'u32' },
});

/**
 * dx [n, cin, h, w] (overwritten) from gy [n, cout, ph, pw] and arg (conv2d_relu_pool.ts). Runs:
 * gy, arg, dx hold runs.count × n samples, run-major; run r's weight runs.paramStride floats
 * after run r − 1's.
 */
export function conv2dReluPoolBackwardInput(ctx: KernelContext, a: {
  shape: Conv2dShape; sizes: { ph: number; pw: number; cogs: number }; weight: BufferLike; gy: BufferLike; arg: BufferLike; dx: BufferLike; runs?: Runs;
}): Dispatch[] {
  const s = a.shape;
  const z = a.sizes;
  const runs = a.runs ?? ONE_RUN;
  const R = runs.count;
  const khw = s.kh * s.kw;
  // W[ci, co·khw + t] = w[co, ci, t]: rows are input channels.
  const { packed, dispatch } = packWeights(ctx, a.weight, { rows: s.cin, kk: s.cout * khw, rs: khw, inner: khw, os: s.cin * khw }, runs);
  // Conv-output rows reaching a block start at iy0 + pad - (kh - 1): even when iy0 ≡ offy.
  const offy = (s.pad + s.kh + 1) % 2;
  const offx = (s.pad + s.kw + 1) % 2;
  const by = ceilDiv(s.h + offy, 2);
  const bx = ceilDiv(s.w + offx, 4);
  const g = grid1d(s.n * by * bx, 64);
  // Work: each pooled gradient reaches one conv output, which spreads over kh·kw·cin inputs.
  const work = { flops: 2 * R * s.n * s.cout * z.ph * z.pw * khw * s.cin, bytes: 4 * R * (s.n * s.cout * z.ph * z.pw + s.n * z.cogs * z.ph * z.pw + s.n * s.cin * s.h * s.w) };
  const cigs = ceilDiv(s.cin, 4);
  return [dispatch, backwardInputKernel.dispatch(ctx, {
    bindings: { gy: a.gy, arg: a.arg, wv: packed.wv, dx: a.dx },
    uniforms: { n: s.n, cin: s.cin, h: s.h, w: s.w, cout: s.cout, pad: s.pad, ph: z.ph, pw: z.pw, cogs: z.cogs, by, bx, row: g.row, offy, offx, cigs, wrun: packed.stride },
    constants: { KH: s.kh, KW: s.kw }, defines: { PACKED: packed.length },
    workgroups: [g.workgroups[0], g.workgroups[1], runGroupsZ('conv2dReluPoolBackwardInput', R * cigs)], work,
  })];
}
