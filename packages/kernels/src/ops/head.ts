/**
 * The small head of a classifier fused into two dispatches for a training step: Linear(K → H) →
 * ReLU → Linear(H → C) → loss, forward and backward. The first (head_forward_backward.wgsl) works
 * per sample: logits, the loss's gradient, dh and the input gradient dx; the second
 * (head_weight_grads.wgsl) sums the weight and bias gradients over the batch and adds the
 * training statistics. The weights are read through a uniform binding of the packed parameters,
 * so the parameter buffer needs UNIFORM usage and the four tensors must fit one binding (64 KiB).
 *
 * Lockstep runs: the run is the grid's y (both kernels); run r's weights and gradients sit
 * r · runs.paramStride floats after run 0's in the packed buffers, its samples (x, labels, dx) are
 * rows [r·n, (r+1)·n), its loss is its own (a list, as the loss kernel takes) and its statistics
 * go to stats at r · STATS_STRIDE. The uniform binding then spans every run's head: with R > 1 that
 * is (R − 1) · paramStride + the head's floats, which headSupported checks (else the plan falls
 * back to the layer-by-layer path).
 */
import { ceilDiv, ONE_RUN, STORAGE_USAGE, Usage, type Binding, type BufferLike, type Dispatch, type KernelContext, type Runs } from '../core.ts';
import { registerOp, uploadTensor, readTensor, type HostTensor } from '../registry.ts';
import { parseLoss, type LossSpec } from '../losses/index.ts';
import { lossIndexBuffer, lossRowCode, runLosses, MAX_CLASSES, STATS_STRIDE, type RunLosses } from './loss.ts';
import { defineKernel, read, readWrite, uniformArray, type Kernel } from '../kernel.ts';
import forwardBackwardWgsl from './head_forward_backward.wgsl?raw';
import weightGradsWgsl from './head_weight_grads.wgsl?raw';

export interface HeadShape {
  n: number;
  /** In features (multiple of 4), hidden units (multiple of 4), classes. */
  k: number;
  h: number;
  c: number;
}

/** Float offsets of fc1.weight [h, k], fc1.bias [h], fc2.weight [c, h], fc2.bias [c] within a packed buffer; each a multiple of 4. */
export interface HeadLayout {
  w1: number;
  b1: number;
  w2: number;
  b2: number;
}

/** Samples per workgroup of the per-sample kernel: one SIMD row of a CPU adapter (8 lanes of 256 bits). */
const SAMPLE_WG = 8;
const MAX_UNIFORM_BYTES = 65536;

/** Floats from fc1.weight's start to fc2.bias's end: what the uniform binding covers. */
function span(s: HeadShape, l: HeadLayout): number {
  return Math.max(l.w1 + s.h * s.k, l.b1 + s.h, l.w2 + s.c * s.h, l.b2 + ceilDiv(s.c, 4) * 4) - l.w1;
}

/** Floats the uniform binding covers for all runs: every run's head, paramStride apart. */
function runsSpan(s: HeadShape, l: HeadLayout, runs: Runs): number {
  return (runs.count - 1) * runs.paramStride + span(s, l);
}

/** Whether the fused head runs this shape with this layout and these runs (else the layer-by-layer plan). */
export function headSupported(s: HeadShape, l: HeadLayout, limits?: { maxUniformBufferBindingSize: number; maxComputeWorkgroupsPerDimension?: number }, runs: Runs = ONE_RUN): boolean {
  const maxBytes = Math.min(MAX_UNIFORM_BYTES, limits?.maxUniformBufferBindingSize ?? MAX_UNIFORM_BYTES);
  const aligned = [l.w1, l.b1, l.w2, l.b2].every((o) => o % 4 === 0) && l.w1 % 64 === 0; // vec4s; the binding at 256 bytes
  const runsFit = runs.count >= 1 && (runs.count === 1 || runs.paramStride % 4 === 0) && runs.count <= (limits?.maxComputeWorkgroupsPerDimension ?? 65535);
  return s.k % 4 === 0 && s.h % 4 === 0 && s.c >= 1 && s.c <= MAX_CLASSES && s.n >= 1 && aligned && runsFit &&
    [l.b1, l.w2, l.b2].every((o) => o >= l.w1) && runsSpan(s, l, runs) * 4 <= maxBytes;
}

export interface HeadArgs {
  /** Per run (n: samples per run). */
  shape: HeadShape;
  /** The loss; with several runs one per run, or one for all. */
  kind: LossSpec | readonly LossSpec[];
  /** [R, n, k]: the head's input (the flattened features), run-major. */
  x: BufferLike;
  /** u32 [R, n]. */
  labels: BufferLike;
  /** The packed parameters (UNIFORM usage) and their gradients, both laid out by `layout`. */
  params: GPUBuffer;
  grads: GPUBuffer;
  layout: HeadLayout;
  /** [R, n, k]: d loss / d x (overwritten). */
  dx: BufferLike;
  /** f32 [R][STATS_STRIDE], run r's added to at r · STATS_STRIDE: [Σ per-sample loss, correct predictions, samples]. */
  stats: BufferLike;
  /** Lockstep runs (default one); paramStride locates run r's weights and gradients. */
  runs?: Runs;
}

const FB_BINDINGS = { x: read('vec4f'), labels: read('u32'), lossOf: read('u32'), scratch: readWrite('vec4f'), dx: readWrite('vec4f'), w: uniformArray('vec4f', 'W_VEC4S') } as const;
const FB_UNIFORMS = { n: 'u32', gradScale: 'f32', wStride: 'u32' } as const;
/** One forward-backward kernel per list of distinct compiled losses (their row functions are part of the code), built once. */
const fbKernels = new Map<string, Kernel<typeof FB_BINDINGS, typeof FB_UNIFORMS>>();
function forwardBackwardKernel(losses: RunLosses) {
  let k = fbKernels.get(losses.key);
  if (!k) {
    k = defineKernel({ name: `head_forward_backward:${losses.key}`, code: [forwardBackwardWgsl, lossRowCode(losses)], bindings: FB_BINDINGS, uniforms: FB_UNIFORMS });
    fbKernels.set(losses.key, k);
  }
  return k;
}
const weightGradsKernel = defineKernel({
  name: 'head_weight_grads', code: weightGradsWgsl,
  bindings: { x: read('vec4f'), scratch: read('vec4f'), grads: readWrite('vec4f'), stats: readWrite() },
  uniforms: { n: 'u32', gStride: 'u32' },
});

/** Per-sample scratch, in vec4s: h, dh, dz, and (loss, hit). */
const scratchVec4s = (s: HeadShape) => 2 * (s.h / 4) + ceilDiv(s.c, 4) + 1;

function constants(s: HeadShape, extra: Record<string, number>): Record<string, number> {
  return { K4: s.k / 4, H4: s.h / 4, C: s.c, CQ: ceilDiv(s.c, 4), S: scratchVec4s(s), ...extra };
}

/** The two dispatches (forward + backward per sample, then the batch's weight gradients), each serving every run. */
export function headForwardBackward(ctx: KernelContext, a: HeadArgs): Dispatch[] {
  const s = a.shape;
  const l = a.layout;
  const runs = a.runs ?? ONE_RUN;
  const R = runs.count;
  if (!headSupported(s, l, ctx.device.limits, runs)) throw new Error(`head: unsupported shape ${JSON.stringify(s)}, layout ${JSON.stringify(l)} or ${R} runs ${R > 1 ? `${runs.paramStride} floats apart ` : ''}(the weights of all runs must fit one uniform binding)`);
  const losses = runLosses('head', a.kind, runs);
  const q = (o: number) => (o - l.w1) / 4;
  const wVec4s = runsSpan(s, l, runs) / 4;
  const stride4 = R > 1 ? runs.paramStride / 4 : 0;
  const scratch = ctx.storage(R * s.n * scratchVec4s(s) * 16, 'head scratch');
  const weights: Binding = { buffer: a.params, offset: l.w1 * 4, size: wVec4s * 16 };
  const macs = R * s.n * (s.k * s.h + s.h * s.c);
  const grads = s.h / 4 * (s.k / 4) + s.h / 4 + s.c * s.h / 4 + 1;
  return [
    forwardBackwardKernel(losses).dispatch(ctx, {
      label: 'head_forward_backward',
      bindings: { x: a.x, labels: a.labels, lossOf: lossIndexBuffer(ctx, losses), scratch, dx: a.dx, w: weights },
      uniforms: { n: s.n, gradScale: 1 / s.n, wStride: stride4 },
      defines: constants(s, { W_VEC4S: wVec4s, OB1: q(l.b1), OW2: q(l.w2), OB2: q(l.b2), WG: SAMPLE_WG }),
      workgroups: [ceilDiv(s.n, SAMPLE_WG), R],
      work: { flops: 4 * macs + 20 * R * s.n * s.c, bytes: 4 * R * (2 * s.n * s.k + s.n + s.n * scratchVec4s(s) * 4 + span(s, l)) },
    }),
    weightGradsKernel.dispatch(ctx, {
      bindings: { x: a.x, scratch, grads: a.grads, stats: a.stats },
      uniforms: { n: s.n, gStride: stride4 },
      defines: constants(s, { OG_W1: l.w1 / 4, OG_B1: l.b1 / 4, OG_W2: l.w2 / 4, OG_B2: l.b2 / 4, STATS_STRIDE }),
      workgroups: [ceilDiv(grads, 64), R],
      work: { flops: 2 * macs, bytes: 4 * R * (s.n * s.k + s.n * scratchVec4s(s) * 4 + span(s, l)) },
    }),
  ];
}

/**
 * `head`: params { loss }; inputs x [N, K], target [N], w1 [H, K], b1 [H], w2 [C, H], b2 [C];
 * outputs logits-free results of one fused training head: grad_x, grad_w1, grad_b1, grad_w2,
 * grad_b2, value (the mean loss) and correct.
 */
registerOp({
  op: 'head',
  async run(ctx, params, inputs) {
    const { x, target, w1, b1, w2, b2 } = inputs;
    const [n, k] = x.shape;
    const [h] = w1.shape;
    const [c] = w2.shape;
    const shape = { n, k, h, c };
    // Pack the four tensors as ParamStore does: each at a 64-float (256-byte) boundary.
    const pad = (v: number) => ceilDiv(v, 64) * 64;
    const layout = { w1: 0, b1: pad(h * k), w2: pad(h * k) + pad(h), b2: pad(h * k) + pad(h) + pad(c * h) };
    const total = layout.b2 + pad(c);
    const packed = new Float32Array(total);
    const put = (t: HostTensor, at: number) => packed.set(Float32Array.from(t.data), at);
    put(w1, layout.w1);
    put(b1, layout.b1);
    put(w2, layout.w2);
    put(b2, layout.b2);
    const pbuf = ctx.createBuffer({ label: 'head params', size: total * 4, usage: STORAGE_USAGE | Usage.UNIFORM });
    ctx.device.queue.writeBuffer(pbuf, 0, packed);
    const grads = ctx.storage(total * 4, 'head grads');
    const dx = ctx.storage(n * k * 4, 'head dx');
    const stats = ctx.storage(16, 'head stats');
    const labels = uploadTensor(ctx, target, 'u32');
    ctx.run(headForwardBackward(ctx, { shape, kind: parseLoss(String(params.loss ?? 'ce')), x: uploadTensor(ctx, x), labels, params: pbuf, grads, layout, dx, stats }), 'head');
    const g = await ctx.readF32(grads, total);
    const st = await ctx.readF32(stats, 3);
    const slice = (at: number, shape: number[], count: number): HostTensor => ({ shape, data: g.slice(at, at + count) });
    return {
      grad_x: await readTensor(ctx, dx, [n, k]),
      grad_w1: slice(layout.w1, [h, k], h * k),
      grad_b1: slice(layout.b1, [h], h),
      grad_w2: slice(layout.w2, [c, h], c * h),
      grad_b2: slice(layout.b2, [c], c),
      value: { shape: [], data: [st[0] / st[2]] },
      correct: { shape: [], data: [st[1]] },
    };
  },
});
