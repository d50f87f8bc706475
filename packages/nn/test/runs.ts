/**
 * The lockstep check of nn modules: a model planned over a store of R runs (each run its own
 * initial weights, inputs and output gradients) must give every run's output, input gradient and
 * parameter gradients bit-identical to planning that run alone.
 */
import { expect } from 'vitest';
import type { KernelContext } from '@losslab/kernels';
import { ParamStore, planForward, planBackward, Rng, initialParams, type Graph } from '../src/index.ts';

const random = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

/** Bitwise equality, naming the first differing element. */
export function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  const a = new Uint32Array(Float32Array.from(got).buffer);
  const b = new Uint32Array(Float32Array.from(want).buffer);
  const i = a.length !== b.length ? Math.min(a.length, b.length) : a.findIndex((v, j) => v !== b[j]);
  expect(i, i < 0 ? what : `${what}: first difference at element ${i}: ${got[i]} vs ${want[i]} alone`).toBe(-1);
}

/**
 * Plans `m` for `runs` runs of `batch` samples (weights from seeds 100 + r, inputs and output
 * gradients from `seed`), runs forward and backward (with the input gradient), then each run
 * alone, and asserts bit-identity; also that the runs' outputs, input gradients and every
 * parameter gradient differ between runs. Returns the planned nodes' kinds ('+relu': a fused ReLU).
 */
export async function checkLockstep(ctx: KernelContext, m: Graph, o: { runs: number; batch: number; fuse: boolean; seed: number }): Promise<string[]> {
  const rng = new Rng(o.seed);
  const params = Array.from({ length: o.runs }, (_, r) => initialParams(m.params(), new Rng(100 + r)));
  const inputSize = o.batch * m.inputShape.reduce((a, b) => a * b, 1);
  const inputs = Array.from({ length: o.runs }, () => random(rng, inputSize));

  /** Forward + backward of the runs given (params, inputs and output gradients per run). */
  async function train(runParams: typeof params, runInputs: Float32Array[], runGrads: Float32Array[] | null) {
    const store = new ParamStore(ctx, m, [], runParams.length);
    runParams.forEach((p, r) => store.load(p, r));
    const fwd = planForward(ctx, m, store, o.batch, { fuse: o.fuse });
    const bwd = planBackward(ctx, fwd, store, { inputGrad: true });
    const perRun = o.batch * fwd.classes;
    const grads = runGrads ?? Array.from({ length: runParams.length }, () => random(rng, perRun));
    ctx.device.queue.writeBuffer(fwd.input, 0, Float32Array.from(runInputs.flatMap((x) => Array.from(x))));
    ctx.device.queue.writeBuffer(bwd.gradLogits, 0, Float32Array.from(grads.flatMap((g) => Array.from(g))));
    ctx.run([...fwd.dispatches, ...bwd.dispatches], 'lockstep check');
    const out = await ctx.readF32(fwd.logits, runParams.length * perRun);
    const dx = await ctx.readF32(bwd.gradInput!, runParams.length * inputSize);
    const runs = await Promise.all(runParams.map(async (_, r) => ({
      out: out.slice(r * perRun, (r + 1) * perRun), dx: dx.slice(r * inputSize, (r + 1) * inputSize), grads: await store.gradDict(r),
    })));
    return { runs, grads, kinds: fwd.nodes.map((n) => `${n.module.kind}${n.module.reluOut ? '+relu' : ''}`) };
  }

  const all = await train(params, inputs, null);
  for (let r = 0; r < o.runs; r++) {
    const alone = (await train([params[r]], [inputs[r]], [all.grads[r]])).runs[0];
    expectSameBits(all.runs[r].out, alone.out, `run ${r} output`);
    expectSameBits(all.runs[r].dx, alone.dx, `run ${r} input gradient`);
    for (const name of Object.keys(alone.grads)) expectSameBits(all.runs[r].grads[name].data, alone.grads[name].data, `run ${r} grad ${name}`);
  }
  for (let r = 1; r < o.runs; r++) {
    for (const key of ['out', 'dx'] as const) expect(Array.from(all.runs[r][key]), `runs 0 and ${r}: ${key}`).not.toEqual(Array.from(all.runs[0][key]));
    for (const name of Object.keys(all.runs[0].grads)) expect(Array.from(all.runs[r].grads[name].data), `runs 0 and ${r}: grad ${name}`).not.toEqual(Array.from(all.runs[0].grads[name].data));
  }
  return all.kinds;
}
