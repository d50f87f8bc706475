/**
 * The training step and the evaluation pass as dispatch lists, planned once per batch size.
 * A step is forward, loss (+ on-device loss/accuracy accumulation), backward and the SGD
 * update; callers encode one or several steps into one command buffer and submit once. The
 * learning rate lives in a small buffer written once per epoch, so no pipeline is rebuilt.
 */
import {
  lossForwardBackward, sgdStep, writeSgdHyper, SGD_HYPER_BYTES, evalMetrics, parseLoss,
  type Dispatch, type KernelContext, type LossSpec,
} from '@losslab/kernels';
import type { Graph } from './graph.ts';
import type { ParamStore } from './params.ts';
import { planBackward, planForward, type BackwardPlan, type ForwardPlan } from './plan.ts';
import { validateSgd, type SgdOptions } from './optim.ts';
import { splitHead, planHead } from './fused-head.ts';

export { parseLoss };

/** f32 accumulator: [sum of per-sample losses, correct predictions, samples] (see the loss kernel). */
export const STATS_FLOATS = 4;

/**
 * SGD state on the device: the hyper-parameters the update kernel reads, one set per run. With
 * lockstep runs (store.runs.count = R) each run has its own learning rate, momentum, weight decay
 * and Nesterov flag (`opts` one per run, or one for all), and one dispatch updates every run.
 */
export class SgdOptimizer {
  readonly hyper: GPUBuffer;
  private opts: Required<SgdOptions>[];

  constructor(readonly ctx: KernelContext, readonly store: ParamStore, opts: SgdOptions | readonly SgdOptions[]) {
    const runs = store.runs.count;
    const list = Array.isArray(opts) ? (opts as readonly SgdOptions[]) : Array.from({ length: runs }, () => opts as SgdOptions);
    if (list.length !== runs) throw new Error(`SGD options: ${list.length} given for ${runs} run${runs > 1 ? 's' : ''} (one per run, or one for all)`);
    this.opts = list.map((o) => validateSgd(o));
    this.hyper = ctx.storage(runs * SGD_HYPER_BYTES, 'sgd_hyper');
    this.write();
  }

  /** Run 0's learning rate (the only one with a single run). */
  get lr(): number {
    return this.opts[0].lr;
  }

  /** Every run's learning rate. */
  get lrs(): number[] {
    return this.opts.map((o) => o.lr);
  }

  /** One learning rate for every run, or one per run. Takes effect for every step submitted after this call. */
  setLr(lr: number | readonly number[]): void {
    const runs = this.opts.length;
    const lrs = typeof lr === 'number' ? Array.from({ length: runs }, () => lr) : lr;
    if (lrs.length !== runs) throw new Error(`setLr: ${lrs.length} learning rates for ${runs} run${runs > 1 ? 's' : ''}`);
    this.opts = this.opts.map((o, r) => ({ ...o, lr: lrs[r] }));
    this.write();
  }

  private write(): void {
    writeSgdHyper(this.ctx, this.hyper, this.opts);
  }

  /** One dispatch updating every parameter of every run. */
  plan(): Dispatch {
    const s = this.store;
    return sgdStep(this.ctx, { params: s.params, grads: s.grads, momentum: s.momentum, count: s.totalFloats, hyper: this.hyper, runs: s.runs });
  }
}

export interface TrainStepOptions {
  batch: number;
  loss: LossSpec | string;
  /** Where the batch's images are (planned by the caller, e.g. the augmentation kernel); allocated if absent. */
  input?: GPUBuffer;
  /** u32 labels of the batch; allocated if absent. */
  labels?: GPUBuffer;
  /** Training-metric accumulator (STATS_FLOATS f32); allocated if absent. */
  stats?: GPUBuffer;
  /** Also compute d loss / d input (saliency, parity). */
  inputGrad?: boolean;
  /** Leave the SGD update out (gradient checks, parity of gradients). */
  noUpdate?: boolean;
  /** false: plan the classifier head layer by layer even where the fused head applies (comparisons). */
  fuseHead?: boolean;
}

export class TrainStep {
  readonly forward: ForwardPlan;
  readonly backward: BackwardPlan;
  readonly labels: GPUBuffer;
  readonly stats: GPUBuffer;
  readonly loss: LossSpec;
  /** Forward, loss, backward and (unless noUpdate) the update, in order. */
  readonly dispatches: Dispatch[];

  constructor(ctx: KernelContext, model: Graph, store: ParamStore, optimizer: SgdOptimizer | null, o: TrainStepOptions) {
    this.loss = typeof o.loss === 'string' ? parseLoss(o.loss) : o.loss;
    // A Linear → ReLU → Linear tail trains fused (two dispatches); `forward` and `backward` are then the body's.
    const head = o.fuseHead === false ? null : splitHead(ctx, model, store, o.batch);
    this.forward = planForward(ctx, head?.body ?? model, store, o.batch, { input: o.input });
    this.backward = planBackward(ctx, this.forward, store, { inputGrad: o.inputGrad });
    this.labels = o.labels ?? ctx.storage(o.batch * 4, 'labels');
    this.stats = o.stats ?? ctx.storage(STATS_FLOATS * 4, 'train_stats');
    const lossAndHead = head
      ? planHead(ctx, head, store, { batch: o.batch, kind: this.loss, x: this.forward.logits, dx: this.backward.gradLogits, labels: this.labels, stats: this.stats })
      : [lossForwardBackward(ctx, {
        kind: this.loss, logits: this.forward.logits, target: this.labels, n: o.batch, c: this.forward.classes,
        gradLogits: this.backward.gradLogits, stats: this.stats,
      })].flat();
    this.dispatches = [...this.forward.dispatches, ...lossAndHead, ...this.backward.dispatches];
    if (!o.noUpdate) {
      if (!optimizer) throw new Error('a training step with an update needs an optimizer');
      this.dispatches.push(optimizer.plan());
    }
  }
}

/** Evaluation in large batches, in eval mode (running statistics), with no gradient work: own-criterion loss, cross-entropy, confusion, calibration. */
export class EvalStep {
  readonly forward: ForwardPlan;
  readonly labels: GPUBuffer;
  /** [own loss sum, correct, samples, -] and [CE sum, correct, samples, -]. */
  readonly lossStats: GPUBuffer;
  readonly nllStats: GPUBuffer;
  readonly confusion: GPUBuffer;
  readonly calibration: GPUBuffer;
  readonly dispatches: Dispatch[];

  constructor(ctx: KernelContext, model: Graph, store: ParamStore, o: {
    batch: number; loss: LossSpec | string; input?: GPUBuffer; labels?: GPUBuffer; bins?: number;
    shared?: { lossStats: GPUBuffer; nllStats: GPUBuffer; confusion: GPUBuffer; calibration: GPUBuffer };
  }) {
    const kind = typeof o.loss === 'string' ? parseLoss(o.loss) : o.loss;
    const bins = o.bins ?? 15;
    this.forward = planForward(ctx, model, store, o.batch, { input: o.input, mode: 'eval' });
    const c = this.forward.classes;
    this.labels = o.labels ?? ctx.storage(o.batch * 4, 'eval_labels');
    this.lossStats = o.shared?.lossStats ?? ctx.storage(STATS_FLOATS * 4, 'eval_loss_stats');
    this.nllStats = o.shared?.nllStats ?? ctx.storage(STATS_FLOATS * 4, 'eval_nll_stats');
    this.confusion = o.shared?.confusion ?? ctx.storage(c * c * 4, 'confusion');
    this.calibration = o.shared?.calibration ?? ctx.storage(bins * 3 * 4, 'calibration');
    const logits = this.forward.logits;
    this.dispatches = [
      ...this.forward.dispatches,
      ...[lossForwardBackward(ctx, { kind, logits, target: this.labels, n: o.batch, c, stats: this.lossStats })].flat(),
      ...[lossForwardBackward(ctx, { kind: parseLoss('ce'), logits, target: this.labels, n: o.batch, c, stats: this.nllStats })].flat(),
      ...[evalMetrics(ctx, { logits, target: this.labels, n: o.batch, c, confusion: this.confusion, calibration: this.calibration, bins })].flat(),
    ];
  }
}
