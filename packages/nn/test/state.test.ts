// BatchNorm's running state: outside the optimizer, updated by training steps only, carried by checkpoints.
import { describe, expect, it } from 'vitest';
import { buildModel, initialParams, ParamStore, Rng, SgdOptimizer, TrainStep, EvalStep } from '../src/index.ts';
import { testDevice } from './device.ts';

describe('running state of a ResNet-8', () => {
  it('train steps update it (eval does not), weight decay leaves it alone, and a restored store continues identically', async () => {
    const { ctx } = await testDevice();
    const scope = ctx.scope();
    try {
      const model = buildModel('resnet8');
      const batch = 2;
      const rng = new Rng(1, 'data');
      const images = Float32Array.from({ length: batch * 3072 }, () => rng.uniform(-2, 2));
      const labels = Uint32Array.of(3, 7);
      const make = (weightDecay = 0.5) => {
        const store = new ParamStore(scope, model);
        const opt = new SgdOptimizer(scope, store, { lr: 0.1, momentum: 0.9, weightDecay });
        const step = new TrainStep(scope, model, store, opt, { batch, loss: 'ce' });
        ctx.device.queue.writeBuffer(step.forward.input, 0, images);
        ctx.device.queue.writeBuffer(step.labels, 0, labels);
        return { store, step };
      };
      const a = make();
      a.store.load(initialParams(model.params(), new Rng(0, 'init')));
      a.store.resetMomentum();
      const fresh = await a.store.readFlat('state');
      const ev = new EvalStep(scope, model, a.store, { batch, loss: 'ce' });
      ctx.device.queue.writeBuffer(ev.forward.input, 0, images);
      ctx.run(ev.dispatches, 'eval');
      expect(Array.from(await a.store.readFlat('state')), 'eval mode leaves the running state').toEqual(Array.from(fresh));

      // One step with weight decay 0.5 and one without leave the same running state: the optimizer never touches it.
      const noDecay = make(0);
      noDecay.store.load(initialParams(model.params(), new Rng(0, 'init')));
      noDecay.store.resetMomentum();
      scope.run(noDecay.step.dispatches, 'train without weight decay');
      scope.run(a.step.dispatches, 'train');
      expect(Array.from(await a.store.readFlat('state'))).toEqual(Array.from(await noDecay.store.readFlat('state')));
      expect(Array.from(await a.store.readFlat('params'))).not.toEqual(Array.from(await noDecay.store.readFlat('params')));
      scope.run(a.step.dispatches, 'train');
      const st = await a.store.stateDict();
      expect(Array.from(st['bn1.num_batches_tracked'].data)).toEqual([2]);
      expect(Array.from(st['bn1.running_mean'].data).some((v) => v !== 0)).toBe(true);
      expect(Array.from(st['layer3.0.bn2.running_var'].data).some((v) => v !== 1)).toBe(true);

      // A checkpoint is params + momentum + state; restoring all three continues byte for byte.
      const saved = { params: await a.store.readFlat('params'), momentum: await a.store.readFlat('momentum'), state: await a.store.readFlat('state') };
      const b = make();
      b.store.writeFlat('params', Float32Array.from(saved.params));
      b.store.writeFlat('momentum', Float32Array.from(saved.momentum));
      b.store.writeFlat('state', Float32Array.from(saved.state));
      scope.run(a.step.dispatches, 'train a');
      scope.run(b.step.dispatches, 'train b');
      for (const which of ['params', 'momentum', 'state'] as const) {
        expect(Array.from(await b.store.readFlat(which)), which).toEqual(Array.from(await a.store.readFlat(which)));
      }
    } finally {
      scope.destroy();
    }
  });
});
