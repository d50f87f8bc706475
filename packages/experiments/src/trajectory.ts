/**
 * Trajectory parity with PyTorch: LossLab trains from its own initial weights, on its own batches
 * (per-epoch order from nn's Rng, crop offsets and flips from the counter-based hash), the way the
 * study's engine does (same pieces, STEPS_PER_SUBMIT steps per submit), and exports what PyTorch
 * needs to repeat it exactly: the data set's spec (shape, classes, normalisation, augmentation) and
 * the images it trained and tested on, the initial state dict, the hyperparameters, and per epoch
 * the sample order with every sample's crop offsets and flip. reference/trajectory.py replays that
 * in PyTorch; compareTrajectories() puts the two side by side.
 */
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { augmentDraw, kernelContext, type KernelContext, type Dispatch } from '@losslab/kernels';
import {
  buildModel, initialParams, ParamStore, Rng, SgdOptimizer, StepLR, TrainStep, EvalStep, STATS_FLOATS, parseLoss, stateDictToJson, type StateDict,
} from '@losslab/nn';
import { gatherSplit, imageSize, inputShape, specOf, subsetIndices, type Dataset, type DatasetSpec, type Split } from './data/index.ts';
import { DeviceDataset, planAugmentSteps, planNormalizeBatches } from './engine/device-data.ts';

/** As the engine (engine/gpu-engine.ts): steps recorded into one command buffer. */
const STEPS_PER_SUBMIT = 8;

export interface TrajectorySpec {
  /** The data set (a --dataset name or manifest; default CIFAR-10). */
  dataset?: string;
  arch: string;
  loss: string;
  seed: number;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  stepSize: number;
  gamma: number;
  /** Train on the images `losslab run --train-subset` keeps for this seed (data/subset.ts); null: all. */
  trainSubset: number | null;
}

export interface TrajectoryEpoch {
  epoch: number;
  lr: number;
  train_loss: number;
  train_acc: number;
  test_loss: number;
  test_acc: number;
}

/** One side's trajectory, in the layout reference/trajectory.py writes too. */
export interface Trajectory {
  /** Global step (1-based) → the loss of that step's batch before its update. */
  step_loss: Record<string, number>;
  /** Global step → the parameters after that step's update. */
  params: Record<string, StateDict | Record<string, { shape: number[]; data: number[] }>>;
  epochs: TrajectoryEpoch[];
}

/** The plan both sides follow, written to plan.json. */
export interface TrajectoryPlan extends TrajectorySpec {
  train_count: number;
  test_count: number;
  steps_per_epoch: number;
  checkpoints: number[];
  mean: readonly number[];
  std: readonly number[];
  pad: number;
  flip: boolean;
  /** The data set's numbers; its images are in train_images.bin / test_images.bin (uint8 CHW) and its labels in *_labels.bin (u16). */
  data_spec: DatasetSpec;
  /** With trainSubset: the training-set indices of the subset, in the order LossLab holds them. */
  train_indices?: number[];
  /** A user-defined loss: its per-sample value as a PyTorch expression (generated from the compiled definition; losslab_torch/defined.py). */
  loss_torch?: string;
}

/** Steps compared: 1, 2, 5, 10, 20, 50, 100, 200, one epoch, and the last; those past the run are dropped. */
export function checkpointSteps(stepsPerEpoch: number, epochs: number): number[] {
  const total = stepsPerEpoch * epochs;
  return [...new Set([1, 2, 5, 10, 20, 50, 100, 200, stepsPerEpoch, total])].filter((s) => s <= total).sort((a, b) => a - b);
}

/**
 * The per-epoch draws file: u32 order[n] (training-set indices in batch order), then u8 dy[n],
 * u8 dx[n], u8 flip[n] of the sample at each position (augmentDraw, the kernel's own hash).
 */
export function epochDraws(seed: number, epoch: number, order: Uint32Array, augment: DatasetSpec['augment'] = { pad: 4, flip: true }): Uint8Array {
  const n = order.length;
  const out = new Uint8Array(n * 7);
  out.set(new Uint8Array(order.buffer, order.byteOffset, n * 4), 0);
  for (let j = 0; j < n; j++) {
    const d = augmentDraw(seed, epoch, j, augment.pad, augment.flip);
    out[4 * n + j] = d.dy;
    out[5 * n + j] = d.dx;
    out[6 * n + j] = d.flip ? 1 : 0;
  }
  return out;
}

/** The epoch's sample order, as the engine draws it (every training image; no subset, no variant). */
export function epochOrder(seed: number, epoch: number, n: number): Uint32Array {
  return new Rng(seed, `shuffle/${epoch}`).permutation(n);
}

/**
 * Trains `spec` on the device and writes plan.json, init.json and draws-<epoch>.bin into `dir`
 * for the PyTorch side; returns LossLab's trajectory (also written as losslab.json).
 */
/** A split for PyTorch: uint8 CHW images, u16 labels. */
function writeSplit(dir: string, name: string, s: Split): void {
  writeFileSync(join(dir, `${name}_images.bin`), s.images);
  writeFileSync(join(dir, `${name}_labels.bin`), new Uint8Array(Uint16Array.from(s.labels).buffer));
}

export async function runLossLabTrajectory(device: GPUDevice, full: Dataset, spec: TrajectorySpec, dir: string, log: (s: string) => void): Promise<Trajectory> {
  mkdirSync(dir, { recursive: true });
  const indices = spec.trainSubset === null ? undefined : subsetIndices(Uint32Array.from(full.train.labels.keys()), spec.trainSubset, spec.seed);
  const dataset = indices ? { ...full, train: gatherSplit(full.train, indices) } : full;
  const root = kernelContext(device);
  const ctx = root.scope();
  const data = new DeviceDataset(ctx, dataset);
  try {
    const n = dataset.train.labels.length;
    const b = spec.batchSize;
    const stepsPerEpoch = Math.ceil(n / b);
    const checkpoints = checkpointSteps(stepsPerEpoch, spec.epochs);
    const ds = dataset.spec;
    const plan: TrajectoryPlan = {
      ...spec, train_count: n, test_count: dataset.test.labels.length, steps_per_epoch: stepsPerEpoch, checkpoints,
      mean: ds.mean, std: ds.std, pad: ds.augment.pad, flip: ds.augment.flip, data_spec: specOf(ds), ...(indices ? { train_indices: Array.from(indices) } : {}),
      ...(parseLoss(spec.loss).user ? { loss_torch: parseLoss(spec.loss).compiled.torch } : {}),
    };
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan, null, 1));
    writeSplit(dir, 'train', dataset.train); // the subset's images, in LossLab's order
    writeSplit(dir, 'test', dataset.test);

    const model = buildModel(spec.arch, ds.classNames.length, inputShape(ds));
    const store = new ParamStore(ctx, model); // parameters and running state (BatchNorm), as the engine
    const init = initialParams(model.params(), new Rng(spec.seed, 'init'));
    store.load(init);
    store.resetMomentum();
    writeFileSync(join(dir, 'init.json'), stateDictToJson(init));
    const optimizer = new SgdOptimizer(ctx, store, { lr: spec.lr, momentum: spec.momentum, weightDecay: spec.weightDecay });
    const schedule = new StepLR(spec.lr, spec.stepSize, spec.gamma);
    const loss = parseLoss(spec.loss);

    // As GpuRun: labels and images on the device, one augmentation dispatch per step.
    const trainLabels = ctx.upload(Uint32Array.from(dataset.train.labels), 'train_labels');
    const order = ctx.storage(n * 4, 'order');
    const epochUniform = ctx.createBuffer({ label: 'epoch', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const stats = ctx.storage(STATS_FLOATS * 4, 'train_stats');
    const input = ctx.storage(b * imageSize(ds) * 4, 'batch_images');
    const labels = ctx.storage(b * 4, 'batch_labels');
    const rem = n - (stepsPerEpoch - 1) * b;
    const full = new TrainStep(ctx, model, store, optimizer, { batch: b, loss, input, labels, stats });
    const last = rem === b ? full : new TrainStep(ctx, model, store, optimizer, { batch: rem, loss, input, labels, stats });
    const augments = planAugmentSteps(ctx, data, { labels: trainLabels, order, batch: b, count: n, out: input, outLabels: labels, seeds: [spec.seed], epoch: epochUniform });
    const steps: Dispatch[][] = augments.map((aug, k) => [aug, ...(k === stepsPerEpoch - 1 ? last : full).dispatches]);
    const evaluate = planEvaluation(ctx, data, model, store, loss);

    const result: Trajectory = { step_loss: {}, params: {}, epochs: [] };
    for (let epoch = 1; epoch <= spec.epochs; epoch++) {
      const t0 = performance.now();
      const lr = schedule.lrAt(epoch - 1);
      optimizer.setLr(lr);
      const perm = epochOrder(spec.seed, epoch, n);
      writeFileSync(join(dir, `draws-${epoch}.bin`), epochDraws(spec.seed, epoch, perm, ds.augment));
      device.queue.writeBuffer(order, 0, Uint32Array.from(perm));
      device.queue.writeBuffer(epochUniform, 0, Uint32Array.of(epoch, 0, 0, 0));
      const total = new Float64Array(3);
      const drain = async () => {
        const s = await ctx.readF32(stats, STATS_FLOATS);
        for (let i = 0; i < 3; i++) total[i] += s[i];
        device.queue.writeBuffer(stats, 0, new Float32Array(STATS_FLOATS));
        return s;
      };
      device.queue.writeBuffer(stats, 0, new Float32Array(STATS_FLOATS));
      const first = (epoch - 1) * stepsPerEpoch; // global steps before this epoch
      // Segments of the epoch between checkpoint steps, each submitted STEPS_PER_SUBMIT steps at a time;
      // a checkpoint step runs alone so that its loss and the parameters after it can be read.
      let k = 0;
      for (const c of checkpoints.filter((c) => c > first && c <= first + stepsPerEpoch).map((c) => c - first - 1)) {
        for (; k < c; k += STEPS_PER_SUBMIT) ctx.run(steps.slice(k, Math.min(k + STEPS_PER_SUBMIT, c)).flat(), `trajectory ${epoch}:${k}`);
        k = c;
        await drain();
        ctx.run(steps[c], `trajectory ${epoch}:${c}`);
        const s = await drain();
        result.step_loss[first + c + 1] = s[0] / s[2];
        result.params[first + c + 1] = await store.stateDict();
        k = c + 1;
      }
      for (; k < stepsPerEpoch; k += STEPS_PER_SUBMIT) ctx.run(steps.slice(k, k + STEPS_PER_SUBMIT).flat(), `trajectory ${epoch}:${k}`);
      await drain();
      const ev = await evaluate();
      result.epochs.push({ epoch, lr, train_loss: total[0] / total[2], train_acc: total[1] / total[2], test_loss: ev.loss, test_acc: ev.acc });
      log(`losslab epoch ${epoch}: train_loss ${(total[0] / total[2]).toFixed(4)} test_acc ${ev.acc.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    writeFileSync(join(dir, 'losslab.json'), trajectoryJson(result));
    return result;
  } finally {
    data.destroy();
    ctx.destroy();
  }
}

/** Test-set evaluation as the engine does it (own criterion and accuracy). */
function planEvaluation(ctx: KernelContext, data: DeviceDataset, model: ReturnType<typeof buildModel>, store: ParamStore, loss: ReturnType<typeof parseLoss>) {
  const batch = [1000, 500, 250, 200, 100, 50, 25, 10, 5, 2, 1].find((x) => data.testCount % x === 0)!;
  const input = ctx.storage(batch * imageSize(data.spec) * 4, 'eval_images');
  const labels = ctx.storage(batch * 4, 'eval_labels');
  const step = new EvalStep(ctx, model, store, { batch, loss, input, labels, bins: 15 });
  const dispatches = planNormalizeBatches(ctx, data, { batch, out: input, outLabels: labels }).map((norm) => [norm, ...step.dispatches]);
  return async () => {
    for (const buf of [step.lossStats, step.nllStats, step.confusion, step.calibration]) ctx.device.queue.writeBuffer(buf, 0, new Uint8Array(buf.size));
    ctx.run(dispatches.flat(), 'trajectory evaluate');
    const [l, nll] = await Promise.all([ctx.readF32(step.lossStats, STATS_FLOATS), ctx.readF32(step.nllStats, STATS_FLOATS)]);
    return { loss: l[0] / l[2], acc: nll[1] / nll[2] };
  };
}

function trajectoryJson(t: Trajectory): string {
  const params: Record<string, Record<string, { shape: number[]; data: number[] }>> = {};
  for (const [k, sd] of Object.entries(t.params)) params[k] = JSON.parse(stateDictToJson(sd as StateDict));
  return JSON.stringify({ ...t, params });
}

export function readTrajectory(path: string): Trajectory {
  return JSON.parse(readFileSync(path, 'utf8')) as Trajectory;
}

export interface StepComparison {
  step: number;
  lossLossLab: number;
  lossTorch: number;
  absDiff: number;
  /** ‖θ_LossLab − θ_PyTorch‖ / ‖θ_PyTorch‖ over the whole state dict after the step (parameters and running statistics). */
  paramRel: number;
  /** ‖θ_LossLab − θ_PyTorch‖ / ‖θ_PyTorch − θ₀‖ over the parameters (not the running statistics): the gap against the distance travelled. */
  paramRelTravelled: number;
  /** ‖θ_PyTorch64 − θ_PyTorch‖ / ‖θ_PyTorch‖: float32 rounding alone (when a float64 run was made). */
  paramRel64?: number;
  loss64?: number;
}

const flatParams = (sd: Trajectory['params'][string]): number[] => Object.keys(sd).sort().flatMap((k) => Array.from(sd[k].data));

function relDistance(a: number[], t: number[]): number {
  let d = 0, nt = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - t[i]) ** 2;
    nt += t[i] ** 2;
  }
  return Math.sqrt(d / nt);
}

export function compareTrajectories(lab: Trajectory, torch: Trajectory, init: Trajectory['params'][string], torch64?: Trajectory): { steps: StepComparison[]; epochs: { lab: TrajectoryEpoch; torch: TrajectoryEpoch; torch64?: TrajectoryEpoch }[] } {
  // init.json holds the parameters only (BatchNorm's running statistics start at their defaults):
  // the distance travelled is measured over those.
  const theta0 = flatParams(init);
  const onlyParams = (sd: Trajectory['params'][string]) => flatParams(Object.fromEntries(Object.keys(init).map((k) => [k, sd[k]])));
  const steps = Object.keys(lab.step_loss).map(Number).sort((a, b) => a - b).map((step): StepComparison => {
    const t = flatParams(torch.params[step]);
    const ap = onlyParams(lab.params[step]);
    const tp = onlyParams(torch.params[step]);
    let dp = 0, tr = 0;
    for (let i = 0; i < tp.length; i++) {
      dp += (ap[i] - tp[i]) ** 2;
      tr += (tp[i] - theta0[i]) ** 2;
    }
    const ll = lab.step_loss[step], lt = torch.step_loss[step];
    const r64 = torch64?.params[step] && { paramRel64: relDistance(flatParams(torch64.params[step]), t), loss64: torch64.step_loss[step] };
    return { step, lossLossLab: ll, lossTorch: lt, absDiff: Math.abs(ll - lt), paramRel: relDistance(flatParams(lab.params[step]), t), paramRelTravelled: Math.sqrt(dp / tr), ...r64 };
  });
  return { steps, epochs: lab.epochs.map((e, i) => ({ lab: e, torch: torch.epochs[i], torch64: torch64?.epochs[i] })) };
}

export function formatComparison(c: ReturnType<typeof compareTrajectories>, spec: TrajectorySpec): string {
  const f = (x: number, d = 4) => x.toFixed(d);
  const e = (x: number) => x.toExponential(2);
  const has64 = c.steps.some((s) => s.paramRel64 !== undefined);
  return [
    `### ${spec.arch}, ${spec.loss}, seed ${spec.seed}: batch ${spec.batchSize}, lr ${spec.lr}, momentum ${spec.momentum}` +
      `${spec.weightDecay ? `, weight decay ${spec.weightDecay}` : ''}, StepLR ${spec.stepSize}/${spec.gamma}${spec.trainSubset === null ? '' : `, ${spec.trainSubset} training images`}`,
    '',
    'Steps: the loss of the step\'s batch before its update, and the distance between the parameters after it',
    '(relative to ‖θ_PyTorch‖; and to the distance PyTorch travelled from the initial weights).' +
      (has64 ? ' Last column: PyTorch float32 against the same run in float64, the spread float32 rounding alone causes.' : ''),
    '',
    `| step | loss LossLab | loss PyTorch | abs diff | param rel. dist. | … of distance travelled |${has64 ? ' PyTorch f32 vs f64 param rel. dist. |' : ''}`,
    `|---:|---:|---:|---:|---:|---:|${has64 ? '---:|' : ''}`,
    ...c.steps.map((s) => `| ${s.step} | ${f(s.lossLossLab, 6)} | ${f(s.lossTorch, 6)} | ${e(s.absDiff)} | ${e(s.paramRel)} | ${e(s.paramRelTravelled)} |${has64 ? ` ${s.paramRel64 === undefined ? '–' : e(s.paramRel64)} |` : ''}`),
    '',
    `| epoch | lr | train loss LossLab | train loss PyTorch |${has64 ? ' … float64 |' : ''} test acc LossLab | test acc PyTorch |${has64 ? ' … float64 |' : ''} test loss LossLab | test loss PyTorch |`,
    `|---:|---:|---:|---:|${has64 ? '---:|' : ''}---:|---:|${has64 ? '---:|' : ''}---:|---:|`,
    ...c.epochs.map(({ lab, torch, torch64 }) => `| ${lab.epoch} | ${Number(lab.lr.toPrecision(12))} | ${f(lab.train_loss)} | ${f(torch.train_loss)} |${has64 ? ` ${torch64 ? f(torch64.train_loss) : '–'} |` : ''} ${f(lab.test_acc)} | ${f(torch.test_acc)} |${has64 ? ` ${torch64 ? f(torch64.test_acc) : '–'} |` : ''} ${f(lab.test_loss)} | ${f(torch.test_loss)} |`),
  ].join('\n');
}
