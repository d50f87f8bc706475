// Augmentation on the device: offsets/flips bit-exact against the JS hash, values against the
// float64 reference, statistics of the draws, determinism, and per-step values when several
// steps are recorded into one command buffer.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { rng, ints } from './random.ts';
import type { KernelContext } from '../src/core.ts';
import { augmentBatch, normalizeImages, uploadImageChunks, createAugmentEpoch, writeAugmentEpoch, IMAGE_BYTES } from '../src/ops/augment.ts';
import { augmentRef, augmentDraw, type AugmentDraw } from '../src/reference/augment.ts';

type RGB = readonly [number, number, number];
interface Norm { mean: RGB; std: RGB }
const ID: Norm = { mean: [0, 0, 0], std: [1, 1, 1] };
const CIFAR: Norm = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };

/** Images whose R byte is x + 1 and G byte is y + 1, so a crop/flip can be read back from the output. */
function coordinateImages(n: number): Uint8Array {
  const b = new Uint8Array(n * IMAGE_BYTES);
  for (let k = 0; k < n; k++) {
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        b[k * IMAGE_BYTES + y * 32 + x] = x + 1;
        b[k * IMAGE_BYTES + 1024 + y * 32 + x] = y + 1;
        b[k * IMAGE_BYTES + 2048 + y * 32 + x] = (k * 7 + x + y) & 255;
      }
    }
  }
  return b;
}

/** dx, dy, flip of every sample from an identity-normalised output of coordinate images. */
function decodeDraws(out: Float32Array, batch: number): AugmentDraw[] {
  const byte = (v: number) => Math.round(v * 255);
  return Array.from({ length: batch }, (_, i) => {
    const o = i * IMAGE_BYTES + 15 * 32;
    const sx15 = byte(out[o + 15]) - 1;
    const sx16 = byte(out[o + 16]) - 1;
    const sy = byte(out[o + 1024 + 15]) - 1;
    const flip = sx16 < sx15;
    return { dx: flip ? sx15 - 12 : sx15 - 11, dy: sy - 11, flip };
  });
}

interface Setup {
  ctx: KernelContext;
  bytes: Uint8Array;
  images: [GPUBuffer, GPUBuffer];
  ipc: number;
  labels: GPUBuffer;
  labelHost: number[];
  order: GPUBuffer;
  orderHost: number[];
}

async function setup(n: number, orderLength: number, coords: boolean, ipc = Math.ceil(n / 2)): Promise<Setup> {
  const { ctx } = await testDevice();
  const next = rng(4242 + n);
  const bytes = coords ? coordinateImages(n) : Uint8Array.from(ints(next, n * IMAGE_BYTES, 256));
  const labelHost = ints(next, n, 10);
  const orderHost = ints(next, orderLength, n);
  return {
    ctx, bytes, images: uploadImageChunks(ctx, bytes, ipc), ipc, labels: ctx.upload(Uint32Array.from(labelHost)), labelHost,
    order: ctx.upload(Uint32Array.from(orderHost)), orderHost,
  };
}

async function runBatch(s: Setup, a: { batch: number; orderOffset: number; seed: number; epoch: number; pad?: number | null; flip?: boolean; norm?: Norm }) {
  const out = s.ctx.storage(a.batch * IMAGE_BYTES * 4);
  const outLabels = s.ctx.storage(a.batch * 4);
  const norm = a.norm ?? ID;
  s.ctx.run([augmentBatch(s.ctx, {
    images: s.images, imagesPerChunk: s.ipc, labels: s.labels, order: s.order, orderOffset: a.orderOffset, batch: a.batch, out, outLabels,
    seed: a.seed, epoch: a.epoch, mean: norm.mean, std: norm.std, crop: a.pad === null ? null : { pad: a.pad ?? 4 }, flip: a.flip ?? true,
  })]);
  return { out: await s.ctx.readF32(out, a.batch * IMAGE_BYTES), labels: await s.ctx.readU32(outLabels, a.batch) };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('augmentation on the device', () => {
  it('draws (dx, dy, flip) bit-exactly as the JS hash for several seeds, epochs and offsets', async () => {
    const s = await setup(6, 200, true, 4);
    for (const seed of [1, 42, 0xdeadbeef]) {
      for (const epoch of [0, 3]) {
        for (const orderOffset of [0, 128]) {
          const r = await runBatch(s, { batch: 64, orderOffset, seed, epoch });
          const want = Array.from({ length: 64 }, (_, i) => augmentDraw(seed, epoch, orderOffset + i, 4, true));
          expect(decodeDraws(r.out, 64), `seed ${seed} epoch ${epoch} offset ${orderOffset}`).toEqual(want);
        }
      }
    }
  });

  it('matches the float64 reference within 1e-6 (CIFAR normalisation, labels gathered, two chunks)', async () => {
    const s = await setup(9, 120, false, 5);
    for (const [seed, epoch, orderOffset] of [[3, 0, 0], [77, 2, 40], [0xffffffff, 9, 100]]) {
      const r = await runBatch(s, { batch: 16, orderOffset, seed, epoch, norm: CIFAR });
      const ref = augmentRef({ images: s.bytes, labels: s.labelHost, order: s.orderHost, orderOffset, batch: 16, seed, epoch, mean: CIFAR.mean, std: CIFAR.std, pad: 4, flip: true });
      expect(maxDiff(r.out, ref.out)).toBeLessThanOrEqual(1e-6);
      expect(Array.from(r.labels)).toEqual(Array.from(ref.labels));
    }
  });

  it('offsets are uniform over 0..8 and the flip rate is 0.5 (4096 draws)', async () => {
    const s = await setup(8, 4096, true, 8);
    const d = decodeDraws((await runBatch(s, { batch: 4096, orderOffset: 0, seed: 2024, epoch: 1 })).out, 4096);
    const flipRate = d.filter((x) => x.flip).length / d.length;
    expect(Math.abs(flipRate - 0.5)).toBeLessThan(0.03); // ±3.8σ
    const chi2 = (key: (x: AugmentDraw) => number, cells: number) => {
      const counts = new Array(cells).fill(0);
      for (const x of d) counts[key(x)]++;
      const e = d.length / cells;
      return { counts, chi2: counts.reduce((acc, c) => acc + ((c - e) ** 2) / e, 0) };
    };
    const dx = chi2((x) => x.dx, 9);
    const dy = chi2((x) => x.dy, 9);
    const joint = chi2((x) => x.dy * 9 + x.dx, 81);
    // p = 0.001 critical values: 26.12 (8 dof), 124.8 (80 dof).
    expect(dx.chi2, `dx counts ${dx.counts}`).toBeLessThan(26.12);
    expect(dy.chi2, `dy counts ${dy.counts}`).toBeLessThan(26.12);
    expect(joint.chi2).toBeLessThan(124.8);
    expect(joint.counts.every((c) => c > 0)).toBe(true);
  });

  it('is deterministic: same seed → same batch; another seed, epoch or offset → another', async () => {
    const s = await setup(6, 100, false, 3);
    const base = { batch: 32, orderOffset: 8, seed: 5, epoch: 2, norm: CIFAR };
    const a = await runBatch(s, base);
    const b = await runBatch(s, base);
    expect(maxDiff(a.out, b.out)).toBe(0);
    for (const change of [{ seed: 6 }, { epoch: 3 }]) {
      const c = await runBatch(s, { ...base, ...change });
      expect(maxDiff(a.out, c.out), JSON.stringify(change)).toBeGreaterThan(0);
      expect(Array.from(c.labels)).toEqual(Array.from(a.labels)); // same samples, other augmentation
    }
  });

  it('records several steps into one command buffer, each with its own offset; the epoch uniform changes between submits', async () => {
    const s = await setup(7, 200, false, 4);
    const { ctx } = s;
    const batch = 8;
    const epochBuf = createAugmentEpoch(ctx, 0);
    const outs = [0, 1, 2].map(() => ({ out: ctx.storage(batch * IMAGE_BYTES * 4), labels: ctx.storage(batch * 4) }));
    // Step 1 reads its offset from a buffer (as a device-written counter would provide it).
    const offsetBuf = ctx.upload(Uint32Array.of(batch));
    const plans = outs.map((o, step) => augmentBatch(ctx, {
      images: s.images, imagesPerChunk: s.ipc, labels: s.labels, order: s.order, orderOffset: step === 1 ? offsetBuf : step * batch, batch,
      out: o.out, outLabels: o.labels, seed: 11, epoch: epochBuf, mean: CIFAR.mean, std: CIFAR.std, crop: { pad: 4 }, flip: true,
    }));
    for (const epoch of [0, 7]) {
      writeAugmentEpoch(ctx, epochBuf, epoch);
      ctx.run(plans, 'three steps');
      for (let step = 0; step < 3; step++) {
        const ref = augmentRef({ images: s.bytes, labels: s.labelHost, order: s.orderHost, orderOffset: step * batch, batch, seed: 11, epoch, mean: CIFAR.mean, std: CIFAR.std, pad: 4, flip: true });
        expect(maxDiff(await ctx.readF32(outs[step].out, batch * IMAGE_BYTES), ref.out), `epoch ${epoch} step ${step}`).toBeLessThanOrEqual(1e-6);
        expect(Array.from(await ctx.readU32(outs[step].labels, batch))).toEqual(Array.from(ref.labels));
      }
    }
  });

  it('normalizeImages: a contiguous range across the chunk boundary, no augmentation', async () => {
    const s = await setup(9, 1, false, 5);
    const { ctx } = s;
    const out = ctx.storage(5 * IMAGE_BYTES * 4);
    const outLabels = ctx.storage(5 * 4);
    ctx.run([normalizeImages(ctx, { images: s.images, imagesPerChunk: s.ipc, first: 3, count: 5, out, mean: CIFAR.mean, std: CIFAR.std, labels: s.labels, outLabels })]);
    const ref = augmentRef({ images: s.bytes, labels: s.labelHost, order: null, orderOffset: 3, batch: 5, seed: 0, epoch: 0, mean: CIFAR.mean, std: CIFAR.std, pad: 0, flip: false });
    expect(maxDiff(await ctx.readF32(out, 5 * IMAGE_BYTES), ref.out)).toBeLessThanOrEqual(1e-6);
    expect(Array.from(await ctx.readU32(outLabels, 5))).toEqual(Array.from(ref.labels));
  });
});
