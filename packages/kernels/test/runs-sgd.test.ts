// Lockstep SGD: R = 3 runs, each with its own parameters, gradients and hyper-parameters (lr,
// momentum, weight decay, Nesterov), stepped in one dispatch, give bit for bit what each run gives
// stepped alone (ONE_RUN), over several steps with a learning-rate change between them.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { rng, uniform } from './random.ts';
import { alignUp, type Runs } from '../src/core.ts';
import { sgdStep, createSgdHyper, writeSgdHyper, type SgdHyper } from '../src/ops/sgd.ts';
import { expectBitIdentical, expectRunsDiffer, runSlice } from './runs-exact.ts';

const R = 3;
const STEPS = 3;
const HYPER: SgdHyper[] = [
  { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: false },
  { lr: 0.05, momentum: 0.9, weightDecay: 0, nesterov: true },
  { lr: 0.2, momentum: 0, weightDecay: 1e-4, nesterov: false },
];
/** The learning rates after the change before the last step (a schedule's step, per run). */
const LATER_LR = [0.01, 0.005, 0.02];
const withLr = (h: SgdHyper[], lrs: number[]) => h.map((x, r) => ({ ...x, lr: lrs[r] }));

interface Case { what: string; count: number; shared: boolean }
// ConvNet's 9,986 parameters and ResNet-8's 75,290 (stride rounded up to 64 floats, leaving a gap
// between runs that must stay untouched); `shared`: every run starts from the same
// parameters and gradients, so only the hyper-parameters tell the runs apart.
const CASES: Case[] = [
  { what: 'ConvNet-sized, own parameters per run', count: 9_986, shared: false },
  { what: 'ResNet-8-sized, own parameters per run', count: 75_290, shared: false },
  { what: 'same parameters and gradients, only the hyper-parameters differ', count: 4_099, shared: true },
];

describe('SGD in lockstep: each run bit-identical to that run stepped alone', () => {
  for (const c of CASES) {
    it(`${c.what} (${c.count} floats, ${STEPS} steps, lr changed before the last)`, async () => {
      const { ctx } = await testDevice();
      const next = rng(c.count);
      const n = c.count;
      const stride = alignUp(n, 64);
      const runs: Runs = { count: R, paramStride: stride, stateStride: 0 };
      const perRun = (f: () => number[]) => {
        const one = c.shared ? f() : null;
        const all = new Float32Array(R * stride).fill(7); // the gaps hold 7s, which no step may touch
        for (let r = 0; r < R; r++) all.set(one ?? f(), r * stride);
        return all;
      };
      const p0 = perRun(() => uniform(next, n));
      const grads = Array.from({ length: STEPS }, () => perRun(() => uniform(next, n, -0.5, 0.5)));

      const params = ctx.upload(p0);
      const momentum = ctx.upload(new Float32Array(R * stride));
      const g = ctx.upload(grads[0]);
      const hyper = createSgdHyper(ctx, HYPER);
      const step = sgdStep(ctx, { params, grads: g, momentum, count: n, hyper, runs });
      for (let s = 0; s < STEPS; s++) {
        ctx.device.queue.writeBuffer(g, 0, grads[s]);
        if (s === STEPS - 1) writeSgdHyper(ctx, hyper, withLr(HYPER, LATER_LR));
        ctx.run([step], `lockstep step ${s}`);
      }
      const gotP = await ctx.readF32(params, R * stride);
      const gotM = await ctx.readF32(momentum, R * stride);
      for (let r = 0; r < R; r++) {
        const gap = gotP.slice(r * stride + n, (r + 1) * stride);
        expect(gap.every((v) => v === 7), `run ${r}: the gap after its parameters was written`).toBe(true);
      }

      const aloneP: Float32Array[] = [];
      for (let r = 0; r < R; r++) {
        const p1 = ctx.upload(runSlice(p0, r, stride).slice(0, n));
        const m1 = ctx.storage(n * 4);
        const g1 = ctx.storage(n * 4);
        const h1 = createSgdHyper(ctx, HYPER[r]);
        const one = sgdStep(ctx, { params: p1, grads: g1, momentum: m1, count: n, hyper: h1 });
        for (let s = 0; s < STEPS; s++) {
          ctx.device.queue.writeBuffer(g1, 0, runSlice(grads[s], r, stride).slice(0, n));
          if (s === STEPS - 1) writeSgdHyper(ctx, h1, { ...HYPER[r], lr: LATER_LR[r] });
          ctx.run([one], `run ${r} alone, step ${s}`);
        }
        const p = await ctx.readF32(p1, n);
        expectBitIdentical(runSlice(gotP, r, stride).subarray(0, n), p, `run ${r}: parameters`);
        expectBitIdentical(runSlice(gotM, r, stride).subarray(0, n), await ctx.readF32(m1, n), `run ${r}: momentum`);
        aloneP.push(p);
      }
      expectRunsDiffer(aloneP, 'parameters after the steps');
    });
  }

  it('rejects a hyper-parameter buffer with fewer runs than the step, in one line', async () => {
    const { ctx } = await testDevice();
    const b = ctx.storage(128 * 4);
    expect(() => sgdStep(ctx, { params: b, grads: b, momentum: b, count: 64, hyper: createSgdHyper(ctx, HYPER[0]), runs: { count: 2, paramStride: 64, stateStride: 0 } }))
      .toThrow('sgd: the hyper-parameter buffer holds 1 run(s), the step has 2');
  });
});
