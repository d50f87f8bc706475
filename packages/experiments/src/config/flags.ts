/** Command-line flags of `losslab run` → configuration overrides (strings parsed strictly). */
import { UsageError } from '../util/errors.ts';
import { decimal } from '../util/decimal.ts';
import { splitLossList } from './loss.ts';
import { MAX_SEED, MAX_SEEDS, type StudyConfig } from './study-config.ts';

/** As commander hands them over: strings, and booleans for switches. */
export interface RunFlags {
  preset?: string;
  config?: string;
  losses?: string;
  lossFile?: string;
  seeds?: string;
  epochs?: string;
  batchSize?: string;
  lr?: string;
  momentum?: string;
  weightDecay?: string;
  nesterov?: boolean;
  stepSize?: string;
  milestones?: string;
  gamma?: string;
  arch?: string;
  data?: string;
  dataset?: string;
  evalEvery?: string;
  trainSubset?: string;
  out?: string;
  name?: string;
}

/** A decimal number as written (1, 0.5, 1e-4); hex, binary and other forms Number() accepts are refused ('0x10' is not 16). */
function num(v: string, flag: string): number {
  const x = decimal(v);
  if (!Number.isFinite(x)) throw new UsageError(`${flag} must be a number, got '${v}'`);
  return x;
}

function csv(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** '0,1,2' or '0-4' or a mix ('0-2,7'); at most MAX_SEEDS seeds, each below 2³² (validate.ts). */
export function parseSeeds(v: string): number[] {
  const out: number[] = [];
  for (const part of csv(v)) {
    const m = /^(\d+)-(\d+)$/.exec(part);
    if (m) {
      const [a, b] = [Number(m[1]), Number(m[2])];
      if (b < a) throw new UsageError(`--seeds: empty range '${part}'`);
      if (b > MAX_SEED) throw new UsageError(`--seeds: seeds must be at most ${MAX_SEED} (2³² − 1), got '${part}'`);
      if (out.length + (b - a + 1) > MAX_SEEDS) throw new UsageError(`--seeds: at most ${MAX_SEEDS} seeds, got '${v}'`);
      for (let s = a; s <= b; s++) out.push(s);
    } else out.push(num(part, '--seeds'));
  }
  return out;
}

/** The overrides the flags make (only those given). */
export function flagOverrides(f: RunFlags): Partial<StudyConfig> & { stepSize?: number; milestones?: number[]; gamma?: number } {
  const o: Partial<StudyConfig> & { stepSize?: number; milestones?: number[]; gamma?: number } = {};
  if (f.losses !== undefined) o.losses = splitLossList(f.losses);
  if (f.seeds !== undefined) o.seeds = parseSeeds(f.seeds);
  if (f.epochs !== undefined) o.epochs = num(f.epochs, '--epochs');
  if (f.batchSize !== undefined) o.batchSize = num(f.batchSize, '--batch-size');
  if (f.lr !== undefined) o.lr = num(f.lr, '--lr');
  if (f.momentum !== undefined) o.momentum = num(f.momentum, '--momentum');
  if (f.weightDecay !== undefined) o.weightDecay = num(f.weightDecay, '--weight-decay');
  if (f.nesterov !== undefined) o.nesterov = f.nesterov;
  if (f.stepSize !== undefined && f.milestones !== undefined) throw new UsageError('give --step-size (StepLR) or --milestones (MultiStepLR), not both');
  if (f.stepSize !== undefined) o.stepSize = num(f.stepSize, '--step-size');
  if (f.milestones !== undefined) o.milestones = csv(f.milestones).map((m) => num(m, '--milestones'));
  if (f.gamma !== undefined) o.gamma = num(f.gamma, '--gamma');
  if (f.arch !== undefined) o.arch = csv(f.arch);
  if (f.data !== undefined) o.data = csv(f.data);
  if (f.dataset !== undefined) o.dataset = csv(f.dataset);
  if (f.evalEvery !== undefined) o.evalEvery = num(f.evalEvery, '--eval-every');
  if (f.trainSubset !== undefined) o.trainSubset = /^(all|none|full)$/i.test(f.trainSubset) ? null : num(f.trainSubset, '--train-subset');
  if (f.out !== undefined) o.outDir = f.out;
  if (f.name !== undefined) o.name = f.name;
  return o;
}
