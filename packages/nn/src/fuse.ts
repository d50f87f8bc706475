/**
 * The fusion pass: a rewrite of the graph into planned nodes, so that today's fast paths stay
 * fast without the planner knowing any layer. Patterns, each only where the intermediate tensor
 * has exactly one consumer:
 *   conv → ReLU → max pool        one fused op, where the convolution planner (kernels' planConv) fuses it
 *   conv → ReLU, linear → ReLU    ReLU in the forward; consumers apply its mask in their backward
 *   BatchNorm → ReLU, add → ReLU  ReLU in the forward and, from its own output, in its backward
 * A fused node keeps the first module's name (its parameters) and takes the last one's output
 * name (what consumers read); its activation is named as the unfused graph names it.
 */
import { planConv, type ConvLimits } from '@losslab/kernels';
import type { Module } from './module.ts';
import { INPUT, type Graph } from './graph.ts';
import { Conv2d } from './modules/conv2d.ts';
import { Linear } from './modules/linear.ts';
import { MaxPool2d } from './modules/maxpool2d.ts';
import { BatchNorm2d } from './modules/batchnorm2d.ts';
import { ResidualAdd } from './modules/residual_add.ts';
import { ConvReluPool } from './modules/conv_relu_pool.ts';

export interface PlannedNode {
  /** Prefix of the module's parameters and state. */
  prefix: string;
  /** The tensor it produces, as consumers name it. */
  name: string;
  /** Name of its output in ForwardPlan.activations. */
  activation: string;
  module: Module;
  inputs: string[];
}

/** Modules a following ReLU folds into. */
function withRelu(m: Module): Module | undefined {
  if (m instanceof Conv2d || m instanceof Linear || m instanceof BatchNorm2d || m instanceof ResidualAdd) return m.withRelu();
  return undefined;
}

/** A ReLU's activation is named after what it rectifies (fc1_relu), fused or not. */
const reluName = (producer: string) => `${producer}_relu`;

/** `limits`: the adapter's (device.limits), which the convolution planner's choices depend on. */
export function plannedNodes(model: Graph, fuse: boolean, batch: number, limits?: ConvLimits): PlannedNode[] {
  const shapes = model.shapeMap();
  const consumers = new Map<string, string[]>();
  for (const n of model.nodes) for (const x of n.inputs) consumers.set(x, [...(consumers.get(x) ?? []), n.name]);
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  /** The only consumer of `name`, if it has exactly one. */
  const only = (name: string) => {
    const c = consumers.get(name) ?? [];
    return c.length === 1 ? byName.get(c[0]) : undefined;
  };
  const alias = new Map<string, string>(); // a folded node's name → the node that produces its tensor now
  const out: PlannedNode[] = [];
  const folded = new Set<string>();
  for (const n of model.nodes) {
    if (folded.has(n.name)) continue;
    const inputs = n.inputs.map((x) => alias.get(x) ?? x);
    const relu = fuse ? only(n.name) : undefined;
    if (relu?.module.kind === 'relu') {
      const pool = only(relu.name);
      const inShape = shapes.get(n.inputs[0]) ?? shapes.get(INPUT)!;
      if (n.module instanceof Conv2d && pool?.module instanceof MaxPool2d &&
          planConv(n.module.shape(inShape, batch), { relu: true, bias: n.module.bias, pool: { kernel: pool.module.kernelSize, stride: pool.module.stride } }, limits).fused) {
        out.push({ prefix: n.name, name: pool.name, activation: pool.name, module: new ConvReluPool(n.module, pool.module), inputs });
        folded.add(relu.name).add(pool.name);
        alias.set(relu.name, pool.name);
        continue;
      }
      const fused = withRelu(n.module);
      if (fused) {
        out.push({ prefix: n.name, name: relu.name, activation: reluName(n.name), module: fused, inputs });
        folded.add(relu.name);
        continue;
      }
    }
    const producer = inputs[0];
    const activation = n.module.kind === 'relu' && producer !== INPUT ? reluName(producer) : n.name;
    out.push({ prefix: n.name, name: n.name, activation, module: n.module, inputs });
  }
  return out;
}
