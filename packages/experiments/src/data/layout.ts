/** The official CIFAR-10 binary layout (cifar-10-binary.tar.gz → cifar-10-batches-bin/) and CIFAR-10's numbers. */
import type { DatasetSpec } from './dataset.ts';

export const TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
export const TEST_FILE = 'test_batch.bin';
export const META_FILE = 'batches.meta.txt';
export const FOLDER_NAME = 'cifar-10-batches-bin';

export const IMAGE_BYTES = 3 * 32 * 32; // CHW: 1024 red, 1024 green, 1024 blue
export const RECORD_BYTES = 1 + IMAGE_BYTES; // label byte, then the image
export const RECORDS_PER_BATCH = 10_000;
export const BATCH_BYTES = RECORD_BYTES * RECORDS_PER_BATCH; // 30,730,000
export const NUM_CLASSES = 10;

export const CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

export const DOWNLOAD_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const DOWNLOAD_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

/** CIFAR-10 as a data set (datasets/cifar10.ts adds its reader). Normalisation as the founding study used. */
export const CIFAR10_SPEC: DatasetSpec = {
  name: 'cifar10', title: 'CIFAR-10', channels: 3, height: 32, width: 32, classNames: CLASS_NAMES,
  trainSize: TRAIN_FILES.length * RECORDS_PER_BATCH, testSize: RECORDS_PER_BATCH,
  mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201], augment: { pad: 4, flip: true },
};

/** What the reader checks against: the real sizes by default, smaller in tests. */
export interface LayoutSpec {
  recordsPerBatch: number;
}
export const OFFICIAL: LayoutSpec = { recordsPerBatch: RECORDS_PER_BATCH };
