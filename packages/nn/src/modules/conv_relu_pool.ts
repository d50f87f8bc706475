/**
 * Conv → ReLU → max pool 2/2 as one fused op (made by the fusion pass): pooled output plus argmax words, which carry the ReLU's mask.
 * Lockstep runs: one set of dispatches serves every run (the kernels take a.runs; argmax words and gradients hold runs × batch samples).
 */
import { conv2dReluPoolForward, conv2dReluPoolBackward, conv2dReluPoolSizes, reluBackward } from '@losslab/kernels';
import { batchBuffer, numel, type BackwardArgs, type Module, type PlanArgs, type Shape } from '../module.ts';
import type { Conv2d } from './conv2d.ts';
import type { MaxPool2d } from './maxpool2d.ts';

export class ConvReluPool implements Module {
  readonly kind = 'conv2d_relu_pool';

  constructor(readonly conv: Conv2d, readonly pool: MaxPool2d) {}

  outShape(inputs: Shape[]): Shape {
    return this.pool.outShape([this.conv.outShape(inputs)]);
  }

  params(prefix: string) {
    return this.conv.params(prefix);
  }

  state() {
    return [];
  }

  forward(a: PlanArgs) {
    const shape = this.conv.shape(a.inputs[0].shape, a.batch);
    const arg = a.ctx.storage(a.runs.count * conv2dReluPoolSizes(shape).argWords * 4, `${a.name}_argmax`);
    a.saved.arg = arg;
    return conv2dReluPoolForward(a.ctx, {
      shape, x: a.inputs[0].buffer, weight: a.store.param(`${a.name}.weight`), bias: a.store.param(`${a.name}.bias`), y: a.output.buffer, arg, runs: a.runs,
    });
  }

  backward(a: BackwardArgs) {
    const x = a.inputs[0];
    // As for a conv: the input gradient is raw, so a fused producer ReLU is masked afterwards.
    const dx = a.needInput[0] ? batchBuffer(a, x.shape, `grad_${a.name}_in`) : undefined;
    const raw = dx && x.relu ? batchBuffer(a, x.shape, `grad_${a.name}_raw`) : dx;
    const dispatches = conv2dReluPoolBackward(a.ctx, {
      shape: this.conv.shape(x.shape, a.batch), x: x.buffer, weight: a.store.param(`${a.name}.weight`), gy: a.dy, arg: a.saved.arg,
      dweight: a.store.grad(`${a.name}.weight`), dbias: a.store.grad(`${a.name}.bias`), dx: raw, runs: a.runs,
    });
    if (dx && raw !== dx) dispatches.push(reluBackward(a.ctx, { y: x.buffer, dy: raw!, dx, n: a.runs.count * a.batch * numel(x.shape) }));
    return { dispatches, inputs: [dx ? { buffer: dx } : undefined] };
  }
}
