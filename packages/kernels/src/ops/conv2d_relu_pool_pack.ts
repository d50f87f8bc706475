/** Weights packed as vec4s over groups of 4 rows into a uniform buffer (conv2d_relu_pool_pack.wgsl). */
import { ceilDiv, Usage, type BufferLike, type Dispatch, type KernelContext } from '../core.ts';
import packWgsl from './conv2d_relu_pool_pack.wgsl?raw';

/** vec4s in the kernels' uniform weight arrays. */
export const PACKED_VEC4S = 1024;

/**
 * A uniform buffer wv[g · kk + k] = (W[4g + j, k]) over j < 4, where W[r, k] = w[r · rs +
 * floor(k / inner) · os + k % inner], and the dispatch that fills it from `weight`.
 */
export function packWeights(ctx: KernelContext, weight: BufferLike, m: { rows: number; kk: number; rs: number; inner: number; os: number }): { wv: GPUBuffer; dispatch: Dispatch } {
  const count = ceilDiv(m.rows, 4) * m.kk;
  if (count > PACKED_VEC4S) throw new Error(`packWeights: ${count} vec4s exceed ${PACKED_VEC4S}`);
  const wv = ctx.createBuffer({ label: 'conv2d_relu_pool packed weights', size: PACKED_VEC4S * 16, usage: Usage.STORAGE | Usage.UNIFORM });
  const u = ctx.uniform([m.rows, m.kk, count, m.rs, m.inner, m.os]);
  return { wv, dispatch: ctx.dispatch('conv2d_relu_pool_pack', ctx.pipeline('conv2d_relu_pool_pack', packWgsl), [weight, wv, u], [ceilDiv(count, 64)], { flops: 0, bytes: 2 * 16 * count }) };
}
