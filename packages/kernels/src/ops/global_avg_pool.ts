/** Global average pooling (NCHW → [n, c]) and its backward, PyTorch's adaptive_avg_pool2d(x, 1) flattened. */
import { elementwiseWork, type BufferLike, type Dispatch, type KernelContext } from '../core.ts';
import { registerOp, numel, uploadTensor, readTensors } from '../registry.ts';
import { grid1d } from './grid.ts';
import { defineKernel, read, readWrite } from '../kernel.ts';
import forwardWgsl from './global_avg_pool_forward.wgsl?raw';
import backwardWgsl from './global_avg_pool_backward.wgsl?raw';

export interface GapShape { n: number; c: number; h: number; w: number }

// One invocation per (n, c) plane of hw elements; row: invocations per grid row.
const forwardKernel = defineKernel({ name: 'global_avg_pool_forward', code: forwardWgsl, bindings: { x: read(), y: readWrite() }, uniforms: { nc: 'u32', hw: 'u32', row: 'u32' } });
// One invocation per element of dx (total).
const backwardKernel = defineKernel({ name: 'global_avg_pool_backward', code: backwardWgsl, bindings: { dy: read(), dx: readWrite() }, uniforms: { total: 'u32', hw: 'u32', row: 'u32' } });

export function globalAvgPoolForward(ctx: KernelContext, a: { shape: GapShape; x: BufferLike; y: BufferLike }): Dispatch {
  const s = a.shape;
  const g = grid1d(s.n * s.c, 64);
  return forwardKernel.dispatch(ctx, {
    bindings: { x: a.x, y: a.y }, uniforms: { nc: s.n * s.c, hw: s.h * s.w, row: g.row }, workgroups: g.workgroups, work: elementwiseWork(s.n * s.c * s.h * s.w, 1, 1),
  });
}

/** dx (overwritten) = dy / (h·w) broadcast over each plane. */
export function globalAvgPoolBackward(ctx: KernelContext, a: { shape: GapShape; dy: BufferLike; dx: BufferLike }): Dispatch {
  const s = a.shape;
  const total = s.n * s.c * s.h * s.w;
  const g = grid1d(total);
  return backwardKernel.dispatch(ctx, {
    bindings: { dy: a.dy, dx: a.dx }, uniforms: { total, hw: s.h * s.w, row: g.row }, workgroups: g.workgroups, work: elementwiseWork(total, 1, 1),
  });
}

registerOp({
  op: 'global_avg_pool',
  async run(ctx, _params, inputs) {
    const { x, grad_y } = inputs;
    const [n, c, h, w] = x.shape;
    const shape = { n, c, h, w };
    const yb = ctx.storage(n * c * 4, 'y');
    const dispatches = [globalAvgPoolForward(ctx, { shape, x: uploadTensor(ctx, x), y: yb })];
    const outputs: Record<string, [GPUBuffer, number[]]> = { y: [yb, [n, c]] };
    if (grad_y) {
      const dx = ctx.storage(numel(x.shape) * 4, 'grad_x');
      dispatches.push(globalAvgPoolBackward(ctx, { shape, dy: uploadTensor(ctx, grad_y), dx }));
      outputs.grad_x = [dx, x.shape];
    }
    ctx.run(dispatches, 'global_avg_pool');
    return readTensors(ctx, outputs);
  },
});
