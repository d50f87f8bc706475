/**
 * 2-D convolution (float32, NCHW, weight [cout, cin, kh, kw]) with PyTorch semantics: forward
 * with optional fused ReLU, backward to the input (a gather) and to weight + bias (a two-pass
 * split reduction over N·OH·OW). Shapes are fixed at plan time and passed as uniforms, so one
 * pipeline per kernel serves every layer.
 */
import { ceilDiv, elementwiseWork, type BufferLike, type Dispatch, type KernelContext, type Work } from '../core.ts';
import { grid1d } from './grid.ts';
import forwardWgsl from './conv2d_forward.wgsl?raw';
import backwardInputWgsl from './conv2d_backward_input.wgsl?raw';
import backwardWeightWgsl from './conv2d_backward_weight.wgsl?raw';
import backwardWeightSumWgsl from './conv2d_backward_weight_sum.wgsl?raw';
import forward3x3Wgsl from './conv2d_forward_3x3.wgsl?raw';
import weightLayoutWgsl from './conv2d_weight_layout.wgsl?raw';
import backwardWeight3x3Wgsl from './conv2d_backward_weight_3x3.wgsl?raw';

export interface Conv2dShape {
  n: number; cin: number; h: number; w: number; cout: number; kh: number; kw: number; stride: number; pad: number;
}

/** PyTorch's output size: floor((in + 2·pad - k) / stride) + 1. */
export function conv2dOutputSize(s: Conv2dShape): { oh: number; ow: number } {
  return { oh: Math.floor((s.h + 2 * s.pad - s.kh) / s.stride) + 1, ow: Math.floor((s.w + 2 * s.pad - s.kw) / s.stride) + 1 };
}

const WG = 64;
/** Channels per invocation in the forward and backward-input kernels. */
const CHANNEL_BLOCK = 8;

function checkShape(s: Conv2dShape): { oh: number; ow: number } {
  const o = conv2dOutputSize(s);
  const dims = [s.n, s.cin, s.h, s.w, s.cout, s.kh, s.kw, s.stride];
  if (dims.some((d) => !Number.isInteger(d) || d < 1) || !Number.isInteger(s.pad) || s.pad < 0 || o.oh < 1 || o.ow < 1) {
    throw new Error(`conv2d: invalid shape ${JSON.stringify(s)}`);
  }
  return o;
}

/**
 * A convolution's work, the same for its forward and both gradients: 2·N·OH·OW·Cout·Cin·KH·KW
 * FLOPs; bytes as input, output and weights each moved once.
 */
export function convWork(s: Conv2dShape): Work {
  const { oh, ow } = conv2dOutputSize(s);
  return {
    flops: 2 * s.n * s.cout * oh * ow * s.cin * s.kh * s.kw,
    bytes: 4 * (s.n * s.cin * s.h * s.w + s.n * s.cout * oh * ow + s.cout * s.cin * s.kh * s.kw),
  };
}

/** Output pixels per forward invocation: 8 when cout <= 4 (the kernel's px8 mode), else 4. */
const pixelsPerInvocation = (s: Conv2dShape): number => (s.cout <= 4 ? 8 : 4);

/** The uniform shared by the forward and backward-input kernels (owq: pixel groups per row, forward only). */
function convParams(ctx: KernelContext, s: Conv2dShape, relu: boolean, row: number): GPUBuffer {
  const { oh, ow } = conv2dOutputSize(s);
  return ctx.uniform([s.n, s.cin, s.h, s.w, s.cout, s.kh, s.kw, s.stride, s.pad, oh, ow, relu ? 1 : 0, row, ceilDiv(ow, pixelsPerInvocation(s)), pixelsPerInvocation(s) === 8 ? 1 : 0], 'u32', 'conv2d params');
}

/**
 * Pixels per invocation of conv2d_forward_3x3.wgsl, or 0 where it does not apply: 3×3, stride 1,
 * padding 1 (ResNet's convolutions), width and output channels multiples of 4.
 */
export function forward3x3Pixels(s: Conv2dShape): number {
  if (s.kh !== 3 || s.kw !== 3 || s.stride !== 1 || s.pad !== 1 || s.cout % 4 !== 0) return 0;
  return [16, 8, 4].find((px) => s.w % px === 0) ?? 0;
}

/** The weight orders of conv2d_weight_layout.wgsl. */
const WeightLayout = { forward3x3: 0, inputGrad3x3: 1, inputGradFlipped: 2 } as const;

/** Weights rearranged (conv2d_weight_layout.wgsl) into a plan-time buffer. */
function weightLayout(ctx: KernelContext, s: Conv2dShape, weight: BufferLike, layout: (typeof WeightLayout)[keyof typeof WeightLayout]): { dispatch: Dispatch; wt: GPUBuffer } {
  const count = s.cout * s.cin * s.kh * s.kw;
  const wt = ctx.storage(count * 4, 'conv2d weights, rearranged');
  const u = ctx.uniform([s.cout, s.cin, s.kh * s.kw, layout], 'u32', 'conv2d weight layout params');
  return { wt, dispatch: ctx.dispatch('conv2d_weight_layout', ctx.pipeline('conv2d_weight_layout', weightLayoutWgsl), [weight, wt, u], [ceilDiv(count, WG)], elementwiseWork(count, 0, 2)) };
}

/** conv2d_forward_3x3.wgsl over weights already in its layout (`wt`). */
function forward3x3(ctx: KernelContext, s: Conv2dShape, px: number, a: { x: BufferLike; wt: BufferLike; bias: BufferLike; y: BufferLike; relu: boolean }): Dispatch {
  const owq = s.w / px;
  const g = grid1d(s.n * s.h * owq, WG);
  const u = ctx.uniform([s.n, s.cin, s.h, s.w, s.cout, a.relu ? 1 : 0, g.row, owq], 'u32', 'conv2d 3x3 params');
  return ctx.dispatch('conv2d_forward_3x3', ctx.pipeline('conv2d_forward_3x3', forward3x3Wgsl, { PX: px }), [a.x, a.wt, a.bias, a.y, u],
    [g.workgroups[0], g.workgroups[1], s.cout / 4], convWork(s));
}

/** y = conv(x, weight) + bias, optionally ReLU'd. y is [n, cout, oh, ow]. No bias (ResNet's convs): a plan-time zero buffer. */
export function conv2dForward(ctx: KernelContext, a: { shape: Conv2dShape; x: BufferLike; weight: BufferLike; bias?: BufferLike; y: BufferLike; relu: boolean }): Dispatch[] {
  const s = a.shape;
  const { oh, ow } = checkShape(s);
  const bias = a.bias ?? ctx.storage(s.cout * 4, 'conv2d zero bias');
  const px = forward3x3Pixels(s);
  if (px) {
    const layout = weightLayout(ctx, s, a.weight, WeightLayout.forward3x3);
    return [layout.dispatch, forward3x3(ctx, s, px, { x: a.x, wt: layout.wt, bias, y: a.y, relu: a.relu })];
  }
  const g = grid1d(s.n * oh * ceilDiv(ow, pixelsPerInvocation(s)), WG);
  const pipeline = ctx.pipeline('conv2d_forward', forwardWgsl);
  return [ctx.dispatch('conv2d_forward', pipeline, [a.x, a.weight, bias, a.y, convParams(ctx, s, a.relu, g.row)],
    [g.workgroups[0], g.workgroups[1], ceilDiv(s.cout, CHANNEL_BLOCK)], convWork(s))];
}

/**
 * dx = convᵀ(dy, weight), overwriting dx [n, cin, h, w]. At stride 1 with a square kernel and
 * pad < k this is a forward convolution of dy with flipped, transposed weights (one small
 * transform dispatch into a plan-time scratch buffer, then the fast forward kernel); otherwise a
 * gather kernel that visits only the taps whose stride divides.
 */
export function conv2dBackwardInput(ctx: KernelContext, a: { shape: Conv2dShape; dy: BufferLike; weight: BufferLike; dx: BufferLike }): Dispatch | Dispatch[] {
  const s = a.shape;
  const { oh, ow } = checkShape(s);
  const transposed: Conv2dShape = { n: s.n, cin: s.cout, h: oh, w: ow, cout: s.cin, kh: s.kh, kw: s.kw, stride: 1, pad: s.kh - 1 - s.pad };
  const px = s.stride === 1 ? forward3x3Pixels(transposed) : 0;
  if (px) {
    const layout = weightLayout(ctx, s, a.weight, WeightLayout.inputGrad3x3);
    return [layout.dispatch, forward3x3(ctx, transposed, px, { x: a.dy, wt: layout.wt, bias: ctx.storage(s.cin * 4, 'conv2d zero bias'), y: a.dx, relu: false })];
  }
  if (s.stride === 1 && s.kh === s.kw && s.pad < s.kh) {
    const layout = weightLayout(ctx, s, a.weight, WeightLayout.inputGradFlipped);
    return [layout.dispatch, ...conv2dForward(ctx, { shape: transposed, x: a.dy, weight: layout.wt, y: a.dx, relu: false })];
  }
  const g = grid1d(s.n * s.h * s.w, WG);
  const pipeline = ctx.pipeline('conv2d_backward_input', backwardInputWgsl);
  return ctx.dispatch('conv2d_backward_input', pipeline, [a.dy, a.weight, a.dx, convParams(ctx, s, false, g.row)],
    [g.workgroups[0], g.workgroups[1], ceilDiv(s.cin, CHANNEL_BLOCK)], convWork(s));
}

/** How the N·OH·OW reduction of the weight gradient is split into chunks (`rows`: rows per chunk of the 3×3 kernel, 0 for the general one). */
export function conv2dWeightSplit(s: Conv2dShape): { chunk: number; chunks: number; ktiles: number; tiles: number; rows: number } {
  const { oh, ow } = conv2dOutputSize(s);
  if (forward3x3Pixels(s)) {
    // About 4096 invocations of cin · cout/4 each: enough parallel work, few partials for pass 2.
    const rowCount = s.n * oh;
    const rows = ceilDiv(rowCount, Math.min(rowCount, ceilDiv(4096, (s.cin * s.cout) / 4)));
    return { chunk: rows * ow, chunks: ceilDiv(rowCount, rows), ktiles: 0, tiles: 0, rows };
  }
  const positions = s.n * oh * ow;
  // About 256 chunks: enough parallel work for every core, few enough partials for pass 2.
  const chunk = Math.max(32, ceilDiv(positions, 256));
  const chunks = ceilDiv(positions, chunk);
  const ktiles = ceilDiv(s.cin * s.kh * s.kw + 1, 8);
  return { chunk, chunks, ktiles, tiles: ktiles * ceilDiv(s.cout, 4), rows: 0 };
}

/**
 * dweight [cout, cin, kh, kw] and dbias [cout], both overwritten (a conv without bias: dbias
 * goes to a plan-time scratch buffer). Allocates its scratch buffer of partial sums
 * (chunks · cout · (cin·kh·kw + 1) floats) at plan time.
 */
export function conv2dBackwardWeight(ctx: KernelContext, a: { shape: Conv2dShape; x: BufferLike; dy: BufferLike; dweight: BufferLike; dbias?: BufferLike }): Dispatch[] {
  const s = a.shape;
  const dbias = a.dbias ?? ctx.storage(s.cout * 4, 'conv2d unused dbias');
  const { oh, ow } = checkShape(s);
  const sp = conv2dWeightSplit(s);
  const kk = s.cin * s.kh * s.kw;
  const partial = ctx.storage(sp.chunks * s.cout * (kk + 1) * 4, 'conv2d dweight partials');
  const p2 = ctx.pipeline('conv2d_backward_weight_sum', backwardWeightSumWgsl);
  const u2 = ctx.uniform([s.cout, kk, sp.chunks, 0], 'u32', 'conv2d dweight sum params');
  const sum = ctx.dispatch('conv2d_backward_weight_sum', p2, [partial, a.dweight, dbias, u2], [ceilDiv(s.cout * (kk + 1), WG)], elementwiseWork(sp.chunks * s.cout * (kk + 1), 1, 1));
  if (sp.rows) {
    const groups = (s.cin * s.cout) / 4;
    const u1 = ctx.uniform([s.n, s.cin, s.h, s.w, s.cout, sp.rows, sp.chunks, groups], 'u32', 'conv2d 3x3 dweight params');
    const p1 = ctx.pipeline('conv2d_backward_weight_3x3', backwardWeight3x3Wgsl);
    return [ctx.dispatch('conv2d_backward_weight_3x3', p1, [a.x, a.dy, partial, u1], [ceilDiv(sp.chunks * groups, WG)], convWork(s)), sum];
  }
  const p1 = ctx.pipeline('conv2d_backward_weight', backwardWeightWgsl);
  const u1 = ctx.uniform([s.n, s.cin, s.h, s.w, s.cout, s.kh, s.kw, s.stride, s.pad, oh, ow, sp.chunk, sp.chunks, sp.ktiles, sp.tiles], 'u32', 'conv2d dweight params');
  return [ctx.dispatch('conv2d_backward_weight', p1, [a.x, a.dy, partial, u1], [ceilDiv(sp.chunks * sp.tiles, WG)], convWork(s)), sum];
}
