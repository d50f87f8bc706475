/**
 * `--train-subset`: the one rule for which training images a run keeps — the first k of a
 * permutation drawn from nn's Rng(seed, 'subset'), in ascending order — used by the study's
 * engine and by `parity --trajectory` (which passes the indices on to PyTorch).
 */
import { Rng } from '@losslab/nn';
import type { Split } from './dataset.ts';

/** The k of `indices` (training-set indices, e.g. a data variant's) that a run with `seed` trains on. */
export function subsetIndices(indices: Uint32Array, k: number, seed: number): Uint32Array {
  const n = indices.length;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`subset size must be an integer in 1..${n}, got ${k}`);
  const perm = new Rng(seed, 'subset').permutation(n);
  return Uint32Array.from(perm.subarray(0, k), (j) => indices[j]).sort();
}

/** The images and labels at `order` (indices into `split`), in that order. */
export function gatherSplit(split: Split, order: Uint32Array): Split {
  const size = split.images.length / split.labels.length; // bytes per image
  const images = new Uint8Array(order.length * size);
  const labels = new (split.labels.constructor as Uint8ArrayConstructor | Uint16ArrayConstructor)(order.length);
  order.forEach((src, i) => {
    images.set(split.images.subarray(src * size, (src + 1) * size), i * size);
    labels[i] = split.labels[src];
  });
  return { images, labels };
}

/** The images and labels of subsetIndices over the whole split. */
export function subset(split: Split, k: number, seed: number): Split {
  return gatherSplit(split, subsetIndices(Uint32Array.from(split.labels.keys()), k, seed));
}
