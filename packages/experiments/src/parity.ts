/**
 * `losslab parity --fixture FILE`: replays a PyTorch fixture on the device and prints every error.
 * `losslab parity --trajectory`: trains LossLab, replays the same run in PyTorch
 * (reference/trajectory.py), and prints both side by side.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ARCHITECTURES, runParity, formatParity, parseLoss, buildModel, type ParityFixture } from '@losslab/nn';
import { firstIssue } from './study/schema.ts';
import type { LossLabDevice } from '@losslab/kernels';
import { DATASETS, DEFAULT_DATASET, datasetTag, resolveDataset, unknownDataset } from './data/index.ts';
import { UsageError } from './util/errors.ts';
import { decimal } from './util/decimal.ts';
import { ensureWritableDir } from './util/out-dir.ts';
import { writeFileAtomic } from './util/atomic.ts';
import { MAX_SEED } from './config/study-config.ts';
import { PYTHON } from './bench/torch.ts';
import { runLossLabTrajectory, readTrajectory, compareTrajectories, formatComparison, type TrajectorySpec } from './trajectory.ts';

/** Fixture limits: a batch the device takes in one go (the golden ones hold 16 images). */
const MAX_FIXTURE_BATCH = 1024;
const MAX_TENSOR = 1 << 26;
const CLASSES = 10;

const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A fixture tensor (nn's parity.ts): all values, values at some positions, or generated ones — each the size its shape says. */
const Tensor = z.object({
  shape: z.array(z.number().int().positive()).min(1).max(8),
  data: z.array(z.number()).optional(),
  index: z.array(z.number().int().nonnegative()).optional(),
  uniform: z.tuple([z.number(), z.number()]).optional(),
  seed: z.number().int().nonnegative().optional(),
  f32_err: z.number().nonnegative().optional(),
}).superRefine((t, ctx) => {
  const n = elements(t.shape);
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (n > MAX_TENSOR) return fail(`shape [${t.shape.join(', ')}] holds more than ${MAX_TENSOR} values`);
  if (t.index && (!t.data || t.index.length !== t.data.length)) return fail('index needs as many data values');
  if (t.index?.some((i) => i >= n)) return fail(`an index is past the ${n} values of shape [${t.shape.join(', ')}]`);
  if (t.data && !t.index && t.data.length !== n) return fail(`${t.data.length} values for shape [${t.shape.join(', ')}] (${n})`);
  if (!t.data && !(t.uniform && t.seed !== undefined)) fail('needs data, or uniform and seed');
});

const FixtureSchema = z.looseObject({
  arch: z.string().optional(),
  meta: z.looseObject({ arch: z.string().optional() }).optional(),
  params: z.record(z.string(), Tensor),
  input: Tensor,
  target: z.array(z.number().int().min(0).max(CLASSES - 1, { message: `must be a class from 0 to ${CLASSES - 1}` })).min(1).max(MAX_FIXTURE_BATCH),
  activations: z.record(z.string(), Tensor).optional(),
  eval: z.looseObject({ logits: Tensor, saliency: Tensor.optional() }).optional(),
}).superRefine((f, ctx) => {
  const [n, ...image] = f.input.shape;
  if (image.join('x') !== '3x32x32') ctx.addIssue({ code: 'custom', path: ['input', 'shape'], message: `must be [N, 3, 32, 32] (CIFAR images), got [${f.input.shape.join(', ')}]` });
  if (n !== f.target.length) ctx.addIssue({ code: 'custom', path: ['target'], message: `${f.target.length} targets for ${n} images` });
  const arch = f.arch ?? f.meta?.arch;
  if (arch !== undefined && !(Object.hasOwn(ARCHITECTURES, arch))) ctx.addIssue({ code: 'custom', path: ['arch'], message: `unknown architecture ${JSON.stringify(arch)} (known: ${Object.keys(ARCHITECTURES).join(', ')})` });
});

/** Reads and checks a fixture file (before any device is opened, so bad input costs nothing): UsageError naming the first field that is wrong. */
export function readParityFixture(fixturePath: string): ParityFixture {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(fixturePath, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read fixture ${fixturePath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0]}`);
  }
  if (!raw || typeof raw !== 'object' || !('params' in raw) || !('input' in raw) || !('target' in raw)) {
    throw new UsageError(`${fixturePath} is not a parity fixture (needs params, input and target, as the PyTorch fixture scripts of the LossLab source repository write them)`);
  }
  const f = FixtureSchema.safeParse(raw);
  if (!f.success) throw new UsageError(`${fixturePath} is not a valid parity fixture (${firstIssue(f.error)})`);
  const fixture = f.data as unknown as ParityFixture;
  fixture.arch ??= f.data.meta?.arch; // an architecture named in meta is the one replayed, never silently the ConvNet
  return fixture;
}

export async function parityCommand(dev: LossLabDevice, fixture: ParityFixture, arch: string | undefined, log: (s: string) => void): Promise<boolean> {
  const rows = await runParity(dev.device, fixture, arch);
  log(formatParity(rows));
  const failed = rows.filter((r) => !r.pass);
  log(failed.length ? `parity: ${failed.length} of ${rows.length} quantities past tolerance` : `parity: all ${rows.length} quantities within tolerance`);
  return failed.length === 0;
}

export interface TrajectoryFlags {
  arch: string;
  loss: string;
  seed: string;
  epochs: string;
  batchSize: string;
  lr: string;
  momentum: string;
  weightDecay: string;
  trainSubset?: string;
  stepSize: string;
  gamma: string;
  dataDir?: string;
  /** A --dataset name or manifest (default CIFAR-10). */
  dataset?: string;
  out?: string;
  torchThreads: string;
  torchFloat64?: boolean;
  compareOnly?: boolean;
}

const TRAJECTORY_SCRIPT = fileURLToPath(new URL('../reference/trajectory.py', import.meta.url));

function number(flag: string, text: string, integer = false, min = 0, max = Infinity): number {
  const v = decimal(text);
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${flag}: "${text}" is not ${integer ? 'an integer' : 'a number'} from ${min}${max < Infinity ? ` to ${max}` : ' up'}`);
  }
  return v;
}

/** The trajectory's settings, checked as `losslab run` checks its own (seeds below 2³², a batch no larger than the images). */
export function trajectorySpec(o: TrajectoryFlags): TrajectorySpec {
  const loss = parseLoss(o.loss).source;
  buildModel(o.arch);
  const dataset = o.dataset ?? DEFAULT_DATASET;
  const bad = unknownDataset(dataset);
  if (bad) throw new UsageError(`--dataset: ${bad}`);
  // A registered data set's training-set size bounds these now; a manifest's is checked once it is read.
  const images = DATASETS[dataset]?.trainSize ?? Number.MAX_SAFE_INTEGER;
  const trainSubset = o.trainSubset === undefined ? null : number('train-subset', o.trainSubset, true, 1, images);
  return {
    dataset,
    arch: o.arch, loss, seed: number('seed', o.seed, true, 0, MAX_SEED), epochs: number('epochs', o.epochs, true, 1, 10_000),
    batchSize: number('batch-size', o.batchSize, true, 1, trainSubset ?? images), lr: number('lr', o.lr), momentum: number('momentum', o.momentum),
    weightDecay: number('weight-decay', o.weightDecay), stepSize: number('step-size', o.stepSize, true, 1), gamma: number('gamma', o.gamma),
    trainSubset,
  };
}

export interface TrajectoryPlanned {
  spec: TrajectorySpec;
  dir: string;
  threads: number;
}

/** Every flag checked and the --out folder made writable, before data, device or PyTorch (bad input costs nothing, and never leaves a folder behind). */
export async function prepareTrajectory(o: TrajectoryFlags): Promise<TrajectoryPlanned> {
  const spec = trajectorySpec(o);
  const threads = number('torch-threads', o.torchThreads, true, 1, 1024);
  if (o.dataDir === '') throw new UsageError('--data-dir needs a folder, got an empty name');
  const prefix = !spec.dataset || spec.dataset === DEFAULT_DATASET ? '' : `${datasetTag(spec.dataset)}-`;
  const dir = o.out ?? join('results', 'trajectory', `${prefix}${spec.arch}-${parseLoss(spec.loss).name.replace(':', '').replace(/,/g, '_')}-b${spec.batchSize}-lr${spec.lr}` +
    `${spec.weightDecay ? `-wd${spec.weightDecay}` : ''}${spec.trainSubset === null ? '' : `-n${spec.trainSubset}`}-seed${spec.seed}`);
  await ensureWritableDir(dir);
  return { spec, dir, threads };
}

/** Runs reference/trajectory.py on the exchange folder (which holds the images too); its progress lines go to `log`. */
export function runTorchTrajectory(dir: string, threads: number, log: (s: string) => void, float64 = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [TRAJECTORY_SCRIPT, '--dir', dir, '--threads', String(threads), ...(float64 ? ['--float64'] : [])];
    const p = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stdout.on('data', (d: Buffer) => String(d).trim().split('\n').forEach((l) => log(l)));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', (e) => reject(new Error(`cannot run ${PYTHON} (set LOSSLAB_PYTHON to a Python with torch): ${e.message}`)));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`PyTorch trajectory failed (exit ${code}): ${err.trim().split('\n').pop()}`))));
  });
}

export async function trajectoryCommand(dev: LossLabDevice, o: TrajectoryFlags, log: (s: string) => void): Promise<boolean> {
  const { spec, dir, threads } = await prepareTrajectory(o);
  if (o.compareOnly) return printComparison(dir, spec, log);
  const dataset = await resolveDataset(spec.dataset ?? DEFAULT_DATASET).load({ dataDir: o.dataDir });
  if (spec.trainSubset !== null && spec.trainSubset > dataset.train.labels.length) throw new UsageError(`--train-subset: ${spec.trainSubset} is more than the ${dataset.train.labels.length} training images`);
  log(`trajectory: ${dataset.spec.title}, ${spec.arch}, ${spec.loss}, seed ${spec.seed}, ${spec.epochs} epochs, batch ${spec.batchSize}, lr ${spec.lr}, momentum ${spec.momentum}, weight decay ${spec.weightDecay}, StepLR ${spec.stepSize}/${spec.gamma}${spec.trainSubset === null ? '' : `, ${spec.trainSubset} training images`} → ${dir}`);
  await runLossLabTrajectory(dev.device, dataset, spec, dir, log);
  await runTorchTrajectory(dir, threads, log);
  if (o.torchFloat64) await runTorchTrajectory(dir, threads, log, true);
  return printComparison(dir, spec, log);
}

/** Compares the trajectories in `dir` (torch64.json too when there is one) and writes compare.md. */
async function printComparison(dir: string, spec: TrajectorySpec, log: (s: string) => void): Promise<boolean> {
  const path = (f: string) => join(dir, f);
  for (const f of ['init.json', 'losslab.json', 'torch.json']) if (!existsSync(path(f))) throw new UsageError(`${path(f)} is missing: run the trajectory first`);
  const init = JSON.parse(readFileSync(path('init.json'), 'utf8'));
  const torch64 = existsSync(path('torch64.json')) ? readTrajectory(path('torch64.json')) : undefined;
  const text = formatComparison(compareTrajectories(readTrajectory(path('losslab.json')), readTrajectory(path('torch.json')), init, torch64), spec);
  await writeFileAtomic(path('compare.md'), text + '\n');
  log(text);
  return true;
}
