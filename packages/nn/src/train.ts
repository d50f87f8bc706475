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
import { STATS_STRIDE } from '@losslab/kernels';

export { parseLoss };

/** f32 accumulator per run: [sum of per-sample losses, correct predictions, samples, -] (the loss kernel's); R runs hold R of them, run-major. */
export const STATS_FLOATS = STATS_STRIDE;

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

/** A step's loss: one for every run, or one per run (a list of the store's run count). */
export type RunLoss = LossSpec | string | readonly (LossSpec | string)[];

/** One parsed loss per run of `store` (a single loss serves every run). */
export function lossesPerRun(loss: RunLoss, runs: number): LossSpec[] {
  const parse = (l: LossSpec | string) => (typeof l === 'string' ? parseLoss(l) : l);
  if (!Array.isArray(loss)) return Array.from({ length: runs }, () => parse(loss as LossSpec | string));
  if (loss.length !== runs) throw new Error(`${loss.length} losses for ${runs} runs: give one loss per run, or one for all`);
  return loss.map(parse);
}

export interface TrainStepOptions {
  /** Samples per run. */
  batch: number;
  loss: RunLoss;
  /** Where the batch's images are (planned by the caller, e.g. the augmentation kernel), runs × batch, run-major; allocated if absent. */
  input?: GPUBuffer;
  /** u32 labels of the batch, runs × batch, run-major; allocated if absent. */
  labels?: GPUBuffer;
  /** Training-metric accumulator (runs × STATS_FLOATS f32, run r's at r · STATS_FLOATS); allocated if absent. */
  stats?: GPUBuffer;
  /** Also compute d loss / d input (saliency, parity). */
  inputGrad?: boolean;
  /** Leave the SGD update out (gradient checks, parity of gradients). */
  noUpdate?: boolean;
  /** false: plan the classifier head layer by layer even where the fused head applies (comparisons). */
  fuseHead?: boolean;
}

/** A training step for every run of the store (store.runs): each run with its own parameters, data and loss, in the dispatches of one. */
export class TrainStep {
  readonly forward: ForwardPlan;
  readonly backward: BackwardPlan;
  readonly labels: GPUBuffer;
  readonly stats: GPUBuffer;
  /** Each run's loss (run r's at r). */
  readonly losses: readonly LossSpec[];
  /** Forward, loss, backward and (unless noUpdate) the update, in order. */
  readonly dispatches: Dispatch[];

  constructor(ctx: KernelContext, model: Graph, store: ParamStore, optimizer: SgdOptimizer | null, o: TrainStepOptions) {
    const runs = store.runs;
    this.losses = lossesPerRun(o.loss, runs.count);
    // A Linear → ReLU → Linear tail trains fused (two dispatches); `forward` and `backward` are then the body's.
    const head = o.fuseHead === false ? null : splitHead(ctx, model, store, o.batch);
    this.forward = planForward(ctx, head?.body ?? model, store, o.batch, { input: o.input });
    this.backward = planBackward(ctx, this.forward, store, { inputGrad: o.inputGrad });
    this.labels = o.labels ?? ctx.storage(runs.count * o.batch * 4, 'labels');
    this.stats = o.stats ?? ctx.storage(runs.count * STATS_FLOATS * 4, 'train_stats');
    const lossAndHead = head
      ? planHead(ctx, head, store, { batch: o.batch, kind: this.losses, x: this.forward.logits, dx: this.backward.gradLogits, labels: this.labels, stats: this.stats })
      : [lossForwardBackward(ctx, {
        kind: this.losses, logits: this.forward.logits, target: this.labels, n: o.batch, c: this.forward.classes,
        gradLogits: this.backward.gradLogits, stats: this.stats, runs,
      })].flat();
    this.dispatches = [...this.forward.dispatches, ...lossAndHead, ...this.backward.dispatches];
    if (!o.noUpdate) {
      if (!optimizer) throw new Error('a training step with an update needs an optimizer');
      this.dispatches.push(optimizer.plan());
    }
  }
}

/**
 * Evaluation in large batches, in eval mode (running statistics), with no gradient work: own-criterion loss, cross-entropy, confusion, calibration.
 * With R runs (store.runs) every buffer holds R run-major copies: inputs and labels R × batch, the
 * statistics R × STATS_FLOATS, confusion R × c·c, calibration R × bins·3.
 */
export class EvalStep {
  readonly forward: ForwardPlan;
  readonly labels: GPUBuffer;
  /** Per run: [own loss sum, correct, samples, -] and [CE sum, correct, samples, -]. */
  readonly lossStats: GPUBuffer;
  readonly nllStats: GPUBuffer;
  readonly confusion: GPUBuffer;
  readonly calibration: GPUBuffer;
  readonly dispatches: Dispatch[];

  constructor(ctx: KernelContext, model: Graph, store: ParamStore, o: {
    batch: number; loss: RunLoss; input?: GPUBuffer; labels?: GPUBuffer; bins?: number;
    shared?: { lossStats: GPUBuffer; nllStats: GPUBuffer; confusion: GPUBuffer; calibration: GPUBuffer };
  }) {
    const runs = store.runs;
    const R = runs.count;
    const kind = lossesPerRun(o.loss, R);
    const bins = o.bins ?? 15;
    this.forward = planForward(ctx, model, store, o.batch, { input: o.input, mode: 'eval' });
    const c = this.forward.classes;
    this.labels = o.labels ?? ctx.storage(R * o.batch * 4, 'eval_labels');
    this.lossStats = o.shared?.lossStats ?? ctx.storage(R * STATS_FLOATS * 4, 'eval_loss_stats');
    this.nllStats = o.shared?.nllStats ?? ctx.storage(R * STATS_FLOATS * 4, 'eval_nll_stats');
    this.confusion = o.shared?.confusion ?? ctx.storage(R * c * c * 4, 'confusion');
    this.calibration = o.shared?.calibration ?? ctx.storage(R * bins * 3 * 4, 'calibration');
    const logits = this.forward.logits;
    this.dispatches = [
      ...this.forward.dispatches,
      ...[lossForwardBackward(ctx, { kind, logits, target: this.labels, n: o.batch, c, stats: this.lossStats, runs })].flat(),
      ...[lossForwardBackward(ctx, { kind: parseLoss('ce'), logits, target: this.labels, n: o.batch, c, stats: this.nllStats, runs })].flat(),
      ...[evalMetrics(ctx, { logits, target: this.labels, n: o.batch, c, confusion: this.confusion, calibration: this.calibration, bins, runs })].flat(),
    ];
  }
}
