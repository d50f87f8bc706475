/** The registered `maxpool2d` runner: forward, then grad_x from grad_y (param reluMask optional). */
import { registerOp, numel, uploadTensor, readTensor, type Tensors } from '../registry.ts';
import { maxpool2dForward, maxpool2dBackward, maxpool2dOutputSize, type Pool2dShape } from './maxpool2d.ts';

registerOp({
  op: 'maxpool2d',
  async run(ctx, params, inputs) {
    const { x, grad_y } = inputs;
    const [n, c, h, w] = x.shape;
    const shape: Pool2dShape = { n, c, h, w, kernel: Number(params.kernel), stride: Number(params.stride ?? params.kernel) };
    const { oh, ow } = maxpool2dOutputSize(shape);
    const yShape = [n, c, oh, ow];
    const xb = uploadTensor(ctx, x);
    const yb = ctx.storage(numel(yShape) * 4, 'y');
    const dispatches = [maxpool2dForward(ctx, { shape, x: xb, y: yb })];
    let dxb: GPUBuffer | undefined;
    if (grad_y) {
      dxb = ctx.storage(numel(x.shape) * 4, 'grad_x');
      dispatches.push(maxpool2dBackward(ctx, { shape, x: xb, dy: uploadTensor(ctx, grad_y), dx: dxb, reluMask: Boolean(params.reluMask) }));
    }
    ctx.run(dispatches, 'maxpool2d');
    const out: Tensors = { y: await readTensor(ctx, yb, yShape) };
    if (dxb) out.grad_x = await readTensor(ctx, dxb, x.shape);
    return out;
  },
});
