import { ONE_RUN, type BufferLike, type Dispatch, type KernelContext, type Runs } from '../core.ts';
import { registerOp, uploadTensor, readTensor } from '../registry.ts';
import { defineKernel, read, readWrite, type Kernel } from '../kernel.ts';
import { parseLoss, type LossSpec } from '../losses/index.ts';
import lossWgsl from './loss.wgsl?raw';
import lossRowWgsl from './loss_row.wgsl?raw';

export * from '../losses/index.ts';

export interface LossArgs {
  /**
   * The loss (parseLoss): its compiled per-row math goes into the kernel. With several runs, one
   * loss per run (a list of runs.count), or one loss for every run.
   */
  kind: LossSpec | readonly LossSpec[];
  /** f32 [R, n, c], run-major. */
  logits: BufferLike;
  /** u32 [R, n], class indices, run-major. */
  target: BufferLike;
  /** Samples per run. */
  n: number;
  c: number;
  /** f32 [R, n, c]: scale · d(run's mean loss)/d logits, overwritten. */
  gradLogits?: BufferLike;
  /** f32 [R, n]: loss per sample, overwritten. */
  perSample?: BufferLike;
  /** f32 [R][STATS_STRIDE], run r's ADDED to at r·STATS_STRIDE: [Σ per-sample loss, correct argmax predictions, samples]. */
  stats?: BufferLike;
  /** Multiplies the gradient (default 1). */
  scale?: number;
  /** Lockstep runs (default one): one workgroup per run, each over its own n rows. */
  runs?: Runs;
}

/** Classes a row may have (the kernels loop over them; nothing is sized by C but the fused head's rows). */
export const MAX_CLASSES = 4096;

/** Floats per run in a statistics accumulator ([Σ loss, correct, samples] and one spare): run r's start at r · STATS_STRIDE. */
export const STATS_STRIDE = 4;

/**
 * The losses of lockstep runs: each distinct compiled loss once (`distinct`), and per run the index
 * of its loss in that list (`index`, run r's at r). One run or one loss is the one-entry case of
 * the same thing, so every run count goes through the same kernel code.
 */
export interface RunLosses {
  distinct: readonly LossSpec[];
  index: readonly number[];
  /** Identifies the kernel code (the distinct losses' keys in order). */
  key: string;
}

export function runLosses(op: string, kind: LossSpec | readonly LossSpec[], runs: Runs): RunLosses {
  const list: readonly LossSpec[] = Array.isArray(kind) ? kind : Array.from({ length: runs.count }, () => kind as LossSpec);
  if (list.length !== runs.count) throw new Error(`${op}: ${list.length} losses for ${runs.count} runs (give one loss per run, or one for all)`);
  const keys: string[] = [];
  const distinct: LossSpec[] = [];
  const index = list.map((l) => {
    let j = keys.indexOf(l.compiled.key);
    if (j < 0) {
      j = keys.push(l.compiled.key) - 1;
      distinct.push(l);
    }
    return j;
  });
  return { distinct, index, key: keys.join(',') };
}

/**
 * The per-row WGSL of a list of losses: loss_row.wgsl's prelude and helpers, each loss's compiled
 * row function as lossRow0, lossRow1, …, and `lossRowOf(k, i, C, y, grad)` calling the k-th.
 */
export function lossRowCode(losses: RunLosses): string {
  const rows = losses.distinct.map((l, j) => l.compiled.wgslNamed(`lossRow${j}`));
  const cases = losses.distinct.map((_, j) => (j === 0 ? '' : `    case ${j}u: { return lossRow${j}(i, C, y, grad); }\n`)).join('');
  const dispatcher = `
// Run r's loss is lossRow<lossOf[r]>: one branch per distinct loss, taken by a whole workgroup.
fn lossRowOf(k: u32, i: u32, C: u32, y: u32, grad: bool) -> LossRow {
  switch k {
${cases}    default: { return lossRow0(i, C, y, grad); }
  }
}
`;
  return [lossRowWgsl, ...rows, dispatcher].join('\n');
}

/** The per-run loss indices, as the u32 buffer the kernels read (`lossOf`). */
export function lossIndexBuffer(ctx: KernelContext, losses: RunLosses): GPUBuffer {
  return ctx.upload(Uint32Array.from(losses.index), 'loss_of_run');
}

const LOSS_BINDINGS = { logits: read(), labels: read('u32'), lossOf: read('u32'), grad: readWrite(), perSample: readWrite(), stats: readWrite() } as const;
const LOSS_UNIFORMS = { n: 'u32', c: 'u32', writeGrad: 'flag', writePerSample: 'flag', addStats: 'flag', gradScale: 'f32' } as const;
type LossKernel = Kernel<typeof LOSS_BINDINGS, typeof LOSS_UNIFORMS>;
/** One kernel per list of distinct compiled losses (their row functions are part of the code), built once. */
const lossKernels = new Map<string, LossKernel>();

function lossKernel(losses: RunLosses): LossKernel {
  let k = lossKernels.get(losses.key);
  if (!k) {
    k = defineKernel({ name: `loss:${losses.key}`, code: [lossWgsl, lossRowCode(losses)], bindings: LOSS_BINDINGS, uniforms: LOSS_UNIFORMS });
    lossKernels.set(losses.key, k);
  }
  return k;
}

/**
 * One dispatch, one workgroup per run (each looping over its run's rows): loss, gradient of the
 * run's mean loss and the run's batch statistics for `n` samples of `c` classes per run. Run r
 * reads rows [r·n, (r+1)·n) of logits and target, writes the same rows of gradLogits and
 * perSample, adds to stats at r·STATS_STRIDE, and uses its own loss.
 */
export function lossForwardBackward(ctx: KernelContext, o: LossArgs): Dispatch {
  const { n, c } = o;
  const runs = o.runs ?? ONE_RUN;
  if (!(n >= 1 && c >= 1 && c <= MAX_CLASSES)) throw new Error(`loss: need n >= 1 and 1 <= c <= ${MAX_CLASSES} (got n=${n}, c=${c})`);
  const limit = ctx.device.limits.maxComputeWorkgroupsPerDimension;
  if (runs.count > limit) throw new Error(`loss: ${runs.count} runs exceed ${limit} workgroups per dimension`);
  const losses = runLosses('loss', o.kind, runs);
  const R = runs.count;
  // Unused outputs get their own 4-byte buffers (the kernel never writes them: flags).
  const spare = (b: BufferLike | undefined) => b ?? ctx.storage(4, 'loss_unused');
  return lossKernel(losses).dispatch(ctx, {
    label: `loss_${losses.distinct.map((l) => l.name).join('+')}`,
    bindings: { logits: o.logits, labels: o.target, lossOf: lossIndexBuffer(ctx, losses), grad: spare(o.gradLogits), perSample: spare(o.perSample), stats: spare(o.stats) },
    uniforms: { n, c, writeGrad: !!o.gradLogits, writePerSample: !!o.perSample, addStats: !!o.stats, gradScale: (o.scale ?? 1) / n },
    workgroups: [R],
    work: { flops: 10 * R * n * c, bytes: 4 * R * (n * c + n + (o.gradLogits ? n * c : 0) + (o.perSample ? n : 0)) },
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
