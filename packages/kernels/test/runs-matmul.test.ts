// Lockstep matmul and column sum: R = 3 runs with their own weights and inputs in one dispatch give,
// bit for bit, what each run gives alone (ONE_RUN on its own data), for the linear layers' three
// products and the bias gradient at the models' shapes, incl. a last batch smaller than the batch.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { rng, uniform } from './random.ts';
import { alignUp, type Runs } from '../src/core.ts';
import { matmul, columnSum } from '../src/ops/matmul.ts';
import { expectBitIdentical, expectRunsDiffer, runSlice, RunStore } from './runs-exact.ts';

const R = 3;

// A linear layer in: ConvNet fc1 (288→32) and fc2 (32→10) at batch 64 and the last batch of
// 50,000 (16); ResNet's head (64→10) at batch 128 and its last batch (80); an evaluation batch.
const LAYERS = [
  { what: 'ConvNet fc1', batch: 64, inF: 288, outF: 32 },
  { what: 'ConvNet fc1, last batch', batch: 16, inF: 288, outF: 32 },
  { what: 'ConvNet fc2', batch: 64, inF: 32, outF: 10 },
  { what: 'ResNet linear', batch: 128, inF: 64, outF: 10 },
  { what: 'ResNet linear, last batch', batch: 80, inF: 64, outF: 10 },
  { what: 'ConvNet fc2, evaluation batch', batch: 250, inF: 32, outF: 10 },
];

describe('matmul and column sum in lockstep: each run bit-identical to that run alone', () => {
  for (const L of LAYERS) {
    it(`${L.what}: x[${L.batch},${L.inF}] · W[${L.outF},${L.inF}]ᵀ, forward, dW, db, dx`, async () => {
      const { ctx } = await testDevice();
      const next = rng(L.batch * 1000 + L.inF * 10 + L.outF);
      const { batch, inF, outF } = L;
      // Parameter image: [pad 64][W][b], W and b 64-float aligned as in ParamStore.
      const wAt = 64;
      const bAt = wAt + alignUp(outF * inF, 64);
      const stride = bAt + alignUp(outF, 64);
      const runs: Runs = { count: R, paramStride: stride, stateStride: 0 };
      const image = Float32Array.from(uniform(next, R * stride));
      const x = Float32Array.from(uniform(next, R * batch * inF));
      // dy and the ReLU mask source (about half the entries ≤ 0).
      const dy = Float32Array.from(uniform(next, R * batch * outF));
      const maskOf = Float32Array.from(uniform(next, R * batch * inF));

      const params = new RunStore(ctx, R, stride, image);
      const grads = new RunStore(ctx, R, stride);
      const y = ctx.storage(R * batch * outF * 4);
      const dx = ctx.storage(R * batch * inF * 4);
      const xb = ctx.upload(x);
      const dyb = ctx.upload(dy);
      const mb = ctx.upload(maskOf);
      const plan = (p: RunStore, g: RunStore, xs: GPUBuffer, dys: GPUBuffer, ms: GPUBuffer, ys: GPUBuffer, dxs: GPUBuffer, rs?: Runs) => [
        matmul(ctx, { a: xs, b: p.binding(wAt, outF * inF), c: ys, m: batch, k: inF, n: outF, transB: true, bias: p.binding(bAt, outF), relu: true, runs: rs, weights: ['b'] }),
        matmul(ctx, { a: dys, b: xs, c: g.binding(wAt, outF * inF), m: outF, k: batch, n: inF, transA: true, runs: rs, weights: ['c'] }),
        columnSum(ctx, { x: dys, out: g.binding(bAt, outF), rows: batch, cols: outF, runs: rs }),
        matmul(ctx, { a: dys, b: p.binding(wAt, outF * inF), c: dxs, m: batch, k: outF, n: inF, reluMaskOf: ms, runs: rs, weights: ['b'] }),
      ];
      const all = plan(params, grads, xb, dyb, mb, y, dx, runs);
      expect(all.map((d) => d.workgroups[2] ?? 1), 'the run is a dispatch dimension').toEqual([R, R, 1, R]);
      ctx.run(all, 'lockstep');
      const got = {
        y: await ctx.readF32(y, R * batch * outF), dx: await ctx.readF32(dx, R * batch * inF),
        dW: await Promise.all([0, 1, 2].map((r) => grads.read(r, wAt, outF * inF))),
        db: await Promise.all([0, 1, 2].map((r) => grads.read(r, bAt, outF))),
      };

      const perRun: Record<'y' | 'dx' | 'dW' | 'db', Float32Array[]> = { y: [], dx: [], dW: [], db: [] };
      for (let r = 0; r < R; r++) {
        const p1 = new RunStore(ctx, 1, stride, image.slice(r * stride, (r + 1) * stride));
        const g1 = new RunStore(ctx, 1, stride);
        const y1 = ctx.storage(batch * outF * 4);
        const dx1 = ctx.storage(batch * inF * 4);
        ctx.run(plan(p1, g1, ctx.upload(runSlice(x, r, batch * inF)), ctx.upload(runSlice(dy, r, batch * outF)), ctx.upload(runSlice(maskOf, r, batch * inF)), y1, dx1), 'alone');
        const alone = {
          y: await ctx.readF32(y1, batch * outF), dx: await ctx.readF32(dx1, batch * inF),
          dW: await g1.read(0, wAt, outF * inF), db: await g1.read(0, bAt, outF),
        };
        expectBitIdentical(runSlice(got.y, r, batch * outF), alone.y, `run ${r}: y`);
        expectBitIdentical(runSlice(got.dx, r, batch * inF), alone.dx, `run ${r}: dx`);
        expectBitIdentical(got.dW[r], alone.dW, `run ${r}: dW`);
        expectBitIdentical(got.db[r], alone.db, `run ${r}: db`);
        for (const k of ['y', 'dx', 'dW', 'db'] as const) perRun[k].push(alone[k]);
      }
      for (const k of ['y', 'dx', 'dW', 'db'] as const) expectRunsDiffer(perRun[k], k);
    });
  }

  it('rejects a run count beyond one grid dimension with a one-line error', async () => {
    const { ctx } = await testDevice();
    const b = ctx.storage(64);
    expect(() => matmul(ctx, { a: b, b, c: b, m: 1, k: 1, n: 1, runs: { count: 70000, paramStride: 64, stateStride: 0 } })).toThrow(/matmul: 70000 runs exceed/);
  });
});
