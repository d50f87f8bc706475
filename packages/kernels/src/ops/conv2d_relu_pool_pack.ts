/** Weights packed as vec4s over groups of 4 rows into a uniform buffer (conv2d_relu_pool_pack.wgsl), one block per run. */
import { ceilDiv, ONE_RUN, Usage, type BufferLike, type Dispatch, type KernelContext, type Runs } from '../core.ts';
import { defineKernel, read, readWrite, uniformArray } from '../kernel.ts';
import { PACKED_VEC4S } from './conv2d_plan.ts';
import packWgsl from './conv2d_relu_pool_pack.wgsl?raw';

export { PACKED_VEC4S } from './conv2d_plan.ts';

/**
 * The packed weights as the fused kernels bind them: a uniform array of PACKED vec4s, a define
 * each dispatch sets to `packed.length` (PACKED_VEC4S unless several runs need more room).
 */
export const packedWeights = uniformArray('vec4f', 'PACKED');

// count = ceil(rows / 4) · kk vec4s per run; W[r, k] = w[run · wstride + r · rs + floor(k / inner) · os + k % inner].
const packKernel = defineKernel({
  name: 'conv2d_relu_pool_pack', code: packWgsl,
  bindings: { w: read(), wv: readWrite('vec4f') },
  uniforms: { rows: 'u32', kk: 'u32', count: 'u32', runs: 'u32', wstride: 'u32', rs: 'u32', inner: 'u32', os: 'u32' },
});

/** What a fused kernel needs to read the packed weights: the buffer, its array length (the PACKED define), vec4s per run. */
export interface PackedWeights { wv: GPUBuffer; length: number; stride: number }

/**
 * A uniform buffer wv[run · count + g · kk + k] = (W[4g + j, k]) over j < 4, where W[r, k] =
 * w[run · runs.paramStride + r · rs + floor(k / inner) · os + k % inner] (run r's weights in
 * the parameter store), count = ceil(rows / 4) · kk; and the one dispatch that fills it for every run.
 * The array is PACKED_VEC4S long when all runs fit (always for one run, so one run's pipeline is
 * unchanged), else the next multiple of it within the adapter's uniform binding; more runs throw.
 */
export function packWeights(ctx: KernelContext, weight: BufferLike, m: { rows: number; kk: number; rs: number; inner: number; os: number }, runs: Runs = ONE_RUN): { packed: PackedWeights; dispatch: Dispatch } {
  const count = ceilDiv(m.rows, 4) * m.kk;
  if (count > PACKED_VEC4S) throw new Error(`packWeights: ${count} vec4s exceed ${PACKED_VEC4S}`);
  const total = runs.count * count;
  const limits = ctx.device.limits;
  if (runs.count > packedRunsLimit(limits, count)) {
    throw new Error(`conv2dReluPool: ${runs.count} runs × ${count} packed weight vec4s exceed the uniform binding limit (maxUniformBufferBindingSize ${limits.maxUniformBufferBindingSize} bytes): at most ${packedRunsLimit(limits, count)} runs`);
  }
  // Whole multiples of PACKED_VEC4S: few pipeline variants, and one run's is the one it always had.
  const length = Math.ceil(total / PACKED_VEC4S) * PACKED_VEC4S;
  const wv = ctx.createBuffer({ label: 'conv2d_relu_pool packed weights', size: length * 16, usage: Usage.STORAGE | Usage.UNIFORM });
  return {
    packed: { wv, length, stride: count },
    dispatch: packKernel.dispatch(ctx, {
      bindings: { w: weight, wv }, uniforms: { rows: m.rows, kk: m.kk, count, runs: runs.count, wstride: runs.paramStride, rs: m.rs, inner: m.inner, os: m.os },
      workgroups: [ceilDiv(total, 64)], work: { flops: 0, bytes: 2 * 16 * total },
    }),
  };
}

/** The largest run count whose packed weights (`count` vec4s per run) fit a uniform binding of this adapter. */
export function packedRunsLimit(limits: { maxUniformBufferBindingSize: number }, count: number): number {
  const room = Math.floor(limits.maxUniformBufferBindingSize / 16 / PACKED_VEC4S) * PACKED_VEC4S;
  return Math.floor(Math.max(room, PACKED_VEC4S) / count);
}

/** Workgroups along z for `count` (run, channel group) pairs, checked against the 65535 per dimension a dispatch allows. */
export function runGroupsZ(op: string, count: number): number {
  if (count > 65535) throw new Error(`${op}: ${count} (run, channel group) workgroups exceed the dispatch limit of 65535 per dimension`);
  return count;
}
