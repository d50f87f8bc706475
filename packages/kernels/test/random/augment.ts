import type { OpCase } from '../tables.ts';
import { rng, ints, f64 } from '../random.ts';
import { augmentRef } from '../../src/reference/augment.ts';

const MEAN = [0.4914, 0.4822, 0.4465];
const STD = [0.247, 0.2435, 0.2616];

/** Fashion-MNIST's normalisation (one channel), and a made-up pair for the 2-channel rows. */
const GREY = { mean: [0.286], std: [0.353] };
const TWO = { mean: [0.3, 0.6], std: [0.25, 0.5] };

/**
 * Small synthetic uint8 image sets; the chunk split falls inside the data set in most cases.
 * Shapes other than CIFAR-10's: Fashion-MNIST's 1×28×28 (7 words a row), a 2×6×12 set, and a
 * crop padding of 16 wider than the image (source columns far left of it).
 */
export function cases(): OpCase[] {
  const rgb = { shape: [3, 32, 32] as [number, number, number], mean: MEAN, std: STD };
  const grey = { shape: [1, 28, 28] as [number, number, number], ...GREY };
  const two = { shape: [2, 6, 12] as [number, number, number], ...TWO };
  const configs = [
    { n: 5, ipc: 3, batch: 4, offset: 1, seed: 1, epoch: 0, pad: 4 as number | null, flip: true, normalize: false, ...rgb },
    { n: 7, ipc: 4, batch: 7, offset: 3, seed: 0xdeadbeef, epoch: 5, pad: 4, flip: true, normalize: false, ...rgb },
    { n: 6, ipc: 6, batch: 3, offset: 0, seed: 7, epoch: 1, pad: 2, flip: false, normalize: false, ...rgb },
    { n: 4, ipc: 2, batch: 4, offset: 0, seed: 9, epoch: 0, pad: null, flip: true, normalize: false, ...rgb },
    { n: 6, ipc: 4, batch: 3, offset: 2, seed: 0, epoch: 0, pad: null, flip: false, normalize: true, ...rgb },
    { n: 7, ipc: 4, batch: 6, offset: 1, seed: 3, epoch: 2, pad: 4, flip: true, normalize: false, ...grey },
    { n: 5, ipc: 5, batch: 3, offset: 1, seed: 0, epoch: 0, pad: null, flip: false, normalize: true, ...grey },
    { n: 9, ipc: 5, batch: 8, offset: 0, seed: 11, epoch: 3, pad: 16, flip: true, normalize: false, ...two },
  ];
  return configs.map((k, idx) => {
    const next = rng(1300 + idx);
    const [C, H, W] = k.shape;
    const images = ints(next, k.n * C * H * W, 256);
    const labels = ints(next, k.n, 10);
    // A permutation-like order (with repeats allowed) longer than one batch.
    const order = ints(next, k.offset + k.batch + 3, k.n);
    const r = augmentRef({
      images, labels, order: k.normalize ? null : order, orderOffset: k.offset, batch: k.batch, seed: k.seed, epoch: k.epoch,
      mean: k.mean, std: k.std, pad: k.pad ?? 0, flip: k.flip, shape: k.shape,
    });
    return {
      name: `random augment ${C}×${H}×${W} n=${k.n} chunk=${k.ipc} batch=${k.batch} offset=${k.offset} seed=${k.seed} epoch=${k.epoch} pad=${k.pad} flip=${k.flip}${k.normalize ? ' (normalizeImages)' : ''}`,
      op: 'augment',
      source: 'reference',
      params: { batch: k.batch, imagesPerChunk: k.ipc, seed: k.seed, epoch: k.epoch, orderOffset: k.offset, pad: k.pad, flip: k.flip, mean: k.mean, std: k.std, normalize: k.normalize },
      inputs: { images: f64([k.n, C, H, W], images), labels: f64([k.n], labels), order: f64([order.length], order) },
      expected: { out: f64([k.batch, C, H, W], r.out), out_labels: f64([k.batch], r.labels) },
    };
  });
}
