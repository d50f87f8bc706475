/**
 * Training-batch construction on the device (uint8 CHW images of any `shape` with at most 4
 * channels and a width that is a multiple of 4; CIFAR-10's 3×32×32 by default).
 *
 * Data on the device:
 * - images: uint8 records, C·H·W bytes (C·H·W/4 u32 words, little-endian byte order) per image, label
 *   byte stripped, in up to two buffers (`images: [chunk0, chunk1]`): image k is in chunk
 *   ⌊k / imagesPerChunk⌋ at record k mod imagesPerChunk. One binding may be limited to 128 MiB
 *   (lavapipe); uploadImageChunks packs a host Uint8Array, with a dummy second chunk when one
 *   suffices.
 * - labels: u32 [N]; order: u32 permutation of dataset indices for the epoch.
 *
 * Per-step and per-epoch values (so several steps can be recorded into one command buffer):
 * - orderOffset: a number (stored at plan time in the plan's own small storage buffer) or a
 *   BufferLike whose first u32 the kernel reads at run time. Plan one dispatch per step index
 *   of the epoch (orderOffset = step·batch) and reuse the plans every epoch.
 * - epoch: a uniform (AUGMENT_EPOCH_BYTES = 16, u32 epoch at 0) shared by every step's plan and
 *   written with writeAugmentEpoch(ctx, buffer, epoch) once per epoch (between submits; the
 *   new permutation is written then too). A number instead bakes it into the plan.
 *
 * Lockstep runs (a `seed` per run): one dispatch builds every run's batch. Run r reads its own
 * labels (labels[r·labelsPerRun …]) and its own order (order[r·orderPerRun …]), draws with its own
 * seed, and writes out [R][batch][C,H,W] and outLabels [R][batch], run-major; the step offset and
 * the epoch are shared. Each run's batch is bit-identical to building it alone with its seed.
 * normalizeImages with `runs` writes the same test batch into every run's slot (one dispatch).
 *
 * Randomness (random.wgsl, mirrored bit for bit in reference/augment.ts): for the sample at
 * position j = orderOffset + i of the epoch's order, h = sampleHash(seed, epoch, j) with
 * pcgHash chained as pcg(pcg(pcg(seed) ^ epoch) ^ j); dx = ((h >>> 16)·span) >>> 16,
 * dy = ((h & 0xffff)·span) >>> 16 with span = 2·pad + 1; flip = top bit of pcg(h).
 * Output (y, x) = zero-padded image at (y + dy, x' + dx), x' = W − 1 − x when flipped
 * (RandomCrop((H, W), padding) then RandomHorizontalFlip), then (byte/255 − mean)/std per channel,
 * padded pixels included.
 */
import type { BufferLike, Dispatch, KernelContext, Runs } from '../core.ts';
import { registerOp, numel, type HostTensor } from '../registry.ts';
import randomWgsl from './random.wgsl?raw';
import batchWgsl from './augment_batch.wgsl?raw';
import { grid1d } from './grid.ts';
import { defineKernel, read, readWrite, struct, uniform } from '../kernel.ts';

/** Per-image shape, CHW. */
export interface ImageShape {
  channels: number;
  height: number;
  width: number;
}
/** CIFAR-10's 3×32×32, the default of every function here. */
export const CIFAR_SHAPE: ImageShape = { channels: 3, height: 32, width: 32 };
/** Bytes of one CIFAR-10 image. */
export const IMAGE_BYTES = 3072;
/** The epoch, written by the host once per epoch (writeAugmentEpoch). */
const Epoch = struct('Epoch', { epoch: 'u32' });
export const AUGMENT_EPOCH_BYTES = Epoch.size;

// img0/img1: uint8 CHW records as little-endian u32 words, in two bindings (one binding may be
// limited to 128 MiB on lavapipe); step[0]: index within each run's order of the batch's first
// sample (a buffer, not a plan constant, so every step recorded into one command buffer reads its
// own); seeds[r]: run r's seed; out: [runs, batch, C, H, W] as vec4s. Uniforms: runs; images_per_chunk
// images in img0 (image k is in chunk k / images_per_chunk); label_stride, order_stride: u32s from
// one run's labels / order to the next run's; pad: crop padding (offsets uniform in [0, 2·pad]);
// use_order false: dataset index = position (the test set); row: invocations per grid row; scale,
// bias: per channel 1 / (255·std) and -mean / std.
const augmentKernel = defineKernel({
  name: 'augment_batch', code: [randomWgsl, batchWgsl],
  bindings: {
    img0: read('u32'), img1: read('u32'), labels: read('u32'), order: read('u32'), step: read('u32'), seeds: read('u32'),
    out: readWrite('vec4f'), out_labels: readWrite('u32'), ep: uniform(Epoch),
  },
  uniforms: {
    runs: 'u32', batch: 'u32', images_per_chunk: 'u32', label_stride: 'u32', order_stride: 'u32',
    pad: 'u32', flip: 'flag', use_order: 'flag', write_labels: 'flag', row: 'u32',
    scale: 'vec4f', bias: 'vec4f',
    channels: 'u32', height: 'u32', width: 'u32', words_per_image: 'u32',  // width a multiple of 4
  },
});

export type ImageChunks = BufferLike | [BufferLike, BufferLike];

export const imageBytes = (s: ImageShape): number => s.channels * s.height * s.width;

/** Why the kernel cannot take images of this shape, or null. */
export function unsupportedShape(s: ImageShape): string | null {
  const ok = (v: number) => Number.isInteger(v) && v >= 1;
  if (!ok(s.channels) || !ok(s.height) || !ok(s.width)) return `image shape ${s.channels}×${s.height}×${s.width} must be positive integers`;
  if (s.channels > 4) return `at most 4 channels, got ${s.channels}`;
  if (s.width % 4 !== 0) return `the image width must be a multiple of 4 (rows are read as whole u32 words), got ${s.width}`;
  return null;
}

/** Most images one chunk may hold on this device (binding-size and buffer-size limits). */
export function maxImagesPerChunk(ctx: KernelContext, bytesPerImage = IMAGE_BYTES): number {
  const { maxStorageBufferBindingSize, maxBufferSize } = ctx.device.limits;
  return Math.floor(Math.min(maxStorageBufferBindingSize, maxBufferSize) / bytesPerImage);
}

/** Uploads uint8 CHW images (`bytesPerImage` each) as two chunk buffers (the second a dummy when unused). */
export function uploadImageChunks(ctx: KernelContext, bytes: Uint8Array, imagesPerChunk = maxImagesPerChunk(ctx), bytesPerImage = IMAGE_BYTES): [GPUBuffer, GPUBuffer] {
  const count = bytes.length / bytesPerImage;
  if (!Number.isInteger(count)) throw new Error(`uploadImageChunks: ${bytes.length} bytes is not a whole number of ${bytesPerImage}-byte images`);
  if (count > 2 * imagesPerChunk) throw new Error(`uploadImageChunks: ${count} images exceed two chunks of ${imagesPerChunk}`);
  const split = Math.min(count, imagesPerChunk) * bytesPerImage;
  const first = ctx.upload(bytes.subarray(0, split), 'images0');
  const second = count > imagesPerChunk ? ctx.upload(bytes.subarray(split), 'images1') : ctx.storage(16, 'images1 (unused)');
  return [first, second];
}

export function createAugmentEpoch(ctx: KernelContext, epoch = 0): GPUBuffer {
  return Epoch.createBuffer(ctx, { epoch: epoch >>> 0 }, 'augment_epoch');
}

export function writeAugmentEpoch(ctx: KernelContext, buffer: GPUBuffer, epoch: number): void {
  Epoch.write(ctx, buffer, { epoch: epoch >>> 0 });
}

interface Plan {
  images: ImageChunks;
  imagesPerChunk: number;
  labels?: BufferLike;
  order?: BufferLike;
  first: number | BufferLike;
  batch: number;
  out: BufferLike;
  outLabels?: BufferLike;
  /** One per run. */
  seeds: readonly number[];
  labelsPerRun: number;
  orderPerRun: number;
  epoch: number | BufferLike;
  mean: readonly number[];
  std: readonly number[];
  pad: number;
  flip: boolean;
  shape?: ImageShape;
}

function plan(ctx: KernelContext, label: string, a: Plan): Dispatch {
  if (!(a.imagesPerChunk >= 1)) throw new Error(`${label}: imagesPerChunk must be ≥ 1`);
  if (!Number.isInteger(a.pad) || a.pad < 0 || a.pad > 16) throw new Error(`${label}: crop padding ${a.pad} must be an integer in [0, 16]`);
  const shape = a.shape ?? CIFAR_SHAPE;
  const bad = unsupportedShape(shape);
  if (bad) throw new Error(`${label}: ${bad}`);
  const { channels } = shape;
  if (a.mean.length !== channels || a.std.length !== channels) throw new Error(`${label}: mean and std need ${channels} values (one per channel), got ${a.mean.length} and ${a.std.length}`);
  const runs = a.seeds.length;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`${label}: at least one run (one seed per run), got ${runs}`);
  const outBytes = runs * a.batch * imageBytes(shape) * 4;
  const maxBinding = ctx.device.limits.maxStorageBufferBindingSize;
  if (outBytes > maxBinding) {
    throw new Error(`${label}: ${runs} run(s) × ${a.batch} images need ${mib(outBytes)} MiB in one binding; this device binds at most ${mib(maxBinding)} MiB (use a smaller batch or fewer runs)`);
  }
  const words = imageBytes(shape) / 4;
  const g = grid1d(runs * a.batch * words);
  const perChannel = (f: (c: number) => number) => [0, 1, 2, 3].map((c) => (c < channels ? f(c) : 0)) as [number, number, number, number];
  const [img0, img1] = Array.isArray(a.images) ? a.images : [a.images, ctx.storage(16, 'images1 (unused)')];
  const dummy = () => ctx.storage(16, 'unused');
  const first = typeof a.first === 'number' ? ctx.upload(Uint32Array.of(a.first), `${label}_offset`) : a.first;
  const epoch = typeof a.epoch === 'number' ? createAugmentEpoch(ctx, a.epoch) : a.epoch;
  return augmentKernel.dispatch(ctx, {
    label,
    bindings: {
      img0, img1, labels: a.labels ?? dummy(), order: a.order ?? dummy(), step: first, seeds: ctx.upload(Uint32Array.from(a.seeds, (x) => x >>> 0), `${label}_seeds`),
      out: a.out, out_labels: a.outLabels ?? dummy(), ep: epoch,
    },
    uniforms: {
      runs, batch: a.batch, images_per_chunk: a.imagesPerChunk, label_stride: a.labelsPerRun, order_stride: a.orderPerRun,
      pad: a.pad, flip: a.flip, use_order: a.order !== undefined,
      write_labels: a.labels !== undefined && a.outLabels !== undefined, row: g.row,
      scale: perChannel((c) => 1 / (255 * a.std[c])), bias: perChannel((c) => -a.mean[c] / a.std[c]),
      channels, height: shape.height, width: shape.width, words_per_image: words,
    },
    workgroups: g.workgroups,
  });
}

export interface AugmentBatchArgs {
  images: ImageChunks;
  imagesPerChunk: number;
  /** u32 [N], or [R][labelsPerRun] with several runs (each run its own labels: noisy variants differ). */
  labels: BufferLike;
  /** u32 permutation of dataset indices, or [R][orderPerRun] with several runs. */
  order: BufferLike;
  /** u32 labels per run in `labels` (needed with several runs). */
  labelsPerRun?: number;
  /** u32 entries per run in `order` (needed with several runs). */
  orderPerRun?: number;
  /** Index within (each run's) `order` of the batch's first sample: a number, or a buffer whose first u32 holds it. */
  orderOffset: number | BufferLike;
  /** Samples per run. */
  batch: number;
  out: BufferLike; // f32 [R, batch, C, H, W]
  outLabels: BufferLike; // u32 [R, batch]
  /** The augmentation seed, or one per run: the number of seeds is the number of runs R. */
  seed: number | readonly number[];
  /** Epoch number mixed into the hash: a uniform from createAugmentEpoch (default: 0, baked in). */
  epoch?: number | BufferLike;
  /** One value per channel. */
  mean: readonly number[];
  std: readonly number[];
  crop: { pad: number } | null;
  flip: boolean;
  /** Per-image shape (default CIFAR_SHAPE). */
  shape?: ImageShape;
}

/** One training batch (per run): gather by order, random crop + flip, normalise; labels gathered alongside. */
export function augmentBatch(ctx: KernelContext, a: AugmentBatchArgs): Dispatch {
  const seeds = typeof a.seed === 'number' ? [a.seed] : a.seed;
  const stride = (what: 'labelsPerRun' | 'orderPerRun'): number => {
    const v = a[what];
    if (seeds.length === 1) return v ?? 0;
    if (!Number.isInteger(v) || v! < 1) throw new Error(`augment_batch: ${seeds.length} runs need ${what} (a whole number ≥ 1), got ${v}`);
    return v!;
  };
  return plan(ctx, 'augment_batch', {
    ...a, seeds, labelsPerRun: stride('labelsPerRun'), orderPerRun: stride('orderPerRun'), first: a.orderOffset, epoch: a.epoch ?? 0, pad: a.crop ? a.crop.pad : 0,
  });
}

export interface NormalizeImagesArgs {
  images: ImageChunks;
  imagesPerChunk: number;
  /** Dataset index of the first image (a number or a buffer holding it as u32). */
  first: number | BufferLike;
  count: number;
  out: BufferLike; // f32 [count, C, H, W]
  mean: readonly number[];
  std: readonly number[];
  /** Per-image shape (default CIFAR_SHAPE). */
  shape?: ImageShape;
  /** Optional: labels [N] gathered into outLabels [count] (into every run's [R][count]). */
  labels?: BufferLike;
  outLabels?: BufferLike;
  /** Lockstep runs: out is [R, count, C, H, W], every run's slot holding the same images (one dispatch). */
  runs?: Pick<Runs, 'count'>;
}

/** Images first … first+count−1 normalised, no augmentation (the test set). Same kernel, identity order. */
export function normalizeImages(ctx: KernelContext, a: NormalizeImagesArgs): Dispatch {
  const seeds = Array.from({ length: a.runs?.count ?? 1 }, () => 0);
  return plan(ctx, 'normalize_images', { ...a, batch: a.count, seeds, labelsPerRun: 0, orderPerRun: 0, epoch: 0, pad: 0, flip: false });
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

const u32Tensor = (shape: number[], data: Uint32Array): HostTensor => ({ shape, data: Array.from(data) });

/**
 * Table runner. params: batch, imagesPerChunk, seed, epoch, orderOffset, pad (null: no crop),
 * flip, mean, std, normalize (true: normalizeImages from `orderOffset`, inputs.order ignored).
 * inputs: images [N, C, H, W] (byte values), labels [N], order [M]. outputs: out, out_labels.
 */
registerOp({
  op: 'augment',
  async run(ctx, params, inputs) {
    const batch = Number(params.batch);
    const [, channels, height, width] = inputs.images.shape;
    const shape = { channels, height, width };
    const bytes = imageBytes(shape);
    const ipc = Number(params.imagesPerChunk ?? numel(inputs.images.shape) / bytes);
    const images = uploadImageChunks(ctx, Uint8Array.from(inputs.images.data), ipc, bytes);
    const labels = ctx.upload(Uint32Array.from(inputs.labels.data), 'labels');
    const out = ctx.storage(batch * bytes * 4, 'out');
    const outLabels = ctx.storage(batch * 4, 'out_labels');
    const mean = (params.mean ?? [0.4914, 0.4822, 0.4465]) as number[];
    const std = (params.std ?? [0.247, 0.2435, 0.2616]) as number[];
    const d = params.normalize
      ? normalizeImages(ctx, { images, imagesPerChunk: ipc, first: Number(params.orderOffset ?? 0), count: batch, out, mean, std, labels, outLabels, shape })
      : augmentBatch(ctx, {
        images, imagesPerChunk: ipc, labels, order: ctx.upload(Uint32Array.from(inputs.order.data), 'order'),
        orderOffset: Number(params.orderOffset ?? 0), batch, out, outLabels, seed: Number(params.seed ?? 0),
        epoch: createAugmentEpoch(ctx, Number(params.epoch ?? 0)), mean, std,
        crop: params.pad === null || params.pad === undefined ? null : { pad: Number(params.pad) }, flip: Boolean(params.flip), shape,
      });
    ctx.run([d], 'augment');
    return {
      out: { shape: [batch, channels, height, width], data: await ctx.readF32(out as GPUBuffer, batch * bytes) },
      out_labels: u32Tensor([batch], await ctx.readU32(outLabels, batch)),
    };
  },
});
