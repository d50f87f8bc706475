// evalMetrics accumulates across submits with no readback in between; zeroBuffer resets inside
// the same pass; decodeCalibration turns the words into counts and confidence sums.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { rng, uniform, ints } from './random.ts';
import { evalMetrics, zeroBuffer, decodeCalibration, CONF_SCALE } from '../src/ops/metrics.ts';
import { metricsRef } from '../src/reference/metrics.ts';

describe('evaluation metrics on the device', () => {
  it('accumulates over several submits, then resets with zeroBuffer in the same pass', async () => {
    const { ctx } = await testDevice();
    const n = 512, c = 10, bins = 15;
    const next = rng(31);
    const logits = uniform(next, n * c, -4, 4);
    const target = ints(next, n, c);
    const lb = ctx.upload(Float32Array.from(logits));
    const tb = ctx.upload(Uint32Array.from(target));
    const confusion = ctx.storage(c * c * 4);
    const calibration = ctx.storage(bins * 3 * 4);
    const d = evalMetrics(ctx, { logits: lb, target: tb, n, c, confusion, calibration, bins });
    for (let k = 0; k < 3; k++) ctx.run([d]); // three "batches", no readback between
    const conf = await ctx.readU32(confusion, c * c);
    const ref = metricsRef(logits, target, c, bins);
    expect(Array.from(conf)).toEqual(Array.from(ref.confusion, (v) => 3 * v));
    const cal = decodeCalibration(await ctx.readU32(calibration, bins * 3), bins);
    expect(cal.map((b) => b.count)).toEqual(Array.from(ref.count, (v) => 3 * v));
    expect(cal.map((b) => b.correct)).toEqual(Array.from(ref.correct, (v) => 3 * v));
    cal.forEach((b, i) => {
      // Fixed-point resolution: at most one unit (1e-5) of rounding per sample.
      expect(Math.abs(b.confidenceSum - 3 * ref.confSum[i])).toBeLessThanOrEqual((3 * ref.count[i] * 0.51) / CONF_SCALE + 1e-9);
    });
    ctx.run([zeroBuffer(ctx, { buffer: confusion, words: c * c }), zeroBuffer(ctx, { buffer: calibration, words: bins * 3 }), d]);
    expect(Array.from(await ctx.readU32(confusion, c * c))).toEqual(Array.from(ref.confusion));
  });

  it('decodeCalibration reads count, correct and the fixed-point confidence sum per bin', () => {
    const words = Uint32Array.from([2, 1, 150000, 0, 0, 0, 10000, 9000, 1e9]);
    expect(decodeCalibration(words, 3)).toEqual([
      { count: 2, correct: 1, confidenceSum: 1.5 },
      { count: 0, correct: 0, confidenceSum: 0 },
      { count: 10000, correct: 9000, confidenceSum: 10000 },
    ]);
  });
});
