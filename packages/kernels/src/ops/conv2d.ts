/**
 * 2-D convolution (float32, NCHW, weight [cout, cin, kh, kw]) with PyTorch semantics: forward
 * with optional fused ReLU, backward to the input (a gather) and to weight + bias (a two-pass
 * split reduction over N·OH·OW). Shapes are fixed at plan time and passed as uniforms, so one
 * pipeline per kernel serves every layer. Which kernel runs is the planner's choice (conv2d_plan.ts).
 */
import { ceilDiv, elementwiseWork, type BufferLike, type Dispatch, type KernelContext, type Work } from '../core.ts';
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
  uniforms: { ...convShape, relu: 'flag', row: 'u32', owq: 'u32', px8: 'flag' },
});
const backwardInputKernel = defineKernel({
  name: 'conv2d_backward_input', code: backwardInputWgsl,
  bindings: { dy: read(), weight: read(), dx: readWrite() },
  uniforms: { ...convShape, row: 'u32' },
});
// chunk: positions per partial; tiles = ktiles · ceil(cout / 4). partial: [chunk][cout][K + 1].
const backwardWeightKernel = defineKernel({
  name: 'conv2d_backward_weight', code: backwardWeightWgsl,
  bindings: { x: read(), dy: read(), partial: readWrite() },
  uniforms: { ...convShape, chunk: 'u32', chunks: 'u32', ktiles: 'u32', tiles: 'u32' },
});
// kk = cin·kh·kw weights per output channel, plus the bias column.
export const backwardWeightSumKernel = defineKernel({
  name: 'conv2d_backward_weight_sum', code: backwardWeightSumWgsl,
  bindings: { partial: read(), dweight: readWrite(), dbias: readWrite() },
  uniforms: { cout: 'u32', kk: 'u32', chunks: 'u32' },
});
// owq = w / PX pixel groups per row. x, y as vec4s; wt [cin·9][cout / 4] as vec4s.
const forward3x3Kernel = defineKernel({
  name: 'conv2d_forward_3x3', code: forward3x3Wgsl,
  bindings: { x: read('vec4f'), wt: read('vec4f'), bias: read(), y: readWrite('vec4f') },
  uniforms: { n: 'u32', cin: 'u32', h: 'u32', w: 'u32', cout: 'u32', relu: 'flag', row: 'u32', owq: 'u32' },
});
// rows (n, oy) per chunk; groups: invocations per chunk (cin · cout / 4). partial: [chunk][cout][cin·9 + 1].
const backwardWeight3x3Kernel = defineKernel({
  name: 'conv2d_backward_weight_3x3', code: backwardWeight3x3Wgsl,
  bindings: { x: read('vec4f'), dy: read('vec4f'), partial: readWrite() },
  uniforms: { n: 'u32', cin: 'u32', h: 'u32', w: 'u32', cout: 'u32', rows: 'u32', chunks: 'u32', groups: 'u32' },
});
// khw = kh·kw taps; order: WeightLayout.
const weightLayoutKernel = defineKernel({
  name: 'conv2d_weight_layout', code: weightLayoutWgsl,
  bindings: { w: read(), wt: readWrite() },
  uniforms: { cout: 'u32', cin: 'u32', khw: 'u32', order: 'u32' },
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

/** Weights rearranged (conv2d_weight_layout.wgsl) into a plan-time buffer. */
function weightLayout(ctx: KernelContext, s: Conv2dShape, weight: BufferLike, layout: (typeof WeightLayout)[keyof typeof WeightLayout]): { dispatch: Dispatch; wt: GPUBuffer } {
  const count = s.cout * s.cin * s.kh * s.kw;
  const wt = ctx.storage(count * 4, 'conv2d weights, rearranged');
  return {
    wt,
    dispatch: weightLayoutKernel.dispatch(ctx, {
      bindings: { w: weight, wt }, uniforms: { cout: s.cout, cin: s.cin, khw: s.kh * s.kw, order: layout },
      workgroups: [ceilDiv(count, WG)], work: elementwiseWork(count, 0, 2),
    }),
  };
}

/** conv2d_forward_3x3.wgsl over weights already in its layout (`wt`). */
function forward3x3(ctx: KernelContext, s: Conv2dShape, px: number, a: { x: BufferLike; wt: BufferLike; bias: BufferLike; y: BufferLike; relu: boolean }): Dispatch {
  const owq = s.w / px;
  const g = grid1d(s.n * s.h * owq, WG);
  return forward3x3Kernel.dispatch(ctx, {
    bindings: { x: a.x, wt: a.wt, bias: a.bias, y: a.y },
    uniforms: { n: s.n, cin: s.cin, h: s.h, w: s.w, cout: s.cout, relu: a.relu, row: g.row, owq },
    constants: { PX: px }, workgroups: [g.workgroups[0], g.workgroups[1], s.cout / 4], work: convWork(s),
  });
}

/** conv2d_forward.wgsl: 4 pixels × 8 channels (or 8 × 4 with px8) per invocation. */
function forwardDirect(ctx: KernelContext, s: Conv2dShape, px8: boolean, a: { x: BufferLike; weight: BufferLike; bias: BufferLike; y: BufferLike; relu: boolean }): Dispatch {
  const { oh, ow } = conv2dOutputSize(s);
  const owq = ceilDiv(ow, px8 ? 8 : 4);
  const g = grid1d(s.n * oh * owq, WG);
  return forwardKernel.dispatch(ctx, {
    bindings: { x: a.x, weight: a.weight, bias: a.bias, y: a.y },
    uniforms: { ...shapeValues(s), relu: a.relu, row: g.row, owq, px8 },
    workgroups: [g.workgroups[0], g.workgroups[1], ceilDiv(s.cout, 8)], work: convWork(s),
  });
}

/** The planner's choice for a plain convolution (no pool) on this context's adapter. */
export const convPlanOf = (ctx: KernelContext, s: Conv2dShape, relu: boolean, bias: boolean): ConvPlan =>
  planConv(s, { relu, bias }, ctx.device.limits);

/** y = conv(x, weight) + bias, optionally ReLU'd. y is [n, cout, oh, ow]. No bias (ResNet's convs): a plan-time zero buffer. */
export function conv2dForward(ctx: KernelContext, a: { shape: Conv2dShape; x: BufferLike; weight: BufferLike; bias?: BufferLike; y: BufferLike; relu: boolean }): Dispatch[] {
  const s = a.shape;
  const f = convPlanOf(ctx, s, a.relu, a.bias !== undefined).forward;
  const bias = a.bias ?? ctx.storage(s.cout * 4, 'conv2d zero bias');
  switch (f.kernel) {
    case '3x3': {
      const layout = weightLayout(ctx, s, a.weight, WeightLayout.forward3x3);
      return [layout.dispatch, forward3x3(ctx, s, f.px, { x: a.x, wt: layout.wt, bias, y: a.y, relu: a.relu })];
    }
    case 'direct':
      return [forwardDirect(ctx, s, f.px8, { x: a.x, weight: a.weight, bias, y: a.y, relu: a.relu })];
    default:
      throw new Error(`conv2dForward: the plan's ${f.kernel} forward is the fused op's (conv2d_relu_pool.ts)`);
  }
}

/**
 * dx = convᵀ(dy, weight), overwriting dx [n, cin, h, w], as the planner chose: at stride 1 a
 * forward convolution of dy with flipped, transposed weights (one small transform dispatch into a
 * plan-time scratch buffer, then a fast forward kernel); otherwise a gather kernel that visits
 * only the taps whose stride divides.
 */
export function conv2dBackwardInput(ctx: KernelContext, a: { shape: Conv2dShape; dy: BufferLike; weight: BufferLike; dx: BufferLike }, plan?: ConvInputGradPlan): Dispatch[] {
  const s = a.shape;
  const p = plan ?? convPlanOf(ctx, s, false, true).inputGrad;
  const t = transposedShape(s);
  switch (p.kernel) {
    case '3x3_transposed': {
      const layout = weightLayout(ctx, s, a.weight, WeightLayout.inputGrad3x3);
      return [layout.dispatch, forward3x3(ctx, t, p.px, { x: a.dy, wt: layout.wt, bias: ctx.storage(s.cin * 4, 'conv2d zero bias'), y: a.dx, relu: false })];
    }
    case 'flipped_direct': {
      const layout = weightLayout(ctx, s, a.weight, WeightLayout.inputGradFlipped);
      return [layout.dispatch, forwardDirect(ctx, t, p.px8, { x: a.dy, weight: layout.wt, bias: ctx.storage(s.cin * 4, 'conv2d zero bias'), y: a.dx, relu: false })];
    }
    case 'gather': {
      const g = grid1d(s.n * s.h * s.w, WG);
      return [backwardInputKernel.dispatch(ctx, {
        bindings: { dy: a.dy, weight: a.weight, dx: a.dx }, uniforms: { ...shapeValues(s), row: g.row },
        workgroups: [g.workgroups[0], g.workgroups[1], ceilDiv(s.cin, 8)], work: convWork(s),
      })];
    }
    default:
      throw new Error(`conv2dBackwardInput: the plan's ${p.kernel} input gradient is the fused op's (conv2d_relu_pool.ts)`);
  }
}

/** Pass 2 of every weight gradient: the chunks' partial sums into dweight [cout, kk] and dbias [cout]. */
export function weightGradSum(ctx: KernelContext, a: { cout: number; kk: number; chunks: number; partial: BufferLike; dweight: BufferLike; dbias: BufferLike }): Dispatch {
  const cols = a.kk + 1;
  return backwardWeightSumKernel.dispatch(ctx, {
    bindings: { partial: a.partial, dweight: a.dweight, dbias: a.dbias }, uniforms: { cout: a.cout, kk: a.kk, chunks: a.chunks },
    workgroups: [ceilDiv(a.cout * cols, WG)], work: { flops: a.chunks * a.cout * cols, bytes: 4 * (a.chunks + 1) * a.cout * cols },
  });
}

/**
 * dweight [cout, cin, kh, kw] and dbias [cout], both overwritten (a conv without bias: dbias
 * goes to a plan-time scratch buffer). Allocates its scratch buffer of partial sums
 * (chunks · cout · (cin·kh·kw + 1) floats) at plan time.
 */
export function conv2dBackwardWeight(ctx: KernelContext, a: { shape: Conv2dShape; x: BufferLike; dy: BufferLike; dweight: BufferLike; dbias?: BufferLike }): Dispatch[] {
  const s = a.shape;
  const w = convPlanOf(ctx, s, false, a.dbias !== undefined).weightGrad;
  const dbias = a.dbias ?? ctx.storage(s.cout * 4, 'conv2d unused dbias');
  const kk = s.cin * s.kh * s.kw;
  const partial = ctx.storage(w.chunks * s.cout * (kk + 1) * 4, 'conv2d dweight partials');
  const sum = weightGradSum(ctx, { cout: s.cout, kk, chunks: w.chunks, partial, dweight: a.dweight, dbias });
  switch (w.kernel) {
    case '3x3': {
      const groups = (s.cin * s.cout) / 4;
      return [backwardWeight3x3Kernel.dispatch(ctx, {
        bindings: { x: a.x, dy: a.dy, partial }, uniforms: { n: s.n, cin: s.cin, h: s.h, w: s.w, cout: s.cout, rows: w.rows, chunks: w.chunks, groups },
        workgroups: [ceilDiv(w.chunks * groups, WG)], work: convWork(s),
      }), sum];
    }
    case 'direct':
      return [backwardWeightKernel.dispatch(ctx, {
        bindings: { x: a.x, dy: a.dy, partial }, uniforms: { ...shapeValues(s), chunk: w.chunk, chunks: w.chunks, ktiles: w.ktiles, tiles: w.tiles },
        workgroups: [ceilDiv(w.chunks * w.tiles, WG)], work: convWork(s),
      }), sum];
    default:
      throw new Error(`conv2dBackwardWeight: the plan's ${w.kernel} weight gradient is the fused op's (conv2d_relu_pool.ts)`);
  }
}
