// Lockstep batch construction: R = 3 runs, each with its own seed, labels (as noisy variants have)
// and epoch order, built in one dispatch per step, give bit for bit the batch (images and labels)
// each run builds alone, for full and last (smaller) batches; the test set normalised once into
// every run's slot equals the one-run batch.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { rng, ints } from './random.ts';
import { augmentBatch, normalizeImages, uploadImageChunks, createAugmentEpoch, imageBytes, type ImageShape } from '../src/ops/augment.ts';
import { expectBitIdentical, expectRunsDiffer } from './runs-exact.ts';

const R = 3;
const SEEDS = [1, 42, 0xdeadbeef];
const CIFAR = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };
const FASHION = { mean: [0.286], std: [0.353] };

const bits = (u: Uint32Array) => new Float32Array(u.buffer, u.byteOffset, u.length);

// CIFAR-shaped and Fashion-MNIST-shaped images (two chunks); an epoch of 40 samples in batches of 16:
// steps at offsets 0 and 16 are full, the one at 32 is the last batch of 8.
const CASES: { what: string; shape: ImageShape; norm: { mean: number[]; std: number[] }; pad: number; flip: boolean }[] = [
  { what: '3×32×32, crop 4 + flip', shape: { channels: 3, height: 32, width: 32 }, norm: CIFAR, pad: 4, flip: true },
  { what: '1×28×28, crop 2, no flip', shape: { channels: 1, height: 28, width: 28 }, norm: FASHION, pad: 2, flip: false },
];
const N = 11;
const COUNT = 40;
const BATCH = 16;

describe('augmentation in lockstep: each run\'s batch bit-identical to that run alone', () => {
  for (const c of CASES) {
    it(`${c.what}: per-run seeds, labels and orders; full and last batches`, async () => {
      const { ctx } = await testDevice();
      const next = rng(N * 100 + c.shape.width);
      const bytes = imageBytes(c.shape);
      const ipc = 6;
      const images = uploadImageChunks(ctx, Uint8Array.from(ints(next, N * bytes, 256)), ipc, bytes);
      const labels = Array.from({ length: R }, () => Uint32Array.from(ints(next, N, 10)));
      const orders = Array.from({ length: R }, () => Uint32Array.from(ints(next, COUNT, N)));
      const allLabels = new Uint32Array(R * N);
      const allOrders = new Uint32Array(R * COUNT);
      for (let r = 0; r < R; r++) {
        allLabels.set(labels[r], r * N);
        allOrders.set(orders[r], r * COUNT);
      }
      const labelsBuf = ctx.upload(allLabels);
      const orderBuf = ctx.upload(allOrders);
      const epoch = createAugmentEpoch(ctx, 3);
      const common = { images, imagesPerChunk: ipc, epoch, mean: c.norm.mean, std: c.norm.std, crop: { pad: c.pad }, flip: c.flip, shape: c.shape };

      for (const offset of [0, 16, 32]) {
        const batch = Math.min(BATCH, COUNT - offset);
        const floats = batch * bytes;
        const out = ctx.storage(R * floats * 4);
        const outLabels = ctx.storage(R * batch * 4);
        ctx.run([augmentBatch(ctx, {
          ...common, labels: labelsBuf, order: orderBuf, labelsPerRun: N, orderPerRun: COUNT, orderOffset: offset, batch, out, outLabels, seed: SEEDS,
        })], 'lockstep');
        const got = await ctx.readF32(out, R * floats);
        const gotLabels = await ctx.readU32(outLabels, R * batch);

        const alone: Float32Array[] = [];
        for (let r = 0; r < R; r++) {
          const o1 = ctx.storage(floats * 4);
          const l1 = ctx.storage(batch * 4);
          ctx.run([augmentBatch(ctx, {
            ...common, labels: ctx.upload(labels[r]), order: ctx.upload(orders[r]), orderOffset: offset, batch, out: o1, outLabels: l1, seed: SEEDS[r],
          })], `run ${r} alone`);
          const img = await ctx.readF32(o1, floats);
          expectBitIdentical(got.slice(r * floats, (r + 1) * floats), img, `offset ${offset}, run ${r}: images`);
          expectBitIdentical(bits(gotLabels.slice(r * batch, (r + 1) * batch)), bits(await ctx.readU32(l1, batch)), `offset ${offset}, run ${r}: labels`);
          alone.push(img);
        }
        expectRunsDiffer(alone, `offset ${offset}: images`);
      }
    });
  }

  it('the same seeds, labels and order in every run give the same batch in every slot (only the seed tells runs apart)', async () => {
    const { ctx } = await testDevice();
    const next = rng(77);
    const images = uploadImageChunks(ctx, Uint8Array.from(ints(next, N * 3072, 256)), N);
    const labels = ints(next, N, 10);
    const order = ints(next, COUNT, N);
    const rep = (x: number[]) => Uint32Array.from({ length: R * x.length }, (_, i) => x[i % x.length]);
    const floats = BATCH * 3072;
    const build = async (seeds: number[]) => {
      const out = ctx.storage(R * floats * 4);
      ctx.run([augmentBatch(ctx, {
        images, imagesPerChunk: N, labels: ctx.upload(rep(labels)), order: ctx.upload(rep(order)), labelsPerRun: N, orderPerRun: COUNT, orderOffset: 8, batch: BATCH,
        out, outLabels: ctx.storage(R * BATCH * 4), seed: seeds, epoch: 1, mean: CIFAR.mean, std: CIFAR.std, crop: { pad: 4 }, flip: true,
      })]);
      const all = await ctx.readF32(out, R * floats);
      return Array.from({ length: R }, (_, r) => all.slice(r * floats, (r + 1) * floats));
    };
    const same = await build([9, 9, 9]);
    expectBitIdentical(same[1], same[0], 'run 1 vs run 0, same seed');
    expectBitIdentical(same[2], same[0], 'run 2 vs run 0, same seed');
    expectRunsDiffer(await build([9, 10, 11]), 'other seeds');
  });

  it('normalizeImages with runs: the same test batch in every run\'s slot, bit-identical to one run\'s', async () => {
    const { ctx } = await testDevice();
    const next = rng(5);
    const images = uploadImageChunks(ctx, Uint8Array.from(ints(next, N * 3072, 256)), 6);
    const labels = ctx.upload(Uint32Array.from(ints(next, N, 10)));
    const count = 5;
    const floats = count * 3072;
    const out = ctx.storage(R * floats * 4);
    const outLabels = ctx.storage(R * count * 4);
    const one = ctx.storage(floats * 4);
    const oneLabels = ctx.storage(count * 4);
    const args = { images, imagesPerChunk: 6, first: 4, count, mean: CIFAR.mean, std: CIFAR.std, labels };
    ctx.run([normalizeImages(ctx, { ...args, out, outLabels, runs: { count: R } }), normalizeImages(ctx, { ...args, out: one, outLabels: oneLabels })]);
    const all = await ctx.readF32(out, R * floats);
    const allLabels = await ctx.readU32(outLabels, R * count);
    const want = await ctx.readF32(one, floats);
    const wantLabels = await ctx.readU32(oneLabels, count);
    for (let r = 0; r < R; r++) {
      expectBitIdentical(all.slice(r * floats, (r + 1) * floats), want, `run ${r}: images`);
      expectBitIdentical(bits(allLabels.slice(r * count, (r + 1) * count)), bits(wantLabels), `run ${r}: labels`);
    }
  });

  it('several runs without their label and order strides are refused in one line', async () => {
    const { ctx } = await testDevice();
    const b = ctx.storage(64);
    expect(() => augmentBatch(ctx, {
      images: b, imagesPerChunk: 1, labels: b, order: b, orderOffset: 0, batch: 1, out: b, outLabels: b, seed: [1, 2], mean: CIFAR.mean, std: CIFAR.std, crop: null, flip: false,
    })).toThrow('augment_batch: 2 runs need labelsPerRun');
  });
});
