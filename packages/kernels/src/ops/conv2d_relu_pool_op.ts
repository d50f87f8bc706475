/** The registered `conv2d_relu_pool` runner: fused forward (pooled y), then grad_x, grad_weight, grad_bias from the pooled grad_y. */
import { registerOp, numel, uploadTensor, readTensors } from '../registry.ts';
import { conv2dReluPoolForward, conv2dReluPoolBackward, conv2dReluPoolSizes } from './conv2d_relu_pool.ts';
import { convGradBuffers, convShapeOf } from './conv2d_runner.ts';

registerOp({
  op: 'conv2d_relu_pool',
  async run(ctx, params, inputs) {
    const { x, weight, bias, grad_y } = inputs;
    const shape = convShapeOf(x, weight, 1, Number(params.padding ?? 0));
    const z = conv2dReluPoolSizes(shape);
    const yShape = [shape.n, shape.cout, z.ph, z.pw];
    const xb = uploadTensor(ctx, x);
    const wb = uploadTensor(ctx, weight);
    const yb = ctx.storage(numel(yShape) * 4, 'y');
    const arg = ctx.storage(z.argWords * 4, 'argmax');
    const dispatches = conv2dReluPoolForward(ctx, { shape, x: xb, weight: wb, bias: uploadTensor(ctx, bias), y: yb, arg });
    const outputs: Record<string, [GPUBuffer, number[]]> = { y: [yb, yShape] };
    if (grad_y) {
      const g = convGradBuffers(ctx, x, weight);
      Object.assign(outputs, g);
      dispatches.push(...conv2dReluPoolBackward(ctx, {
        shape, x: xb, weight: wb, gy: uploadTensor(ctx, grad_y), arg,
        dweight: g.grad_weight[0], dbias: g.grad_bias[0], dx: g.grad_x[0],
      }));
    }
    ctx.run(dispatches, 'conv2d_relu_pool');
    return readTensors(ctx, outputs);
  },
});
