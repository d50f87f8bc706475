// Lockstep runs through the planner: a ResNet-style block of the weightless and BatchNorm modules
// (BatchNorm → ReLU → BatchNorm, + the block's input, → ReLU → global average pooling), planned on a
// store of R runs, gives each run bit for bit what the same plan on a one-run store gives it alone:
// activations, input gradient (the input is consumed twice: a summed gradient), dγ, dβ, running state.
import { describe, expect, it } from 'vitest';
import { BatchNorm2d, GlobalAvgPool, Graph, ParamStore, ReLU, ResidualAdd, Rng, planBackward, planForward, type StateDict } from '../src/index.ts';
import { bitDifference } from '@losslab/kernels/testing';
import { testDevice } from './device.ts';

const R = 3;
const [C, H, W] = [16, 8, 8];
const BATCH = 5;

const block = (): Graph => new Graph([
  { name: 'bn1', module: new BatchNorm2d(C) },
  { name: 'relu1', module: new ReLU() },
  { name: 'bn2', module: new BatchNorm2d(C) },
  { name: 'add', module: new ResidualAdd(), inputs: ['bn2', 'input'] },
  { name: 'relu2', module: new ReLU() },
  { name: 'pool', module: new GlobalAvgPool() },
], [C, H, W]);

const floats = (rng: Rng, n: number, lo: number, hi: number): Float32Array<ArrayBuffer> => Float32Array.from({ length: n }, () => rng.uniform(lo, hi));

/** Run r's parameters and running state: its own draws. */
function runState(r: number): StateDict {
  const rng = new Rng(40 + r, 'init');
  const d: StateDict = {};
  for (const bn of ['bn1', 'bn2']) {
    d[`${bn}.weight`] = { shape: [C], data: floats(rng, C, 0.5, 1.5) };
    d[`${bn}.bias`] = { shape: [C], data: floats(rng, C, -0.5, 0.5) };
    d[`${bn}.running_mean`] = { shape: [C], data: floats(rng, C, -0.2, 0.2) };
    d[`${bn}.running_var`] = { shape: [C], data: floats(rng, C, 0.5, 2) };
    d[`${bn}.num_batches_tracked`] = { shape: [], data: [r] };
  }
  return d;
}

/** Lockstep (actual) against alone (expected), every bit. */
function expectSameBits(lockstep: Float32Array, alone: Float32Array, what: string): void {
  const d = bitDifference(lockstep, alone, `${what} (lockstep vs alone)`);
  expect(d, d).toBe('');
}

describe(`a BatchNorm residual block planned for ${R} runs = each run planned alone, bit for bit`, () => {
  for (const mode of ['train', 'eval'] as const) {
    it(`${mode}: activations, input gradient${mode === 'train' ? ', dγ, dβ and running state' : ''}`, async () => {
      const { ctx: root } = await testDevice();
      const ctx = root.scope();
      try {
        const model = block();
        const per = BATCH * C * H * W;
        const rng = new Rng(7, 'data');
        const inputs = Array.from({ length: R }, (_, r) => floats(rng, per, -1 - r, 1 + r));
        const gradLogits = Array.from({ length: R }, () => floats(rng, BATCH * C, -1, 1));
        const plan = async (runs: number[]) => {
          const store = new ParamStore(ctx, model, [], runs.length);
          runs.forEach((r, k) => store.load(runState(r), k));
          const fwd = planForward(ctx, model, store, BATCH, { mode });
          const bwd = planBackward(ctx, fwd, store, { inputGrad: true });
          runs.forEach((r, k) => {
            ctx.device.queue.writeBuffer(fwd.input, k * per * 4, inputs[r]);
            ctx.device.queue.writeBuffer(bwd.gradLogits, k * BATCH * C * 4, gradLogits[r]);
          });
          ctx.run([...fwd.dispatches, ...bwd.dispatches], `block × ${runs.length}`);
          const acts = await Promise.all(fwd.activations.map(async (a) => ({ name: a.name, per: a.shape.reduce((x, y) => x * y, 1), data: await ctx.readF32(a.buffer, runs.length * a.shape.reduce((x, y) => x * y, 1)) })));
          return {
            dispatches: fwd.dispatches.length + bwd.dispatches.length, acts,
            gradInput: await ctx.readF32(bwd.gradInput!, runs.length * per),
            grads: await Promise.all(runs.map((_, k) => store.gradDict(k))),
            state: await Promise.all(runs.map((_, k) => store.readFlat('state', k))),
          };
        };
        const all = await plan([0, 1, 2]);
        expect(all.acts.map((a) => a.name)).toContain('pool');
        for (let r = 0; r < R; r++) {
          const alone = await plan([r]);
          expect(all.dispatches, 'the same dispatches serve every run').toBe(alone.dispatches);
          all.acts.forEach((a, k) => expectSameBits(a.data.subarray(r * a.per, (r + 1) * a.per), alone.acts[k].data, `run ${r} ${a.name}`));
          expectSameBits(all.gradInput.subarray(r * per, (r + 1) * per), alone.gradInput, `run ${r} d input`);
          expectSameBits(all.state[r], alone.state[0], `run ${r} running state`);
          if (mode === 'train') {
            for (const name of Object.keys(alone.grads[0])) expectSameBits(Float32Array.from(all.grads[r][name].data), Float32Array.from(alone.grads[0][name].data), `run ${r} d ${name}`);
          }
        }
        // The runs differ (a module serving every run from run 0's slice would not).
        const logits = all.acts.at(-1)!;
        for (let r = 1; r < R; r++) expect(bitDifference(logits.data.subarray(r * logits.per, (r + 1) * logits.per), logits.data.subarray(0, logits.per), 'logits')).not.toBe('');
        if (mode === 'train') expect(bitDifference(all.state[1], all.state[0], 'running state')).not.toBe('');
      } finally {
        ctx.destroy();
      }
    });
  }
});
