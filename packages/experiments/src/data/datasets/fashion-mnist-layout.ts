/** Fashion-MNIST's numbers and file names, free of Node (the browser reads the same files). */
import type { DatasetSpec } from '../dataset.ts';

export const FASHION_MNIST_SPEC: DatasetSpec = {
  name: 'fashion-mnist', title: 'Fashion-MNIST', channels: 1, height: 28, width: 28,
  classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  trainSize: 60_000, testSize: 10_000, mean: [0.2860], std: [0.3530], augment: { pad: 2, flip: true },
};

/** The four IDX files (each also found gzipped, with .gz). */
export const FASHION_MNIST_FILES = { trainImages: 'train-images-idx3-ubyte', trainLabels: 'train-labels-idx1-ubyte', testImages: 't10k-images-idx3-ubyte', testLabels: 't10k-labels-idx1-ubyte' };
