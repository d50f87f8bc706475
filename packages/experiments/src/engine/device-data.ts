/**
 * CIFAR-10 resident on the device: uint8 images uploaded once (training set in two chunks,
 * lavapipe binds at most 128 MiB), with the per-step augmentation and the test-set
 * normalisation planned as dispatches that read them.
 */
import {
  augmentBatch, augmentRef, normalizeImages, uploadImageChunks, maxImagesPerChunk, type Dispatch, type KernelContext,
} from '@losslab/kernels';
import type { CifarDataset } from '../data/index.ts';

/** The study's normalisation (as the founding study used). */
export const CIFAR_MEAN = [0.4914, 0.4822, 0.4465] as const;
export const CIFAR_STD = [0.2023, 0.1994, 0.201] as const;
export const CROP_PADDING = 4;

export class DeviceDataset {
  readonly imagesPerChunk: number;
  readonly train: [GPUBuffer, GPUBuffer];
  readonly test: [GPUBuffer, GPUBuffer];
  readonly testLabels: GPUBuffer;
  readonly testCount: number;

  constructor(ctx: KernelContext, d: CifarDataset) {
    this.imagesPerChunk = maxImagesPerChunk(ctx);
    this.train = uploadImageChunks(ctx, d.train.images, this.imagesPerChunk);
    this.test = uploadImageChunks(ctx, d.test.images, this.imagesPerChunk);
    this.testLabels = ctx.upload(Uint32Array.from(d.test.labels), 'test_labels');
    this.testCount = d.test.labels.length;
  }

  destroy(): void {
    for (const b of [...this.train, ...this.test, this.testLabels]) b.destroy();
  }
}

/** One augmentation dispatch per step of an epoch (the last batch may be smaller), reused every epoch. */
export function planAugmentSteps(ctx: KernelContext, data: DeviceDataset, a: {
  labels: GPUBuffer; order: GPUBuffer; batch: number; count: number; out: GPUBuffer; outLabels: GPUBuffer; seed: number; epoch: GPUBuffer;
}): Dispatch[] {
  const steps = Math.ceil(a.count / a.batch);
  return Array.from({ length: steps }, (_, k) => augmentBatch(ctx, {
    images: data.train, imagesPerChunk: data.imagesPerChunk, labels: a.labels, order: a.order,
    orderOffset: k * a.batch, batch: Math.min(a.batch, a.count - k * a.batch), out: a.out, outLabels: a.outLabels,
    seed: a.seed, epoch: a.epoch, mean: CIFAR_MEAN, std: CIFAR_STD, crop: { pad: CROP_PADDING }, flip: true,
  }));
}

/** Test-set batches, normalised only; `batch` must divide the test-set size. */
export function planNormalizeBatches(ctx: KernelContext, data: DeviceDataset, a: { batch: number; out: GPUBuffer; outLabels: GPUBuffer }): Dispatch[] {
  if (data.testCount % a.batch !== 0) throw new Error(`evaluation batch ${a.batch} does not divide ${data.testCount}`);
  return Array.from({ length: data.testCount / a.batch }, (_, k) => normalizeImages(ctx, {
    images: data.test, imagesPerChunk: data.imagesPerChunk, first: k * a.batch, count: a.batch, out: a.out,
    mean: CIFAR_MEAN, std: CIFAR_STD, labels: data.testLabels, outLabels: a.outLabels,
  }));
}

/** Test images by index, normalised on the host (the normalisation kernel's float64 reference: no crop, no flip). */
export function normalizeTestImages(d: CifarDataset, indices: number[]): Float32Array<ArrayBuffer> {
  const { out } = augmentRef({
    images: d.test.images, labels: d.test.labels, order: indices, orderOffset: 0, batch: indices.length,
    seed: 0, epoch: 0, mean: CIFAR_MEAN, std: CIFAR_STD, pad: 0, flip: false,
  });
  return Float32Array.from(out);
}
