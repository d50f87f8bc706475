/**
 * Fused conv (stride 1) + ReLU + max pool 2×2 stride 2 (the ConvNet's blocks). The forward writes
 * only the pooled output and an argmax word per pooled cell and group of 4 channels: byte j is
 * the row-major window index (0..3) of channel 4g + j's first maximum, or 255 when that maximum
 * is not > 0 (no gradient flows through the ReLU) or the channel does not exist. The backward
 * reads the pooled gradient and the argmax words; the full-resolution conv output and its
 * gradient exist only when the input gradient is wanted (a plan-time scratch buffer).
 */
import { ceilDiv, type BufferLike, type Dispatch, type KernelContext } from '../core.ts';
import { grid1d } from './grid.ts';
import { conv2dBackwardInput, conv2dOutputSize, type Conv2dShape } from './conv2d.ts';
import forwardWgsl from './conv2d_relu_pool_forward.wgsl?raw';
import backwardWeightWgsl from './conv2d_relu_pool_backward_weight.wgsl?raw';
import backwardWeightSumWgsl from './conv2d_backward_weight_sum.wgsl?raw';
import unpoolWgsl from './conv2d_relu_pool_unpool.wgsl?raw';
import { PACKED_VEC4S, packWeights } from './conv2d_relu_pool_pack.ts';
import { conv2dReluPoolBackwardInput, conv2dReluPoolBackwardInputSupported } from './conv2d_relu_pool_backward_input.ts';

const WG = 64;

/** Whether conv → ReLU → max pool (kernel, stride) can run fused: conv stride 1, kernel ≤ 3×3, pool 2/2. */
export function conv2dReluPoolSupported(s: Conv2dShape, pool: { kernel: number; stride: number }): boolean {
  const { oh, ow } = conv2dOutputSize(s);
  return s.stride === 1 && ceilDiv(s.cout, 4) * s.cin * s.kh * s.kw <= PACKED_VEC4S && s.kh <= 3 && s.kw <= 3 && pool.kernel === 2 && pool.stride === 2 && oh >= 2 && ow >= 2;
}

/** Pooled output size and argmax words (u32 count) of the fused op. */
export function conv2dReluPoolSizes(s: Conv2dShape): { oh: number; ow: number; ph: number; pw: number; cogs: number; argWords: number } {
  const { oh, ow } = conv2dOutputSize(s);
  const ph = Math.floor(oh / 2);
  const pw = Math.floor(ow / 2);
  const cogs = ceilDiv(s.cout, 4);
  return { oh, ow, ph, pw, cogs, argWords: s.n * cogs * ph * pw };
}

function check(s: Conv2dShape): ReturnType<typeof conv2dReluPoolSizes> {
  if (!conv2dReluPoolSupported(s, { kernel: 2, stride: 2 }) || ![s.n, s.cin, s.cout].every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`conv2dReluPool: unsupported shape ${JSON.stringify(s)}`);
  }
  return conv2dReluPoolSizes(s);
}

/**
 * y [n, cout, ph, pw] = maxpool2×2(relu(conv(x, weight) + bias)); arg as described above. Two
 * dispatches: the weights packed into a plan-time uniform buffer, then the fused kernel.
 */
export function conv2dReluPoolForward(ctx: KernelContext, a: { shape: Conv2dShape; x: BufferLike; weight: BufferLike; bias: BufferLike; y: BufferLike; arg: BufferLike }): Dispatch[] {
  const s = a.shape;
  const z = check(s);
  const pwq = ceilDiv(z.pw, 2);
  const g = grid1d(s.n * z.ph * pwq, WG);
  const u = ctx.uniform([s.n, s.cin, s.h, s.w, s.cout, s.kh, s.kw, s.pad, z.ph, z.pw, pwq, g.row, z.cogs], 'u32', 'conv2d_relu_pool params');
  const aligned = s.pad === 0 && s.w % 4 === 0 ? 1 : 0;
  const pipeline = ctx.pipeline('conv2d_relu_pool_forward', forwardWgsl, { KH: s.kh, KW: s.kw, CIN: s.cin, ALIGNED: aligned });
  const kk = s.cin * s.kh * s.kw;
  const { wv, dispatch } = packWeights(ctx, a.weight, { rows: s.cout, kk, rs: kk, inner: kk, os: 0 });
  return [
    dispatch,
    ctx.dispatch('conv2d_relu_pool_forward', pipeline, [a.x, wv, a.bias, a.y, a.arg, u, a.x], [g.workgroups[0], g.workgroups[1], z.cogs], {
      flops: 2 * s.n * s.cout * z.oh * z.ow * kk, bytes: 4 * (s.n * s.cin * s.h * s.w + s.n * s.cout * z.ph * z.pw + z.argWords),
    }),
  ];
}

/**
 * From the pooled gradient gy: dweight and dbias (overwritten) and, when dx is given, dx (through
 * a full-resolution conv-output gradient in a plan-time scratch buffer and the conv's input gradient).
 */
export function conv2dReluPoolBackward(ctx: KernelContext, a: {
  shape: Conv2dShape; x: BufferLike; weight: BufferLike; gy: BufferLike; arg: BufferLike; dweight: BufferLike; dbias: BufferLike; dx?: BufferLike;
}): Dispatch[] {
  const s = a.shape;
  const z = check(s);
  // About 256 chunks of whole pooled rows: enough invocations for every core, few partials for pass 2.
  const rows = s.n * z.ph;
  const chunk = ceilDiv(rows, 256);
  const chunks = ceilDiv(rows, chunk);
  const kk = s.cin * s.kh * s.kw;
  const partial = ctx.storage(chunks * s.cout * (kk + 1) * 4, 'conv2d_relu_pool dweight partials');
  const p1 = ctx.pipeline('conv2d_relu_pool_backward_weight', backwardWeightWgsl, { KH: s.kh, KW: s.kw });
  const u1 = ctx.uniform([s.n, s.cin, s.h, s.w, s.cout, s.pad, z.ph, z.pw, z.cogs, chunk, chunks, 0], 'u32', 'conv2d_relu_pool dweight params');
  const p2 = ctx.pipeline('conv2d_backward_weight_sum', backwardWeightSumWgsl);
  const u2 = ctx.uniform([s.cout, kk, chunks, 0], 'u32', 'conv2d dweight sum params');
  const out = [
    // Work: a multiply-add per weight and pooled cell (the ReLU/pool route each pooled gradient to one conv output).
    ctx.dispatch('conv2d_relu_pool_backward_weight', p1, [a.x, a.gy, a.arg, partial, u1], [ceilDiv(chunks * s.cin * z.cogs, WG)], {
      flops: 2 * s.n * s.cout * z.ph * z.pw * kk, bytes: 4 * (s.n * s.cin * s.h * s.w + s.n * s.cout * z.ph * z.pw + z.argWords + chunks * s.cout * (kk + 1)),
    }),
    ctx.dispatch('conv2d_backward_weight_sum', p2, [partial, a.dweight, a.dbias, u2], [ceilDiv(s.cout * (kk + 1), WG)], {
      flops: chunks * s.cout * (kk + 1), bytes: 4 * (chunks + 1) * s.cout * (kk + 1),
    }),
  ];
  if (a.dx && conv2dReluPoolBackwardInputSupported(s)) {
    out.push(...conv2dReluPoolBackwardInput(ctx, { shape: s, sizes: z, weight: a.weight, gy: a.gy, arg: a.arg, dx: a.dx }));
  } else if (a.dx) {
    // Too many weights for the uniform array: unpool to full resolution, then the generic conv dx.
    const dy = ctx.storage(s.n * s.cout * z.oh * z.ow * 4, 'conv2d_relu_pool conv-output gradient');
    const ch = ceilDiv(z.oh, 2);
    const cw = ceilDiv(z.ow, 2);
    const g = grid1d(s.n * z.cogs * ch * cw, WG);
    const u = ctx.uniform([s.n, s.cout, z.oh, z.ow, z.ph, z.pw, z.cogs, g.row, ch, cw], 'u32', 'conv2d_relu_pool unpool params');
    out.push(ctx.dispatch('conv2d_relu_pool_unpool', ctx.pipeline('conv2d_relu_pool_unpool', unpoolWgsl), [a.gy, a.arg, dy, u], g.workgroups));
    out.push(...[conv2dBackwardInput(ctx, { shape: s, dy, weight: a.weight, dx: a.dx })].flat());
  }
  return out;
}
