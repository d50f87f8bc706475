/** Your own images as a data set for the engine, in CIFAR-10's layout (uint8 CHW 3×32×32 per image). */
import { CLASS_NAMES, IMAGE_BYTES, type CifarDataset, type Split } from './layout.ts';
import { DataError } from './errors.ts';

export interface ArrayDatasetInput {
  train: Split;
  test: Split;
  /** One name per class; labels must be below its length. Default: CIFAR-10's ten names. */
  classNames?: string[];
}

function checkSplit(name: string, s: Split, classes: number): void {
  const n = s.labels.length;
  if (n === 0) throw new DataError(name, 'at least one image', 'none');
  if (s.images.length !== n * IMAGE_BYTES) {
    throw new DataError(name, `${n} × ${IMAGE_BYTES} image bytes for ${n} labels (uint8, CHW 3×32×32)`, `${s.images.length}`);
  }
  const bad = s.labels.findIndex((l) => l >= classes);
  if (bad >= 0) throw new DataError(name, `labels below the ${classes} classes`, `label ${s.labels[bad]} at index ${bad}`);
}

/** Checks the arrays and returns the data set the engine trains and evaluates on. */
export function datasetFromArrays(input: ArrayDatasetInput): CifarDataset {
  const classNames = input.classNames ?? [...CLASS_NAMES];
  checkSplit('train', input.train, classNames.length);
  checkSplit('test', input.test, classNames.length);
  return { train: input.train, test: input.test, classNames, dir: '(arrays)' };
}
