/** Runs the smoke kernel (ReLU forward and backward) on the device and checks it against the CPU. */
import { getOp, reluRef, reluBackwardRef } from '@losslab/kernels';
import type { KernelContext } from '@losslab/kernels';

export async function smoke(ctx: KernelContext, n = 1 << 16): Promise<{ n: number; maxError: number; ms: number }> {
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 3);
  const gy = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 78.233));
  const t0 = performance.now();
  const out = await getOp('relu').run(ctx, {}, { x: { shape: [n], data: x }, grad_y: { shape: [n], data: gy } });
  const ms = performance.now() - t0;
  const y = reluRef(x);
  const dx = reluBackwardRef(y, gy);
  let maxError = 0;
  for (let i = 0; i < n; i++) {
    maxError = Math.max(maxError, Math.abs(out.y.data[i] - y[i]), Math.abs(out.grad_x.data[i] - dx[i]));
  }
  return { n, maxError, ms };
}
