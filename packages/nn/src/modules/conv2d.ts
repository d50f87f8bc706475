/** Conv2d: PyTorch's names, shapes and initialisation (default, or He et al. 2015's Kaiming normal); bias optional; ReLU fusable. */
import { conv2dForward, conv2dBackwardInput, conv2dBackwardWeight, reluBackward, type Conv2dShape } from '@losslab/kernels';
import { batchBuffer, flat, numel, type BackwardArgs, type Init, type Module, type ParamSpec, type PlanArgs, type Shape, type StateSpec } from '../module.ts';

/** 'default': PyTorch's Kaiming-uniform with a = √5, U(±1/√fan_in); 'kaiming-normal': N(0, 2/fan_in) (He et al. 2015, mode fan_in). */
export type WeightInit = 'default' | 'kaiming-normal';

/** The initialisations of a weight (and its bias) with fan_in `fanIn`, as PyTorch's layers draw them. */
export function weightInit(init: WeightInit, fanIn: number): Init {
  return init === 'kaiming-normal' ? { kind: 'normal', std: Math.sqrt(2 / fanIn) } : { kind: 'uniform', bound: Math.sqrt(6 / ((1 + 5) * fanIn)) };
}
export const biasInit = (fanIn: number): Init => ({ kind: 'uniform', bound: 1 / Math.sqrt(fanIn) });

export interface Conv2dOptions { stride?: number; padding?: number; bias?: boolean; init?: WeightInit }

export class Conv2d implements Module {
  readonly kind = 'conv2d';
  readonly stride: number;
  readonly padding: number;
  readonly bias: boolean;
  readonly init: WeightInit;
  /** Set by the fusion pass: ReLU applied in the forward, its mask by the consumers. */
  reluOut = false;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: Conv2dOptions = {}) {
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.bias = opts.bias ?? true;
    this.init = opts.init ?? 'default';
  }

  outShape([[c, h, w]]: Shape[]): Shape {
    if (c !== this.inChannels) throw new Error(`Conv2d expects ${this.inChannels} input channels, got ${c}`);
    const o = (n: number) => Math.floor((n + 2 * this.padding - this.kernelSize) / this.stride) + 1;
    return [this.outChannels, o(h), o(w)];
  }

  params(prefix: string): ParamSpec[] {
    const fanIn = this.inChannels * this.kernelSize * this.kernelSize;
    const weight = { name: `${prefix}.weight`, shape: [this.outChannels, this.inChannels, this.kernelSize, this.kernelSize], fanIn, init: weightInit(this.init, fanIn) };
    return this.bias ? [weight, { name: `${prefix}.bias`, shape: [this.outChannels], fanIn, init: biasInit(fanIn) }] : [weight];
  }

  state(): StateSpec[] {
    return [];
  }

  withRelu(): Conv2d {
    const c = new Conv2d(this.inChannels, this.outChannels, this.kernelSize, this);
    c.reluOut = true;
    return c;
  }

  shape(inShape: Shape, batch: number): Conv2dShape {
    return { n: batch, cin: inShape[0], h: inShape[1], w: inShape[2], cout: this.outChannels, kh: this.kernelSize, kw: this.kernelSize, stride: this.stride, pad: this.padding };
  }

  forward(a: PlanArgs) {
    const { store, name } = a;
    return flat(conv2dForward(a.ctx, {
      shape: this.shape(a.inputs[0].shape, a.batch), x: a.inputs[0].buffer,
      weight: store.param(`${name}.weight`), bias: this.bias ? store.param(`${name}.bias`) : undefined, y: a.output.buffer, relu: this.reluOut, runs: a.runs,
    }));
  }

  backward(a: BackwardArgs) {
    const { ctx, store, name } = a;
    const shape = this.shape(a.inputs[0].shape, a.batch);
    const x = a.inputs[0];
    const dispatches = conv2dBackwardWeight(ctx, {
      shape, x: x.buffer, dy: a.dy, dweight: store.grad(`${name}.weight`), dbias: this.bias ? store.grad(`${name}.bias`) : undefined, runs: a.runs,
    });
    if (!a.needInput[0]) return { dispatches, inputs: [undefined] };
    // The conv's input gradient cannot fuse the producer's ReLU mask: write raw, then mask.
    const dx = batchBuffer(a, x.shape, `grad_${name}_in`);
    const raw = x.relu ? batchBuffer(a, x.shape, `grad_${name}_raw`) : dx;
    dispatches.push(...flat(conv2dBackwardInput(ctx, { shape, dy: a.dy, weight: store.param(`${name}.weight`), dx: raw, runs: a.runs })));
    if (x.relu) dispatches.push(reluBackward(ctx, { y: x.buffer, dy: raw, dx, n: a.runs.count * a.batch * numel(x.shape) }));
    return { dispatches, inputs: [{ buffer: dx }] };
  }
}
