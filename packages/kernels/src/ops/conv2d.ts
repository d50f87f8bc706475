/**
 * 2-D convolution (float32, NCHW, weight [cout, cin, kh, kw]) with PyTorch semantics: forward
 * with optional fused ReLU, backward to the input (a gather) and to weight + bias (a two-pass
 * split reduction over N·OH·OW). Shapes are fixed at plan time and passed as uniforms, so one
 * pipeline per kernel serves every layer. Which kernel runs is the planner's choice (conv2d_plan.ts).
 *
 * Runs (lockstep training): every op takes `runs` (default one run); `shape.n` stays the per-run
 * batch. x, y, dy, dx hold runs.count × n samples, run-major; run r's weight, bias and their
 * gradients sit r · runs.paramStride floats after run 0's (bindings from the parameter store).
 * The run is a grid dimension of the same dispatches (z for the forward and input-gradient
 * kernels, y for the weight gradient and the weight layout), so each workgroup serves one run;
 * plan-time buffers (rearranged weights, partial sums) hold one copy per run. The plan, the tiles
 * and every run's arithmetic come from the per-run shape: run r's numbers are bit-identical to
 * running it alone.
 */
import { ceilDiv, elementwiseWork, ONE_RUN, sharedBinding, type Binding, type BufferLike, type Dispatch, type KernelContext, type Runs, type Work } from '../core.ts';
import { defineKernel, read, readWrite, type Values } from '../kernel.ts';
import { grid1d } from './grid.ts';
import { conv2dOutputSize, planConv, transposedShape, type Conv2dShape, type ConvInputGradPlan, type ConvPlan } from './conv2d_plan.ts';
import forwardWgsl from './conv2d_forward.wgsl?raw';
import backwardInputWgsl from './conv2d_backward_input.wgsl?raw';
import backwardWeightWgsl from './conv2d_backward_weight.wgsl?raw';
import backwardWeightSumWgsl from './conv2d_backward_weight_sum.wgsl?raw';
import forward3x3Wgsl from './conv2d_forward_3x3.wgsl?raw';
import weightLayoutWgsl from './conv2d_weight_layout.wgsl?raw';
import backwardWeight3x3Wgsl from './conv2d_backward_weight_3x3.wgsl?raw';

export { conv2dOutputSize, type Conv2dShape } from './conv2d_plan.ts';

const WG = 64;
const MAX_GROUPS = 65535;

/** Workgroups along the run dimension's grid axis: `perRun` × runs, or a one-line error past WebGPU's limit. */
function runGroups(op: string, perRun: number, runs: number): number {
  const g = perRun * runs;
  if (g > MAX_GROUPS) throw new Error(`${op}: ${runs} runs × ${perRun} workgroups exceed the ${MAX_GROUPS} workgroups of one dispatch dimension`);
  return g;
}

/** A plan-time buffer of `floats` floats, or a one-line error if it exceeds the adapter's storage binding limit. */
function scratch(ctx: KernelContext, op: string, floats: number, label: string): GPUBuffer {
  const max = ctx.device.limits.maxStorageBufferBindingSize;
  if (floats * 4 > max) throw new Error(`${op}: its ${label} need ${floats * 4} bytes, over this adapter's storage binding limit of ${max} bytes`);
  return ctx.storage(floats * 4, label);
}

/** Per-run strides of a kernel's weight and bias bindings (in the bindings' element units; 0: one copy shared by all runs). */
const runStrides = { wstride: 'u32', bstride: 'u32' } as const;

/** The shape every general conv kernel reads. */
const convShape = {
  n: 'u32', cin: 'u32', h: 'u32', w: 'u32', cout: 'u32', kh: 'u32', kw: 'u32', stride: 'u32', pad: 'u32', oh: 'u32', ow: 'u32',
} as const;
const shapeValues = (s: Conv2dShape): Values<typeof convShape> => {
  const { oh, ow } = conv2dOutputSize(s);
  return { n: s.n, cin: s.cin, h: s.h, w: s.w, cout: s.cout, kh: s.kh, kw: s.kw, stride: s.stride, pad: s.pad, oh, ow };
};

// row: invocations per grid row (item = gid.x + gid.y * row); owq: pixel groups per output row;
// px8: 8 pixels × 4 channels per invocation instead of 4 × 8.
const forwardKernel = defineKernel({
  name: 'conv2d_forward', code: forwardWgsl,
  bindings: { x: read(), weight: read(), bias: read(), y: readWrite() },
  uniforms: { ...convShape, relu: 'flag', row: 'u32', owq: 'u32', px8: 'flag', ...runStrides },
});
const backwardInputKernel = defineKernel({
  name: 'conv2d_backward_input', code: backwardInputWgsl,
  bindings: { dy: read(), weight: read(), dx: readWrite() },
  uniforms: { ...convShape, row: 'u32', wstride: 'u32' },
});
// chunk: positions per partial; tiles = ktiles · ceil(cout / 4). partial: [run][chunk][cout][K + 1].
const backwardWeightKernel = defineKernel({
  name: 'conv2d_backward_weight', code: backwardWeightWgsl,
  bindings: { x: read(), dy: read(), partial: readWrite() },
  uniforms: { ...convShape, chunk: 'u32', chunks: 'u32', ktiles: 'u32', tiles: 'u32' },
});
// kk = cin·kh·kw weights per output channel, plus the bias column.
export const backwardWeightSumKernel = defineKernel({
  name: 'conv2d_backward_weight_sum', code: backwardWeightSumWgsl,
  bindings: { partial: read(), dweight: readWrite(), dbias: readWrite() },
  uniforms: { cout: 'u32', kk: 'u32', chunks: 'u32', ...runStrides, woff: 'u32', boff: 'u32', biasInWeight: 'flag' },
});
// owq = w / PX pixel groups per row. x, y as vec4s; wt [cin·9][cout / 4] as vec4s.
const forward3x3Kernel = defineKernel({
  name: 'conv2d_forward_3x3', code: forward3x3Wgsl,
  bindings: { x: read('vec4f'), wt: read('vec4f'), bias: read(), y: readWrite('vec4f') },
  uniforms: { n: 'u32', cin: 'u32', h: 'u32', w: 'u32', cout: 'u32', relu: 'flag', row: 'u32', owq: 'u32', ...runStrides },
});
// rows (n, oy) per chunk; groups: invocations per chunk (cin · cout / 4). partial: [run][chunk][cout][cin·9 + 1].
const backwardWeight3x3Kernel = defineKernel({
  name: 'conv2d_backward_weight_3x3', code: backwardWeight3x3Wgsl,
  bindings: { x: read('vec4f'), dy: read('vec4f'), partial: readWrite() },
  uniforms: { n: 'u32', cin: 'u32', h: 'u32', w: 'u32', cout: 'u32', rows: 'u32', chunks: 'u32', groups: 'u32' },
});
// khw = kh·kw taps; order: WeightLayout; wstride: run r's w after run 0's (wt's copies are packed).
const weightLayoutKernel = defineKernel({
  name: 'conv2d_weight_layout', code: weightLayoutWgsl,
  bindings: { w: read(), wt: readWrite() },
  uniforms: { cout: 'u32', cin: 'u32', khw: 'u32', order: 'u32', wstride: 'u32' },
});

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

/** The weight orders of conv2d_weight_layout.wgsl. */
const WeightLayout = { forward3x3: 0, inputGrad3x3: 1, inputGradFlipped: 2 } as const;

/** Weights rearranged (conv2d_weight_layout.wgsl) into a plan-time buffer: one copy per run, `stride` (= count) floats apart. */
function weightLayout(ctx: KernelContext, s: Conv2dShape, weight: BufferLike, layout: (typeof WeightLayout)[keyof typeof WeightLayout], runs: Runs): { dispatch: Dispatch; wt: GPUBuffer; stride: number } {
  const count = s.cout * s.cin * s.kh * s.kw;
  const wt = scratch(ctx, 'conv2d', runs.count * count, 'conv2d weights, rearranged');
  return {
    wt, stride: count,
    dispatch: weightLayoutKernel.dispatch(ctx, {
      bindings: { w: weight, wt }, uniforms: { cout: s.cout, cin: s.cin, khw: s.kh * s.kw, order: layout, wstride: runs.paramStride },
      workgroups: [ceilDiv(count, WG), runGroups('conv2d weight layout', 1, runs.count)], work: elementwiseWork(runs.count * count, 0, 2),
    }),
  };
}

/** A run's share of a conv's work, times the runs. */
const runsWork = (w: Work, runs: Runs): Work => ({ flops: w.flops * runs.count, bytes: w.bytes * runs.count });

/** A bias binding and its per-run stride: the parameter's, or a plan-time zero buffer that every run shares (stride 0). */
const biasOrZero = (ctx: KernelContext, bias: BufferLike | undefined, channels: number, runs: Runs): { bias: BufferLike; bstride: number } =>
  bias ? { bias, bstride: runs.paramStride } : { bias: ctx.storage(channels * 4, 'conv2d zero bias'), bstride: 0 };

/** What the forward kernels read per run: the weights (`wstride` floats apart) and the bias (`bstride` floats apart). */
interface ForwardArgs { x: BufferLike; bias: BufferLike; bstride: number; y: BufferLike; relu: boolean; runs: Runs }

/** conv2d_forward_3x3.wgsl over weights already in its layout (`wt`, run copies `wstride` floats apart). */
function forward3x3(ctx: KernelContext, s: Conv2dShape, px: number, a: ForwardArgs & { wt: BufferLike; wstride: number }): Dispatch {
  const owq = s.w / px;
  const g = grid1d(s.n * s.h * owq, WG);
  return forward3x3Kernel.dispatch(ctx, {
    bindings: { x: a.x, wt: a.wt, bias: a.bias, y: a.y },
    uniforms: { n: s.n, cin: s.cin, h: s.h, w: s.w, cout: s.cout, relu: a.relu, row: g.row, owq, wstride: a.wstride / 4, bstride: a.bstride },
    constants: { PX: px }, workgroups: [g.workgroups[0], g.workgroups[1], runGroups('conv2d 3x3', s.cout / 4, a.runs.count)], work: runsWork(convWork(s), a.runs),
  });
}

/** conv2d_forward.wgsl: 4 pixels × 8 channels (or 8 × 4 with px8) per invocation. */
function forwardDirect(ctx: KernelContext, s: Conv2dShape, px8: boolean, a: ForwardArgs & { weight: BufferLike; wstride: number }): Dispatch {
  const { oh, ow } = conv2dOutputSize(s);
  const owq = ceilDiv(ow, px8 ? 8 : 4);
  const g = grid1d(s.n * oh * owq, WG);
  return forwardKernel.dispatch(ctx, {
    bindings: { x: a.x, weight: a.weight, bias: a.bias, y: a.y },
    uniforms: { ...shapeValues(s), relu: a.relu, row: g.row, owq, px8, wstride: a.wstride, bstride: a.bstride },
    workgroups: [g.workgroups[0], g.workgroups[1], runGroups('conv2d', ceilDiv(s.cout, 8), a.runs.count)], work: runsWork(convWork(s), a.runs),
  });
}

/** The planner's choice for a plain convolution (no pool) on this context's adapter. */
export const convPlanOf = (ctx: KernelContext, s: Conv2dShape, relu: boolean, bias: boolean): ConvPlan =>
  planConv(s, { relu, bias }, ctx.device.limits);

/**
 * y = conv(x, weight) + bias, optionally ReLU'd. y is [runs][n, cout, oh, ow]. No bias (ResNet's
 * convs): a plan-time zero buffer.
 */
export function conv2dForward(ctx: KernelContext, a: { shape: Conv2dShape; x: BufferLike; weight: BufferLike; bias?: BufferLike; y: BufferLike; relu: boolean; runs?: Runs }): Dispatch[] {
  const s = a.shape;
  const runs = a.runs ?? ONE_RUN;
  const f = convPlanOf(ctx, s, a.relu, a.bias !== undefined).forward;
  const fa = { x: a.x, ...biasOrZero(ctx, a.bias, s.cout, runs), y: a.y, relu: a.relu, runs };
  switch (f.kernel) {
    case '3x3': {
      const layout = weightLayout(ctx, s, a.weight, WeightLayout.forward3x3, runs);
      return [layout.dispatch, forward3x3(ctx, s, f.px, { ...fa, wt: layout.wt, wstride: layout.stride })];
    }
    case 'direct':
      return [forwardDirect(ctx, s, f.px8, { ...fa, weight: a.weight, wstride: runs.paramStride })];
    default:
      throw new Error(`conv2dForward: the plan's ${f.kernel} forward is the fused op's (conv2d_relu_pool.ts)`);
  }
}

/**
 * dx = convᵀ(dy, weight), overwriting dx [n, cin, h, w], as the planner chose: at stride 1 a
 * forward convolution of dy with flipped, transposed weights (one small transform dispatch into a
 * plan-time scratch buffer, then a fast forward kernel); otherwise a gather kernel that visits
 * only the taps whose stride divides. dy and dx hold runs.count × n samples, run-major.
 */
export function conv2dBackwardInput(ctx: KernelContext, a: { shape: Conv2dShape; dy: BufferLike; weight: BufferLike; dx: BufferLike; runs?: Runs }, plan?: ConvInputGradPlan): Dispatch[] {
  const s = a.shape;
  const runs = a.runs ?? ONE_RUN;
  const p = plan ?? convPlanOf(ctx, s, false, true).inputGrad;
  const t = transposedShape(s);
  const fa = { x: a.dy, ...biasOrZero(ctx, undefined, s.cin, runs), y: a.dx, relu: false, runs };
  switch (p.kernel) {
    case '3x3_transposed': {
      const layout = weightLayout(ctx, s, a.weight, WeightLayout.inputGrad3x3, runs);
      return [layout.dispatch, forward3x3(ctx, t, p.px, { ...fa, wt: layout.wt, wstride: layout.stride })];
    }
    case 'flipped_direct': {
      const layout = weightLayout(ctx, s, a.weight, WeightLayout.inputGradFlipped, runs);
      return [layout.dispatch, forwardDirect(ctx, t, p.px8, { ...fa, weight: layout.wt, wstride: layout.stride })];
    }
    case 'gather': {
      const g = grid1d(s.n * s.h * s.w, WG);
      return [backwardInputKernel.dispatch(ctx, {
        bindings: { dy: a.dy, weight: a.weight, dx: a.dx }, uniforms: { ...shapeValues(s), row: g.row, wstride: runs.paramStride },
        workgroups: [g.workgroups[0], g.workgroups[1], runGroups('conv2d input gradient', ceilDiv(s.cin, 8), runs.count)], work: runsWork(convWork(s), runs),
      })];
    }
    default:
      throw new Error(`conv2dBackwardInput: the plan's ${p.kernel} input gradient is the fused op's (conv2d_relu_pool.ts)`);
  }
}

const asBinding = (b: BufferLike): Required<Binding> =>
  'buffer' in b ? { buffer: b.buffer, offset: b.offset ?? 0, size: b.size ?? b.buffer.size - (b.offset ?? 0) } : { buffer: b, offset: 0, size: b.size };

/**
 * dweight and dbias as the sum kernel binds them. With runs, the store's spans of a weight's and
 * its bias's gradients overlap (run 0's bias lies inside the weight's span), and WebGPU forbids
 * overlapping writable bindings: so when both are in one buffer, bind their union once as dweight
 * and address each inside it (woff, boff floats); dbias is then an unused placeholder.
 */
function gradTargets(ctx: KernelContext, dweight: BufferLike, dbias: BufferLike): { dweight: BufferLike; dbias: BufferLike; woff: number; boff: number; biasInWeight: boolean } {
  if (asBinding(dweight).buffer !== asBinding(dbias).buffer) return { dweight, dbias, woff: 0, boff: 0, biasInWeight: false };
  const { binding, at } = sharedBinding('conv2d weight gradient', { dweight, dbias });
  return { dweight: binding, dbias: ctx.storage(4, 'conv2d dbias placeholder'), woff: at.dweight, boff: at.dbias, biasInWeight: true };
}

/**
 * Pass 2 of every weight gradient: the chunks' partial sums ([runs][chunks][cout][kk + 1]) into
 * dweight [cout, kk] and dbias [cout], run r's at r · runs.paramStride floats after run 0's
 * (dbiasStride overrides dbias's, e.g. a scratch buffer with one copy per run).
 */
export function weightGradSum(ctx: KernelContext, a: { cout: number; kk: number; chunks: number; partial: BufferLike; dweight: BufferLike; dbias: BufferLike; runs?: Runs; dbiasStride?: number }): Dispatch {
  const cols = a.kk + 1;
  const runs = a.runs ?? ONE_RUN;
  const out = gradTargets(ctx, a.dweight, a.dbias);
  return backwardWeightSumKernel.dispatch(ctx, {
    bindings: { partial: a.partial, dweight: out.dweight, dbias: out.dbias },
    uniforms: { cout: a.cout, kk: a.kk, chunks: a.chunks, wstride: runs.paramStride, bstride: a.dbiasStride ?? runs.paramStride, woff: out.woff, boff: out.boff, biasInWeight: out.biasInWeight },
    workgroups: [ceilDiv(a.cout * cols, WG), runGroups('conv2d weight gradient sum', 1, runs.count)],
    work: { flops: runs.count * a.chunks * a.cout * cols, bytes: runs.count * 4 * (a.chunks + 1) * a.cout * cols },
  });
}

/**
 * dweight [cout, cin, kh, kw] and dbias [cout], both overwritten, per run (a conv without bias:
 * dbias goes to a plan-time scratch buffer). Allocates its scratch buffer of partial sums
 * (runs · chunks · cout · (cin·kh·kw + 1) floats) at plan time; no sum crosses runs.
 */
export function conv2dBackwardWeight(ctx: KernelContext, a: { shape: Conv2dShape; x: BufferLike; dy: BufferLike; dweight: BufferLike; dbias?: BufferLike; runs?: Runs }): Dispatch[] {
  const s = a.shape;
  const runs = a.runs ?? ONE_RUN;
  const w = convPlanOf(ctx, s, false, a.dbias !== undefined).weightGrad;
  const dbias = a.dbias ?? ctx.storage(runs.count * s.cout * 4, 'conv2d unused dbias');
  const kk = s.cin * s.kh * s.kw;
  const partial = scratch(ctx, 'conv2d weight gradient', runs.count * w.chunks * s.cout * (kk + 1), 'conv2d dweight partials');
  const sum = weightGradSum(ctx, { cout: s.cout, kk, chunks: w.chunks, partial, dweight: a.dweight, dbias, runs, dbiasStride: a.dbias ? undefined : s.cout });
  const ry = runGroups('conv2d weight gradient', 1, runs.count);
  switch (w.kernel) {
    case '3x3': {
      const groups = (s.cin * s.cout) / 4;
      return [backwardWeight3x3Kernel.dispatch(ctx, {
        bindings: { x: a.x, dy: a.dy, partial }, uniforms: { n: s.n, cin: s.cin, h: s.h, w: s.w, cout: s.cout, rows: w.rows, chunks: w.chunks, groups },
        workgroups: [ceilDiv(w.chunks * groups, WG), ry], work: runsWork(convWork(s), runs),
      }), sum];
    }
    case 'direct':
      return [backwardWeightKernel.dispatch(ctx, {
        bindings: { x: a.x, dy: a.dy, partial }, uniforms: { ...shapeValues(s), chunk: w.chunk, chunks: w.chunks, ktiles: w.ktiles, tiles: w.tiles },
        workgroups: [ceilDiv(w.chunks * w.tiles, WG), ry], work: runsWork(convWork(s), runs),
      }), sum];
    default:
      throw new Error(`conv2dBackwardWeight: the plan's ${w.kernel} weight gradient is the fused op's (conv2d_relu_pool.ts)`);
  }
}
