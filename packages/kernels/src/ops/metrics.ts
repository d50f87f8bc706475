/**
 * Evaluation metrics on the device, accumulated across dispatches (no readback until the host
 * reads once per epoch):
 *
 * - confusion: u32 [c*c], confusion[true*c + pred] += 1 per sample.
 * - calibration: u32 [bins*3], per bin b: [3b] count, [3b+1] correct, [3b+2] confidence sum in
 *   fixed point (CONF_SCALE = 1e5 per unit: each sample adds floor(conf·1e5 + 0.5)). One word
 *   holds 42,949 samples at confidence 1, so a bin may take up to 42,949 samples per
 *   accumulation (10,000 → at most 1e9). decodeCalibration turns the words into numbers.
 *
 * pred = argmax (first maximum wins, like torch.argmax); conf = max softmax probability
 * (stable: 1/Σexp(l − max)); bin = min(floor(conf·bins), bins − 1). Samples whose target is
 * ≥ c are skipped. Clear the accumulators with zeroBuffer (a dispatch, so it can sit in the
 * same compute pass) or encoder.clearBuffer outside a pass.
 *
 * Lockstep runs: the grid's z is the run; run r's samples are rows [r·n, (r+1)·n) of logits and
 * target, its confusion matrix starts at word r·c·c and its calibration bins at r·bins·3
 * (confusion [R][c·c], calibration [R][bins·3]). A workgroup never mixes runs.
 */
import { ONE_RUN, type BufferLike, type Dispatch, type KernelContext, type Runs } from '../core.ts';
import { registerOp, numel, uploadTensor, type HostTensor } from '../registry.ts';
import metricsRowWgsl from './metrics_row.wgsl?raw';
import evalWgsl from './metrics_eval.wgsl?raw';
import evalGlobalWgsl from './metrics_eval_global.wgsl?raw';
import zeroWgsl from './metrics_zero.wgsl?raw';
import { grid1d } from './grid.ts';
import { defineKernel, read, readWrite } from '../kernel.ts';

export const CONF_SCALE = 100000;

export interface EvalMetricsArgs {
  logits: BufferLike; // f32 [R, n, c]
  target: BufferLike; // u32 [R, n]
  /** Samples per run. */
  n: number;
  c: number;
  confusion: BufferLike; // u32 [R][c*c]
  calibration: BufferLike; // u32 [R][bins*3]
  bins: number;
  /** Lockstep runs (default one). */
  runs?: Runs;
}

// n samples; row: invocations per grid row. confusion [C·C]: [true·C + pred]; calibration [BINS·3]: count, correct, confidence sum.
const evalSpec = {
  bindings: { logits: read(), labels: read('u32'), confusion: readWrite('atomic<u32>'), calibration: readWrite('atomic<u32>') },
  uniforms: { n: 'u32', row: 'u32' },
} as const;
const evalKernel = defineKernel({ name: 'metrics_eval', code: metricsRowWgsl + evalWgsl, ...evalSpec });
/** For class counts whose c² workgroup counters do not fit (CIFAR-100 and up): global atomics only. */
const evalGlobalKernel = defineKernel({ name: 'metrics_eval_global', code: metricsRowWgsl + evalGlobalWgsl, ...evalSpec });
const zeroKernel = defineKernel({ name: 'metrics_zero', code: zeroWgsl, bindings: { words: readWrite('u32') }, uniforms: { n: 'u32', row: 'u32' } });

/** Adds n samples to the confusion matrix and calibration bins (atomic; any number of dispatches may accumulate). */
export function evalMetrics(ctx: KernelContext, a: EvalMetricsArgs): Dispatch {
  if (a.c < 1 || a.bins < 1) throw new Error(`evalMetrics: c=${a.c}, bins=${a.bins} must be ≥ 1`);
  const runs = a.runs ?? ONE_RUN;
  // Workgroup counters when (c² + 3·bins) words fit workgroup storage (16 KiB: up to 63 classes), else global atomics.
  const fits = (a.c * a.c + 3 * a.bins) * 4 <= ctx.device.limits.maxComputeWorkgroupStorageSize;
  const g = grid1d(a.n);
  return (fits ? evalKernel : evalGlobalKernel).dispatch(ctx, {
    bindings: { logits: a.logits, labels: a.target, confusion: a.confusion, calibration: a.calibration },
    uniforms: { n: a.n, row: g.row }, workgroups: [...g.workgroups, runs.count], constants: { C: a.c, BINS: a.bins },
  });
}

/** Sets `words` u32 words of `buffer` to zero, as a dispatch. */
export function zeroBuffer(ctx: KernelContext, a: { buffer: BufferLike; words: number }): Dispatch {
  const g = grid1d(a.words);
  return zeroKernel.dispatch(ctx, { bindings: { words: a.buffer }, uniforms: { n: a.words, row: g.row }, workgroups: g.workgroups });
}

export interface CalibrationBin {
  count: number;
  correct: number;
  /** Sum of the samples' confidences (fixed point decoded; resolution 1e-5 per sample). */
  confidenceSum: number;
}

export function decodeCalibration(words: Uint32Array, bins: number): CalibrationBin[] {
  if (words.length < bins * 3) throw new Error(`decodeCalibration: ${words.length} words < ${bins * 3}`);
  return Array.from({ length: bins }, (_, b) => ({ count: words[3 * b], correct: words[3 * b + 1], confidenceSum: words[3 * b + 2] / CONF_SCALE }));
}

const u32Tensor = (shape: number[], data: Uint32Array): HostTensor => ({ shape, data: Array.from(data) });

/**
 * Table runner. params: c, bins (default 15), chunks (default 1: the samples are split into
 * this many dispatches accumulating into the same buffers, after a zeroBuffer over junk).
 * inputs: logits [n, c], target [n]. outputs: confusion [c, c], calib_count, calib_correct,
 * calib_conf (raw fixed-point words) [bins].
 */
registerOp({
  op: 'metrics',
  async run(ctx, params, inputs) {
    const { logits, target } = inputs;
    const n = numel(target.shape);
    const c = Number(params.c ?? logits.shape[1]);
    const bins = Number(params.bins ?? 15);
    const chunks = Number(params.chunks ?? 1);
    // Start from junk so the zeroing is tested too.
    const confusion = ctx.upload(Uint32Array.from({ length: c * c }, (_, i) => 1000 + i), 'confusion');
    const calibration = ctx.upload(Uint32Array.from({ length: bins * 3 }, (_, i) => 7 * i + 3), 'calibration');
    const dispatches = [zeroBuffer(ctx, { buffer: confusion, words: c * c }), zeroBuffer(ctx, { buffer: calibration, words: bins * 3 })];
    const per = Math.ceil(n / chunks);
    for (let s = 0; s < n; s += per) {
      const m = Math.min(per, n - s);
      const lb = uploadTensor(ctx, { shape: [m, c], data: Array.from(logits.data).slice(s * c, (s + m) * c) });
      const tb = uploadTensor(ctx, { shape: [m], data: Array.from(target.data).slice(s, s + m) }, 'u32');
      dispatches.push(evalMetrics(ctx, { logits: lb, target: tb, n: m, c, confusion, calibration, bins }));
    }
    ctx.run(dispatches, 'metrics');
    const conf = await ctx.readU32(confusion, c * c);
    const cal = await ctx.readU32(calibration, bins * 3);
    const pick = (k: number) => Uint32Array.from({ length: bins }, (_, b) => cal[3 * b + k]);
    return {
      confusion: u32Tensor([c, c], conf),
      calib_count: u32Tensor([bins], pick(0)),
      calib_correct: u32Tensor([bins], pick(1)),
      calib_conf: u32Tensor([bins], pick(2)),
    };
  },
});
