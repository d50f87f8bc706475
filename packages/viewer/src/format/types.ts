/** The results format, version 1 (docs/results-format.md), as the viewer reads it. */

export type StudyStatus = 'running' | 'done' | 'failed';
/** `interrupted`: stopped by Ctrl-C / SIGTERM after a committed epoch; `losslab run --resume` continues it. */
export const RUN_STATUS_NAMES = ['pending', 'running', 'done', 'diverged', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUS_NAMES)[number];

export interface RunEntry {
  id: string;
  loss: string;
  label: string;
  seed: number;
  data: string;
  arch: string;
  /** The data set (absent: CIFAR-10, from before the dataset axis). */
  dataset?: string;
  status: RunStatus;
  epochsDone: number;
  epochs: number;
  divergedEpoch: number | null;
  error: string | null;
  csv: string;
  final: string;
}

export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isSoftware?: boolean;
  isFallbackAdapter?: boolean;
  runtime?: string;
}

export interface Study {
  format: number;
  name: string;
  status: StudyStatus;
  createdAt?: string;
  startedAt?: string;
  endedAt?: string | null;
  config: Record<string, unknown>;
  versions?: Record<string, string>;
  gitCommit?: string | null;
  adapter?: AdapterInfo;
  classNames: string[];
  runs: RunEntry[];
}

/** The metric columns of <Label>_results.csv. */
export const METRICS = ['train_loss', 'train_acc', 'test_loss', 'test_acc', 'f1', 'test_nll', 'ece', 'lr', 'seconds'] as const;
export type Metric = (typeof METRICS)[number];

/** One row of <Label>_results.csv. Missing or `nan` values are NaN. */
export type EpochRow = { epoch: number } & Record<Metric, number>;

export interface PerClass {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  confidence: number;
  accuracy: number;
}

export interface FinalDetails {
  loss: string;
  label: string;
  seed: number;
  epoch: number;
  status: string;
  confusion: number[][];
  perClass: PerClass[];
  calibration: { ece: number; bins: CalibrationBin[] };
  /** <Label>_saliency.json relative to the study folder; null or absent when there is none. */
  saliency?: string | null;
  saliencyError?: string;
}

/** One panel image of <Label>_saliency.json. */
export interface SaliencyImage {
  index: number; // test-set index
  label: number; // true class
  predicted: number;
  gradMax: number;
  /** height·width values in [0, mapScale], row-major. */
  map: number[];
  /** base64 of height·width·3 bytes, interleaved RGB. */
  rgb: string;
}

export interface SaliencyFile {
  format: number;
  loss: string;
  label: string;
  seed: number;
  epoch: number;
  height: number;
  width: number;
  /** A map value divided by mapScale is the normalised saliency in [0, 1]. */
  mapScale: number;
  classNames: string[];
  images: SaliencyImage[];
}

/** JSON writes NaN as null: with one seed, std and ci95 are null (docs/results-format.md). */
export interface MetricStat {
  mean: number;
  std: number | null;
  ci95: [number, number] | null;
  values: number[];
}

export interface PairedDiff {
  meanDiff: number | null;
  ci95: [number, number] | null;
  bootstrapCi95?: [number, number] | null;
  /** The raw paired t-test p-value. */
  pValue: number | null;
  /** Holm's adjustment across the table's tested comparisons (summaries that apply it). */
  pAdjusted?: number | null;
  /** Fewer paired seeds than MIN_SEEDS_TO_TEST: reported, not tested. */
  tooFewSeeds?: boolean;
  n: number;
  significant: boolean;
}

export interface SummaryRow {
  loss: string;
  label: string;
  n: number;
  seeds: number[];
  final: Partial<Record<string, MetricStat>>;
  vsCE?: Partial<Record<string, PairedDiff>>;
  diverged?: { seed: number; epoch: number | null }[];
  failed?: unknown[];
  unfinished?: unknown[];
}

export interface SummaryGroup {
  /** The data set (absent: CIFAR-10, as before the dataset axis). */
  dataset?: string;
  data: string;
  arch: string;
  rows: SummaryRow[];
}

export interface Summary {
  study: string;
  metrics: string[];
  groups: SummaryGroup[];
}
