/**
 * Global average pooling: [c, h, w] → [c] (PyTorch's F.avg_pool2d over the whole plane, flattened).
 * Per sample, no weights: lockstep runs are runs.count × batch samples to the kernels.
 */
import { globalAvgPoolForward, globalAvgPoolBackward } from '@losslab/kernels';
import { batchBuffer, none, noMaskedInput, type BackwardArgs, type Module, type PlanArgs, type Shape } from '../module.ts';

export class GlobalAvgPool implements Module {
  readonly kind = 'global_avg_pool';
  readonly params = none.params;
  readonly state = none.state;

  outShape([[c]]: Shape[]): Shape {
    return [c];
  }

  private shape([c, h, w]: Shape, n: number) {
    return { n, c, h, w };
  }

  forward(a: PlanArgs) {
    noMaskedInput(this.kind, a.inputs);
    return [globalAvgPoolForward(a.ctx, { shape: this.shape(a.inputs[0].shape, a.runs.count * a.batch), x: a.inputs[0].buffer, y: a.output.buffer })];
  }

  backward(a: BackwardArgs) {
    if (!a.needInput[0]) return { dispatches: [], inputs: [undefined] };
    const x = a.inputs[0];
    const dx = batchBuffer(a, x.shape, `grad_${a.name}_in`);
    return { dispatches: [globalAvgPoolBackward(a.ctx, { shape: this.shape(x.shape, a.runs.count * a.batch), dy: a.dy, dx })], inputs: [{ buffer: dx }] };
  }
}
