/** ReLU on its own (the fusion pass folds it into the producer where it can); elementwise over every run's samples. */
import { reluForward, reluBackward } from '@losslab/kernels';
import { batchBuffer, none, noMaskedInput, numel, type BackwardArgs, type Module, type PlanArgs, type Shape } from '../module.ts';

export class ReLU implements Module {
  readonly kind = 'relu';
  readonly params = none.params;
  readonly state = none.state;

  outShape([input]: Shape[]): Shape {
    return input;
  }

  forward(a: PlanArgs) {
    return [reluForward(a.ctx, { x: a.inputs[0].buffer, y: a.output.buffer, n: a.runs.count * a.batch * numel(a.output.shape) })];
  }

  backward(a: BackwardArgs) {
    noMaskedInput(this.kind, a.inputs);
    if (!a.needInput[0]) return { dispatches: [], inputs: [undefined] };
    const dx = batchBuffer(a, a.output.shape, `grad_${a.name}_in`);
    return { dispatches: [reluBackward(a.ctx, { y: a.output.buffer, dy: a.dy, dx, n: a.runs.count * a.batch * numel(a.output.shape) })], inputs: [{ buffer: dx }] };
  }
}
