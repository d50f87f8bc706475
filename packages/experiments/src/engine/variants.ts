/**
 * Training-set variants (the test set always stays the balanced original), for a data set of C classes:
 * - `clean`: every training image;
 * - `lt<R>` (e.g. lt10, lt100): long-tailed, class i keeps n_max · R^(-i/(C-1)) images (Cui et al. 2019), chosen by a seeded draw;
 * - `noise<P>` (e.g. noise20, noise40): symmetric label noise, P% of labels replaced by a uniformly drawn other class.
 */
import { Rng } from '@losslab/nn';
import type { LabelArray } from '../data/index.ts';

export interface DataVariant {
  name: string;
  /** Data-set indices to train on, ascending. */
  indices: Uint32Array;
  /** Labels for every data-set index (noisy where the variant says so). */
  labels: LabelArray;
  /** What changed, for the record: images kept per class, labels flipped. */
  info: { perClass: number[]; flipped: number };
}

export const VARIANT_PATTERN = /^(clean|lt(\d+)|noise(\d+))$/;

export function validateVariant(name: string): string | null {
  const m = VARIANT_PATTERN.exec(name);
  if (!m) return `unknown data variant "${name}" (known: clean, lt<ratio> e.g. lt10 and lt100, noise<percent> e.g. noise20 and noise40)`;
  if (m[2] !== undefined && !(Number(m[2]) >= 1)) return `imbalance ratio must be ≥ 1 in "${name}"`;
  if (m[3] !== undefined && !(Number(m[3]) >= 0 && Number(m[3]) < 100)) return `noise percentage must be in [0, 100) in "${name}"`;
  return null;
}

function countPerClass(labels: ArrayLike<number>, indices: ArrayLike<number>, classes: number): number[] {
  const c = new Array<number>(classes).fill(0);
  for (let i = 0; i < indices.length; i++) c[labels[indices[i]]]++;
  return c;
}

export function variantFor(name: string, labels: LabelArray, seed: number, classes: number): DataVariant {
  const err = validateVariant(name);
  if (err) throw new Error(err);
  const m = VARIANT_PATTERN.exec(name)!;
  const all = Uint32Array.from({ length: labels.length }, (_, i) => i);
  if (m[2] !== undefined) {
    const ratio = Number(m[2]);
    const byClass: number[][] = Array.from({ length: classes }, () => []);
    for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
    const nMax = Math.max(...byClass.map((c) => c.length));
    const rng = new Rng(seed, `variant/${name}`);
    const keep: number[] = [];
    byClass.forEach((idx, c) => {
      const k = Math.min(idx.length, Math.max(1, Math.floor(nMax * Math.pow(ratio, -c / (classes - 1)))));
      const perm = rng.permutation(idx.length);
      for (let j = 0; j < k; j++) keep.push(idx[perm[j]]);
    });
    const indices = Uint32Array.from(keep).sort();
    return { name, indices, labels, info: { perClass: countPerClass(labels, indices, classes), flipped: 0 } };
  }
  if (m[3] !== undefined) {
    const p = Number(m[3]) / 100;
    const rng = new Rng(seed, `variant/${name}`);
    const noisy = labels.slice();
    let flipped = 0;
    for (let i = 0; i < noisy.length; i++) {
      if (rng.next() < p) {
        const other = rng.int(classes - 1);
        noisy[i] = other >= labels[i] ? other + 1 : other; // uniform over the other classes
        flipped++;
      }
    }
    return { name, indices: all, labels: noisy, info: { perClass: countPerClass(noisy, all, classes), flipped } };
  }
  return { name, indices: all, labels, info: { perClass: countPerClass(labels, all, classes), flipped: 0 } };
}
