import type { OpCase } from '../tables.ts';
import { rng, ints, f64 } from '../random.ts';
import { augmentRef } from '../../src/reference/augment.ts';

const MEAN = [0.4914, 0.4822, 0.4465];
const STD = [0.247, 0.2435, 0.2616];

/** Small synthetic uint8 image sets; the chunk split falls inside the data set in most cases. */
export function cases(): OpCase[] {
  const configs = [
    { n: 5, ipc: 3, batch: 4, offset: 1, seed: 1, epoch: 0, pad: 4 as number | null, flip: true, normalize: false },
    { n: 7, ipc: 4, batch: 7, offset: 3, seed: 0xdeadbeef, epoch: 5, pad: 4, flip: true, normalize: false },
    { n: 6, ipc: 6, batch: 3, offset: 0, seed: 7, epoch: 1, pad: 2, flip: false, normalize: false },
    { n: 4, ipc: 2, batch: 4, offset: 0, seed: 9, epoch: 0, pad: null, flip: true, normalize: false },
    { n: 6, ipc: 4, batch: 3, offset: 2, seed: 0, epoch: 0, pad: null, flip: false, normalize: true },
  ];
  return configs.map((k, idx) => {
    const next = rng(1300 + idx);
    const images = ints(next, k.n * 3072, 256);
    const labels = ints(next, k.n, 10);
    // A permutation-like order (with repeats allowed) longer than one batch.
    const order = ints(next, k.offset + k.batch + 3, k.n);
    const r = augmentRef({
      images, labels, order: k.normalize ? null : order, orderOffset: k.offset, batch: k.batch, seed: k.seed, epoch: k.epoch,
      mean: MEAN, std: STD, pad: k.pad ?? 0, flip: k.flip,
    });
    return {
      name: `random augment n=${k.n} chunk=${k.ipc} batch=${k.batch} offset=${k.offset} seed=${k.seed} epoch=${k.epoch} pad=${k.pad} flip=${k.flip}${k.normalize ? ' (normalizeImages)' : ''}`,
      op: 'augment',
      source: 'reference',
      params: { batch: k.batch, imagesPerChunk: k.ipc, seed: k.seed, epoch: k.epoch, orderOffset: k.offset, pad: k.pad, flip: k.flip, mean: MEAN, std: STD, normalize: k.normalize },
      inputs: { images: f64([k.n, 3, 32, 32], images), labels: f64([k.n], labels), order: f64([order.length], order) },
      expected: { out: f64([k.batch, 3, 32, 32], r.out), out_labels: f64([k.batch], r.labels) },
    };
  });
}
