/**
 * A data set is a descriptor: its numbers (image shape, classes, sizes, normalisation, default
 * augmentation) and a reader that finds, reads and checks the files and returns the tensors
 * (tinygrad's datasets are functions returning tensors). Everything downstream — device upload,
 * augmentation, normalisation, the models' input and output sizes, the loss's class count, data
 * variants, metrics, saliency, the viewer's class names, the PyTorch side of a trajectory — reads
 * a Dataset's `spec`; nothing else knows a data set's numbers.
 */
import type { DownloadProgress } from './download.ts';

/** Labels: one per image, below the class count (Uint16Array when there are more than 256 classes). */
export type LabelArray = Uint8Array | Uint16Array;

export interface Split {
  /** N × C·H·W bytes, uint8 CHW per image. */
  images: Uint8Array;
  labels: LabelArray;
}

export interface DatasetSpec {
  /** The name `--dataset` takes, e.g. 'cifar10'. */
  name: string;
  /** For people, e.g. 'CIFAR-10'. */
  title: string;
  /** Per-image shape, CHW. */
  channels: number;
  height: number;
  width: number;
  /** One name per class; labels are indices into it. */
  classNames: string[];
  trainSize: number;
  testSize: number;
  /** Per channel, of pixel values scaled to [0, 1]: x ↦ (x − mean) / std. */
  mean: number[];
  std: number[];
  /** The default training augmentation: RandomCrop with zero padding `pad` (0: none), then RandomHorizontalFlip when `flip`. */
  augment: { pad: number; flip: boolean };
}

/** A data set in memory. */
export interface Dataset {
  spec: DatasetSpec;
  train: Split;
  test: Split;
  /** Where it was read from (a folder, a manifest, or a note such as '(synthetic)'). */
  dir: string;
}

export interface LoadOptions {
  /** A folder holding the data set's files (or a folder above, holding its usual folder name). */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Never download (an error instead). */
  offline?: boolean;
  onProgress?: (p: DownloadProgress) => void;
  /** Download overrides (tests serve a small archive). */
  url?: string;
  md5?: string;
}

/** A data set's numbers and how to load it. Adding a data set is one such object in one file under datasets/. */
export interface DatasetDescriptor extends DatasetSpec {
  /** Where the files are looked for, for help and errors. */
  sources: string;
  load(o?: LoadOptions): Promise<Dataset>;
}

export const imageSize = (s: Pick<DatasetSpec, 'channels' | 'height' | 'width'>): number => s.channels * s.height * s.width;
export const inputShape = (s: Pick<DatasetSpec, 'channels' | 'height' | 'width'>): [number, number, number] => [s.channels, s.height, s.width];
/** The spec's numbers without the reader (what study.json and plan.json record). */
export function specOf(d: DatasetSpec): DatasetSpec {
  const { name, title, channels, height, width, classNames, trainSize, testSize, mean, std, augment } = d;
  return { name, title, channels, height, width, classNames, trainSize, testSize, mean, std, augment };
}

/** An array for `n` labels of `classes` classes. */
export function labelArray(n: number, classes: number): LabelArray {
  return classes > 256 ? new Uint16Array(n) : new Uint8Array(n);
}
