/**
 * Kernel timing for `losslab bench`: a plan's dispatches are encoded `repeats` times into one
 * pass and submitted once; the wall time until the queue drains, divided by `repeats`, is the
 * time per execution (median over `trials`). Warm-up first, so pipeline creation is excluded.
 */
import { encodeDispatches, type Dispatch, type KernelContext } from '../src/core.ts';

export interface BenchRow {
  kernel: string;
  shape: string;
  ms: number;
  /** Arithmetic rate, when the kernel's FLOPs are known. */
  gflops?: number;
  /** Memory rate (bytes read + written once), when known. */
  gbps?: number;
  dispatches: number;
}

async function runRepeated(ctx: KernelContext, dispatches: readonly Dispatch[], repeats: number): Promise<number> {
  const t0 = performance.now();
  const encoder = ctx.device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  for (let r = 0; r < repeats; r++) encodeDispatches(pass, dispatches);
  pass.end();
  ctx.device.queue.submit([encoder.finish()]);
  await ctx.device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

/** Median milliseconds per execution of `dispatches`. */
export async function timeDispatches(ctx: KernelContext, dispatches: readonly Dispatch[], opts: { repeats?: number; trials?: number } = {}): Promise<number> {
  const repeats = opts.repeats ?? 20;
  const trials = opts.trials ?? 5;
  await runRepeated(ctx, dispatches, 2); // warm-up
  const times: number[] = [];
  for (let t = 0; t < trials; t++) times.push((await runRepeated(ctx, dispatches, repeats)) / repeats);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function benchRow(kernel: string, shape: string, ms: number, dispatches: number, work: { flops?: number; bytes?: number } = {}): BenchRow {
  return {
    kernel,
    shape,
    ms,
    dispatches,
    gflops: work.flops !== undefined ? work.flops / (ms * 1e6) : undefined,
    gbps: work.bytes !== undefined ? work.bytes / (ms * 1e6) : undefined,
  };
}
