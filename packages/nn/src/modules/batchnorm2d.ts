/**
 * BatchNorm2d with PyTorch's defaults (eps 1e-5, momentum 0.1, affine, running statistics):
 * γ = 1, β = 0; running_mean 0, running_var 1, num_batches_tracked 0 as non-trainable state.
 * Train mode normalises with batch statistics and updates the running ones; eval mode uses the
 * running ones. A following ReLU fuses in (its backward masks by the output itself).
 * Lockstep runs: each run normalises with its own batch's statistics, its own γ, β and running state.
 */
import {
  batchnorm2dForwardTrain, batchnorm2dForwardEval, batchnorm2dBackward, batchnorm2dBackwardEval, batchnorm2dSavedBytes,
  type BatchNorm2dShape, type BatchNormState,
} from '@losslab/kernels';
import { batchBuffer, noMaskedInput, type BackwardArgs, type Module, type ParamSpec, type PlanArgs, type Shape, type StateSpec } from '../module.ts';

export class BatchNorm2d implements Module {
  readonly kind = 'batchnorm2d';
  /** Set by the fusion pass: y = relu(bn(x)). */
  relu = false;

  constructor(readonly channels: number) {}

  outShape([input]: Shape[]): Shape {
    if (input.length !== 3 || input[0] !== this.channels) throw new Error(`BatchNorm2d expects [${this.channels}, h, w], got [${input}]`);
    return input;
  }

  params(prefix: string): ParamSpec[] {
    const c = this.channels;
    return [
      { name: `${prefix}.weight`, shape: [c], fanIn: c, init: { kind: 'constant', value: 1 } },
      { name: `${prefix}.bias`, shape: [c], fanIn: c, init: { kind: 'constant', value: 0 } },
    ];
  }

  state(prefix: string): StateSpec[] {
    const c = this.channels;
    return [
      { name: `${prefix}.running_mean`, shape: [c], value: 0 },
      { name: `${prefix}.running_var`, shape: [c], value: 1 },
      { name: `${prefix}.num_batches_tracked`, shape: [], value: 0 },
    ];
  }

  withRelu(): BatchNorm2d {
    const b = new BatchNorm2d(this.channels);
    b.relu = true;
    return b;
  }

  private shape([c, h, w]: Shape, batch: number): BatchNorm2dShape {
    return { n: batch, c, h, w };
  }

  private stateOf(a: PlanArgs): BatchNormState {
    return {
      runningMean: a.store.stateBinding(`${a.name}.running_mean`),
      runningVar: a.store.stateBinding(`${a.name}.running_var`),
      numBatchesTracked: a.store.stateBinding(`${a.name}.num_batches_tracked`),
    };
  }

  forward(a: PlanArgs) {
    noMaskedInput(this.kind, a.inputs);
    const common = {
      shape: this.shape(a.inputs[0].shape, a.batch), x: a.inputs[0].buffer, weight: a.store.param(`${a.name}.weight`), bias: a.store.param(`${a.name}.bias`),
      y: a.output.buffer, state: this.stateOf(a), relu: this.relu, runs: a.runs,
    };
    if (a.mode === 'eval') return [batchnorm2dForwardEval(a.ctx, common)];
    a.saved.stats = a.ctx.storage(batchnorm2dSavedBytes(this.channels, a.runs), `${a.name}_saved`);
    return batchnorm2dForwardTrain(a.ctx, { ...common, saved: a.saved.stats });
  }

  backward(a: BackwardArgs) {
    const x = a.inputs[0];
    const shape = this.shape(x.shape, a.batch);
    const dx = a.needInput[0] ? batchBuffer(a, x.shape, `grad_${a.name}_in`) : undefined;
    const weight = a.store.param(`${a.name}.weight`);
    if (a.mode === 'eval') {
      // Statistics are constants in eval mode; only the input gradient is meaningful (saliency).
      const dispatches = dx ? [batchnorm2dBackwardEval(a.ctx, { shape, y: a.output.buffer, dy: a.dy, state: this.stateOf(a), weight, dx, relu: this.relu, runs: a.runs })] : [];
      return { dispatches, inputs: [dx ? { buffer: dx } : undefined] };
    }
    const dispatches = batchnorm2dBackward(a.ctx, {
      shape, x: x.buffer, y: a.output.buffer, dy: a.dy, saved: a.saved.stats, weight,
      dweight: a.store.grad(`${a.name}.weight`), dbias: a.store.grad(`${a.name}.bias`), dx, relu: this.relu, runs: a.runs,
    });
    return { dispatches, inputs: [dx ? { buffer: dx } : undefined] };
  }
}

