/** The study's configuration: the default (the study's setup) and presets. */
import { ARCHITECTURES } from '@losslab/nn';
import type { RunSpec } from '../engine/types.ts';
import { CIFAR10_SPEC } from '../data/layout.ts';

export type Schedule = RunSpec['schedule'];

/** Hyperparameters every run of a study shares (one RunSpec each, per loss × seed × data × arch × dataset). */
type SharedHyper = Pick<RunSpec, 'epochs' | 'batchSize' | 'lr' | 'momentum' | 'weightDecay' | 'nesterov' | 'schedule' | 'evalEvery' | 'trainSubset'>;

export interface StudyConfig extends SharedHyper {
  name: string;
  losses: string[];
  seeds: number[];
  arch: string[];
  data: string[];
  /** Data sets: names in data/datasets/index.ts or manifest files (*.json); a grid axis like arch. */
  dataset: string[];
  outDir: string;
}

export const ARCHS = Object.keys(ARCHITECTURES);
export const DATA_VARIANTS = ['clean', 'lt10', 'lt100', 'noise20', 'noise40'];
/** Seeds are 32-bit (the generators take seed mod 2³²): larger ones would repeat smaller ones. */
export const MAX_SEED = 2 ** 32 - 1;
/** A grid bigger than this is a typo ('0-1000000000'), not a study. */
export const MAX_SEEDS = 10_000;

export const DEFAULT_CONFIG: StudyConfig = {
  name: 'default',
  losses: ['ce', 'focal:0.5', 'focal:2', 'l1'],
  seeds: [0, 1, 2],
  epochs: 30,
  batchSize: 64,
  lr: 0.01,
  momentum: 0.9,
  weightDecay: 0,
  nesterov: false,
  schedule: { type: 'step', stepSize: 10, gamma: 0.5 },
  arch: ['convnet'],
  data: ['clean'],
  dataset: [CIFAR10_SPEC.name], // the default data set (data/datasets/index.ts DEFAULT_DATASET), named here without its Node reader
  evalEvery: 1,
  trainSubset: null,
  outDir: 'results/default',
};

/** Presets: overrides of the default. `quick` is a first look in minutes on a CPU adapter. */
export const PRESETS: Record<string, Partial<StudyConfig>> = {
  default: {},
  // (no outDir: the folder follows the name, so `--preset quick --name X` writes to results/X)
  quick: { name: 'quick', epochs: 3, seeds: [0], trainSubset: 10_000 },
  /**
   * He et al. 2016's CIFAR-10 recipe for ResNet-20 (91.25% test accuracy in the paper): batch 128,
   * SGD lr 0.1, momentum 0.9, weight decay 1e-4, lr ÷10 at 32k and 48k of 64k iterations
   * (epochs 82 and 123 of 164 at 391 steps per epoch); crop + flip augmentation as in the study.
   */
  resnet20: {
    name: 'resnet20', arch: ['resnet20'], epochs: 164, batchSize: 128, lr: 0.1, momentum: 0.9, weightDecay: 1e-4,
    schedule: { type: 'multistep', milestones: [82, 123], gamma: 0.1 },
  },
};

/** The fields that define a study's numbers: two folders with equal keys hold the same study. */
export function studyIdentity(c: StudyConfig): Omit<StudyConfig, 'outDir'> {
  const { outDir: _outDir, ...rest } = c;
  return rest;
}
