/**
 * The adapter's limits, measured: peak arithmetic rate (peak_fma.wgsl, register-only
 * multiply-adds, fma() and mul + add, the faster counts) and peak memory bandwidth
 * (peak_copy.wgsl, a streaming copy). The bench prints every kernel as a fraction of these.
 */
import { ceilDiv, type KernelContext } from '../src/core.ts';
import { defineKernel, readWrite, read } from '../src/kernel.ts';
import { grid1d } from '../src/ops/grid.ts';
import { timeDispatches } from './timing.ts';
import fmaWgsl from './peak_fma.wgsl?raw';
import copyWgsl from './peak_copy.wgsl?raw';

export interface AdapterLimits {
  /** Peak GFLOP/s (a multiply-add is 2 FLOPs). */
  gflops: number;
  /** Whether fma() beat a separate multiply and add. */
  fusedFaster: boolean;
  /** fma() and mul + add rates, GFLOP/s. */
  fma: number;
  mulAdd: number;
  /** Peak GB/s of a copy, bytes read + written: the best over copySizes. */
  gbps: number;
  /** Bytes of each buffer of the copies timed (from cache-sized to memory-sized). */
  copySizes: number[];
}

// iterations: multiply-add loop length (rewritten while calibrating); row: invocations per grid row.
const fmaKernel = defineKernel({ name: 'peak_fma', code: fmaWgsl, bindings: { out: readWrite('vec4f') }, uniforms: { iterations: 'u32', row: 'u32' } });
const copyKernel = defineKernel({ name: 'peak_copy', code: copyWgsl, bindings: { src: read('vec4f'), dst: readWrite('vec4f') }, uniforms: { count: 'u32', row: 'u32' } });

const FMA_PER_ITERATION = 8 * 4; // 8 vec4 chains
const FMA_INVOCATIONS = 2048 * 64; // enough threads for a large GPU, plenty for a CPU
const TARGET_MS = 25; // long enough for the wall clock where timestamps are missing

async function peakFma(ctx: KernelContext, fused: boolean): Promise<number> {
  const g = grid1d(FMA_INVOCATIONS, 64);
  const out = ctx.storage(FMA_INVOCATIONS * 16, 'peak_fma out');
  const params = fmaKernel.uniformBuffer(ctx, { iterations: 1, row: g.row });
  const d = fmaKernel.dispatch(ctx, { bindings: { out }, uniforms: params, constants: { FUSED: fused ? 1 : 0 }, workgroups: g.workgroups });
  // Calibrate the loop length so one dispatch runs for about TARGET_MS.
  let iterations = 16;
  for (;;) {
    params.write({ iterations, row: g.row });
    const ms = await timeDispatches(ctx, [d], { repeats: 1, trials: 1 });
    if (ms >= TARGET_MS / 4 || iterations >= 1 << 20) {
      iterations = Math.max(16, Math.min(1 << 20, Math.round(iterations * TARGET_MS / Math.max(ms, 1e-3))));
      break;
    }
    iterations *= 8;
  }
  params.write({ iterations, row: g.row });
  const ms = await timeDispatches(ctx, [d], { repeats: 2, trials: 5, best: true });
  out.destroy();
  return (2 * FMA_PER_ITERATION * iterations * FMA_INVOCATIONS) / (ms * 1e6);
}

async function peakCopy(ctx: KernelContext, bytes: number): Promise<number> {
  const count = bytes / 16;
  const g = grid1d(count, 256);
  const src = ctx.storage(bytes, 'peak_copy src');
  const dst = ctx.storage(bytes, 'peak_copy dst');
  const d = copyKernel.dispatch(ctx, { bindings: { src, dst }, uniforms: { count, row: g.row }, workgroups: g.workgroups });
  // Small copies are short: repeat them so each timing covers about as many bytes as the largest.
  const ms = await timeDispatches(ctx, [d], { repeats: Math.max(4, Math.round((64 << 20) / bytes)), trials: 5, best: true });
  src.destroy();
  dst.destroy();
  return (2 * bytes) / (ms * 1e6);
}

/**
 * Measures both limits (a second or two on a CPU adapter). The copy is timed with buffers from
 * `copySizes` (cache-sized to memory-sized) and the best rate is the peak, so that kernels on
 * small tensors, which stay in the CPU caches, are placed against what a cached copy reaches.
 */
export async function measureLimits(ctx: KernelContext, copySizes = [1 << 20, 8 << 20, 64 << 20]): Promise<AdapterLimits> {
  const fma = await peakFma(ctx, true);
  const mulAdd = await peakFma(ctx, false);
  const maxBinding = ctx.device.limits.maxStorageBufferBindingSize;
  const sizes = copySizes.map((b) => Math.min(b, ceilDiv(maxBinding, 16) * 16 - 16));
  let gbps = 0;
  for (const b of sizes) gbps = Math.max(gbps, await peakCopy(ctx, b));
  return { gflops: Math.max(fma, mulAdd), fusedFaster: fma >= mulAdd, fma, mulAdd, gbps, copySizes: sizes };
}

/**
 * Where a kernel stands against the limits: the time it would take at peak arithmetic and at
 * peak bandwidth, and the larger of the two as a fraction of the time measured (1 = at the limit).
 */
export function roofline(limits: AdapterLimits, work: { flops: number; bytes: number }, ms: number): { computeFrac: number; memoryFrac: number; bound: 'compute' | 'memory' } {
  const computeMs = work.flops / (limits.gflops * 1e6);
  const memoryMs = work.bytes / (limits.gbps * 1e6);
  return { computeFrac: computeMs / ms, memoryFrac: memoryMs / ms, bound: computeMs >= memoryMs ? 'compute' : 'memory' };
}
