/**
 * Trajectory parity with PyTorch: LossLab trains from its own initial weights, on its own batches
 * (per-epoch order from nn's Rng, crop offsets and flips from the counter-based hash), the way the
 * study's engine does (its own run plan, engine/gpu-engine.ts, through a per-step hook), and exports what PyTorch
 * needs to repeat it exactly: the data set's spec (shape, classes, normalisation, augmentation) and
 * the images it trained and tested on, the initial state dict, the hyperparameters, and per epoch
 * the sample order with every sample's crop offsets and flip. reference/trajectory.py replays that
 * in PyTorch; compareTrajectories() puts the two side by side.
 */
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { augmentDraw, kernelContext } from '@losslab/kernels';
import { buildModel, initialParams, Rng, parseLoss, stateDictToJson, type StateDict } from '@losslab/nn';
import { gatherSplit, imageSize, inputShape, specOf, subsetIndices, type Dataset, type DatasetSpec, type Split } from './data/index.ts';
import { DeviceDataset } from './engine/device-data.ts';
import { GpuGroup } from './engine/gpu-engine.ts';

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
    writeFileSync(join(dir, 'init.json'), stateDictToJson(initialParams(model.params(), new Rng(spec.seed, 'init'))));
    // The engine's own group of one, trained from the same initial weights (its plan draws them from the seed).
    const group = new GpuGroup(ctx, data, dataset, [{
      loss: spec.loss, seed: spec.seed, data: 'clean', arch: spec.arch, epochs: spec.epochs, batchSize: b, lr: spec.lr, momentum: spec.momentum,
      weightDecay: spec.weightDecay, nesterov: false, schedule: { type: 'step', stepSize: spec.stepSize, gamma: spec.gamma }, evalEvery: 1, trainSubset: null,
    }]);
    const result: Trajectory = { step_loss: {}, params: {}, epochs: [] };
    for (let epoch = 1; epoch <= spec.epochs; epoch++) {
      const t0 = performance.now();
      writeFileSync(join(dir, `draws-${epoch}.bin`), epochDraws(spec.seed, epoch, epochOrder(spec.seed, epoch, n), ds.augment));
      const first = (epoch - 1) * stepsPerEpoch; // global steps before this epoch
      // A checkpoint step runs alone, so that its loss and the parameters after it can be read.
      const [e] = await group.trainEpoch(epoch, true, undefined, {
        steps: () => checkpoints.filter((c) => c > first && c <= first + stepsPerEpoch).map((c) => c - first),
        after: async (_epoch, step, loss) => {
          result.step_loss[first + step] = loss[0];
          result.params[first + step] = await group.stateDict(0);
        },
      });
      result.epochs.push({ epoch, lr: e.lr, train_loss: e.trainLoss, train_acc: e.trainAcc, test_loss: e.eval!.testLoss, test_acc: e.eval!.testAcc });
      log(`losslab epoch ${epoch}: train_loss ${e.trainLoss.toFixed(4)} test_acc ${e.eval!.testAcc.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    writeFileSync(join(dir, 'losslab.json'), trajectoryJson(result));
    return result;
  } finally {
    data.destroy();
    ctx.destroy();
  }
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
