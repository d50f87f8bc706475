/** The registered `conv2d` runner: forward (optionally ReLU-fused; bias optional), then the gradients from grad_y (grad_bias only with a bias). */
import { registerOp, numel, uploadTensor, readTensors } from '../registry.ts';
import { conv2dForward, conv2dBackwardInput, conv2dBackwardWeight, conv2dOutputSize } from './conv2d.ts';
import { convGradBuffers, convShapeOf } from './conv2d_runner.ts';

registerOp({
  op: 'conv2d',
  async run(ctx, params, inputs) {
    const { x, weight, bias, grad_y } = inputs;
    const shape = convShapeOf(x, weight, Number(params.stride ?? 1), Number(params.padding ?? 0));
    const { oh, ow } = conv2dOutputSize(shape);
    const yShape = [shape.n, shape.cout, oh, ow];
    const xb = uploadTensor(ctx, x);
    const wb = uploadTensor(ctx, weight);
    const yb = ctx.storage(numel(yShape) * 4, 'y');
    const dispatches = conv2dForward(ctx, { shape, x: xb, weight: wb, bias: bias ? uploadTensor(ctx, bias) : undefined, y: yb, relu: Boolean(params.relu) });
    const outputs: Record<string, [GPUBuffer, number[]]> = { y: [yb, yShape] };
    if (grad_y) {
      const dy = uploadTensor(ctx, grad_y);
      const g = convGradBuffers(ctx, x, weight);
      outputs.grad_x = g.grad_x;
      outputs.grad_weight = g.grad_weight;
      if (bias) outputs.grad_bias = g.grad_bias;
      dispatches.push(...[conv2dBackwardInput(ctx, { shape, dy, weight: wb, dx: g.grad_x[0] })].flat());
      dispatches.push(...conv2dBackwardWeight(ctx, { shape, x: xb, dy, dweight: g.grad_weight[0], dbias: bias ? g.grad_bias[0] : undefined }));
    }
    ctx.run(dispatches, 'conv2d');
    return readTensors(ctx, outputs);
  },
});
