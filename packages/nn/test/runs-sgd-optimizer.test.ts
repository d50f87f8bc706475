// SgdOptimizer over a store of R lockstep runs: each run's own hyper-parameters and learning-rate
// changes, one update dispatch, and every run's parameters and momentum bit-identical to that run
// optimised alone in a one-run store.
import { describe, expect, it } from 'vitest';
import { convNet, initialParams, ParamStore, Rng, SgdOptimizer, type SgdOptions } from '../src/index.ts';
import { testDevice } from './device.ts';
import { firstBitDifference } from '@losslab/kernels/testing';

const OPTS: SgdOptions[] = [
  { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 },
  { lr: 0.05, momentum: 0.9, nesterov: true },
  { lr: 0.2 },
];
const LATER = [0.01, 0.02, 0.03];


describe('SgdOptimizer with lockstep runs', () => {
  it('steps every run with its own options in one dispatch, each bit-identical to that run alone', async () => {
    const { ctx } = await testDevice();
    const scope = ctx.scope();
    try {
      const model = convNet();
      const R = OPTS.length;
      const store = new ParamStore(scope, model, [], R);
      const opt = new SgdOptimizer(scope, store, OPTS);
      const grads = Array.from({ length: R }, (_, r) => {
        const rng = new Rng(r, 'grads');
        return Float32Array.from({ length: store.totalFloats }, () => rng.uniform(-1, 1));
      });
      for (let r = 0; r < R; r++) {
        store.load(initialParams(model.params(), new Rng(r, 'init')), r);
        scope.device.queue.writeBuffer(store.grads, r * store.totalFloats * 4, grads[r]);
      }
      store.resetMomentum();
      const update = opt.plan();
      scope.run([update], 'step 1');
      opt.setLr(LATER);
      expect(opt.lrs).toEqual(LATER);
      scope.run([update], 'step 2');

      for (let r = 0; r < R; r++) {
        const one = new ParamStore(scope, model);
        const o1 = new SgdOptimizer(scope, one, OPTS[r]);
        one.load(initialParams(model.params(), new Rng(r, 'init')));
        one.resetMomentum();
        scope.device.queue.writeBuffer(one.grads, 0, grads[r]);
        scope.run([o1.plan()], `run ${r} alone, step 1`);
        o1.setLr(LATER[r]);
        scope.run([o1.plan()], `run ${r} alone, step 2`);
        for (const which of ['params', 'momentum'] as const) {
          const i = firstBitDifference(await store.readFlat(which, r), await one.readFlat(which));
          expect(i, `run ${r}: ${which} differ first at float ${i}`).toBe(-1);
        }
      }
      const p = await Promise.all([0, 1, 2].map((r) => store.readFlat('params', r)));
      expect(firstBitDifference(p[0], p[1])).toBeGreaterThanOrEqual(0);
    } finally {
      scope.destroy();
    }
  });

  it('needs one options object for all runs or one per run, and one learning rate or one per run', async () => {
    const { ctx } = await testDevice();
    const scope = ctx.scope();
    try {
      const store = new ParamStore(scope, convNet(), [], 3);
      expect(() => new SgdOptimizer(scope, store, OPTS.slice(0, 2))).toThrow('SGD options: 2 given for 3 runs (one per run, or one for all)');
      const opt = new SgdOptimizer(scope, store, { lr: 0.1, momentum: 0.9 });
      expect(opt.lrs).toEqual([0.1, 0.1, 0.1]);
      expect(() => opt.setLr([0.1, 0.2])).toThrow('setLr: 2 learning rates for 3 runs');
      opt.setLr(0.5);
      expect(opt.lrs).toEqual([0.5, 0.5, 0.5]);
      expect(() => new SgdOptimizer(scope, store, [OPTS[0], { lr: -1 }, OPTS[2]])).toThrow('learning rate must be positive');
    } finally {
      scope.destroy();
    }
  });
});
