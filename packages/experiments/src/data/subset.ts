/** A seeded subset of a split: the first k images of a seeded shuffle (the same k and seed give the same images). */
import { permutation, seededRng } from '../util/rng.ts';
import { IMAGE_BYTES, type Split } from './layout.ts';

/** The indices (into a split of n images) that subset(split, k, seed) takes, in its order. */
export function subsetIndices(n: number, k: number, seed: number): Uint32Array {
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`subset size must be an integer in 1..${n}, got ${k}`);
  return Uint32Array.from(permutation(n, seededRng(seed)).subarray(0, k));
}

export function subset(split: Split, k: number, seed: number): Split {
  const order = subsetIndices(split.labels.length, k, seed);
  const images = new Uint8Array(k * IMAGE_BYTES);
  const labels = new Uint8Array(k);
  order.forEach((src, i) => {
    images.set(split.images.subarray(src * IMAGE_BYTES, (src + 1) * IMAGE_BYTES), i * IMAGE_BYTES);
    labels[i] = split.labels[src];
  });
  return { images, labels };
}
