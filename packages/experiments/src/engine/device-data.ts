/**
 * A data set resident on the device: uint8 images uploaded once (training set in two chunks,
 * lavapipe binds at most 128 MiB), with the per-step augmentation and the test-set
 * normalisation planned as dispatches that read them. Shape, normalisation and augmentation
 * come from the data set's spec.
 */
import {
  augmentBatch, augmentRef, normalizeImages, uploadImageChunks, maxImagesPerChunk, type Dispatch, type KernelContext, type ImageShape,
} from '@losslab/kernels';
import { imageSize, inputShape, type Dataset, type DatasetSpec } from '../data/dataset.ts';

export class DeviceDataset {
  readonly spec: DatasetSpec;
  readonly shape: ImageShape;
  readonly imagesPerChunk: number;
  readonly train: [GPUBuffer, GPUBuffer];
  readonly test: [GPUBuffer, GPUBuffer];
  readonly testLabels: GPUBuffer;
  readonly testCount: number;
  /** Training images (every run's labels array has this many entries). */
  readonly trainCount: number;

  constructor(ctx: KernelContext, d: Dataset) {
    this.spec = d.spec;
    this.shape = { channels: d.spec.channels, height: d.spec.height, width: d.spec.width };
    const bytes = imageSize(d.spec);
    this.imagesPerChunk = maxImagesPerChunk(ctx, bytes);
    this.train = uploadImageChunks(ctx, d.train.images, this.imagesPerChunk, bytes);
    this.test = uploadImageChunks(ctx, d.test.images, this.imagesPerChunk, bytes);
    this.testLabels = ctx.upload(Uint32Array.from(d.test.labels), 'test_labels');
    this.testCount = d.test.labels.length;
    this.trainCount = d.train.labels.length;
  }

  destroy(): void {
    for (const b of [...this.train, ...this.test, this.testLabels]) b.destroy();
  }
}

/**
 * Every run's training labels in one buffer, u32 [R][N] (run r's at r·N): the `labels` of
 * planAugmentSteps. Runs in lockstep share the training set, so every run has N labels.
 */
export function uploadRunLabels(ctx: KernelContext, perRun: readonly ArrayLike<number>[]): GPUBuffer {
  const n = sameLength('training labels', perRun);
  const all = new Uint32Array(perRun.length * n);
  perRun.forEach((l, r) => all.set(l, r * n));
  return ctx.upload(all, 'train_labels');
}

/** Writes every run's epoch order (dataset indices, `count` each) into `order`, u32 [R][count]. */
export function writeRunOrders(ctx: KernelContext, order: GPUBuffer, perRun: readonly ArrayLike<number>[]): void {
  const count = sameLength('epoch orders', perRun);
  perRun.forEach((o, r) => ctx.device.queue.writeBuffer(order, r * count * 4, Uint32Array.from(o)));
}

function sameLength(what: string, perRun: readonly ArrayLike<number>[]): number {
  if (perRun.length === 0) throw new Error(`${what}: no runs`);
  const n = perRun[0].length;
  const other = perRun.findIndex((x) => x.length !== n);
  if (other >= 0) throw new Error(`${what}: run ${other} has ${perRun[other].length}, run 0 has ${n} (runs in lockstep need the same count)`);
  return n;
}

/**
 * One augmentation dispatch per step of an epoch (the last batch may be smaller), reused every
 * epoch, each serving every run: `seeds` one per run (R = seeds.length); `labels` u32 [R][N]
 * (uploadRunLabels), `order` u32 [R][count] (writeRunOrders); `out` [R][batch] images and
 * `outLabels` [R][batch], run-major with the step's own batch size.
 */
export function planAugmentSteps(ctx: KernelContext, data: DeviceDataset, a: {
  labels: GPUBuffer; order: GPUBuffer; batch: number; count: number; out: GPUBuffer; outLabels: GPUBuffer; seeds: readonly number[]; epoch: GPUBuffer;
}): Dispatch[] {
  const steps = Math.ceil(a.count / a.batch);
  const labelsPerRun = data.trainCount;
  return Array.from({ length: steps }, (_, k) => augmentBatch(ctx, {
    images: data.train, imagesPerChunk: data.imagesPerChunk, labels: a.labels, order: a.order, labelsPerRun, orderPerRun: a.count,
    orderOffset: k * a.batch, batch: Math.min(a.batch, a.count - k * a.batch), out: a.out, outLabels: a.outLabels,
    seed: a.seeds, epoch: a.epoch, mean: data.spec.mean, std: data.spec.std, shape: data.shape,
    crop: data.spec.augment.pad ? { pad: data.spec.augment.pad } : null, flip: data.spec.augment.flip,
  }));
}

/** Test-set batches, normalised only, written into each of `runs` run slots ([R][batch]); `batch` must divide the test-set size. */
export function planNormalizeBatches(ctx: KernelContext, data: DeviceDataset, a: { batch: number; out: GPUBuffer; outLabels: GPUBuffer; runs?: number }): Dispatch[] {
  if (data.testCount % a.batch !== 0) throw new Error(`evaluation batch ${a.batch} does not divide ${data.testCount}`);
  return Array.from({ length: data.testCount / a.batch }, (_, k) => normalizeImages(ctx, {
    images: data.test, imagesPerChunk: data.imagesPerChunk, first: k * a.batch, count: a.batch, out: a.out,
    mean: data.spec.mean, std: data.spec.std, shape: data.shape, labels: data.testLabels, outLabels: a.outLabels, runs: { count: a.runs ?? 1 },
  }));
}

/** Test images by index, normalised on the host (the normalisation kernel's float64 reference: no crop, no flip). */
export function normalizeTestImages(d: Dataset, indices: number[]): Float32Array<ArrayBuffer> {
  const { out } = augmentRef({
    images: d.test.images, labels: d.test.labels, order: indices, orderOffset: 0, batch: indices.length,
    seed: 0, epoch: 0, mean: d.spec.mean, std: d.spec.std, pad: 0, flip: false, shape: inputShape(d.spec),
  });
  return Float32Array.from(out);
}
