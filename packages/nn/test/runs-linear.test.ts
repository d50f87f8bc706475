// Linear layers planned on a store of R lockstep runs (ConvNet's head: fc1 288→32 with its ReLU
// fused, fc2 32→10): logits, every parameter gradient and the input gradient of each run are
// bit-identical to that run planned alone, at the batch and at a smaller last batch.
import { describe, expect, it } from 'vitest';
import { initialParams, Linear, ParamStore, planBackward, planForward, ReLU, Rng, Sequential } from '../src/index.ts';
import { testDevice } from './device.ts';
import { firstBitDifference } from '@losslab/kernels/testing';

const R = 3;
const randoms = (seed: number, n: number) => {
  const rng = new Rng(seed, 'linear-runs');
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
};

describe('Linear with lockstep runs', () => {
  for (const batch of [64, 16]) {
    it(`fc1 (ReLU fused) → fc2 at batch ${batch}: each run bit-identical to that run alone`, async () => {
      const { ctx } = await testDevice();
      const scope = ctx.scope();
      try {
        const model = new Sequential([['fc1', new Linear(288, 32)], ['relu', new ReLU()], ['fc2', new Linear(32, 10)]], [288]);
        const plan = (store: ParamStore) => {
          const fwd = planForward(scope, model, store, batch);
          return { fwd, bwd: planBackward(scope, fwd, store, { inputGrad: true }) };
        };
        const inputs = Array.from({ length: R }, (_, r) => randoms(10 + r, batch * 288));
        const dLogits = Array.from({ length: R }, (_, r) => randoms(20 + r, batch * 10));
        const store = new ParamStore(scope, model, [], R);
        for (let r = 0; r < R; r++) store.load(initialParams(model.params(), new Rng(r, 'init')), r);
        const all = plan(store);
        expect(all.fwd.nodes.length, 'ReLU fused into fc1').toBe(2);
        inputs.forEach((x, r) => scope.device.queue.writeBuffer(all.fwd.input, r * x.byteLength, x));
        dLogits.forEach((g, r) => scope.device.queue.writeBuffer(all.bwd.gradLogits, r * g.byteLength, g));
        scope.run([...all.fwd.dispatches, ...all.bwd.dispatches], 'lockstep');
        const logits = await scope.readF32(all.fwd.logits, R * batch * 10);
        const dx = await scope.readF32(all.bwd.gradInput!, R * batch * 288);

        const logitsAlone: Float32Array[] = [];
        for (let r = 0; r < R; r++) {
          const one = new ParamStore(scope, model);
          one.load(initialParams(model.params(), new Rng(r, 'init')));
          const p = plan(one);
          scope.device.queue.writeBuffer(p.fwd.input, 0, inputs[r]);
          scope.device.queue.writeBuffer(p.bwd.gradLogits, 0, dLogits[r]);
          scope.run([...p.fwd.dispatches, ...p.bwd.dispatches], `run ${r} alone`);
          const y = await scope.readF32(p.fwd.logits, batch * 10);
          const checks: [string, Float32Array, Float32Array][] = [
            ['logits', logits.slice(r * batch * 10, (r + 1) * batch * 10), y],
            ['input gradient', dx.slice(r * batch * 288, (r + 1) * batch * 288), await scope.readF32(p.bwd.gradInput!, batch * 288)],
          ];
          const grads = await store.gradDict(r);
          const gradsAlone = await one.gradDict();
          for (const name of Object.keys(gradsAlone)) checks.push([`${name} gradient`, Float32Array.from(grads[name].data), Float32Array.from(gradsAlone[name].data)]);
          for (const [what, got, want] of checks) {
            const i = firstBitDifference(got, want);
            expect(i, `run ${r}: ${what} differs first at element ${i}`).toBe(-1);
          }
          logitsAlone.push(y);
        }
        expect(firstBitDifference(logitsAlone[0], logitsAlone[1])).toBeGreaterThanOrEqual(0);
        expect(firstBitDifference(logitsAlone[1], logitsAlone[2])).toBeGreaterThanOrEqual(0);
      } finally {
        scope.destroy();
      }
    });
  }
});
