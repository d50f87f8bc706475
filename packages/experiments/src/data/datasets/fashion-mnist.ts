/**
 * Fashion-MNIST (Xiao et al. 2017): 28×28 greyscale images of 10 kinds of clothing, 60,000 for
 * training and 10,000 for testing, in the original IDX files. Debian's `dataset-fashion-mnist`
 * package installs them in /usr/share/datasets/fashion-mnist (scripts/setup.sh installs it).
 * Normalisation: the training set's mean and std of pixel values in [0, 1] (0.2860, 0.3530). Augmentation: a
 * random crop with 2 pixels of zero padding and horizontal flips (every class is left-right symmetric
 * in meaning).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset, DatasetDescriptor, DatasetSpec, LoadOptions } from '../dataset.ts';
import { readIdx } from '../idx.ts';
import { locateDataFolder, type FolderSearch } from '../locate.ts';
import { checkedLabels } from '../records.ts';
import { FASHION_MNIST_FILES as FILES, FASHION_MNIST_SPEC } from './fashion-mnist-layout.ts';

export { FASHION_MNIST_SPEC };

export const FASHION_MNIST_SEARCH: FolderSearch = {
  title: 'Fashion-MNIST', folder: 'fashion-mnist', envVar: 'FASHION_MNIST_DIR',
  files: Object.values(FILES).map((f) => `${f}.gz|${f}`), systemDirs: ['/usr/share/datasets/fashion-mnist'],
};

/** The file `base` in `dir`, gzipped or not. */
async function pick(dir: string, base: string): Promise<string> {
  const gz = join(dir, `${base}.gz`);
  return (await stat(gz).then(() => true, () => false)) ? gz : join(dir, base);
}

/** Reads and checks the four IDX files of `dir` against `spec` (its sizes; smaller in tests). */
export async function readFashionMnistDir(dir: string, spec: DatasetSpec = FASHION_MNIST_SPEC): Promise<Dataset> {
  const split = async (images: string, labels: string, n: number) => {
    const labelFile = await pick(dir, labels);
    return {
      images: await readIdx(await pick(dir, images), [n, spec.height, spec.width]),
      labels: checkedLabels(labelFile, await readIdx(labelFile, [n]), spec.classNames.length),
    };
  };
  return {
    spec, dir,
    train: await split(FILES.trainImages, FILES.trainLabels, spec.trainSize),
    test: await split(FILES.testImages, FILES.testLabels, spec.testSize),
  };
}

export const FASHION_MNIST: DatasetDescriptor = {
  ...FASHION_MNIST_SPEC,
  sources: '--data-dir, $FASHION_MNIST_DIR, /usr/share/datasets/fashion-mnist (Debian: apt-get install dataset-fashion-mnist), the cache',
  load: async (o: LoadOptions = {}) => readFashionMnistDir(await locateDataFolder(FASHION_MNIST_SEARCH, o)),
};
