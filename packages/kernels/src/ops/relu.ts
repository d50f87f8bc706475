import type { BufferLike, Dispatch, KernelContext } from '../core.ts';
import { defineKernel, read, readWrite } from '../kernel.ts';
import { registerOp, numel, uploadTensor, readTensor, type Tensors } from '../registry.ts';
import forwardWgsl from './relu_forward.wgsl?raw';
import backwardWgsl from './relu_backward.wgsl?raw';
import { grid1d } from './grid.ts';

/** Elements, and invocations per grid row (grid1d: i = gid.x + gid.y * row). */
const elementwise = { n: 'u32', row: 'u32' } as const;

const forwardKernel = defineKernel({ name: 'relu_forward', code: forwardWgsl, bindings: { x: read(), y: readWrite() }, uniforms: elementwise });
const backwardKernel = defineKernel({ name: 'relu_backward', code: backwardWgsl, bindings: { y: read(), dy: read(), dx: readWrite() }, uniforms: elementwise });

/** y = relu(x) over n elements. */
export function reluForward(ctx: KernelContext, a: { x: BufferLike; y: BufferLike; n: number }): Dispatch {
  const g = grid1d(a.n);
  return forwardKernel.dispatch(ctx, { bindings: { x: a.x, y: a.y }, uniforms: { n: a.n, row: g.row }, workgroups: g.workgroups });
}

/** dx = dy · [y > 0] over n elements. */
export function reluBackward(ctx: KernelContext, a: { y: BufferLike; dy: BufferLike; dx: BufferLike; n: number }): Dispatch {
  const g = grid1d(a.n);
  return backwardKernel.dispatch(ctx, { bindings: { y: a.y, dy: a.dy, dx: a.dx }, uniforms: { n: a.n, row: g.row }, workgroups: g.workgroups });
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
