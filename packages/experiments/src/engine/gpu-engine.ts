/**
 * The training engine on the device: the data set is uploaded once, each run plans its
 * training steps (augmentation + forward + loss + backward + SGD) and evaluation once, and an
 * epoch is a stream of command buffers with several steps each and no readback until its end.
 */
import {
  kernelContext, formatAdapter, decodeCalibration, type KernelContext, type LossLabDevice, type Dispatch,
} from '@losslab/kernels';
import {
  buildModel, initialParams, lrSchedule, ParamStore, Rng, SgdOptimizer, TrainStep, EvalStep, SaliencyStep, STATS_FLOATS, parseLoss, type Graph, type StateDict,
} from '@losslab/nn';
import { imageSize, inputShape, type Dataset } from '../data/index.ts';
import type { EngineFactory, EpochStats, EvalStats, RunEngine, RunSpec, SaliencyItem, StepProgress } from './types.ts';
import { DeviceDataset, normalizeTestImages, planAugmentSteps, planNormalizeBatches } from './device-data.ts';
import { subsetIndices } from '../data/index.ts';
import { variantFor } from './variants.ts';
import { decodeEngineState, encodeEngineState } from './state-bytes.ts';

/** Steps recorded into one command buffer: fewer submits, and progress stays responsive. */
const STEPS_PER_SUBMIT = 8;
const CALIBRATION_BINS = 15;

export interface GpuEngineOptions {
  device: LossLabDevice;
  dataset: Dataset;
}

export function createGpuEngineFactory(o: GpuEngineOptions): EngineFactory {
  const ctx = kernelContext(o.device.device);
  const data = new DeviceDataset(ctx, o.dataset);
  return {
    adapter: { ...o.device.adapter, summary: formatAdapter(o.device.adapter) } as unknown as Record<string, unknown>,
    testLabels: o.dataset.test.labels,
    createRun: async (spec) => {
      const scope = ctx.scope();
      try {
        return new GpuRun(scope, data, o.dataset, spec);
      } catch (e) {
        scope.destroy(); // a run that cannot be planned leaves nothing behind
        throw e;
      }
    },
    dispose: () => data.destroy(),
  };
}

/**
 * Largest evaluation batch dividing the test set whose biggest activation stays well under a
 * binding's limit and whose activations together stay within 1 GiB (a ResNet-20 has dozens).
 */
function evalBatchFor(model: Graph, testSize: number): number {
  const sizes = model.shapes().map((s) => s.reduce((a, b) => a * b, 1) * 4);
  const largest = Math.max(...sizes);
  const total = sizes.reduce((a, b) => a + b, 0);
  for (const b of [1000, 500, 250, 200, 125, 100, 50, 40, 25, 20, 10, 8, 5, 4, 2, 1]) {
    if (testSize % b === 0 && b * largest <= 64 * 1024 * 1024 && b * total <= 1024 * 1024 * 1024) return b;
  }
  return 1;
}

class GpuRun implements RunEngine {
  readonly stepsPerEpoch: number;
  private readonly model: Graph;
  private readonly store: ParamStore;
  private readonly optimizer: SgdOptimizer;
  private readonly schedule: ReturnType<typeof lrSchedule>;
  private readonly trainIndices: Uint32Array; // data-set indices this run trains on
  private readonly trainLabels: GPUBuffer; // per-run labels (noisy variants differ)
  private readonly order: GPUBuffer; // this epoch's permutation of trainIndices
  private readonly steps: { dispatches: Dispatch[] }[];
  private readonly trainStats: GPUBuffer;
  private readonly evalStep: EvalStep;
  private readonly evalDispatches: Dispatch[][];
  private readonly epochUniform: GPUBuffer;

  /** `ctx` is this run's own scope: every buffer the run allocates is freed by dispose(). */
  constructor(private readonly ctx: KernelContext, private readonly data: DeviceDataset, private readonly dataset: Dataset, private readonly spec: RunSpec) {
    const loss = parseLoss(spec.loss);
    const classes = dataset.spec.classNames.length;
    const sample = imageSize(dataset.spec); // floats of one input
    this.model = buildModel(spec.arch, classes, inputShape(dataset.spec));
    this.store = new ParamStore(ctx, this.model);
    this.store.load(initialParams(this.model.params(), new Rng(spec.seed, 'init')));
    this.store.resetMomentum();
    this.optimizer = new SgdOptimizer(ctx, this.store, { lr: spec.lr, momentum: spec.momentum, weightDecay: spec.weightDecay, nesterov: spec.nesterov });
    this.schedule = lrSchedule(spec.lr, spec.schedule);

    const variant = variantFor(spec.data, dataset.train.labels, spec.seed, classes);
    let indices = variant.indices;
    if (spec.trainSubset !== null && spec.trainSubset < indices.length) indices = subsetIndices(indices, spec.trainSubset, spec.seed);
    this.trainIndices = indices;
    this.trainLabels = ctx.upload(Uint32Array.from(variant.labels), 'train_labels');
    this.order = ctx.storage(indices.length * 4, 'order');
    this.epochUniform = ctx.createBuffer({ label: 'epoch', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });

    const b = spec.batchSize;
    const n = indices.length;
    this.stepsPerEpoch = Math.ceil(n / b);
    const rem = n - (this.stepsPerEpoch - 1) * b;
    this.trainStats = ctx.storage(STATS_FLOATS * 4, 'train_stats');
    const input = ctx.storage(b * sample * 4, 'batch_images');
    const labels = ctx.storage(b * 4, 'batch_labels');
    const full = new TrainStep(ctx, this.model, this.store, this.optimizer, { batch: b, loss, input, labels, stats: this.trainStats });
    const last = rem === b ? full : new TrainStep(ctx, this.model, this.store, this.optimizer, { batch: rem, loss, input, labels, stats: this.trainStats });
    const augments = planAugmentSteps(ctx, this.data, {
      labels: this.trainLabels, order: this.order, batch: b, count: n, out: input, outLabels: labels, seeds: [spec.seed], epoch: this.epochUniform,
    });
    this.steps = augments.map((aug, k) => ({ dispatches: [aug, ...(k === this.stepsPerEpoch - 1 ? last : full).dispatches] }));

    const evalBatch = evalBatchFor(this.model, data.testCount);
    const evalInput = ctx.storage(evalBatch * sample * 4, 'eval_images');
    const evalLabels = ctx.storage(evalBatch * 4, 'eval_labels');
    this.evalStep = new EvalStep(ctx, this.model, this.store, { batch: evalBatch, loss, input: evalInput, labels: evalLabels, bins: CALIBRATION_BINS });
    this.evalDispatches = planNormalizeBatches(ctx, this.data, { batch: evalBatch, out: evalInput, outLabels: evalLabels })
      .map((norm) => [norm, ...this.evalStep.dispatches]);
  }

  async trainEpoch(epoch: number, evaluate: boolean, onProgress?: (p: StepProgress) => void): Promise<EpochStats> {
    const { device } = this.ctx;
    const t0 = performance.now();
    const lr = this.schedule.lrAt(epoch - 1); // the schedule is stepped once per completed epoch
    this.optimizer.setLr(lr);
    const perm = new Rng(this.spec.seed, `shuffle/${epoch}`).permutation(this.trainIndices.length);
    device.queue.writeBuffer(this.order, 0, Uint32Array.from(perm, (k) => this.trainIndices[k]));
    device.queue.writeBuffer(this.epochUniform, 0, Uint32Array.of(epoch, 0, 0, 0));
    device.queue.writeBuffer(this.trainStats, 0, new Float32Array(STATS_FLOATS));
    let inFlight: Promise<unknown> | undefined;
    for (let s = 0; s < this.stepsPerEpoch; s += STEPS_PER_SUBMIT) {
      const chunk = this.steps.slice(s, s + STEPS_PER_SUBMIT).map((st) => st.dispatches);
      this.ctx.run(chunk.flat(), `train ${epoch}:${s}`);
      const done = device.queue.onSubmittedWorkDone();
      if (inFlight) await inFlight; // keep one command buffer queued behind the running one
      inFlight = done;
      onProgress?.({ step: Math.min(s + STEPS_PER_SUBMIT, this.stepsPerEpoch), steps: this.stepsPerEpoch });
    }
    const stats = await this.ctx.readF32(this.trainStats, STATS_FLOATS);
    const trainSeconds = (performance.now() - t0) / 1000;
    const result: EpochStats = { epoch, lr, trainLoss: stats[0] / stats[2], trainAcc: stats[1] / stats[2], trainSeconds };
    if (evaluate) result.eval = await this.evaluate();
    return result;
  }

  async evaluate(): Promise<EvalStats> {
    const t0 = performance.now();
    const e = this.evalStep;
    const { queue } = this.ctx.device;
    for (const b of [e.lossStats, e.nllStats, e.confusion, e.calibration]) queue.writeBuffer(b, 0, new Uint8Array(b.size));
    this.ctx.run(this.evalDispatches.flat(), 'evaluate');
    const [loss, nll, confusion, calibration] = await Promise.all([
      this.ctx.readF32(e.lossStats, STATS_FLOATS),
      this.ctx.readF32(e.nllStats, STATS_FLOATS),
      this.ctx.readU32(e.confusion, e.confusion.size / 4),
      this.ctx.readU32(e.calibration, CALIBRATION_BINS * 3),
    ]);
    const c = Math.round(Math.sqrt(confusion.length));
    return {
      testLoss: loss[0] / loss[2],
      testNll: nll[0] / nll[2],
      testAcc: nll[1] / nll[2],
      confusion: Array.from({ length: c }, (_, i) => Array.from(confusion.subarray(i * c, i * c + c))),
      calibration: decodeCalibration(calibration, CALIBRATION_BINS),
      seconds: (performance.now() - t0) / 1000,
    };
  }

  /** Parameters, momentum and the running state (BatchNorm statistics), so a resumed run continues byte-identically. */
  async saveState(): Promise<Uint8Array> {
    const running = this.store.stateSpecs.length ? await this.store.readFlat('state') : new Float32Array(0);
    return encodeEngineState(this.spec.arch, await this.store.readFlat('params'), await this.store.readFlat('momentum'), running);
  }

  async loadState(bytes: Uint8Array): Promise<void> {
    const { header, params, momentum, state } = decodeEngineState(bytes);
    const stateFloats = state.length; // format 1 (before running state) has none
    const expectState = this.store.stateSpecs.length ? this.store.stateFloats : stateFloats; // a model without state ignores any
    if (header.floats !== this.store.totalFloats || header.arch !== this.spec.arch || stateFloats !== expectState) {
      throw new Error(`saved state is for ${header.arch} with ${header.floats}+${stateFloats} floats, this run is ${this.spec.arch} with ${this.store.totalFloats}+${expectState}`);
    }
    this.store.writeFlat('params', params);
    this.store.writeFlat('momentum', momentum);
    if (this.store.stateSpecs.length) this.store.writeFlat('state', state);
  }

  /** Planned per call (once per run, at its end); overwrites the parameter gradients, which training does not carry over. */
  async saliency(indices: number[]): Promise<SaliencyItem[]> {
    if (!indices.length) return [];
    const scope = this.ctx.scope(); // the saliency plan's buffers live only for this call
    const { predicted, grad } = await new SaliencyStep(scope, this.model, this.store, indices.length)
      .run(normalizeTestImages(this.dataset, indices))
      .finally(() => scope.destroy());
    const per = grad.length / indices.length;
    const { height, width } = this.dataset.spec;
    return indices.map((index, i) => ({
      index,
      label: this.dataset.test.labels[index],
      predicted: predicted[i],
      grad: grad.slice(i * per, (i + 1) * per),
      image: this.dataset.test.images.slice(index * per, (index + 1) * per),
      height,
      width,
    }));
  }

  stateDict(): Promise<StateDict> {
    return this.store.stateDict();
  }

  loadStateDict(state: StateDict): void {
    this.store.load(state);
  }

  /** Frees the run's buffers (parameters, activations, uniforms); the data set and pipelines stay. */
  dispose(): void {
    this.ctx.destroy();
  }
}
