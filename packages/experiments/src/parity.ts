/**
 * `losslab parity --fixture FILE`: replays a PyTorch fixture on the device and prints every error.
 * `losslab parity --trajectory`: trains LossLab, replays the same run in PyTorch
 * (reference/trajectory.py), and prints both side by side.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runParity, formatParity, parseLoss, buildModel, type ParityFixture } from '@losslab/nn';
import type { LossLabDevice } from '@losslab/kernels';
import { DEFAULT_DATASET, datasetTag, resolveDataset, unknownDataset } from './data/index.ts';
import { UsageError } from './util/errors.ts';
import { PYTHON } from './bench/torch.ts';
import { runLossLabTrajectory, readTrajectory, compareTrajectories, formatComparison, type TrajectorySpec } from './trajectory.ts';

/** Reads and checks a fixture file (before any device is opened, so bad input costs nothing). */
export function readParityFixture(fixturePath: string): ParityFixture {
  let fixture: ParityFixture;
  try {
    fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as ParityFixture;
  } catch (e) {
    throw new Error(`cannot read fixture ${fixturePath}: ${(e as Error).message}`);
  }
  if (!fixture?.params || !fixture.input || !fixture.target) throw new Error(`${fixturePath} is not a parity fixture (needs params, input and target, as the PyTorch fixture scripts of the LossLab source repository write them)`);
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

function number(flag: string, text: string, integer = false, min = 0): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) throw new UsageError(`--${flag}: "${text}" is not ${integer ? 'an integer' : 'a number'} ≥ ${min}`);
  return v;
}

export function trajectorySpec(o: TrajectoryFlags): TrajectorySpec {
  const loss = parseLoss(o.loss).source;
  buildModel(o.arch);
  return {
    arch: o.arch, loss, seed: number('seed', o.seed, true), epochs: number('epochs', o.epochs, true, 1),
    batchSize: number('batch-size', o.batchSize, true, 1), lr: number('lr', o.lr), momentum: number('momentum', o.momentum),
    weightDecay: number('weight-decay', o.weightDecay), stepSize: number('step-size', o.stepSize, true, 1), gamma: number('gamma', o.gamma),
    trainSubset: o.trainSubset === undefined ? null : number('train-subset', o.trainSubset, true, 1),
  };
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
  const spec = trajectorySpec(o);
  const name = o.dataset ?? DEFAULT_DATASET;
  const bad = unknownDataset(name);
  if (bad) throw new UsageError(`--dataset: ${bad}`);
  const prefix = name === DEFAULT_DATASET ? '' : `${datasetTag(name)}-`;
  const dir = o.out ?? join('results', 'trajectory', `${prefix}${spec.arch}-${parseLoss(spec.loss).name.replace(':', '').replace(/,/g, '_')}-b${spec.batchSize}-lr${spec.lr}` +
    `${spec.weightDecay ? `-wd${spec.weightDecay}` : ''}${spec.trainSubset === null ? '' : `-n${spec.trainSubset}`}-seed${spec.seed}`);
  if (o.compareOnly) return printComparison(dir, spec, log);
  const dataset = await resolveDataset(name).load({ dataDir: o.dataDir });
  if (spec.trainSubset !== null && spec.trainSubset > dataset.train.labels.length) throw new UsageError(`--train-subset: ${spec.trainSubset} is more than the ${dataset.train.labels.length} training images`);
  log(`trajectory: ${dataset.spec.title}, ${spec.arch}, ${spec.loss}, seed ${spec.seed}, ${spec.epochs} epochs, batch ${spec.batchSize}, lr ${spec.lr}, momentum ${spec.momentum}, weight decay ${spec.weightDecay}, StepLR ${spec.stepSize}/${spec.gamma}${spec.trainSubset === null ? '' : `, ${spec.trainSubset} training images`} → ${dir}`);
  await runLossLabTrajectory(dev.device, dataset, spec, dir, log);
  const threads = number('torch-threads', o.torchThreads, true, 1);
  await runTorchTrajectory(dir, threads, log);
  if (o.torchFloat64) await runTorchTrajectory(dir, threads, log, true);
  return printComparison(dir, spec, log);
}

/** Compares the trajectories in `dir` (torch64.json too when there is one) and writes compare.md. */
function printComparison(dir: string, spec: TrajectorySpec, log: (s: string) => void): boolean {
  const path = (f: string) => join(dir, f);
  for (const f of ['init.json', 'losslab.json', 'torch.json']) if (!existsSync(path(f))) throw new UsageError(`${path(f)} is missing: run the trajectory first`);
  const init = JSON.parse(readFileSync(path('init.json'), 'utf8'));
  const torch64 = existsSync(path('torch64.json')) ? readTrajectory(path('torch64.json')) : undefined;
  const text = formatComparison(compareTrajectories(readTrajectory(path('losslab.json')), readTrajectory(path('torch.json')), init, torch64), spec);
  writeFileSync(path('compare.md'), text + '\n');
  log(text);
  return true;
}
