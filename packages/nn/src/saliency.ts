/**
 * Saliency (Simonyan et al. 2014): for each input, the gradient of the predicted class's logit
 * with respect to the input. The forward runs on the device, the predicted classes are read back
 * (a batch's logits, a few hundred bytes), d output / d logits is seeded on the host with the
 * one-hot of each sample's argmax, and the planned backward runs with the input gradient.
 * No new kernel is needed: the seeding is a buffer write. The model is in eval mode (BatchNorm
 * with its running statistics, left unchanged), as PyTorch's model.eval(). No WGSL here.
 *
 * The backward also writes parameter gradients into the store's grads buffer (overwriting it).
 * That is harmless after training, and between training steps too: every training step
 * overwrites those gradients before the update reads them; parameters and momentum are untouched.
 */
import type { KernelContext } from '@losslab/kernels';
import type { Graph } from './graph.ts';
import type { ParamStore } from './params.ts';
import { planBackward, planForward, type BackwardPlan, type ForwardPlan } from './plan.ts';

export interface SaliencyResult {
  /** argmax of each sample's logits (the first on ties). */
  predicted: Uint32Array;
  /** [n, classes] */
  logits: Float32Array;
  /** d logit[predicted] / d input, [n, ...inputShape]. */
  grad: Float32Array;
}

/** The predicted class of each row of `logits` [n, c] and the one-hot seed d output / d logits. */
export function argmaxOneHot(logits: ArrayLike<number>, n: number, c: number): { predicted: Uint32Array; seed: Float32Array<ArrayBuffer> } {
  const predicted = new Uint32Array(n);
  const seed = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (logits[i * c + j] > logits[i * c + best]) best = j;
    predicted[i] = best;
    seed[i * c + best] = 1;
  }
  return { predicted, seed };
}

export class SaliencyStep {
  readonly forward: ForwardPlan;
  readonly backward: BackwardPlan;
  private readonly inputFloats: number;

  constructor(private readonly ctx: KernelContext, model: Graph, store: ParamStore, readonly batch: number) {
    this.forward = planForward(ctx, model, store, batch, { mode: 'eval' });
    this.backward = planBackward(ctx, this.forward, store, { inputGrad: true });
    if (!this.backward.gradInput) throw new Error('saliency: the backward plan has no input gradient');
    this.inputFloats = batch * model.inputShape.reduce((a, b) => a * b, 1);
  }

  /** `input`: [batch, ...inputShape], already normalised as the model was trained. */
  async run(input: Float32Array<ArrayBuffer>): Promise<SaliencyResult> {
    const { ctx, forward: fwd, batch } = this;
    if (input.length !== this.inputFloats) throw new Error(`saliency: input has ${input.length} floats, the plan expects ${this.inputFloats}`);
    ctx.device.queue.writeBuffer(fwd.input, 0, input);
    ctx.run(fwd.dispatches, 'saliency forward');
    const logits = await ctx.readF32(fwd.logits, batch * fwd.classes);
    const { predicted, seed } = argmaxOneHot(logits, batch, fwd.classes);
    ctx.device.queue.writeBuffer(this.backward.gradLogits, 0, seed);
    ctx.run(this.backward.dispatches, 'saliency backward');
    const grad = await ctx.readF32(this.backward.gradInput!, this.inputFloats);
    return { predicted, logits, grad };
  }
}
