/** The study's configuration: the default (the study's setup) and presets. */

export interface Schedule {
  type: 'step';
  stepSize: number;
  gamma: number;
}

export interface StudyConfig {
  name: string;
  losses: string[];
  seeds: number[];
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  schedule: Schedule;
  arch: string[];
  data: string[];
  evalEvery: number;
  trainSubset: number | null;
  outDir: string;
}

export const ARCHS = ['convnet', 'convnet-large'];
export const DATA_VARIANTS = ['clean', 'lt10', 'lt100', 'noise20', 'noise40'];
export const TRAIN_IMAGES = 50_000;

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
  evalEvery: 1,
  trainSubset: null,
  outDir: 'results/default',
};

/** Presets: overrides of the default. `quick` is a first look in minutes on a CPU adapter. */
export const PRESETS: Record<string, Partial<StudyConfig>> = {
  default: {},
  quick: { name: 'quick', epochs: 3, seeds: [0], trainSubset: 10_000, outDir: 'results/quick' },
};

/** The fields that define a study's numbers: two folders with equal keys hold the same study. */
export function studyIdentity(c: StudyConfig): Omit<StudyConfig, 'outDir'> {
  const { outDir: _outDir, ...rest } = c;
  return rest;
}
