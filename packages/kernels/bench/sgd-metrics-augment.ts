/**
 * Optimizer, metric and augmentation timings: SGD over the ConvNet's packed parameters
 * (10,006 + padding → 11,008), evalMetrics over the test set's 10,000×10 logits, and the
 * augmentation kernel at batch 64 and 256 (and `batch` when different). Memory rates count
 * every byte read and written once.
 */
import type { KernelContext } from '../src/core.ts';
import { sgdStep, createSgdHyper } from '../src/ops/sgd.ts';
import { evalMetrics } from '../src/ops/metrics.ts';
import { augmentBatch, uploadImageChunks, createAugmentEpoch, IMAGE_BYTES } from '../src/ops/augment.ts';
import { benchRow, timeDispatches, type BenchRow } from './timing.ts';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

export async function benchSgdMetricsAugment(ctx: KernelContext, batch: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const next = lcg(17);

  // SGD: momentum 0.9, weight decay 5e-4, over the packed parameter buffer.
  const count = 11008;
  const vec = () => ctx.upload(Float32Array.from({ length: count }, () => next() - 0.5));
  const hyper = createSgdHyper(ctx, { lr: 0.01, momentum: 0.9, weightDecay: 5e-4, nesterov: false });
  const sgd = sgdStep(ctx, { params: vec(), grads: vec(), momentum: vec(), count, hyper });
  rows.push(benchRow('sgd_step', `${count} params, μ=0.9, wd`, await timeDispatches(ctx, [sgd]), 1, { bytes: 5 * 4 * count }));

  // Metrics over the test set.
  const n = 10000, c = 10, bins = 15;
  const logits = ctx.upload(Float32Array.from({ length: n * c }, () => 8 * next() - 4));
  const target = ctx.upload(Uint32Array.from({ length: n }, () => Math.floor(next() * c)));
  const metrics = evalMetrics(ctx, { logits, target, n, c, confusion: ctx.storage(c * c * 4), calibration: ctx.storage(bins * 3 * 4), bins });
  rows.push(benchRow('metrics_eval', `${n}×${c}, ${bins} bins`, await timeDispatches(ctx, [metrics]), 1, { bytes: n * (c + 1) * 4 }));

  // Augmentation: 2048 synthetic images split over both chunks, a random order.
  const images = 2048;
  const bytes = Uint8Array.from({ length: images * IMAGE_BYTES }, () => Math.floor(next() * 256));
  const chunks = uploadImageChunks(ctx, bytes, images / 2);
  const labels = ctx.upload(Uint32Array.from({ length: images }, () => Math.floor(next() * 10)));
  const order = ctx.upload(Uint32Array.from({ length: images }, () => Math.floor(next() * images)));
  const epoch = createAugmentEpoch(ctx, 0);
  for (const b of [...new Set([64, 256, batch])].filter((b) => b <= images)) {
    const d = augmentBatch(ctx, {
      images: chunks, imagesPerChunk: images / 2, labels, order, orderOffset: 0, batch: b, out: ctx.storage(b * IMAGE_BYTES * 4),
      outLabels: ctx.storage(b * 4), seed: 1, epoch, mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616], crop: { pad: 4 }, flip: true,
    });
    rows.push(benchRow('augment_batch', `batch ${b}, crop 4 + flip`, await timeDispatches(ctx, [d]), 1, { bytes: b * (IMAGE_BYTES * 5 + 8) }));
  }
  return rows;
}
