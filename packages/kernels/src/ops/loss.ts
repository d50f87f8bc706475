import type { BufferLike, Dispatch, KernelContext } from '../core.ts';
import { registerOp, uploadTensor, readTensor } from '../registry.ts';
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

/**
 * One dispatch (a single workgroup looping over the rows): loss, gradient of the mean loss and
 * batch statistics for `n` samples of `c` classes.
 */
export function lossForwardBackward(ctx: KernelContext, o: LossArgs): Dispatch {
  const { n, c, kind } = o;
  if (!(n >= 1 && c >= 1 && c <= MAX_CLASSES)) throw new Error(`loss: need n >= 1 and 1 <= c <= ${MAX_CLASSES} (got n=${n}, c=${c})`);
  const flags = (o.gradLogits ? 1 : 0) | (o.perSample ? 2 : 0) | (o.stats ? 4 : 0);
  const raw = new ArrayBuffer(16);
  new Uint32Array(raw, 0, 3).set([n, c, flags]);
  new Float32Array(raw, 12, 1).set([(o.scale ?? 1) / n]);
  const pipeline = ctx.pipeline(`loss:${kind.compiled.key}`, lossWgsl + lossRowCode(kind));
  // Unused outputs get their own 4-byte buffers (the kernel never writes them: flags).
  const spare = (b: BufferLike | undefined) => b ?? ctx.storage(4, 'loss_unused');
  return ctx.dispatch(`loss_${kind.name}`, pipeline,
    [o.logits, o.target, spare(o.gradLogits), spare(o.perSample), spare(o.stats), ctx.uniformRaw(raw)], [1],
    { flops: 10 * n * c, bytes: 4 * (n * c + n + (o.gradLogits ? n * c : 0) + (o.perSample ? n : 0)) });
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
