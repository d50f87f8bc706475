/** Your own images as a data set for the engine: arrays in memory, checked against a spec (CIFAR-10's by default). */
import { imageSize, type Dataset, type DatasetSpec, type Split } from './dataset.ts';
import { DataError } from './errors.ts';
import { CIFAR10_SPEC } from './layout.ts';
import { checkedLabels } from './records.ts';

export interface ArrayDatasetInput {
  train: Split;
  test: Split;
  /** The data set's numbers; what is left out is CIFAR-10's, the sizes are the arrays'. */
  spec?: Partial<DatasetSpec>;
  /** Shorthand for spec.classNames. */
  classNames?: string[];
}

function checkSplit(name: string, s: Split, spec: DatasetSpec): Split {
  const n = s.labels.length;
  const size = imageSize(spec);
  if (n === 0) throw new DataError(name, 'at least one image', 'none');
  if (s.images.length !== n * size) {
    throw new DataError(name, `${n} × ${size} image bytes for ${n} labels (uint8, CHW ${spec.channels}×${spec.height}×${spec.width})`, `${s.images.length}`);
  }
  return { images: s.images, labels: checkedLabels(name, s.labels, spec.classNames.length) };
}

/** Checks the arrays and returns the data set the engine trains and evaluates on. */
export function datasetFromArrays(input: ArrayDatasetInput): Dataset {
  const base: DatasetSpec = { ...CIFAR10_SPEC, name: 'arrays', title: 'arrays', ...input.spec };
  if (input.classNames) base.classNames = input.classNames;
  const spec = { ...base, trainSize: input.train.labels.length, testSize: input.test.labels.length };
  return { spec, train: checkSplit('train', input.train, spec), test: checkSplit('test', input.test, spec), dir: '(arrays)' };
}
