import type { BufferLike, Dispatch, KernelContext } from '../core.ts';
import { registerOp, numel, uploadTensor, readTensor, type Tensors } from '../registry.ts';
import forwardWgsl from './relu_forward.wgsl?raw';
import backwardWgsl from './relu_backward.wgsl?raw';
import { grid1d } from './grid.ts';

/** y = relu(x) over n elements. */
export function reluForward(ctx: KernelContext, a: { x: BufferLike; y: BufferLike; n: number }): Dispatch {
  const g = grid1d(a.n);
  const pipeline = ctx.pipeline('relu_forward', forwardWgsl);
  return ctx.dispatch('relu_forward', pipeline, [a.x, a.y, ctx.uniform([a.n, g.row])], g.workgroups);
}

/** dx = dy · [y > 0] over n elements. */
export function reluBackward(ctx: KernelContext, a: { y: BufferLike; dy: BufferLike; dx: BufferLike; n: number }): Dispatch {
  const g = grid1d(a.n);
  const pipeline = ctx.pipeline('relu_backward', backwardWgsl);
  return ctx.dispatch('relu_backward', pipeline, [a.y, a.dy, a.dx, ctx.uniform([a.n, g.row])], g.workgroups);
}

registerOp({
  op: 'relu',
  async run(ctx, _params, inputs) {
    const { x, grad_y } = inputs;
    const n = numel(x.shape);
    const xb = uploadTensor(ctx, x);
    const yb = ctx.storage(n * 4, 'y');
    const dispatches = [reluForward(ctx, { x: xb, y: yb, n })];
    let dxb: GPUBuffer | undefined;
    if (grad_y) {
      dxb = ctx.storage(n * 4, 'grad_x');
      dispatches.push(reluBackward(ctx, { y: yb, dy: uploadTensor(ctx, grad_y), dx: dxb, n }));
    }
    ctx.run(dispatches, 'relu');
    const out: Tensors = { y: await readTensor(ctx, yb, x.shape) };
    if (dxb) out.grad_x = await readTensor(ctx, dxb, x.shape);
    return out;
  },
});
