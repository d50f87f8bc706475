/**
 * Training-step benchmarks on the real plan: each dispatch of a ConvNet step timed on its own
 * (the per-kernel table at the model's real shapes), and whole steps timed back to back.
 */
import { timeDispatches } from '@losslab/kernels/bench';
import type { KernelContext } from '@losslab/kernels';
import { buildModel, initialParams, ParamStore, Rng, SgdOptimizer, TrainStep, EvalStep } from '@losslab/nn';

export interface StepBench {
  batch: number;
  dispatches: number;
  perDispatch: { label: string; ms: number }[];
  stepMs: { median: number; p10: number; p90: number };
  stepsPerSubmit: number;
}

export function makeStep(ctx: KernelContext, batch: number, loss = 'ce', arch = 'convnet') {
  const model = buildModel(arch);
  const store = new ParamStore(ctx, model);
  store.load(initialParams(model.params(), new Rng(0, 'init')));
  const opt = new SgdOptimizer(ctx, store, { lr: 0.01, momentum: 0.9 });
  const step = new TrainStep(ctx, model, store, opt, { batch, loss });
  const rng = new Rng(1, 'bench');
  ctx.device.queue.writeBuffer(step.forward.input, 0, Float32Array.from({ length: batch * 3072 }, () => rng.uniform(-2, 2)));
  ctx.device.queue.writeBuffer(step.labels, 0, Uint32Array.from({ length: batch }, (_, i) => i % 10));
  return { model, store, opt, step };
}

export async function benchStep(ctx: KernelContext, batch: number, opts: { steps?: number; stepsPerSubmit?: number } = {}): Promise<StepBench> {
  const { step } = makeStep(ctx, batch);
  const perDispatch: StepBench['perDispatch'] = [];
  for (const d of step.dispatches) perDispatch.push({ label: d.label, ms: await timeDispatches(ctx, [d], { repeats: 10, trials: 3 }) });
  const stepsPerSubmit = opts.stepsPerSubmit ?? 8;
  const rounds = Math.max(3, Math.ceil((opts.steps ?? 200) / stepsPerSubmit));
  const times: number[] = [];
  for (let r = 0; r < rounds + 2; r++) {
    const t0 = performance.now();
    ctx.run(Array.from({ length: stepsPerSubmit }, () => step.dispatches).flat(), 'bench steps');
    await ctx.device.queue.onSubmittedWorkDone();
    if (r >= 2) times.push((performance.now() - t0) / stepsPerSubmit);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { batch, dispatches: step.dispatches.length, perDispatch, stepMs: { median: q(0.5), p10: q(0.1), p90: q(0.9) }, stepsPerSubmit };
}

export async function benchEval(ctx: KernelContext, batch = 1000, images = 10000): Promise<{ seconds: number; imagesPerSecond: number }> {
  const model = buildModel('convnet');
  const store = new ParamStore(ctx, model);
  store.load(initialParams(model.params(), new Rng(0, 'init')));
  const ev = new EvalStep(ctx, model, store, { batch, loss: 'ce' });
  const lists = Array.from({ length: images / batch }, () => ev.dispatches);
  const run = async () => {
    const t0 = performance.now();
    ctx.run(lists.flat(), 'bench eval');
    await ctx.device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / 1000;
  };
  await run();
  const s = Math.min(await run(), await run());
  return { seconds: s, imagesPerSecond: images / s };
}
