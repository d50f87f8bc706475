// Conv2d and ReLU modules with the run dimension: a small conv net planned over a store of R = 3
// runs (different weights, inputs and output gradients per run) gives each run's output, input
// gradient and parameter gradients bit-identical to planning that run alone — with ReLU fused into
// the convs (masks applied by the next conv's backward) and with ReLU as its own module.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { Conv2d, ReLU, Sequential, ParamStore, planForward, planBackward, Rng, initialParams } from '../src/index.ts';

const R = 3;
const BATCH = 3;
const model = () => new Sequential([
  ['conv1', new Conv2d(3, 8, 3, { padding: 1 })], ['relu1', new ReLU()],
  ['conv2', new Conv2d(8, 8, 3, { stride: 2, padding: 1, bias: false })], ['relu2', new ReLU()],
  ['conv3', new Conv2d(8, 4, 3)],
], [3, 16, 16]);

const random = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

/** Bitwise equality, naming the first differing element. */
function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  const a = new Uint32Array(Float32Array.from(got).buffer);
  const b = new Uint32Array(Float32Array.from(want).buffer);
  const i = a.length !== b.length ? Math.min(a.length, b.length) : a.findIndex((v, j) => v !== b[j]);
  expect(i, i < 0 ? what : `${what}: first difference at element ${i}: ${got[i]} vs ${want[i]} alone`).toBe(-1);
}

describe('Conv2d and ReLU modules in lockstep', () => {
  it.each([true, false])('fuse %s: each of 3 runs bit-identical to running it alone', async (fuse) => {
    const { ctx } = await testDevice();
    const m = model();
    const rng = new Rng(77);
    const params = Array.from({ length: R }, (_, r) => initialParams(m.params(), new Rng(100 + r)));
    const inputs = Array.from({ length: R }, () => random(rng, BATCH * 3 * 16 * 16));

    /** Forward + backward of `runs` runs (params, inputs and output gradients given per run). */
    async function train(runParams: typeof params, runInputs: Float32Array[], runGrads: Float32Array[] | null) {
      const store = new ParamStore(ctx, m, [], runParams.length);
      runParams.forEach((p, r) => store.load(p, r));
      const fwd = planForward(ctx, m, store, BATCH, { fuse });
      const bwd = planBackward(ctx, fwd, store, { inputGrad: true });
      const perRun = BATCH * fwd.classes;
      const grads = runGrads ?? Array.from({ length: runParams.length }, () => random(rng, perRun));
      ctx.device.queue.writeBuffer(fwd.input, 0, Float32Array.from(runInputs.flatMap((x) => Array.from(x))));
      ctx.device.queue.writeBuffer(bwd.gradLogits, 0, Float32Array.from(grads.flatMap((g) => Array.from(g))));
      ctx.run([...fwd.dispatches, ...bwd.dispatches], 'runs-conv');
      const out = await ctx.readF32(fwd.logits, runParams.length * perRun);
      const dx = await ctx.readF32(bwd.gradInput!, runParams.length * inputs[0].length);
      const runs = await Promise.all(runParams.map(async (_, r) => ({
        out: out.slice(r * perRun, (r + 1) * perRun), dx: dx.slice(r * inputs[0].length, (r + 1) * inputs[0].length), grads: await store.gradDict(r),
      })));
      return { runs, grads, kinds: fwd.nodes.map((n) => `${n.module.kind}${n.module.reluOut ? '+relu' : ''}`) };
    }

    const all = await train(params, inputs, null);
    expect(all.kinds).toEqual(fuse ? ['conv2d+relu', 'conv2d+relu', 'conv2d'] : ['conv2d', 'relu', 'conv2d', 'relu', 'conv2d']);
    for (let r = 0; r < R; r++) {
      const alone = (await train([params[r]], [inputs[r]], [all.grads[r]])).runs[0];
      expectSameBits(all.runs[r].out, alone.out, `run ${r} output`);
      expectSameBits(all.runs[r].dx, alone.dx, `run ${r} input gradient`);
      for (const name of Object.keys(alone.grads)) expectSameBits(all.runs[r].grads[name].data, alone.grads[name].data, `run ${r} grad ${name}`);
    }
    for (const key of ['out', 'dx'] as const) expect(Array.from(all.runs[0][key])).not.toEqual(Array.from(all.runs[1][key]));
    expect(Array.from(all.runs[1].grads['conv1.weight'].data)).not.toEqual(Array.from(all.runs[2].grads['conv1.weight'].data));
  });
});
