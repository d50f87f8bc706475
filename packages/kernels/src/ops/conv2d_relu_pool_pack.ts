/** Weights packed as vec4s over groups of 4 rows into a uniform buffer (conv2d_relu_pool_pack.wgsl). */
import { ceilDiv, Usage, type BufferLike, type Dispatch, type KernelContext } from '../core.ts';
import { defineKernel, read, readWrite, uniformArray } from '../kernel.ts';
import { PACKED_VEC4S } from './conv2d_plan.ts';
import packWgsl from './conv2d_relu_pool_pack.wgsl?raw';

export { PACKED_VEC4S } from './conv2d_plan.ts';

/** The packed weights as the fused kernels bind them. */
export const packedWeights = uniformArray('vec4f', PACKED_VEC4S);

// count = ceil(rows / 4) · kk vec4s; W[r, k] = w[r · rs + floor(k / inner) · os + k % inner].
const packKernel = defineKernel({
  name: 'conv2d_relu_pool_pack', code: packWgsl,
  bindings: { w: read(), wv: readWrite('vec4f') },
  uniforms: { rows: 'u32', kk: 'u32', count: 'u32', rs: 'u32', inner: 'u32', os: 'u32' },
});

/**
 * A uniform buffer wv[g · kk + k] = (W[4g + j, k]) over j < 4, where W[r, k] = w[r · rs +
 * floor(k / inner) · os + k % inner], and the dispatch that fills it from `weight`.
 */
export function packWeights(ctx: KernelContext, weight: BufferLike, m: { rows: number; kk: number; rs: number; inner: number; os: number }): { wv: GPUBuffer; dispatch: Dispatch } {
  const count = ceilDiv(m.rows, 4) * m.kk;
  if (count > PACKED_VEC4S) throw new Error(`packWeights: ${count} vec4s exceed ${PACKED_VEC4S}`);
  const wv = ctx.createBuffer({ label: 'conv2d_relu_pool packed weights', size: PACKED_VEC4S * 16, usage: Usage.STORAGE | Usage.UNIFORM });
  return {
    wv,
    dispatch: packKernel.dispatch(ctx, {
      bindings: { w: weight, wv }, uniforms: { rows: m.rows, kk: m.kk, count, rs: m.rs, inner: m.inner, os: m.os },
      workgroups: [ceilDiv(count, 64)], work: { flops: 0, bytes: 2 * 16 * count },
    }),
  };
}
