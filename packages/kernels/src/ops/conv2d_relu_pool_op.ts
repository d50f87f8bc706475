/** The registered `conv2d_relu_pool` runner: fused forward (pooled y), then grad_x, grad_weight, grad_bias from the pooled grad_y. */
import { registerOp, numel, uploadTensor, readTensor, type Tensors } from '../registry.ts';
import { conv2dReluPoolForward, conv2dReluPoolBackward, conv2dReluPoolSizes } from './conv2d_relu_pool.ts';
import type { Conv2dShape } from './conv2d.ts';

registerOp({
  op: 'conv2d_relu_pool',
  async run(ctx, params, inputs) {
    const { x, weight, bias, grad_y } = inputs;
    const [n, cin, h, w] = x.shape;
    const [cout, , kh, kw] = weight.shape;
    const shape: Conv2dShape = { n, cin, h, w, cout, kh, kw, stride: 1, pad: Number(params.padding ?? 0) };
    const z = conv2dReluPoolSizes(shape);
    const yShape = [n, cout, z.ph, z.pw];
    const xb = uploadTensor(ctx, x);
    const wb = uploadTensor(ctx, weight);
    const yb = ctx.storage(numel(yShape) * 4, 'y');
    const arg = ctx.storage(z.argWords * 4, 'argmax');
    const dispatches = conv2dReluPoolForward(ctx, { shape, x: xb, weight: wb, bias: uploadTensor(ctx, bias), y: yb, arg });
    const grads: Record<string, [GPUBuffer, number[]]> = {};
    if (grad_y) {
      grads.grad_x = [ctx.storage(numel(x.shape) * 4, 'grad_x'), x.shape];
      grads.grad_weight = [ctx.storage(numel(weight.shape) * 4, 'grad_weight'), weight.shape];
      grads.grad_bias = [ctx.storage(cout * 4, 'grad_bias'), [cout]];
      dispatches.push(...conv2dReluPoolBackward(ctx, {
        shape, x: xb, weight: wb, gy: uploadTensor(ctx, grad_y), arg,
        dweight: grads.grad_weight[0], dbias: grads.grad_bias[0], dx: grads.grad_x[0],
      }));
    }
    ctx.run(dispatches, 'conv2d_relu_pool');
    const out: Tensors = { y: await readTensor(ctx, yb, yShape) };
    for (const [name, [buf, shp]] of Object.entries(grads)) out[name] = await readTensor(ctx, buf, shp);
    return out;
  },
});
