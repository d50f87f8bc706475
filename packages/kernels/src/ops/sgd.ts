/**
 * SGD with momentum, weight decay and Nesterov, PyTorch semantics (torch.optim.SGD), in one
 * dispatch over all parameters packed into one flat buffer.
 *
 * Per element: g' = g + weightDecay·p; if momentum ≠ 0: b = μ·b + g' and g'' = nesterov ? g' + μ·b : b,
 * else g'' = g'; p -= lr·g''. The momentum buffer must start at ZERO: with dampening 0 the first
 * step then gives b = g', which is exactly PyTorch's first step (it clones g' into the buffer).
 * Nonzero dampening is rejected: PyTorch skips dampening on the first step only, which a
 * zero-initialised buffer cannot reproduce without a step counter.
 *
 * The hyper-parameters are host-written, one `Hyper` struct (SGD_HYPER_BYTES) per run in one
 * buffer: write them with writeSgdHyper whenever a learning rate changes; the plan stays valid.
 *
 * Lockstep runs: params, grads and momentum hold runs.count images of `count` floats, run r's
 * `runs.paramStride` floats after run r−1's (ParamStore's layout); one dispatch updates them all,
 * run r with its own Hyper (lr, momentum, weight decay, Nesterov). Each element's arithmetic is
 * the one-run arithmetic, so every run is bit-identical to stepping it alone.
 */
import { ONE_RUN, type BufferLike, type Dispatch, type KernelContext, type Runs } from '../core.ts';
import { registerOp, numel, uploadTensor, readTensor, type HostTensor } from '../registry.ts';
import sgdWgsl from './sgd_step.wgsl?raw';
import { grid1d } from './grid.ts';
import { defineKernel, read, readWrite, struct } from '../kernel.ts';

/** One run's step hyper-parameters, written by the host (nesterov: Nesterov momentum). */
const Hyper = struct('Hyper', { lr: 'f32', momentum: 'f32', weight_decay: 'f32', nesterov: 'flag' });
/** Bytes of one run's hyper-parameters (a buffer for R runs holds R of them). */
export const SGD_HYPER_BYTES = Hyper.size;

// Every parameter of every run at once: param, grad and the momentum buffer share one packed
// layout (n floats per run, run r at r·stride); hyper[r] is run r's (a storage array: its length
// is the run count, unknown to the shader).
const stepKernel = defineKernel({
  name: 'sgd_step', code: sgdWgsl,
  bindings: { param: readWrite(), g: read(), buf: readWrite(), hyper: { space: 'storage, read', type: 'array<Hyper>', struct: Hyper } },
  uniforms: { n: 'u32', stride: 'u32', total: 'u32', row: 'u32' },
});

export interface SgdHyper {
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  /** Only 0 is supported (PyTorch's default); anything else throws. */
  dampening?: number;
}

/** The Hyper values of `h`, after PyTorch's rules on dampening and Nesterov. */
function hyperValues(h: SgdHyper) {
  if ((h.dampening ?? 0) !== 0) throw new Error('sgd: nonzero dampening is not supported (PyTorch skips it on the first step; a zero momentum buffer cannot)');
  if (h.nesterov && h.momentum <= 0) throw new Error('sgd: nesterov requires momentum > 0 (as in PyTorch)');
  return { lr: h.lr, momentum: h.momentum, weight_decay: h.weightDecay, nesterov: h.nesterov };
}

/** The bytes of one Hyper per run (run r's at r·SGD_HYPER_BYTES); a single value is one run's. */
export function encodeSgdHyper(h: SgdHyper | readonly SgdHyper[]): ArrayBuffer {
  const all = Array.isArray(h) ? (h as readonly SgdHyper[]) : [h as SgdHyper];
  if (all.length === 0) throw new Error('sgd: no hyper-parameters (one per run)');
  const bytes = new Uint8Array(all.length * SGD_HYPER_BYTES);
  all.forEach((x, r) => bytes.set(new Uint8Array(Hyper.pack(hyperValues(x), all.length > 1 ? `sgd run ${r}` : 'sgd')), r * SGD_HYPER_BYTES));
  return bytes.buffer;
}

/** A storage buffer holding one Hyper per run; rewrite it with writeSgdHyper. */
export function createSgdHyper(ctx: KernelContext, h: SgdHyper | readonly SgdHyper[]): GPUBuffer {
  return ctx.upload(new Uint8Array(encodeSgdHyper(h)), 'sgd_hyper');
}

export function writeSgdHyper(ctx: KernelContext, hyper: GPUBuffer, h: SgdHyper | readonly SgdHyper[]): void {
  ctx.device.queue.writeBuffer(hyper, 0, encodeSgdHyper(h));
}

/**
 * One SGD step over `count` packed parameters per run; params and momentum are updated in place.
 * `hyper` holds runs.count Hyper structs (createSgdHyper with one SgdHyper per run).
 */
export function sgdStep(ctx: KernelContext, a: {
  params: BufferLike; grads: BufferLike; momentum: BufferLike; count: number; hyper: BufferLike; runs?: Runs;
}): Dispatch {
  const runs = a.runs ?? ONE_RUN;
  const r = runs.count;
  if (!Number.isInteger(r) || r < 1) throw new Error(`sgd: run count must be a whole number ≥ 1, got ${r}`);
  const stride = r === 1 ? a.count : runs.paramStride;
  if (r > 1 && stride < a.count) throw new Error(`sgd: run stride ${stride} is shorter than the ${a.count} parameters of one run`);
  const total = r * a.count;
  if (total >= 2 ** 32) throw new Error(`sgd: ${r} runs × ${a.count} parameters exceed the 2^32 elements one dispatch can index`);
  const hyperBytes = 'buffer' in a.hyper ? (a.hyper.size ?? a.hyper.buffer.size - (a.hyper.offset ?? 0)) : a.hyper.size;
  if (hyperBytes < r * SGD_HYPER_BYTES) throw new Error(`sgd: the hyper-parameter buffer holds ${Math.floor(hyperBytes / SGD_HYPER_BYTES)} run(s), the step has ${r}`);
  const g = grid1d(total);
  return stepKernel.dispatch(ctx, {
    bindings: { param: a.params, g: a.grads, buf: a.momentum, hyper: a.hyper }, uniforms: { n: a.count, stride, total, row: g.row },
    workgroups: g.workgroups, work: { flops: 6 * total, bytes: 5 * 4 * total },
  });
}

/**
 * Table runner. params: lr (number, or one per step), momentum, weightDecay, nesterov, steps.
 * inputs: p [n]; g [n] (the same gradient every step) or [steps, n]; optional momentum [n]
 * (initial buffer, default zero). outputs: p, momentum.
 */
registerOp({
  op: 'sgd',
  async run(ctx, params, inputs) {
    const { p, g } = inputs;
    const n = numel(p.shape);
    const steps = Number(params.steps ?? 1);
    const lrs = Array.isArray(params.lr) ? (params.lr as number[]) : Array.from({ length: steps }, () => Number(params.lr));
    const hyperOf = (s: number): SgdHyper => ({
      lr: lrs[s], momentum: Number(params.momentum ?? 0), weightDecay: Number(params.weightDecay ?? 0), nesterov: Boolean(params.nesterov),
    });
    const pb = uploadTensor(ctx, p);
    const mb = inputs.momentum ? uploadTensor(ctx, inputs.momentum) : ctx.storage(n * 4, 'momentum');
    const perStep = numel(g.shape) !== n;
    const gHost = Float32Array.from(g.data);
    const gb = ctx.storage(n * 4, 'grads');
    const hyper = createSgdHyper(ctx, hyperOf(0));
    const d = sgdStep(ctx, { params: pb, grads: gb, momentum: mb, count: n, hyper });
    for (let s = 0; s < steps; s++) {
      // writeBuffer is ordered before the next submit, so each step sees its own g and lr.
      ctx.device.queue.writeBuffer(gb, 0, perStep ? gHost.subarray(s * n, (s + 1) * n) : gHost);
      writeSgdHyper(ctx, hyper, hyperOf(s));
      ctx.run([d], 'sgd');
    }
    const out: Record<string, HostTensor> = { p: await readTensor(ctx, pb, p.shape), momentum: await readTensor(ctx, mb, p.shape) };
    return out;
  },
});
