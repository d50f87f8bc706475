/**
 * Planner hook for the fused classifier head (kernels' headForwardBackward): a model ending in
 * Linear → ReLU → Linear whose input carries no fused ReLU is split into a body, planned layer by
 * layer as usual, and the head, which trains in two dispatches instead of nine (matmuls, bias
 * gradients, the loss). A graph planner can apply the same rewrite to any such tail.
 * With lockstep runs the head serves every run of the store (each run's weights paramStride apart,
 * its own loss) when all runs' head weights fit one uniform binding; else the plan is layer by layer.
 */
import { headSupported, headForwardBackward, type Dispatch, type KernelContext, type LossSpec } from '@losslab/kernels';
import { Linear, Sequential, type Graph } from './layers.ts';
import type { ParamStore } from './params.ts';

export interface HeadSplit {
  body: Sequential;
  fc1: string;
  fc2: string;
  k: number;
  h: number;
  c: number;
}

/** The body and head names when `model` ends in a fusable head at this batch size and the store's run count, else null. */
export function splitHead(ctx: KernelContext, model: Graph, store: ParamStore, batch: number): HeadSplit | null {
  if (!(model instanceof Sequential)) return null; // a chain only (ResNet's head is a single Linear anyway)
  const layers = model.layers;
  const n = layers.length;
  if (n < 4) return null;
  const [[fc1, l1], [, relu], [fc2, l2]] = layers.slice(n - 3);
  if (!(l1 instanceof Linear) || relu.kind !== 'relu' || !(l2 instanceof Linear)) return null;
  const before = layers.slice(0, n - 3).filter(([, l]) => l.kind !== 'flatten').pop();
  if (!before || before[1].kind === 'relu') return null; // the input would need a ReLU mask on the way back
  const off = (name: string) => store.offsets.get(name)!;
  const layout = { w1: off(`${fc1}.weight`), b1: off(`${fc1}.bias`), w2: off(`${fc2}.weight`), b2: off(`${fc2}.bias`) };
  const shape = { n: batch, k: l1.inFeatures, h: l1.outFeatures, c: l2.outFeatures };
  if (!headSupported(shape, layout, ctx.device.limits, store.runs)) return null;
  return { body: new Sequential(layers.slice(0, n - 3), model.inputShape), fc1, fc2, k: shape.k, h: shape.h, c: shape.c };
}

/** The head's two dispatches: input x [runs, batch, k] (the body's output), dx into the body's output gradient; one loss per run, or one for all. */
export function planHead(ctx: KernelContext, split: HeadSplit, store: ParamStore, o: {
  batch: number; kind: LossSpec | readonly LossSpec[]; x: GPUBuffer; dx: GPUBuffer; labels: GPUBuffer; stats: GPUBuffer;
}): Dispatch[] {
  const off = (name: string) => store.offsets.get(name)!;
  return headForwardBackward(ctx, {
    shape: { n: o.batch, k: split.k, h: split.h, c: split.c }, kind: o.kind, x: o.x, labels: o.labels, dx: o.dx, stats: o.stats,
    params: store.params, grads: store.grads, runs: store.runs,
    layout: { w1: off(`${split.fc1}.weight`), b1: off(`${split.fc1}.bias`), w2: off(`${split.fc2}.weight`), b2: off(`${split.fc2}.bias`) },
  });
}
