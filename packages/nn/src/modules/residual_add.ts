/**
 * The sum of a residual block, y = a + S(b): S is the identity, or the ResNet paper's option A
 * when b is wider in space or narrower in channels (subsample by the stride, zero-pad channels).
 * A following ReLU fuses in. Both input gradients are written by the planner's choice of
 * buffer, overwriting or adding: this is where a tensor consumed twice gets its sum.
 * Per sample, no weights: lockstep runs are runs.count × batch samples to the kernels.
 */
import { residualAddForward, residualAddBackward, residualShape, type ResidualShape } from '@losslab/kernels';
import { none, noMaskedInput, type BackwardArgs, type Module, type PlanArgs, type Shape } from '../module.ts';

export class ResidualAdd implements Module {
  readonly kind = 'residual_add';
  readonly params = none.params;
  readonly state = none.state;
  /** Set by the fusion pass: y = relu(a + S(b)). */
  relu = false;

  outShape([a, b]: Shape[]): Shape {
    const s = this.shortcut(a, b, 1);
    if (s.h !== a[1] || s.w !== a[2]) throw new Error(`residual add: [${b}] does not subsample to [${a}]`);
    return a;
  }

  withRelu(): ResidualAdd {
    const r = new ResidualAdd();
    r.relu = true;
    return r;
  }

  private shortcut(a: Shape, b: Shape, batch: number): ResidualShape {
    const stride = Math.round(b[1] / a[1]);
    return residualShape(batch, b as [number, number, number], a[0], Math.max(stride, 1));
  }

  forward(p: PlanArgs) {
    noMaskedInput(this.kind, p.inputs);
    const [a, b] = p.inputs;
    return [residualAddForward(p.ctx, { shape: this.shortcut(a.shape, b.shape, p.runs.count * p.batch), a: a.buffer, b: b.buffer, y: p.output.buffer, relu: this.relu })];
  }

  backward(p: BackwardArgs) {
    const shape = this.shortcut(p.inputs[0].shape, p.inputs[1].shape, p.runs.count * p.batch);
    const grad = (which: 'a' | 'b') => ({
      emit: (dt: GPUBuffer, accumulate: boolean) => [residualAddBackward(p.ctx, { shape, which, y: p.output.buffer, dy: p.dy, dt, relu: this.relu, accumulate })],
    });
    return { dispatches: [], inputs: [p.needInput[0] ? grad('a') : undefined, p.needInput[1] ? grad('b') : undefined] };
  }
}
