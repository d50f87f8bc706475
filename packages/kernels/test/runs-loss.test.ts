// Lockstep runs in the loss family (loss, fused head, evaluation metrics): R = 3 runs with their
// own data, weights and LOSSES in one dispatch must give each run exactly (bit for bit) what the
// same op gives that run alone (runs = ONE_RUN on its own slice), and the runs must differ.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { rng, uniform, ints } from './random.ts';
import { ONE_RUN, STORAGE_USAGE, Usage, type KernelContext, type Runs } from '../src/core.ts';
import { lossForwardBackward, parseLoss, runLosses, STATS_STRIDE, type LossSpec } from '../src/ops/loss.ts';
import { headForwardBackward, headSupported, type HeadLayout, type HeadShape } from '../src/ops/head.ts';
import { evalMetrics } from '../src/ops/metrics.ts';

const R = 3;
/** Three different losses: a built-in, a parametrised built-in and a user's definition. */
const LOSSES = ['ce', 'focal:2', 'mypoly=ce + 2*(1-p[y])'];
const specs = (): LossSpec[] => LOSSES.map((l) => parseLoss(l));

/** The first index where the two arrays' bits differ, or -1. */
function firstDifference(a: Float32Array | Uint32Array, b: Float32Array | Uint32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

function expectBitwise(what: string, got: Float32Array | Uint32Array, want: Float32Array | Uint32Array): void {
  const i = firstDifference(got, want);
  expect(i, `${what}: first difference at [${i}]: ${got[i]} vs ${want[i]} alone`).toBe(-1);
}

function expectDifferent(what: string, a: Float32Array | Uint32Array, b: Float32Array | Uint32Array): void {
  expect(firstDifference(a, b), `${what} should differ`).not.toBe(-1);
}

const runsOf = (count: number, paramStride = 0): Runs => ({ count, paramStride, stateStride: 0 });

async function readF32(ctx: KernelContext, b: GPUBuffer, count: number): Promise<Float32Array> {
  return ctx.readF32(b, count);
}

describe('loss kernel with lockstep runs', () => {
  // ConvNet's CIFAR-10 logits (c = 10) at a last-batch size (37 ≠ 128), and CIFAR-100's c = 100.
  for (const [n, c] of [[37, 10], [64, 100]] as const) {
    it(`R = 3 runs with ce, focal:2 and a user loss equal each run alone, bit for bit (n=${n}, c=${c})`, async () => {
      const { ctx } = await testDevice();
      const next = rng(1000 + c);
      const logits = Float32Array.from(uniform(next, R * n * c, -6, 6));
      const labels = Uint32Array.from(ints(next, R * n, c));
      const losses = specs();
      // Stats start nonzero: the kernel adds to them.
      const stats0 = Float32Array.from({ length: R * STATS_STRIDE }, (_, i) => 0.25 * (i + 1));
      const grad = ctx.storage(R * n * c * 4);
      const perSample = ctx.storage(R * n * 4);
      const stats = ctx.upload(stats0);
      ctx.run([lossForwardBackward(ctx, {
        kind: losses, logits: ctx.upload(logits), target: ctx.upload(labels), n, c, gradLogits: grad, perSample, stats, scale: 0.5, runs: runsOf(R),
      })]);
      const all = { grad: await readF32(ctx, grad, R * n * c), perSample: await readF32(ctx, perSample, R * n), stats: await readF32(ctx, stats, R * STATS_STRIDE) };

      const alone = async (r: number, kind: LossSpec) => {
        const g = ctx.storage(n * c * 4);
        const ps = ctx.storage(n * 4);
        const st = ctx.upload(stats0.slice(r * STATS_STRIDE, (r + 1) * STATS_STRIDE));
        ctx.run([lossForwardBackward(ctx, {
          kind, logits: ctx.upload(logits.slice(r * n * c, (r + 1) * n * c)), target: ctx.upload(labels.slice(r * n, (r + 1) * n)), n, c,
          gradLogits: g, perSample: ps, stats: st, scale: 0.5, runs: ONE_RUN,
        })]);
        return { grad: await readF32(ctx, g, n * c), perSample: await readF32(ctx, ps, n), stats: await readF32(ctx, st, STATS_STRIDE) };
      };
      for (let r = 0; r < R; r++) {
        const one = await alone(r, losses[r]);
        expectBitwise(`run ${r} (${LOSSES[r]}) grad`, all.grad.subarray(r * n * c, (r + 1) * n * c), one.grad);
        expectBitwise(`run ${r} per-sample loss`, all.perSample.subarray(r * n, (r + 1) * n), one.perSample);
        expectBitwise(`run ${r} stats`, all.stats.subarray(r * STATS_STRIDE, (r + 1) * STATS_STRIDE), one.stats);
        expect(one.stats[2]).toBe(stats0[r * STATS_STRIDE + 2] + n);
        // Each run used its own loss: run 0's loss on run r's data gives other numbers.
        if (r > 0) expectDifferent(`run ${r}'s per-sample loss under ${LOSSES[r]} and under ${LOSSES[0]}`, all.perSample.subarray(r * n, (r + 1) * n), (await alone(r, losses[0])).perSample);
      }
      expectDifferent('runs 0 and 1 grads', all.grad.subarray(0, n * c), all.grad.subarray(n * c, 2 * n * c));
    }, 300_000);
  }

  it('one loss for every run equals the list of that loss; a repeated loss is one row function', async () => {
    const { ctx } = await testDevice();
    const n = 20, c = 10;
    const next = rng(7);
    const logits = Float32Array.from(uniform(next, R * n * c, -3, 3));
    const labels = Uint32Array.from(ints(next, R * n, c));
    const ce = parseLoss('ce');
    const focal = parseLoss('focal:2');
    expect(runLosses('loss', [ce, focal, parseLoss('ce')], runsOf(R))).toMatchObject({ index: [0, 1, 0] });
    expect(runLosses('loss', ce, runsOf(R)).index).toEqual([0, 0, 0]);
    expect(() => runLosses('loss', [ce, focal], runsOf(R))).toThrow('loss: 2 losses for 3 runs');
    const perSample = async (kind: LossSpec | LossSpec[]) => {
      const ps = ctx.storage(R * n * 4);
      ctx.run([lossForwardBackward(ctx, { kind, logits: ctx.upload(logits), target: ctx.upload(labels), n, c, perSample: ps, runs: runsOf(R) })]);
      return readF32(ctx, ps, R * n);
    };
    expectBitwise('one loss for all runs vs the list [ce, ce, ce]', await perSample(ce), await perSample([ce, ce, ce]));
    const mixed = await perSample([ce, focal, ce]);
    const allCe = await perSample(ce);
    expectBitwise('runs 0 and 2 of [ce, focal, ce] vs all ce', mixed.subarray(0, n), allCe.subarray(0, n));
    expectBitwise('run 2', mixed.subarray(2 * n), allCe.subarray(2 * n));
    expectDifferent('run 1 under focal vs ce', mixed.subarray(n, 2 * n), allCe.subarray(n, 2 * n));
  });
});

describe('fused head with lockstep runs', () => {
  // A small head (64 → 32 → 10) whose three runs' weights fit one uniform binding, behind a
  // 64-float "body" parameter so the head's offsets within the store are not 0.
  const shape = (n: number): HeadShape => ({ n, k: 64, h: 32, c: 10 });
  const layout: HeadLayout = { w1: 64, b1: 64 + 2048, w2: 64 + 2048 + 64, b2: 64 + 2048 + 64 + 384 };
  const stride = layout.b2 + 64; // floats per run, a multiple of 64 as in ParamStore

  it('R = 3 runs (own weights, inputs, losses) equal each run alone, bit for bit', async () => {
    const { ctx } = await testDevice();
    const n = 13; // a last batch
    const s = shape(n);
    const next = rng(2024);
    const packed = new Float32Array(R * stride);
    for (let r = 0; r < R; r++) {
      const put = (at: number, count: number, scale: number) => packed.set(uniform(next, count, -scale, scale), r * stride + at);
      put(0, 64, 1); // the "body" parameter
      put(layout.w1, s.h * s.k, 0.3);
      put(layout.b1, s.h, 0.1);
      put(layout.w2, s.c * s.h, 0.4);
      put(layout.b2, s.c, 0.1);
    }
    const x = Float32Array.from(uniform(next, R * n * s.k, -1, 1));
    const labels = Uint32Array.from(ints(next, R * n, s.c));
    const losses = specs();
    const uploadParams = (data: Float32Array<ArrayBuffer>) => {
      const b = ctx.createBuffer({ label: 'params', size: data.byteLength, usage: STORAGE_USAGE | Usage.UNIFORM });
      ctx.device.queue.writeBuffer(b, 0, data);
      return b;
    };
    const run = async (count: number, params: Float32Array<ArrayBuffer>, xs: Float32Array, ys: Uint32Array, kind: LossSpec | LossSpec[], runs: Runs) => {
      const grads = ctx.upload(new Float32Array(count * stride).fill(9)); // overwritten at the head's offsets only
      const dx = ctx.storage(count * n * s.k * 4);
      const stats = ctx.storage(count * STATS_STRIDE * 4);
      ctx.run(headForwardBackward(ctx, { shape: s, kind, x: ctx.upload(xs), labels: ctx.upload(ys), params: uploadParams(params), grads, layout, dx, stats, runs }));
      return { grads: await readF32(ctx, grads, count * stride), dx: await readF32(ctx, dx, count * n * s.k), stats: await readF32(ctx, stats, count * STATS_STRIDE) };
    };
    const runs = runsOf(R, stride);
    expect(headSupported(s, layout, ctx.device.limits, runs)).toBe(true);
    const all = await run(R, packed, x, labels, losses, runs);
    for (let r = 0; r < R; r++) {
      const one = await run(1, packed.slice(r * stride, (r + 1) * stride), x.slice(r * n * s.k, (r + 1) * n * s.k), labels.slice(r * n, (r + 1) * n), losses[r], ONE_RUN);
      expectBitwise(`run ${r} (${LOSSES[r]}) parameter gradients`, all.grads.subarray(r * stride, (r + 1) * stride), one.grads);
      expectBitwise(`run ${r} dx`, all.dx.subarray(r * n * s.k, (r + 1) * n * s.k), one.dx);
      expectBitwise(`run ${r} stats`, all.stats.subarray(r * STATS_STRIDE, (r + 1) * STATS_STRIDE), one.stats);
      expect(one.stats[2]).toBe(n);
    }
    expectDifferent('runs 0 and 1 fc1.weight gradients', all.grads.subarray(layout.w1, layout.b1), all.grads.subarray(stride + layout.w1, stride + layout.b1));
    expectDifferent('runs 1 and 2 dx', all.dx.subarray(n * s.k, 2 * n * s.k), all.dx.subarray(2 * n * s.k));
  }, 300_000); // four head pipelines (three single losses, the three-loss one) compile on a software adapter

  it('falls back (headSupported false, a one-line error) when the runs\' weights do not fit one uniform binding', async () => {
    const { ctx } = await testDevice();
    // ConvNet's head (288 → 32 → 10) in a store whose stride is a whole model.
    const s: HeadShape = { n: 128, k: 288, h: 32, c: 10 };
    const l: HeadLayout = { w1: 20032, b1: 20032 + 9216, w2: 20032 + 9216 + 64, b2: 20032 + 9216 + 64 + 320 };
    const modelStride = l.b2 + 64;
    expect(headSupported(s, l, ctx.device.limits, ONE_RUN)).toBe(true);
    expect(headSupported(s, l, ctx.device.limits, runsOf(3, modelStride))).toBe(false);
    const b = ctx.storage(4);
    expect(() => headForwardBackward(ctx, {
      shape: s, kind: parseLoss('ce'), x: b, labels: b, params: b, grads: b, layout: l, dx: b, stats: b, runs: runsOf(3, modelStride),
    })).toThrow(/^head: unsupported .* 3 runs \d+ floats apart/);
  });
});

describe('evaluation metrics with lockstep runs', () => {
  // c = 10 uses workgroup counters, c = 100 the global atomics.
  for (const [n, c, bins] of [[300, 10, 15], [200, 100, 15]] as const) {
    it(`R = 3 runs' confusion [R][c·c] and calibration [R][bins·3] equal each run alone (n=${n}, c=${c})`, async () => {
      const { ctx } = await testDevice();
      const next = rng(5 + c);
      const logits = Float32Array.from(uniform(next, R * n * c, -4, 4));
      const labels = Uint32Array.from(ints(next, R * n, c));
      const metrics = async (count: number, lg: Float32Array, ys: Uint32Array, runs: Runs) => {
        const confusion = ctx.storage(count * c * c * 4);
        const calibration = ctx.storage(count * bins * 3 * 4);
        ctx.run([evalMetrics(ctx, { logits: ctx.upload(lg), target: ctx.upload(ys), n, c, confusion, calibration, bins, runs })]);
        return { confusion: await ctx.readU32(confusion, count * c * c), calibration: await ctx.readU32(calibration, count * bins * 3) };
      };
      const all = await metrics(R, logits, labels, runsOf(R));
      for (let r = 0; r < R; r++) {
        const one = await metrics(1, logits.slice(r * n * c, (r + 1) * n * c), labels.slice(r * n, (r + 1) * n), ONE_RUN);
        expectBitwise(`run ${r} confusion`, all.confusion.subarray(r * c * c, (r + 1) * c * c), one.confusion);
        expectBitwise(`run ${r} calibration`, all.calibration.subarray(r * bins * 3, (r + 1) * bins * 3), one.calibration);
        expect(one.confusion.reduce((a, v) => a + v, 0)).toBe(n);
      }
      expectDifferent('runs 0 and 1 confusion', all.confusion.subarray(0, c * c), all.confusion.subarray(c * c, 2 * c * c));
      expectDifferent('runs 1 and 2 calibration', all.calibration.subarray(bins * 3, 2 * bins * 3), all.calibration.subarray(2 * bins * 3));
    });
  }
});
