/**
 * The residual sum of a ResNet block, y = a + S(b) (ReLU fused when asked), and its backward to
 * either input with gradient fan-out: each input's gradient is a gather that overwrites or, with
 * accumulate, adds into the input's gradient buffer. S is the identity or the paper's option A
 * shortcut (stride-`stride` subsampling, `offset` zero channels on each side).
 */
import { elementwiseWork, type BufferLike, type Dispatch, type KernelContext } from '../core.ts';
import { registerOp, numel, uploadTensor, readTensors } from '../registry.ts';
import { grid1d } from './grid.ts';
import { defineKernel, read, readWrite } from '../kernel.ts';
import forwardWgsl from './residual_add_forward.wgsl?raw';
import backwardWgsl from './residual_add_backward.wgsl?raw';

/** y [n, c, h, w]; b [n, cb, hb, wb] with h = ceil(hb / stride), c = cb + 2·offset. */
export interface ResidualShape { n: number; c: number; h: number; w: number; cb: number; hb: number; wb: number; stride: number; offset: number }

/** The shortcut from b [n, cb, hb, wb] to c channels at stride `stride` (identity when it matches). */
export function residualShape(n: number, b: [number, number, number], c: number, stride: number): ResidualShape {
  const [cb, hb, wb] = b;
  if ((c - cb) % 2 !== 0 || c < cb) throw new Error(`residual add: cannot pad ${cb} channels to ${c} symmetrically`);
  return { n, c, h: Math.ceil(hb / stride), w: Math.ceil(wb / stride), cb, hb, wb, stride, offset: (c - cb) / 2 };
}

// y [n, c, h, w] (total elements) from b [n, cb, hb, wb] through the shortcut (stride, offset channels).
const forwardKernel = defineKernel({
  name: 'residual_add_forward', code: forwardWgsl, bindings: { a: read(), b: read(), y: readWrite() },
  uniforms: { total: 'u32', c: 'u32', h: 'u32', w: 'u32', cb: 'u32', hb: 'u32', wb: 'u32', stride: 'u32', offset: 'u32', relu: 'flag', row: 'u32' },
});
// dt [n, ct, ht, wt] (total elements) from y, dy [n, c, h, w].
const backwardKernel = defineKernel({
  name: 'residual_add_backward', code: backwardWgsl, bindings: { y: read(), dy: read(), dt: readWrite() },
  uniforms: { total: 'u32', ct: 'u32', ht: 'u32', wt: 'u32', c: 'u32', h: 'u32', w: 'u32', stride: 'u32', offset: 'u32', relu: 'flag', accumulate: 'flag', row: 'u32' },
});

export function residualAddForward(ctx: KernelContext, a: { shape: ResidualShape; a: BufferLike; b: BufferLike; y: BufferLike; relu: boolean }): Dispatch {
  const s = a.shape;
  const total = s.n * s.c * s.h * s.w;
  const g = grid1d(total);
  return forwardKernel.dispatch(ctx, {
    bindings: { a: a.a, b: a.b, y: a.y },
    uniforms: { total, c: s.c, h: s.h, w: s.w, cb: s.cb, hb: s.hb, wb: s.wb, stride: s.stride, offset: s.offset, relu: a.relu, row: g.row },
    workgroups: g.workgroups, work: elementwiseWork(total, 1, 3),
  });
}

/** d loss / d input `which` ('a' or 'b'): overwritten, or added into when accumulate. */
export function residualAddBackward(ctx: KernelContext, a: {
  shape: ResidualShape; which: 'a' | 'b'; y: BufferLike; dy: BufferLike; dt: BufferLike; relu: boolean; accumulate: boolean;
}): Dispatch {
  const s = a.shape;
  const [ct, ht, wt, stride, offset] = a.which === 'a' ? [s.c, s.h, s.w, 1, 0] : [s.cb, s.hb, s.wb, s.stride, s.offset];
  const total = s.n * ct * ht * wt;
  const g = grid1d(total);
  return backwardKernel.dispatch(ctx, {
    bindings: { y: a.y, dy: a.dy, dt: a.dt },
    uniforms: { total, ct, ht, wt, c: s.c, h: s.h, w: s.w, stride, offset, relu: a.relu, accumulate: a.accumulate, row: g.row },
    workgroups: g.workgroups, work: elementwiseWork(total, 1, a.accumulate ? 4 : 3),
  });
}

/** dst += src over n elements (the planner's sum of two gradients neither of which can accumulate). */
export function accumulateInto(ctx: KernelContext, a: { src: BufferLike; dst: BufferLike; n: number }): Dispatch {
  const shape: ResidualShape = { n: 1, c: 1, h: 1, w: a.n, cb: 1, hb: 1, wb: a.n, stride: 1, offset: 0 };
  return residualAddBackward(ctx, { shape, which: 'a', y: a.src, dy: a.src, dt: a.dst, relu: false, accumulate: true });
}

/**
 * Runner: params stride (1), relu, accumulate (grads start from inputs grad_a0 / grad_b0 instead
 * of being overwritten). Inputs a [n, c, h, w], b [n, cb, hb, wb], grad_y optional.
 */
registerOp({
  op: 'residual_add',
  async run(ctx, params, inputs) {
    const { a, b, grad_y, grad_a0, grad_b0 } = inputs;
    const shape = residualShape(a.shape[0], b.shape.slice(1) as [number, number, number], a.shape[1], Number(params.stride ?? 1));
    if (shape.h !== a.shape[2] || shape.w !== a.shape[3]) throw new Error(`residual add: a is [${a.shape}] but the shortcut of b [${b.shape}] is ${shape.h}×${shape.w}`);
    const relu = Boolean(params.relu);
    const yb = ctx.storage(numel(a.shape) * 4, 'y');
    const dispatches = [residualAddForward(ctx, { shape, a: uploadTensor(ctx, a), b: uploadTensor(ctx, b), y: yb, relu })];
    const outputs: Record<string, [GPUBuffer, number[]]> = { y: [yb, a.shape] };
    if (grad_y) {
      const dy = uploadTensor(ctx, grad_y);
      const accumulate = Boolean(params.accumulate);
      const da = accumulate && grad_a0 ? uploadTensor(ctx, grad_a0) : ctx.storage(numel(a.shape) * 4, 'grad_a');
      const db = accumulate && grad_b0 ? uploadTensor(ctx, grad_b0) : ctx.storage(numel(b.shape) * 4, 'grad_b');
      dispatches.push(residualAddBackward(ctx, { shape, which: 'a', y: yb, dy, dt: da, relu, accumulate }));
      dispatches.push(residualAddBackward(ctx, { shape, which: 'b', y: yb, dy, dt: db, relu, accumulate }));
      outputs.grad_a = [da, a.shape];
      outputs.grad_b = [db, b.shape];
    }
    ctx.run(dispatches, 'residual_add');
    return readTensors(ctx, outputs);
  },
});
