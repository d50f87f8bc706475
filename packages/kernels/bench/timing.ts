/**
 * Kernel timing for `losslab bench`: a plan's dispatches are encoded `repeats` times into one
 * pass and submitted once; the wall time until the queue drains, divided by `repeats`, is the
 * time per execution (median over `trials`). Warm-up first, so pipeline creation is excluded.
 * GPU timestamp queries measure the pass where the adapter has them; the wall clock otherwise.
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
  /** The kernel variant chosen (the convolution planner's choice, for convolutions). */
  plan?: string;
}

/** Timestamp-query resources per device, when the adapter has the feature. */
const timers = new WeakMap<GPUDevice, { set: GPUQuerySet; resolve: GPUBuffer; read: GPUBuffer } | null>();

function timerFor(device: GPUDevice) {
  if (!timers.has(device)) {
    timers.set(device, device.features.has('timestamp-query') ? {
      set: device.createQuerySet({ type: 'timestamp', count: 2 }),
      resolve: device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
      read: device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    } : null);
  }
  return timers.get(device)!;
}

/** Whether timings come from GPU timestamp queries ('timestamp') or the wall clock ('wall'). */
export function timingSource(ctx: KernelContext): 'timestamp' | 'wall' {
  return timerFor(ctx.device) ? 'timestamp' : 'wall';
}

async function runRepeated(ctx: KernelContext, dispatches: readonly Dispatch[], repeats: number): Promise<number> {
  const timer = timerFor(ctx.device);
  const t0 = performance.now();
  const encoder = ctx.device.createCommandEncoder();
  const pass = encoder.beginComputePass(timer ? { timestampWrites: { querySet: timer.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {});
  for (let r = 0; r < repeats; r++) encodeDispatches(pass, dispatches);
  pass.end();
  if (timer) {
    encoder.resolveQuerySet(timer.set, 0, 2, timer.resolve, 0);
    encoder.copyBufferToBuffer(timer.resolve, 0, timer.read, 0, 16);
  }
  ctx.device.queue.submit([encoder.finish()]);
  await ctx.device.queue.onSubmittedWorkDone();
  const wall = performance.now() - t0;
  if (!timer) return wall;
  await timer.read.mapAsync(GPUMapMode.READ);
  const [begin, end] = new BigUint64Array(timer.read.getMappedRange().slice(0));
  timer.read.unmap();
  const ms = Number(end - begin) / 1e6;
  return ms > 0 ? ms : wall; // some drivers report zeros: fall back to the wall clock
}

/**
 * Median (or, with `best`, minimum: for peak rates) milliseconds per execution of `dispatches`.
 * `budgetMs` bounds the timed part: repeats shrink (to 1) when the warm-up shows that
 * trials × repeats executions would take longer (a ResNet's convolution on a CPU adapter).
 */
export async function timeDispatches(ctx: KernelContext, dispatches: readonly Dispatch[], opts: { repeats?: number; trials?: number; best?: boolean; budgetMs?: number } = {}): Promise<number> {
  const trials = opts.trials ?? 5;
  const warm = (await runRepeated(ctx, dispatches, 2)) / 2; // warm-up
  const repeats = opts.budgetMs === undefined ? opts.repeats ?? 20 : Math.max(1, Math.min(opts.repeats ?? 20, Math.floor(opts.budgetMs / (trials * warm))));
  const times: number[] = [];
  for (let t = 0; t < trials; t++) times.push((await runRepeated(ctx, dispatches, repeats)) / repeats);
  times.sort((a, b) => a - b);
  return opts.best ? times[0] : times[Math.floor(times.length / 2)];
}

export function benchRow(kernel: string, shape: string, ms: number, dispatches: number, work: { flops?: number; bytes?: number } = {}, plan?: string): BenchRow {
  return {
    kernel,
    shape,
    ms,
    dispatches,
    ...(plan ? { plan } : {}),
    gflops: work.flops !== undefined ? work.flops / (ms * 1e6) : undefined,
    gbps: work.bytes !== undefined ? work.bytes / (ms * 1e6) : undefined,
  };
}
