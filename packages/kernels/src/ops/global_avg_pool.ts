/** Global average pooling (NCHW → [n, c]) and its backward, PyTorch's adaptive_avg_pool2d(x, 1) flattened. */
import { elementwiseWork, type BufferLike, type Dispatch, type KernelContext } from '../core.ts';
import { registerOp, numel, uploadTensor, readTensors } from '../registry.ts';
import { grid1d } from './grid.ts';
import forwardWgsl from './global_avg_pool_forward.wgsl?raw';
import backwardWgsl from './global_avg_pool_backward.wgsl?raw';

export interface GapShape { n: number; c: number; h: number; w: number }

export function globalAvgPoolForward(ctx: KernelContext, a: { shape: GapShape; x: BufferLike; y: BufferLike }): Dispatch {
  const s = a.shape;
  const g = grid1d(s.n * s.c, 64);
  const pipeline = ctx.pipeline('global_avg_pool_forward', forwardWgsl);
  return ctx.dispatch('global_avg_pool_forward', pipeline, [a.x, a.y, ctx.uniform([s.n * s.c, s.h * s.w, g.row], 'u32', 'gap params')], g.workgroups,
    elementwiseWork(s.n * s.c * s.h * s.w, 1, 1));
}

/** dx (overwritten) = dy / (h·w) broadcast over each plane. */
export function globalAvgPoolBackward(ctx: KernelContext, a: { shape: GapShape; dy: BufferLike; dx: BufferLike }): Dispatch {
  const s = a.shape;
  const total = s.n * s.c * s.h * s.w;
  const g = grid1d(total);
  const pipeline = ctx.pipeline('global_avg_pool_backward', backwardWgsl);
  return ctx.dispatch('global_avg_pool_backward', pipeline, [a.dy, a.dx, ctx.uniform([total, s.h * s.w, g.row], 'u32', 'gap backward params')], g.workgroups, elementwiseWork(total, 1, 1));
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
