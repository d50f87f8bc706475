/**
 * The training engine on the device: the data set is uploaded once, each run plans its
 * training steps (augmentation + forward + loss + backward + SGD) and evaluation once, and an
 * epoch is a stream of command buffers with several steps each and no readback until its end.
 */
import {
  kernelContext, formatAdapter, decodeCalibration, createAugmentEpoch, writeAugmentEpoch, conv2dReluPoolMaxRuns, type Conv2dShape, type KernelContext, type LossLabDevice, type Dispatch,
} from '@losslab/kernels';
import { buildModel, plannedNodes, ParamStore, Rng, RunPlan, SaliencyStep, STATS_FLOATS, type Graph, type StateDict } from '@losslab/nn';
import { imageSize, inputShape, type Dataset } from '../data/dataset.ts';
import type { EngineFactory, EpochStats, EvalStats, GroupEngine, RunEngine, RunSpec, SaliencyItem, StepProgress } from './types.ts';
import { DeviceDataset, normalizeTestImages, planAugmentSteps, planNormalizeBatches, uploadRunLabels, writeRunOrders } from './device-data.ts';
import { subsetIndices } from '../data/subset.ts';
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
  const createGroup = async (specs: RunSpec[]): Promise<GroupEngine> => {
    const scope = ctx.scope();
    try {
      return new GpuGroup(scope, data, o.dataset, specs);
    } catch (e) {
      scope.destroy(); // a group that cannot be planned leaves nothing behind
      throw e;
    }
  };
  return {
    adapter: { ...o.device.adapter, summary: formatAdapter(o.device.adapter) } as unknown as Record<string, unknown>,
    testLabels: o.dataset.test.labels,
    // Alone is a group of one: the same plan and kernels, so lockstep members match it bit for bit.
    createRun: async (spec) => memberEngine(await createGroup([spec]), 0),
    createGroup,
    maxGroupSize: (spec) => maxGroupSize(o.device.device.limits, o.dataset, spec),
    lockstepKey: (spec) => lockstepKey(spec, trainingSet(o.dataset, spec).indices.length),
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

/** Runs that can train in one lockstep group: the same program and the same number of steps. */
export function lockstepKey(spec: RunSpec, trainCount: number): string {
  return JSON.stringify([spec.arch, spec.batchSize, trainCount]);
}

/** The images run `spec` trains on (its data variant, then its subset) and the labels of the whole training set (noisy where the variant says). */
export function trainingSet(dataset: Dataset, spec: Pick<RunSpec, 'data' | 'seed' | 'trainSubset'>): { indices: Uint32Array; labels: ArrayLike<number> } {
  const variant = variantFor(spec.data, dataset.train.labels, spec.seed, dataset.spec.classNames.length);
  let indices = variant.indices;
  if (spec.trainSubset !== null && spec.trainSubset < indices.length) indices = subsetIndices(indices, spec.trainSubset, spec.seed);
  return { indices, labels: variant.labels };
}

/**
 * R runs as one program (R = 1: a run alone). Every buffer holds R run-major copies; one
 * augmentation dispatch fills every run's batch (each from its own order and labels, with its own
 * seed), one step trains them all, one evaluation pass evaluates them all.
 */
export class GpuGroup implements GroupEngine {
  readonly stepsPerEpoch: number;
  readonly specs: readonly RunSpec[];
  private readonly plan: RunPlan;
  private readonly runCount: number;
  private readonly trainCount: number;
  private readonly trainIndices: Uint32Array[]; // per run: data-set indices it trains on
  private readonly order: GPUBuffer; // [R][trainCount]: this epoch's permutation of each run's indices
  private readonly steps: Dispatch[][];
  private readonly evalDispatches: Dispatch[][];
  private readonly epochUniform: GPUBuffer;

  /** `ctx` is this group's own scope: every buffer it allocates is freed by dispose(). */
  constructor(private readonly ctx: KernelContext, private readonly data: DeviceDataset, private readonly dataset: Dataset, specs: RunSpec[]) {
    if (!specs.length) throw new Error('a lockstep group needs at least one run');
    this.specs = specs;
    const R = (this.runCount = specs.length);
    const sets = specs.map((s) => trainingSet(dataset, s));
    this.trainIndices = sets.map((t) => t.indices);
    const n = (this.trainCount = this.trainIndices[0].length);
    const key = lockstepKey(specs[0], n);
    specs.forEach((s, r) => {
      if (lockstepKey(s, this.trainIndices[r].length) !== key) {
        throw new Error(`runs ${specs[0].loss}/${specs[0].seed} and ${s.loss}/${s.seed} cannot train in lockstep: architecture, batch size or training-set size differ`);
      }
    });
    const b = specs[0].batchSize;
    this.stepsPerEpoch = Math.ceil(n / b);
    const rem = n - (this.stepsPerEpoch - 1) * b;
    const model = buildModel(specs[0].arch, dataset.spec.classNames.length, inputShape(dataset.spec));
    this.plan = new RunPlan(ctx, specs.map((s) => ({
      arch: s.arch, loss: s.loss, seed: s.seed, lr: s.lr, momentum: s.momentum, weightDecay: s.weightDecay, nesterov: s.nesterov, schedule: s.schedule,
    })), {
      classes: dataset.spec.classNames.length, inputShape: inputShape(dataset.spec), batch: b, lastBatch: rem,
      evalBatch: evalBatchFor(model, data.testCount), calibrationBins: CALIBRATION_BINS,
    });

    const trainLabels = uploadRunLabels(ctx, sets.map((t) => t.labels));
    this.order = ctx.storage(R * n * 4, 'order');
    this.epochUniform = createAugmentEpoch(ctx);
    const { input, labels: batchLabels } = this.plan.train;
    const augments = planAugmentSteps(ctx, this.data, {
      labels: trainLabels, order: this.order, seeds: specs.map((s) => s.seed), batch: b, count: n, out: input, outLabels: batchLabels, epoch: this.epochUniform,
    });
    this.steps = augments.map((aug, k) => [aug, ...(k === this.stepsPerEpoch - 1 ? this.plan.lastStep : this.plan.step).dispatches]);
    const e = this.plan.evalStep!;
    this.evalDispatches = planNormalizeBatches(ctx, this.data, { batch: this.plan.o.evalBatch!, out: this.plan.evalInput!, outLabels: this.plan.evalLabels!, runs: R })
      .map((norm) => [norm, ...e.dispatches]);
  }

  async trainEpoch(epoch: number, evaluate: boolean, onProgress?: (p: StepProgress) => void, hook?: StepHook): Promise<EpochStats[]> {
    const { device } = this.ctx;
    const t0 = performance.now();
    const R = this.runCount;
    const n = this.trainCount;
    const lrs = this.plan.setEpoch(epoch);
    writeRunOrders(this.ctx, this.order, this.specs.map((s, r) => {
      const perm = new Rng(s.seed, `shuffle/${epoch}`).permutation(n);
      return Uint32Array.from(perm, (k) => this.trainIndices[r][k]);
    }));
    writeAugmentEpoch(this.ctx, this.epochUniform, epoch);
    const stats = this.plan.train.stats;
    const zero = new Float32Array(R * STATS_FLOATS);
    device.queue.writeBuffer(stats, 0, zero);
    let sums: Float64Array | null = null; // only when a hook reads single steps (the trajectory check)
    const drain = async (): Promise<Float32Array> => {
      const s = await this.ctx.readF32(stats, R * STATS_FLOATS);
      sums ??= new Float64Array(R * STATS_FLOATS);
      for (let i = 0; i < s.length; i++) sums[i] += s[i];
      device.queue.writeBuffer(stats, 0, zero);
      return s;
    };
    const stops = (hook?.steps(epoch) ?? []).filter((c) => c >= 1 && c <= this.stepsPerEpoch).sort((a, b) => a - b);
    let inFlight: Promise<unknown> | undefined;
    const submit = async (from: number, to: number) => {
      for (let s = from; s < to; s += STEPS_PER_SUBMIT) {
        const end = Math.min(s + STEPS_PER_SUBMIT, to);
        this.ctx.run(this.steps.slice(s, end).flat(), `train ${epoch}:${s}`);
        const done = device.queue.onSubmittedWorkDone();
        if (inFlight) await inFlight; // keep one command buffer queued behind the running one
        inFlight = done;
        onProgress?.({ step: end, steps: this.stepsPerEpoch });
      }
    };
    let k = 0;
    for (const c of stops) {
      // A hooked step (1-based c) runs alone so that its loss and the parameters after it can be read.
      await submit(k, c - 1);
      await drain();
      await submit(c - 1, c);
      const single = await drain();
      await hook!.after(epoch, c, Array.from({ length: R }, (_, r) => single[r * STATS_FLOATS] / single[r * STATS_FLOATS + 2]));
      k = c;
    }
    await submit(k, this.stepsPerEpoch);
    const last = await this.ctx.readF32(stats, R * STATS_FLOATS);
    const totals: ArrayLike<number> = sums ? Float64Array.from(last, (v, i) => v + sums![i]) : last;
    const trainSeconds = (performance.now() - t0) / 1000;
    const result: EpochStats[] = this.specs.map((_, r) => {
      const [loss, correct, count] = [totals[r * STATS_FLOATS], totals[r * STATS_FLOATS + 1], totals[r * STATS_FLOATS + 2]];
      return { epoch, lr: lrs[r], trainLoss: loss / count, trainAcc: correct / count, trainSeconds };
    });
    if (evaluate) (await this.evaluate()).forEach((e, r) => (result[r].eval = e));
    return result;
  }

  async evaluate(): Promise<EvalStats[]> {
    const t0 = performance.now();
    const e = this.plan.evalStep!;
    const R = this.runCount;
    const { queue } = this.ctx.device;
    for (const b of [e.lossStats, e.nllStats, e.confusion, e.calibration]) queue.writeBuffer(b, 0, new Uint8Array(b.size));
    this.ctx.run(this.evalDispatches.flat(), 'evaluate');
    const [loss, nll, confusion, calibration] = await Promise.all([
      this.ctx.readF32(e.lossStats, R * STATS_FLOATS),
      this.ctx.readF32(e.nllStats, R * STATS_FLOATS),
      this.ctx.readU32(e.confusion, e.confusion.size / 4),
      this.ctx.readU32(e.calibration, R * CALIBRATION_BINS * 3),
    ]);
    const cc = confusion.length / R;
    const c = Math.round(Math.sqrt(cc));
    const seconds = (performance.now() - t0) / 1000;
    return this.specs.map((_, r) => {
      const l = loss.subarray(r * STATS_FLOATS);
      const x = nll.subarray(r * STATS_FLOATS);
      const conf = confusion.subarray(r * cc, (r + 1) * cc);
      return {
        testLoss: l[0] / l[2],
        testNll: x[0] / x[2],
        testAcc: x[1] / x[2],
        confusion: Array.from({ length: c }, (_, i) => Array.from(conf.subarray(i * c, i * c + c))),
        calibration: decodeCalibration(calibration.subarray(r * CALIBRATION_BINS * 3, (r + 1) * CALIBRATION_BINS * 3), CALIBRATION_BINS),
        seconds,
      };
    });
  }

  private member(m: number): number {
    if (!Number.isInteger(m) || m < 0 || m >= this.runCount) throw new Error(`no member ${m} in a group of ${this.runCount}`);
    return m;
  }

  /** Member m's parameters, momentum and running state (BatchNorm statistics), so a resumed run continues byte-identically, alone or in any group. */
  async saveState(m: number): Promise<Uint8Array> {
    const { store } = this.plan;
    const running = store.stateSpecs.length ? await store.readFlat('state', this.member(m)) : new Float32Array(0);
    return encodeEngineState(this.specs[m].arch, await store.readFlat('params', m), await store.readFlat('momentum', m), running);
  }

  async loadState(m: number, bytes: Uint8Array): Promise<void> {
    const { store } = this.plan;
    const arch = this.specs[this.member(m)].arch;
    const { header, params, momentum, state } = decodeEngineState(bytes);
    const stateFloats = state.length; // format 1 (before running state) has none
    const expectState = store.stateSpecs.length ? store.stateFloats : stateFloats; // a model without state ignores any
    if (header.floats !== store.totalFloats || header.arch !== arch || stateFloats !== expectState) {
      throw new Error(`saved state is for ${header.arch} with ${header.floats}+${stateFloats} floats, this run is ${arch} with ${store.totalFloats}+${expectState}`);
    }
    store.writeFlat('params', params, m);
    store.writeFlat('momentum', momentum, m);
    if (store.stateSpecs.length) store.writeFlat('state', state, m);
  }

  /**
   * Planned per call (once per run, at its end) on a one-run copy of member m's parameters and
   * state, so a member's saliency is the saliency it has alone.
   */
  async saliency(m: number, indices: number[]): Promise<SaliencyItem[]> {
    if (!indices.length) return [];
    const { store, model } = this.plan;
    const scope = this.ctx.scope(); // the saliency plan's buffers live only for this call
    try {
      const one = new ParamStore(scope, model);
      one.writeFlat('params', await store.readFlat('params', this.member(m)) as Float32Array<ArrayBuffer>);
      if (store.stateSpecs.length) one.writeFlat('state', await store.readFlat('state', m) as Float32Array<ArrayBuffer>);
      const { predicted, grad } = await new SaliencyStep(scope, model, one, indices.length).run(normalizeTestImages(this.dataset, indices));
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
    } finally {
      scope.destroy();
    }
  }

  stateDict(m: number): Promise<StateDict> {
    return this.plan.store.stateDict(this.member(m));
  }

  loadStateDict(m: number, state: StateDict): void {
    this.plan.store.load(state, this.member(m));
  }

  /** Frees the group's buffers (parameters, activations, uniforms); the data set and pipelines stay. */
  dispose(): void {
    this.ctx.destroy();
  }
}

/** Reads single steps during an epoch (the trajectory check): `steps(epoch)` lists 1-based steps; `after` gets each member's loss of that step. */
export interface StepHook {
  steps(epoch: number): number[];
  after(epoch: number, step: number, loss: number[]): Promise<void>;
}

/** One member of a group as a RunEngine (a run alone is member 0 of a group of one). */
export function memberEngine(group: GroupEngine, m: number): RunEngine {
  return {
    stepsPerEpoch: group.stepsPerEpoch,
    trainEpoch: async (epoch, evaluate, onProgress) => (await group.trainEpoch(epoch, evaluate, onProgress))[m],
    evaluate: async () => (await group.evaluate())[m],
    saveState: () => group.saveState(m),
    loadState: (bytes) => group.loadState(m, bytes),
    ...(group.saliency ? { saliency: (idx: number[]) => group.saliency!(m, idx) } : {}),
    ...(group.stateDict ? { stateDict: () => group.stateDict!(m) } : {}),
    ...(group.loadStateDict ? { loadStateDict: (s: StateDict) => group.loadStateDict!(m, s) } : {}),
    dispose: () => group.dispose(),
  };
}

/**
 * How many runs like `spec` one lockstep group may hold on this device: every activation binding
 * (R × batch samples) within the binding limit, and the group's device memory — parameters,
 * gradients, momentum, activations and their gradients for training and evaluation — within
 * LOCKSTEP_MEMORY bytes (WebGPU does not tell a device's memory; override with LOSSLAB_LOCKSTEP_MEMORY_MB).
 */
export function maxGroupSize(limits: GPUSupportedLimits, dataset: Dataset, spec: RunSpec): number {
  const model = buildModel(spec.arch, dataset.spec.classNames.length, inputShape(dataset.spec));
  const sizes = model.shapes().map((s) => s.reduce((a, b) => a * b, 1) * 4);
  const largest = Math.max(...sizes, imageSize(dataset.spec) * 4);
  const activations = sizes.reduce((a, b) => a + b, 0);
  const params = model.params().reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0) * 4;
  const evalBatch = evalBatchFor(model, dataset.test.labels.length);
  const perRun = 3 * params + 3 * spec.batchSize * activations + evalBatch * activations;
  const binding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const byBinding = Math.floor(binding / (largest * Math.max(spec.batchSize, evalBatch)));
  const budget = lockstepMemoryBytes();
  // A fused conv → ReLU → pool layer holds every run's packed weights in one uniform binding.
  const shapes = model.shapeMap();
  const byUniform = plannedNodes(model, true, spec.batchSize, limits)
    .filter((p) => p.module.kind === 'conv2d_relu_pool')
    .map((p) => conv2dReluPoolMaxRuns(limits, (p.module as unknown as { conv: { shape(s: number[], b: number): Conv2dShape } }).conv.shape(shapes.get(p.inputs[0])!, spec.batchSize)));
  return Math.max(1, Math.min(byBinding, Math.floor(budget / perRun), MAX_LOCKSTEP, ...byUniform));
}

/** The most runs one group holds whatever the memory (a study's grid is rarely larger). */
const MAX_LOCKSTEP = 64;

function lockstepMemoryBytes(): number {
  const mb = Number(globalThis.process?.env?.LOSSLAB_LOCKSTEP_MEMORY_MB);
  return (Number.isFinite(mb) && mb > 0 ? mb : 2048) * 1024 * 1024;
}
