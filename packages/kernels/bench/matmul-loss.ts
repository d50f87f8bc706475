/**
 * Matmul and loss timings: the ConvNet's linear layers at a batch size (fc1 288→32 and
 * fc2 32→10: forward, dx, dW, bias gradient), a 1024³ matmul in both accumulation modes
 * (GFLOP/s), and the fused loss at the batch and at evaluation size.
 */
import type { KernelContext } from '../src/core.ts';
import { matmul, columnSum, type MatmulArgs } from '../src/ops/matmul.ts';
import { lossForwardBackward, parseLoss } from '../src/ops/loss.ts';
import { benchRow, timeDispatches, type BenchRow } from './timing.ts';

function filled(ctx: KernelContext, count: number, seed: number): GPUBuffer {
  const data = new Float32Array(count);
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return ctx.upload(data, 'bench');
}

export async function benchMatmulLoss(ctx: KernelContext, batch: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const mm = async (kernel: string, o: Omit<MatmulArgs, 'a' | 'b' | 'c'>, opts?: { repeats?: number; trials?: number }) => {
    const { m, k, n } = o;
    const a = filled(ctx, m * k, 1), b = filled(ctx, k * n, 2), c = ctx.storage(m * n * 4);
    const extra = { bias: o.bias ? filled(ctx, n, 3) : undefined, reluMaskOf: o.reluMaskOf ? filled(ctx, m * n, 4) : undefined };
    const d = matmul(ctx, { ...o, ...extra, a, b, c });
    const ms = await timeDispatches(ctx, [d], opts);
    rows.push(benchRow(kernel, `${m}×${k}×${n}`, ms, 1, { flops: 2 * m * k * n, bytes: 4 * (m * k + k * n + m * n) }));
  };
  const one = filled(ctx, 1, 0); // placeholder buffer for the optional bias/mask flags
  for (const [name, inF, outF] of [['fc1', 288, 32], ['fc2', 32, 10]] as const) {
    await mm(`matmul ${name} forward (x·Wᵀ+b${name === 'fc1' ? ', ReLU' : ''})`, { m: batch, k: inF, n: outF, transB: true, bias: one, relu: name === 'fc1' });
    await mm(`matmul ${name} dx (dy·W${name === 'fc2' ? ', ReLU mask' : ''})`, { m: batch, k: outF, n: inF, reluMaskOf: name === 'fc2' ? one : undefined });
    await mm(`matmul ${name} dW (dyᵀ·x)`, { m: outF, k: batch, n: inF, transA: true });
    const dy = filled(ctx, batch * outF, 5), db = ctx.storage(outF * 4);
    const ms = await timeDispatches(ctx, [columnSum(ctx, { x: dy, out: db, rows: batch, cols: outF })]);
    rows.push(benchRow(`columnSum ${name} db`, `${batch}×${outF}`, ms, 1, { bytes: 4 * batch * outF }));
  }
  const big = { m: 1024, k: 1024, n: 1024 };
  await mm('matmul 1024³', big, { repeats: 3, trials: 3 });
  for (const [n, kind] of [[batch, 'ce'], [batch, 'focal:0.5'], [10_000, 'ce']] as const) {
    const c = 10;
    const logits = filled(ctx, n * c, 6);
    const target = ctx.upload(Uint32Array.from({ length: n }, (_, i) => i % c));
    const d = lossForwardBackward(ctx, { kind: parseLoss(kind), logits, target, n, c, gradLogits: ctx.storage(n * c * 4), stats: ctx.storage(16) });
    const ms = await timeDispatches(ctx, [d]);
    rows.push(benchRow(`loss ${kind} (grad + stats)`, `${n}×${c}`, ms, 1, { bytes: 8 * n * c }));
  }
  return rows;
}
