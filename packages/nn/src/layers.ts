/**
 * Layers with PyTorch's names, shapes and default initialisation. A layer only describes
 * itself (shapes, parameters); planning onto kernels happens in plan.ts.
 */
import type { ParamSpec } from './params.ts';
import type { Rng } from './rng.ts';

export type Shape = number[]; // per sample, e.g. [3, 32, 32]

interface LayerBase {
  outShape(input: Shape): Shape;
  /** Parameters under this layer's name prefix. */
  params(prefix: string): ParamSpec[];
}

export class Conv2d implements LayerBase {
  readonly kind = 'conv2d';
  readonly stride: number;
  readonly padding: number;
  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: { stride?: number; padding?: number } = {}) {
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
  }
  outShape([c, h, w]: Shape): Shape {
    if (c !== this.inChannels) throw new Error(`Conv2d expects ${this.inChannels} input channels, got ${c}`);
    const o = (n: number) => Math.floor((n + 2 * this.padding - this.kernelSize) / this.stride) + 1;
    return [this.outChannels, o(h), o(w)];
  }
  params(prefix: string): ParamSpec[] {
    const fanIn = this.inChannels * this.kernelSize * this.kernelSize;
    return [
      { name: `${prefix}.weight`, shape: [this.outChannels, this.inChannels, this.kernelSize, this.kernelSize], fanIn },
      { name: `${prefix}.bias`, shape: [this.outChannels], fanIn },
    ];
  }
}

export class MaxPool2d implements LayerBase {
  readonly kind = 'maxpool2d';
  readonly stride: number;
  constructor(readonly kernelSize: number, stride?: number) {
    this.stride = stride ?? kernelSize;
  }
  outShape([c, h, w]: Shape): Shape {
    const o = (n: number) => Math.floor((n - this.kernelSize) / this.stride) + 1;
    return [c, o(h), o(w)];
  }
  params(): ParamSpec[] {
    return [];
  }
}

export class Linear implements LayerBase {
  readonly kind = 'linear';
  constructor(readonly inFeatures: number, readonly outFeatures: number) {}
  outShape(input: Shape): Shape {
    const n = input.reduce((a, b) => a * b, 1);
    if (n !== this.inFeatures) throw new Error(`Linear expects ${this.inFeatures} features, got ${n} (shape [${input}])`);
    return [this.outFeatures];
  }
  params(prefix: string): ParamSpec[] {
    return [
      { name: `${prefix}.weight`, shape: [this.outFeatures, this.inFeatures], fanIn: this.inFeatures },
      { name: `${prefix}.bias`, shape: [this.outFeatures], fanIn: this.inFeatures },
    ];
  }
}

export class ReLU implements LayerBase {
  readonly kind = 'relu';
  outShape(input: Shape): Shape {
    return input;
  }
  params(): ParamSpec[] {
    return [];
  }
}

export class Flatten implements LayerBase {
  readonly kind = 'flatten';
  outShape(input: Shape): Shape {
    return [input.reduce((a, b) => a * b, 1)];
  }
  params(): ParamSpec[] {
    return [];
  }
}

export type Layer = Conv2d | MaxPool2d | Linear | ReLU | Flatten;

/** Named layers in order; parameter names are `<layer name>.<weight|bias>`, as in a PyTorch state dict. */
export class Sequential {
  constructor(readonly layers: [string, Layer][], readonly inputShape: Shape = [3, 32, 32]) {
    this.shapes(); // validates the chain
  }

  /** Per-sample shape after every layer (index 0 is the input). */
  shapes(): Shape[] {
    const out = [this.inputShape];
    for (const [, l] of this.layers) out.push(l.outShape(out[out.length - 1]));
    return out;
  }

  get outputShape(): Shape {
    const s = this.shapes();
    return s[s.length - 1];
  }

  params(): ParamSpec[] {
    return this.layers.flatMap(([name, l]) => l.params(name));
  }
}

/**
 * PyTorch's default initialisation: weights Kaiming-uniform with a = √5, i.e. U(±√(6/((1+5)·fan_in))) = U(±1/√fan_in),
 * and biases U(±1/√fan_in); drawn in state-dict order from one seeded stream.
 */
export function initialParams(specs: ParamSpec[], rng: Rng): Record<string, { shape: number[]; data: Float32Array }> {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const s of specs) {
    const bound = s.name.endsWith('.weight') ? Math.sqrt(6 / ((1 + 5) * s.fanIn)) : 1 / Math.sqrt(s.fanIn);
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = rng.uniform(-bound, bound);
    out[s.name] = { shape: s.shape, data };
  }
  return out;
}
