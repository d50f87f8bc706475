/** What the conv runners (`conv2d`, `conv2d_relu_pool`) share: the shape from the tensors and the gradient buffers. */
import type { KernelContext } from '../core.ts';
import { numel, type HostTensor } from '../registry.ts';
import type { Conv2dShape } from './conv2d.ts';

export function convShapeOf(x: HostTensor, weight: HostTensor, stride: number, pad: number): Conv2dShape {
  const [n, cin, h, w] = x.shape;
  const [cout, , kh, kw] = weight.shape;
  return { n, cin, h, w, cout, kh, kw, stride, pad };
}

/** grad_x, grad_weight and grad_bias buffers, each with the shape it is read back as. */
export function convGradBuffers(ctx: KernelContext, x: HostTensor, weight: HostTensor): Record<'grad_x' | 'grad_weight' | 'grad_bias', [GPUBuffer, number[]]> {
  const cout = weight.shape[0];
  return {
    grad_x: [ctx.storage(numel(x.shape) * 4, 'grad_x'), x.shape],
    grad_weight: [ctx.storage(numel(weight.shape) * 4, 'grad_weight'), weight.shape],
    grad_bias: [ctx.storage(cout * 4, 'grad_bias'), [cout]],
  };
}
