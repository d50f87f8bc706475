/** MaxPool2d (no padding, floor mode); its backward applies a producer's fused ReLU mask. Per sample: lockstep runs pool batch × runs samples at once. */
import { maxpool2dForward, maxpool2dBackward, type Pool2dShape } from '@losslab/kernels';
import { batchBuffer, none, type BackwardArgs, type Module, type PlanArgs, type Shape } from '../module.ts';

export class MaxPool2d implements Module {
  readonly kind = 'maxpool2d';
  readonly stride: number;
  readonly params = none.params;
  readonly state = none.state;

  constructor(readonly kernelSize: number, stride?: number) {
    this.stride = stride ?? kernelSize;
  }

  outShape([[c, h, w]]: Shape[]): Shape {
    const o = (n: number) => Math.floor((n - this.kernelSize) / this.stride) + 1;
    return [c, o(h), o(w)];
  }

  /** The kernels' shape for `samples` samples (a plan's batch × runs). */
  shape([c, h, w]: Shape, samples: number): Pool2dShape {
    return { n: samples, c, h, w, kernel: this.kernelSize, stride: this.stride };
  }

  forward(a: PlanArgs) {
    return [maxpool2dForward(a.ctx, { shape: this.shape(a.inputs[0].shape, a.runs.count * a.batch), x: a.inputs[0].buffer, y: a.output.buffer })];
  }

  backward(a: BackwardArgs) {
    if (!a.needInput[0]) return { dispatches: [], inputs: [undefined] };
    const x = a.inputs[0];
    const dx = batchBuffer(a, x.shape, `grad_${a.name}_in`);
    return { dispatches: [maxpool2dBackward(a.ctx, { shape: this.shape(x.shape, a.runs.count * a.batch), x: x.buffer, dy: a.dy, dx, reluMask: x.relu })], inputs: [{ buffer: dx }] };
  }
}
