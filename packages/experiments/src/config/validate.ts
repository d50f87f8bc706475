/** Checks a configuration object (from defaults, a JSON file and flags); throws UsageError with one line. */
import { UsageError } from '../util/errors.ts';
import { parseLoss } from './loss.ts';
import type { LossDefinition } from '@losslab/kernels';
import { ARCHS, DATA_VARIANTS, MAX_SEED, MAX_SEEDS, type StudyConfig } from './study-config.ts';
import { DATASETS, DEFAULT_DATASET, unknownDataset } from '../data/index.ts';

const KEYS: (keyof StudyConfig)[] = ['name', 'losses', 'seeds', 'epochs', 'batchSize', 'lr', 'momentum', 'weightDecay', 'nesterov', 'schedule', 'arch', 'data', 'dataset', 'evalEvery', 'trainSubset', 'outDir'];

function fail(msg: string): never {
  throw new UsageError(msg);
}

/** A value as the user wrote it (JSON.stringify would print Infinity and NaN as null). */
function show(v: unknown): string {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
}

function posInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) fail(`${what} must be a positive integer, got ${show(v)}`);
  return v;
}

function nonNeg(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`${what} must be a finite number ≥ 0, got ${show(v)}`);
  return v;
}

function list(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v) || v.length === 0) fail(`${what} must be a non-empty list, got ${JSON.stringify(v)}`);
  return v;
}

function unique<T>(xs: T[], what: string, key: (x: T) => string = String): T[] {
  const seen = new Set<string>();
  for (const x of xs) {
    const k = key(x);
    if (seen.has(k)) fail(`${what}: '${k}' appears twice`);
    seen.add(k);
  }
  return xs;
}

function oneOf(xs: unknown[], known: string[], what: string): string[] {
  return xs.map((x) => {
    if (typeof x !== 'string' || !known.includes(x)) fail(`unknown ${what} ${JSON.stringify(x)} (known: ${known.join(', ')})`);
    return x;
  });
}

/** clean, lt<ratio ≥ 1> (long-tailed), noise<percent < 100> (symmetric label noise). */
function dataVariant(v: unknown): string {
  const m = typeof v === 'string' ? /^(?:clean|lt(\d+)|noise(\d+))$/.exec(v) : null;
  if (!m || (m[1] !== undefined && Number(m[1]) < 1) || (m[2] !== undefined && Number(m[2]) >= 100)) {
    fail(`unknown data variant ${JSON.stringify(v)} (known: ${DATA_VARIANTS.join(', ')}; lt<ratio>, noise<percent>)`);
  }
  return v as string;
}

/** Validates and canonicalises (loss names) a merged configuration. */
export function validateConfig(raw: Record<string, unknown>, definitions: readonly LossDefinition[] = []): StudyConfig {
  for (const k of Object.keys(raw)) if (!KEYS.includes(k as keyof StudyConfig)) fail(`unknown setting '${k}' (known: ${KEYS.join(', ')})`);
  const losses = unique(list(raw.losses, 'losses').map((l) => {
    if (typeof l !== 'string') fail(`losses must be names, got ${JSON.stringify(l)}`);
    return parseLoss(l, definitions);
  }), 'losses', (l) => l.label).map((l) => l.source);
  const seedList = list(raw.seeds, 'seeds');
  if (seedList.length > MAX_SEEDS) fail(`at most ${MAX_SEEDS} seeds, got ${seedList.length}`);
  const seeds = unique(seedList.map((s) => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > MAX_SEED) fail(`seeds must be integers from 0 to ${MAX_SEED} (2³² − 1), got ${show(s)}`);
    return s;
  }), 'seeds');
  const sched = raw.schedule as Record<string, unknown> | undefined;
  if (!sched || typeof sched !== 'object' || (sched.type !== 'step' && sched.type !== 'multistep')) {
    fail(`schedule must be { "type": "step", "stepSize": k, "gamma": g } or { "type": "multistep", "milestones": [e1, e2, …], "gamma": g }, got ${JSON.stringify(sched)}`);
  }
  const gamma = sched.gamma;
  if (typeof gamma !== 'number' || !(gamma > 0) || !Number.isFinite(gamma)) fail(`schedule gamma must be a finite number > 0, got ${show(gamma)}`);
  // A study folder from before the dataset axis trained on CIFAR-10.
  const dataset = unique(list(raw.dataset ?? [DEFAULT_DATASET], 'dataset').map((d) => {
    const why = typeof d === 'string' ? unknownDataset(d) : `dataset must be a name, got ${JSON.stringify(d)}`;
    if (why) fail(why);
    return d as string;
  }), 'dataset');
  // The smallest training set among the registered data sets (a manifest's size is checked when it is read).
  const known = dataset.filter((d) => DATASETS[d]).map((d) => DATASETS[d]);
  const smallest = known.reduce<{ size: number; title: string } | null>((m, d) => (m && m.size <= d.trainSize ? m : { size: d.trainSize, title: d.title }), null);
  const trainSubset = raw.trainSubset === null ? null : posInt(raw.trainSubset, 'trainSubset');
  if (trainSubset !== null && smallest && trainSubset > smallest.size) fail(`trainSubset must be at most ${smallest.size} (${smallest.title}'s training images), got ${trainSubset}`);
  const lr = raw.lr;
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) fail(`lr must be a finite number > 0, got ${show(lr)}`);
  if (typeof raw.nesterov !== 'boolean') fail(`nesterov must be true or false, got ${JSON.stringify(raw.nesterov)}`);
  if (typeof raw.name !== 'string' || !/^[\w.-]+$/.test(raw.name)) fail(`name must be letters, digits, '.', '_' or '-', got ${JSON.stringify(raw.name)}`);
  if (typeof raw.outDir !== 'string' || raw.outDir === '') fail(`outDir must be a folder name, got ${JSON.stringify(raw.outDir)}`);
  const cfg: StudyConfig = {
    name: raw.name,
    losses,
    seeds,
    epochs: posInt(raw.epochs, 'epochs'),
    batchSize: posInt(raw.batchSize, 'batch size'),
    lr,
    momentum: nonNeg(raw.momentum, 'momentum'),
    weightDecay: nonNeg(raw.weightDecay, 'weight decay'),
    nesterov: raw.nesterov,
    schedule: sched.type === 'multistep'
      ? { type: 'multistep', milestones: unique(list(sched.milestones, 'milestones').map((m) => posInt(m, 'a milestone')), 'milestones').sort((a, b) => a - b), gamma }
      : { type: 'step', stepSize: posInt(sched.stepSize, 'step size'), gamma },
    arch: unique(oneOf(list(raw.arch, 'arch'), ARCHS, 'architecture'), 'arch'),
    data: unique(list(raw.data, 'data').map(dataVariant), 'data'),
    dataset,
    evalEvery: posInt(raw.evalEvery, 'eval interval'),
    trainSubset,
    outDir: raw.outDir,
  };
  if (cfg.nesterov && cfg.momentum === 0) fail('nesterov needs momentum > 0');
  const images = cfg.trainSubset ?? smallest?.size;
  if (images !== undefined && cfg.batchSize > images) fail(`batch size must be at most the ${images.toLocaleString('en-US')} training images, got ${cfg.batchSize}`);
  return cfg;
}
