/** Linear: y = x·Wᵀ + b with PyTorch's names and initialisation (default, or Kaiming normal weights); ReLU fusable. */
import { matmul, columnSum } from '@losslab/kernels';
import { batchBuffer, flat, numel, type BackwardArgs, type Module, type ParamSpec, type PlanArgs, type Shape, type StateSpec } from '../module.ts';
import { biasInit, weightInit, type WeightInit } from './conv2d.ts';

export class Linear implements Module {
  readonly kind = 'linear';
  /** Set by the fusion pass: ReLU applied in the forward, its mask by the consumers. */
  reluOut = false;

  constructor(readonly inFeatures: number, readonly outFeatures: number, readonly init: WeightInit = 'default') {}

  outShape([input]: Shape[]): Shape {
    const n = numel(input);
    if (n !== this.inFeatures) throw new Error(`Linear expects ${this.inFeatures} features, got ${n} (shape [${input}])`);
    return [this.outFeatures];
  }

  params(prefix: string): ParamSpec[] {
    const fanIn = this.inFeatures;
    return [
      { name: `${prefix}.weight`, shape: [this.outFeatures, this.inFeatures], fanIn, init: weightInit(this.init, fanIn) },
      { name: `${prefix}.bias`, shape: [this.outFeatures], fanIn, init: biasInit(fanIn) },
    ];
  }

  state(): StateSpec[] {
    return [];
  }

  withRelu(): Linear {
    const l = new Linear(this.inFeatures, this.outFeatures, this.init);
    l.reluOut = true;
    return l;
  }

  // y[N,out] = x[N,in] · W[out,in]ᵀ + b, per run (W and b are run r's copies)
  forward(a: PlanArgs) {
    return flat(matmul(a.ctx, {
      a: a.inputs[0].buffer, b: a.store.param(`${a.name}.weight`), c: a.output.buffer, m: a.batch, k: this.inFeatures, n: this.outFeatures,
      transB: true, bias: a.store.param(`${a.name}.bias`), relu: this.reluOut, runs: a.runs, weights: ['b'],
    }));
  }

  // dW[out,in] = dyᵀ·x, db = Σ_rows dy (each over its own run's batch), dx[N,in] = dy·W (masked by the producer's ReLU)
  backward(a: BackwardArgs) {
    const { ctx, store, name, batch, runs } = a;
    const x = a.inputs[0];
    const dispatches = flat(
      matmul(ctx, { a: a.dy, b: x.buffer, c: store.grad(`${name}.weight`), m: this.outFeatures, k: batch, n: this.inFeatures, transA: true, runs, weights: ['c'] }),
      columnSum(ctx, { x: a.dy, out: store.grad(`${name}.bias`), rows: batch, cols: this.outFeatures, runs }),
    );
    if (!a.needInput[0]) return { dispatches, inputs: [undefined] };
    const dx = batchBuffer(a, x.shape, `grad_${name}_in`);
    dispatches.push(...flat(matmul(ctx, {
      a: a.dy, b: store.param(`${name}.weight`), c: dx, m: batch, k: this.outFeatures, n: this.inFeatures, reluMaskOf: x.relu ? x.buffer : undefined,
      runs, weights: ['b'],
    })));
    return { dispatches, inputs: [{ buffer: dx }] };
  }
}
