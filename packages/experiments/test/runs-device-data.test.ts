// The device data set's plans for lockstep runs: planAugmentSteps with one seed, label array and
// epoch order per run (uploadRunLabels, writeRunOrders) gives every run, step by step (the last
// batch smaller), exactly the batch that run's one-run plan gives; planNormalizeBatches puts the
// same test batch in every run's slot.
import { describe, expect, it } from 'vitest';
import { createAugmentEpoch, writeAugmentEpoch } from '@losslab/kernels';
import { openDevice } from '../src/gpu.ts';
import { syntheticCifar } from '../src/bench/synthetic.ts';
import { DeviceDataset, planAugmentSteps, planNormalizeBatches, uploadRunLabels, writeRunOrders } from '../src/engine/device-data.ts';
import { Rng } from '@losslab/nn';

const R = 3;
const SEEDS = [3, 5, 8];
const BATCH = 16;
const FLOATS = 3072;

const sameBits = (a: Float32Array, b: Float32Array) => {
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return a.length === b.length && new Uint32Array(a.buffer, a.byteOffset, a.length).every((x, i) => x === ub[i]);
};

describe('device data plans for lockstep runs', () => {
  it('each run\'s augmented batches and labels, every step, are bit-identical to its one-run plan', async () => {
    const dev = await openDevice(() => {});
    const ctx = dev.ctx.scope();
    try {
      const d = syntheticCifar({ train: 40, test: 20 });
      const data = new DeviceDataset(ctx, d);
      const count = 36; // a training subset: 2 full steps and a last batch of 4
      // Own labels per run (a noisy variant's), own order (subset and permutation) per run.
      const labels = SEEDS.map((s) => Uint8Array.from(d.train.labels, (y, i) => ((i * s) % 7 === 0 ? (y + s) % 10 : y)));
      const orders = SEEDS.map((s) => Uint32Array.from(new Rng(s, 'order').permutation(40).slice(0, count)));
      const epoch = createAugmentEpoch(ctx, 0);
      writeAugmentEpoch(ctx, epoch, 2);
      const plan = (runLabels: Uint8Array[], runOrders: Uint32Array[], seeds: number[]) => {
        const order = ctx.storage(seeds.length * count * 4, 'order');
        writeRunOrders(ctx, order, runOrders);
        const out = ctx.storage(seeds.length * BATCH * FLOATS * 4);
        const outLabels = ctx.storage(seeds.length * BATCH * 4);
        const steps = planAugmentSteps(ctx, data, { labels: uploadRunLabels(ctx, runLabels), order, batch: BATCH, count, out, outLabels, seeds, epoch });
        return { steps, out, outLabels };
      };
      const all = plan(labels, orders, SEEDS);
      const alone = SEEDS.map((s, r) => plan([labels[r]], [orders[r]], [s]));
      expect(all.steps).toHaveLength(3);
      for (let k = 0; k < 3; k++) {
        const batch = Math.min(BATCH, count - k * BATCH);
        ctx.run([all.steps[k]], `step ${k}`);
        const images = await ctx.readF32(all.out, R * batch * FLOATS);
        const ys = await ctx.readU32(all.outLabels, R * batch);
        for (let r = 0; r < R; r++) {
          ctx.run([alone[r].steps[k]], `run ${r} alone, step ${k}`);
          const one = await ctx.readF32(alone[r].out, batch * FLOATS);
          expect(sameBits(images.subarray(r * batch * FLOATS, (r + 1) * batch * FLOATS), one), `step ${k}, run ${r}: images`).toBe(true);
          expect(Array.from(ys.subarray(r * batch, (r + 1) * batch)), `step ${k}, run ${r}: labels`).toEqual(Array.from(await ctx.readU32(alone[r].outLabels, batch)));
        }
      }

      // Evaluation: one dispatch per test batch fills every run's slot with the same images and labels.
      const evalOut = ctx.storage(R * 10 * FLOATS * 4);
      const evalLabels = ctx.storage(R * 10 * 4);
      const oneOut = ctx.storage(10 * FLOATS * 4);
      const oneLabels = ctx.storage(10 * 4);
      const norm = planNormalizeBatches(ctx, data, { batch: 10, out: evalOut, outLabels: evalLabels, runs: R });
      const normOne = planNormalizeBatches(ctx, data, { batch: 10, out: oneOut, outLabels: oneLabels });
      expect(norm).toHaveLength(2);
      ctx.run([norm[1], normOne[1]], 'second test batch');
      const want = await ctx.readF32(oneOut, 10 * FLOATS);
      const got = await ctx.readF32(evalOut, R * 10 * FLOATS);
      const gotLabels = await ctx.readU32(evalLabels, R * 10);
      for (let r = 0; r < R; r++) {
        expect(sameBits(got.subarray(r * 10 * FLOATS, (r + 1) * 10 * FLOATS), want), `test batch, run ${r}`).toBe(true);
        expect(Array.from(gotLabels.subarray(r * 10, (r + 1) * 10))).toEqual(Array.from(d.test.labels.subarray(10, 20)));
      }

      expect(() => uploadRunLabels(ctx, [labels[0], labels[1].subarray(1)])).toThrow('training labels: run 1 has 39, run 0 has 40');
      expect(() => writeRunOrders(ctx, ctx.storage(8), [orders[0], orders[1].slice(1)])).toThrow('epoch orders: run 1 has 35, run 0 has 36');
    } finally {
      ctx.destroy();
      dev.device.destroy();
    }
  });
});
