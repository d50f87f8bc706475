/**
 * The layers (one module file each in ./modules) and the seeded initialisation. A layer decides
 * its parameters' initialisation; initialParams draws them in state-dict order from one stream.
 */
import type { ParamSpec, StateDict } from './params.ts';
import type { Rng } from './rng.ts';

export type { Shape, Mode, Module, Init, StateSpec } from './module.ts';
export { Conv2d, type Conv2dOptions, type WeightInit } from './modules/conv2d.ts';
export { Linear } from './modules/linear.ts';
export { MaxPool2d } from './modules/maxpool2d.ts';
export { ReLU } from './modules/relu.ts';
export { Flatten } from './modules/flatten.ts';
export { BatchNorm2d } from './modules/batchnorm2d.ts';
export { ResidualAdd } from './modules/residual_add.ts';
export { GlobalAvgPool } from './modules/global_avg_pool.ts';
export { Graph, Sequential, INPUT, type GraphNode } from './graph.ts';

/** Every parameter drawn as its layer says (uniform, normal or constant), in state-dict order from one seeded stream. */
export function initialParams(specs: ParamSpec[], rng: Rng): Record<string, { shape: number[]; data: Float32Array }> {
  const out: StateDict & Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const init = s.init;
    for (let i = 0; i < n; i++) {
      data[i] = init.kind === 'uniform' ? rng.uniform(-init.bound, init.bound) : init.kind === 'normal' ? init.std * rng.normal() : init.value;
    }
    out[s.name] = { shape: s.shape, data };
  }
  return out;
}
