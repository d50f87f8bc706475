/**
 * The one wiring of a training step: R runs of one architecture (R = 1 alone, R > 1 in lockstep)
 * turned into their model, packed parameters (each run initialised from its own seed), SGD state,
 * learning-rate schedules and the planned step (forward, each run's own loss, backward, update)
 * for a full and a last (smaller) batch, plus evaluation. The engine, the trajectory check, the
 * benches and the PyTorch parity all plan through here; data (which images, augmentation) is the
 * caller's — it writes the step's `input` and `labels` buffers. Imports nothing from Node.
 */
import type { KernelContext, LossSpec } from '@losslab/kernels';
import { buildModel } from './models.ts';
import { initialParams } from './layers.ts';
import { Rng } from './rng.ts';
import { ParamStore, type StateDict } from './params.ts';
import { lrSchedule, type LrScheduleSpec } from './optim.ts';
import { EvalStep, SgdOptimizer, TrainStep, STATS_FLOATS, parseLoss } from './train.ts';
import type { Graph } from './graph.ts';

/** What one run brings to the plan; the architecture and shapes must agree across runs. */
export interface RunModelSpec {
  arch: string;
  /** A loss name or a user's `name=expr` definition. */
  loss: string | LossSpec;
  /** Initial weights: drawn from this seed (PyTorch's default initialisation, `init` stream) unless `init` is given. */
  seed: number;
  init?: StateDict;
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  schedule?: LrScheduleSpec;
}

export interface RunPlanOptions {
  classes: number;
  /** Per sample, e.g. [3, 32, 32]. */
  inputShape: number[];
  /** Samples per run per step. */
  batch: number;
  /** Samples in an epoch's last step when it is smaller than `batch` (planned as its own step). */
  lastBatch?: number;
  /** Evaluation batch (per run); absent: no evaluation is planned. */
  evalBatch?: number;
  calibrationBins?: number;
  /** Plan d loss / d input and no SGD update (gradient checks). */
  gradientsOnly?: boolean;
  /**
   * true: a Linear → ReLU → Linear tail trains as the fused head (two dispatches) — only for one
   * run: it reads the run's head weights through one uniform binding, which cannot hold several
   * runs' copies, so a group would plan the head layer by layer and its members would no longer
   * match their runs alone bit for bit. Default false: every group size plans the same kernels.
   */
  fuseHead?: boolean;
}

/** The step's inputs and outputs the caller fills and reads: images [R][batch][…], labels [R][batch], stats [R][STATS_FLOATS]. */
export interface StepBuffers {
  input: GPUBuffer;
  labels: GPUBuffer;
  stats: GPUBuffer;
}

export class RunPlan {
  readonly runs: number;
  readonly model: Graph;
  readonly store: ParamStore;
  readonly optimizer: SgdOptimizer | null;
  readonly losses: LossSpec[];
  readonly schedules: ReturnType<typeof lrSchedule>[];
  readonly train: StepBuffers;
  /** The planned step for a full batch and (when the epoch ends short) for the last one. */
  readonly step: TrainStep;
  readonly lastStep: TrainStep;
  readonly evalStep: EvalStep | null;
  readonly evalInput: GPUBuffer | null;
  readonly evalLabels: GPUBuffer | null;

  constructor(readonly ctx: KernelContext, readonly specs: readonly RunModelSpec[], readonly o: RunPlanOptions) {
    if (!specs.length) throw new Error('a run plan needs at least one run');
    const arch = specs[0].arch;
    const other = specs.find((s) => s.arch !== arch);
    if (other) throw new Error(`runs planned together must share their architecture: ${arch} and ${other.arch}`);
    this.runs = specs.length;
    this.losses = specs.map((s) => (typeof s.loss === 'string' ? parseLoss(s.loss) : s.loss));
    this.model = buildModel(arch, o.classes, o.inputShape);
    this.store = new ParamStore(ctx, this.model, [], this.runs);
    specs.forEach((s, r) => this.store.load(s.init ?? initialParams(this.model.params(), new Rng(s.seed, 'init')), r));
    this.store.resetMomentum();
    this.schedules = specs.map((s) => lrSchedule(s.lr, s.schedule ?? { type: 'step', stepSize: 1, gamma: 1 }));
    const sgd = specs.map((s) => ({ lr: s.lr, momentum: s.momentum, weightDecay: s.weightDecay, nesterov: s.nesterov }));
    this.optimizer = o.gradientsOnly ? null : new SgdOptimizer(ctx, this.store, sgd);
    const sample = o.inputShape.reduce((a, b) => a * b, 1);
    const R = this.runs;
    this.train = {
      input: ctx.storage(R * o.batch * sample * 4, 'batch_images'),
      labels: ctx.storage(R * o.batch * 4, 'batch_labels'),
      stats: ctx.storage(R * STATS_FLOATS * 4, 'train_stats'),
    };
    const stepFor = (batch: number) => new TrainStep(ctx, this.model, this.store, this.optimizer, {
      batch, loss: this.losses, ...this.train, inputGrad: o.gradientsOnly, noUpdate: o.gradientsOnly, fuseHead: o.fuseHead ?? false,
    });
    this.step = stepFor(o.batch);
    this.lastStep = o.lastBatch === undefined || o.lastBatch === o.batch ? this.step : stepFor(o.lastBatch);
    if (o.evalBatch) {
      this.evalInput = ctx.storage(R * o.evalBatch * sample * 4, 'eval_images');
      this.evalLabels = ctx.storage(R * o.evalBatch * 4, 'eval_labels');
      this.evalStep = new EvalStep(ctx, this.model, this.store, { batch: o.evalBatch, loss: this.losses, input: this.evalInput, labels: this.evalLabels, bins: o.calibrationBins ?? 15 });
    } else {
      this.evalStep = this.evalInput = this.evalLabels = null;
    }
  }

  /** Each run's learning rate for a 1-based epoch (its schedule stepped once per completed epoch), set for the steps submitted next. */
  setEpoch(epoch: number): number[] {
    const lrs = this.schedules.map((s) => s.lrAt(epoch - 1));
    this.optimizer?.setLr(lrs);
    return lrs;
  }
}
