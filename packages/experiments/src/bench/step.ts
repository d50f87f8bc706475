/**
 * Training-step benchmarks on the real plan: each dispatch of a step timed on its own (the
 * per-kernel table at the model's real shapes, with each kernel's stated work), and whole steps
 * timed back to back, counting the dispatches, submits and readbacks they cost.
 */
import { timeDispatches } from '@losslab/kernels/bench';
import type { KernelContext, Work } from '@losslab/kernels';
import { Rng, RunPlan } from '@losslab/nn';

export interface StepDispatch {
  label: string;
  ms: number;
  work?: Work;
}

export interface StepBench {
  arch: string;
  batch: number;
  dispatches: number;
  perDispatch: StepDispatch[];
  /** Σ of the per-dispatch times. */
  kernelMs: number;
  stepMs: { median: number; p10: number; p90: number };
  stepsPerSubmit: number;
  submitsPerStep: number;
  readbacksPerStep: number;
}

/** A run's planned step (nn's RunPlan, as the engine plans it) on synthetic images and labels. */
export function makeStep(ctx: KernelContext, batch: number, arch = 'convnet', loss = 'ce', fuseHead = true) {
  const plan = new RunPlan(ctx, [{ arch, loss, seed: 0, lr: 0.01, momentum: 0.9, weightDecay: 0, nesterov: false }], { classes: 10, inputShape: [3, 32, 32], batch, fuseHead });
  const rng = new Rng(1, 'bench');
  ctx.device.queue.writeBuffer(plan.train.input, 0, Float32Array.from({ length: batch * 3072 }, () => rng.uniform(-2, 2)));
  ctx.device.queue.writeBuffer(plan.train.labels, 0, Uint32Array.from({ length: batch }, (_, i) => i % 10));
  return { model: plan.model, store: plan.store, opt: plan.optimizer!, step: plan.step };
}

const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** `perDispatch: false` skips the per-kernel timings (whole steps only); `fuseHead: false` plans the head layer by layer. */
export async function benchStep(ctx: KernelContext, batch: number, opts: { arch?: string; steps?: number; budgetMs?: number; stepsPerSubmit?: number; perDispatch?: boolean; fuseHead?: boolean } = {}): Promise<StepBench> {
  const arch = opts.arch ?? 'convnet';
  const scope = ctx.scope();
  try {
    const { step } = makeStep(scope, batch, arch, 'ce', opts.fuseHead ?? true);
    const perDispatch: StepDispatch[] = [];
    if (opts.perDispatch ?? true) for (const d of step.dispatches) perDispatch.push({ label: d.label, ms: await timeDispatches(scope, [d], { repeats: 10, trials: 3, budgetMs: 500 }), work: d.work });
    const stepsPerSubmit = opts.stepsPerSubmit ?? 8;
    let rounds = Math.max(3, Math.ceil((opts.steps ?? 200) / stepsPerSubmit));
    const times: number[] = [];
    const before = { ...scope.stats };
    let ran = 0;
    for (let r = 0; r < rounds + 2; r++, ran++) {
      const t0 = performance.now();
      scope.run(Array.from({ length: stepsPerSubmit }, () => step.dispatches).flat(), 'bench steps');
      await scope.device.queue.onSubmittedWorkDone();
      const ms = performance.now() - t0;
      if (r >= 2) times.push(ms / stepsPerSubmit);
      // A large model on a CPU adapter (ResNet-20: seconds per step) is timed within a budget, not 200 steps.
      if (r === 1) rounds = Math.max(3, Math.min(rounds, Math.floor((opts.budgetMs ?? 20_000) / ms)));
    }
    const steps = ran * stepsPerSubmit;
    times.sort((a, b) => a - b);
    return {
      arch, batch, dispatches: step.dispatches.length, perDispatch,
      kernelMs: perDispatch.reduce((s, d) => s + d.ms, 0),
      stepMs: { median: quantile(times, 0.5), p10: quantile(times, 0.1), p90: quantile(times, 0.9) },
      stepsPerSubmit,
      submitsPerStep: (scope.stats.submits - before.submits) / steps,
      readbacksPerStep: (scope.stats.readbacks - before.readbacks) / steps,
    };
  } finally {
    scope.destroy();
  }
}

/**
 * Forward, own loss, cross-entropy and metrics over `images` test images in batches of `batch`
 * (no readback): the best of two whole passes, or — when one pass would exceed `budgetS` (a
 * ResNet on a CPU adapter) — as many batches as fit, scaled to `images` (`batchesTimed` says so).
 */
export async function benchEval(ctx: KernelContext, o: { arch?: string; batch?: number; images?: number; budgetS?: number } = {}): Promise<{ seconds: number; imagesPerSecond: number; batchesTimed: number; batches: number }> {
  const batch = o.batch ?? 1000;
  const images = o.images ?? 10000;
  const scope = ctx.scope();
  try {
    const plan = new RunPlan(scope, [{ arch: o.arch ?? 'convnet', loss: 'ce', seed: 0, lr: 0.01, momentum: 0, weightDecay: 0, nesterov: false }], {
      classes: 10, inputShape: [3, 32, 32], batch: 1, evalBatch: batch, gradientsOnly: true,
    });
    const ev = plan.evalStep!;
    const run = async (batches: number) => {
      const t0 = performance.now();
      scope.run(Array.from({ length: batches }, () => ev.dispatches).flat(), 'bench eval');
      await scope.device.queue.onSubmittedWorkDone();
      return (performance.now() - t0) / 1000;
    };
    const batches = Math.ceil(images / batch);
    await run(1); // warm-up
    const timed = Math.min(batches, Math.max(1, Math.floor((o.budgetS ?? 10) / (await run(1)))));
    const s = timed === batches ? Math.min(await run(batches), await run(batches)) : ((await run(timed)) * batches) / timed;
    return { seconds: s, imagesPerSecond: images / s, batchesTimed: timed, batches };
  } finally {
    scope.destroy();
  }
}
