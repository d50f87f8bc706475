import type { BufferLike, Dispatch, KernelContext } from '../core.ts';
import { registerOp, uploadTensor, readTensor } from '../registry.ts';
import { parseLoss, type LossKind } from './loss_kind.ts';
import lossWgsl from './loss.wgsl?raw';
import lossRowWgsl from './loss_row.wgsl?raw';

/** The per-row loss math (loss_row.wgsl) that loss.wgsl and the fused head build on. */
export const LOSS_ROW_WGSL = lossRowWgsl;

export { parseLoss, lossLabel, type LossKind } from './loss_kind.ts';

export interface LossArgs {
  kind: LossKind;
  /** f32 [n, c]. */
  logits: BufferLike;
  /** u32 [n], class indices. */
  target: BufferLike;
  n: number;
  c: number;
  /** f32 [n, c]: scale · d(mean loss)/d logits, overwritten. */
  gradLogits?: BufferLike;
  /** f32 [n]: loss per sample (for L1 losses the mean over classes), overwritten. */
  perSample?: BufferLike;
  /** f32 [3], ADDED to: [Σ per-sample loss, correct argmax predictions, samples]. */
  stats?: BufferLike;
  /** Multiplies the gradient (default 1). */
  scale?: number;
}

const KIND_CODE: Record<LossKind['kind'], number> = { ce: 0, focal: 1, l1: 2, 'l1-logits': 3, ls: 4, gce: 5 };
export const MAX_CLASSES = 64;

function kindParam(k: LossKind): number {
  switch (k.kind) {
    case 'focal': return k.gamma;
    case 'ls': return k.eps;
    case 'gce': return k.q;
    default: return 0;
  }
}

/** What loss_row.wgsl's lossRow needs of a loss: its code, its parameter, and the gradient's scale for the batch mean. */
export function lossRowFields(kind: LossKind, n: number, c: number, scale = 1): { code: number; param: number; gradScale: number } {
  const l1 = kind.kind === 'l1' || kind.kind === 'l1-logits';
  return { code: KIND_CODE[kind.kind], param: kindParam(kind), gradScale: scale / (l1 ? n * c : n) };
}

/**
 * One dispatch (a single workgroup looping over the rows): loss, gradient of the mean loss and
 * batch statistics for `n` samples of `c` classes.
 */
export function lossForwardBackward(ctx: KernelContext, o: LossArgs): Dispatch {
  const { n, c, kind } = o;
  if (!(n >= 1 && c >= 1 && c <= MAX_CLASSES)) throw new Error(`loss: need n >= 1 and 1 <= c <= ${MAX_CLASSES} (got n=${n}, c=${c})`);
  const flags = (o.gradLogits ? 1 : 0) | (o.perSample ? 2 : 0) | (o.stats ? 4 : 0);
  const f = lossRowFields(kind, n, c, o.scale);
  const raw = new ArrayBuffer(24);
  new Uint32Array(raw, 0, 4).set([n, c, f.code, flags]);
  new Float32Array(raw, 16, 2).set([f.param, f.gradScale]);
  const pipeline = ctx.pipeline('loss', lossWgsl + lossRowWgsl);
  // Unused outputs get their own 4-byte buffers (the kernel never writes them: flags).
  const spare = (b: BufferLike | undefined) => b ?? ctx.storage(4, 'loss_unused');
  return ctx.dispatch(`loss_${kind.kind}`, pipeline,
    [o.logits, o.target, spare(o.gradLogits), spare(o.perSample), spare(o.stats), ctx.uniformRaw(raw)], [1],
    { flops: 10 * n * c, bytes: 4 * (n * c + n + (o.gradLogits ? n * c : 0) + (o.perSample ? n : 0)) });
}

/**
 * `loss`: params { loss } (golden names 'ce', 'focal0.5', 'focal2', 'l1', 'l1logits' or any
 * parseLoss name); inputs logits [N,C], target [N]; outputs value (the mean loss, read from the
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
