import type { BufferLike, Dispatch, KernelContext } from '../core.ts';
import { registerOp, uploadTensor, readTensor } from '../registry.ts';
import { defineKernel, read, readWrite, type Kernel } from '../kernel.ts';
import { parseLoss, type LossSpec } from '../losses/index.ts';
import lossWgsl from './loss.wgsl?raw';
import lossRowWgsl from './loss_row.wgsl?raw';

export * from '../losses/index.ts';

export interface LossArgs {
  /** The loss (parseLoss): its compiled per-row math goes into the kernel. */
  kind: LossSpec;
  /** f32 [n, c]. */
  logits: BufferLike;
  /** u32 [n], class indices. */
  target: BufferLike;
  n: number;
  c: number;
  /** f32 [n, c]: scale · d(mean loss)/d logits, overwritten. */
  gradLogits?: BufferLike;
  /** f32 [n]: loss per sample, overwritten. */
  perSample?: BufferLike;
  /** f32 [3], ADDED to: [Σ per-sample loss, correct argmax predictions, samples]. */
  stats?: BufferLike;
  /** Multiplies the gradient (default 1). */
  scale?: number;
}

/** Classes a row may have (the kernels loop over them; nothing is sized by C but the fused head's rows). */
export const MAX_CLASSES = 4096;

/** The per-row WGSL of a loss (loss_row.wgsl's prelude and helpers, then its compiled lossRow). */
export function lossRowCode(kind: LossSpec): string {
  return lossRowWgsl + kind.compiled.wgsl;
}

const LOSS_BINDINGS = { logits: read(), labels: read('u32'), grad: readWrite(), perSample: readWrite(), stats: readWrite() } as const;
const LOSS_UNIFORMS = { n: 'u32', c: 'u32', writeGrad: 'flag', writePerSample: 'flag', addStats: 'flag', gradScale: 'f32' } as const;
type LossKernel = Kernel<typeof LOSS_BINDINGS, typeof LOSS_UNIFORMS>;
/** One kernel per compiled loss (its lossRow is part of the code), built once. */
const lossKernels = new Map<string, LossKernel>();

function lossKernel(kind: LossSpec): LossKernel {
  let k = lossKernels.get(kind.compiled.key);
  if (!k) {
    k = defineKernel({ name: `loss:${kind.compiled.key}`, code: [lossWgsl, lossRowCode(kind)], bindings: LOSS_BINDINGS, uniforms: LOSS_UNIFORMS });
    lossKernels.set(kind.compiled.key, k);
  }
  return k;
}

/**
 * One dispatch (a single workgroup looping over the rows): loss, gradient of the mean loss and
 * batch statistics for `n` samples of `c` classes.
 */
export function lossForwardBackward(ctx: KernelContext, o: LossArgs): Dispatch {
  const { n, c, kind } = o;
  if (!(n >= 1 && c >= 1 && c <= MAX_CLASSES)) throw new Error(`loss: need n >= 1 and 1 <= c <= ${MAX_CLASSES} (got n=${n}, c=${c})`);
  // Unused outputs get their own 4-byte buffers (the kernel never writes them: flags).
  const spare = (b: BufferLike | undefined) => b ?? ctx.storage(4, 'loss_unused');
  return lossKernel(kind).dispatch(ctx, {
    label: `loss_${kind.name}`,
    bindings: { logits: o.logits, labels: o.target, grad: spare(o.gradLogits), perSample: spare(o.perSample), stats: spare(o.stats) },
    uniforms: { n, c, writeGrad: !!o.gradLogits, writePerSample: !!o.perSample, addStats: !!o.stats, gradScale: (o.scale ?? 1) / n },
    workgroups: [1],
    work: { flops: 10 * n * c, bytes: 4 * (n * c + n + (o.gradLogits ? n * c : 0) + (o.perSample ? n : 0)) },
  });
}

/**
 * `loss`: params { loss } (golden names 'ce', 'focal0.5', 'focal2', 'l1', 'l1logits', any
 * parseLoss name or a user's `name=expr`); inputs logits [N,C], target [N]; outputs value (the mean loss, read from the
 * stats accumulator), grad_logits, per_sample and correct (argmax hits).
 */
registerOp({
  op: 'loss',
  async run(ctx, params, inputs) {
    const kind = parseLoss(String(params.loss));
    const [n, c] = inputs.logits.shape;
    const grad = ctx.storage(n * c * 4, 'grad_logits');
    const perSample = ctx.storage(n * 4, 'per_sample');
    const stats = ctx.storage(16, 'stats');
    ctx.run([lossForwardBackward(ctx, {
      kind, n, c, logits: uploadTensor(ctx, inputs.logits), target: uploadTensor(ctx, inputs.target, 'u32'),
      gradLogits: grad, perSample, stats,
    })], 'loss');
    const st = await ctx.readF32(stats, 3);
    if (st[2] !== n) throw new Error(`loss: stats counted ${st[2]} samples, expected ${n}`);
    return {
      value: { shape: [], data: [st[0] / n] },
      grad_logits: await readTensor(ctx, grad, [n, c]),
      per_sample: await readTensor(ctx, perSample, [n]),
      correct: { shape: [], data: [st[1]] },
    };
  },
});
