/**
 * The data sets `--dataset` knows, by name. Adding one: a file in this folder exporting a
 * DatasetDescriptor (see fashion-mnist.ts), and its line below. Your own arrays need no code:
 * `--dataset path/to/manifest.json` (../manifest.ts).
 */
import type { DatasetDescriptor } from '../dataset.ts';
import { CIFAR10 } from './cifar10.ts';
import { CIFAR100, CIFAR100_COARSE } from './cifar100.ts';
import { FASHION_MNIST } from './fashion-mnist.ts';

export const DATASETS: Record<string, DatasetDescriptor> = Object.fromEntries(
  [CIFAR10, FASHION_MNIST, CIFAR100, CIFAR100_COARSE].map((d) => [d.name, d]),
);

export { DEFAULT_DATASET } from '../dataset-tag.ts';

export { CIFAR10, CIFAR100, CIFAR100_COARSE, FASHION_MNIST };
