/** The registered `conv2d` runner: forward (optionally ReLU-fused), then all three gradients from grad_y. */
import { registerOp, numel, uploadTensor, readTensor, type Tensors } from '../registry.ts';
import { conv2dForward, conv2dBackwardInput, conv2dBackwardWeight, conv2dOutputSize, type Conv2dShape } from './conv2d.ts';

registerOp({
  op: 'conv2d',
  async run(ctx, params, inputs) {
    const { x, weight, bias, grad_y } = inputs;
    const [n, cin, h, w] = x.shape;
    const [cout, , kh, kw] = weight.shape;
    const shape: Conv2dShape = { n, cin, h, w, cout, kh, kw, stride: Number(params.stride ?? 1), pad: Number(params.padding ?? 0) };
    const { oh, ow } = conv2dOutputSize(shape);
    const yShape = [n, cout, oh, ow];
    const xb = uploadTensor(ctx, x);
    const wb = uploadTensor(ctx, weight);
    const yb = ctx.storage(numel(yShape) * 4, 'y');
    const dispatches = [conv2dForward(ctx, { shape, x: xb, weight: wb, bias: uploadTensor(ctx, bias), y: yb, relu: Boolean(params.relu) })];
    const grads: Record<string, [GPUBuffer, number[]]> = {};
    if (grad_y) {
      const dy = uploadTensor(ctx, grad_y);
      grads.grad_x = [ctx.storage(numel(x.shape) * 4, 'grad_x'), x.shape];
      grads.grad_weight = [ctx.storage(numel(weight.shape) * 4, 'grad_weight'), weight.shape];
      grads.grad_bias = [ctx.storage(cout * 4, 'grad_bias'), [cout]];
      dispatches.push(...[conv2dBackwardInput(ctx, { shape, dy, weight: wb, dx: grads.grad_x[0] })].flat());
      dispatches.push(...conv2dBackwardWeight(ctx, { shape, x: xb, dy, dweight: grads.grad_weight[0], dbias: grads.grad_bias[0] }));
    }
    ctx.run(dispatches, 'conv2d');
    const out: Tensors = { y: await readTensor(ctx, yb, yShape) };
    for (const [name, [buf, shp]] of Object.entries(grads)) out[name] = await readTensor(ctx, buf, shp);
    return out;
  },
});
