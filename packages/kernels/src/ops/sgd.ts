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
 * The hyper-parameters are a host-written uniform (the struct `Hyper` below, SGD_HYPER_BYTES):
 * write it with writeSgdHyper whenever the learning rate changes; the plan stays valid.
 */
import type { BufferLike, Dispatch, KernelContext } from '../core.ts';
import { registerOp, numel, uploadTensor, readTensor, type HostTensor } from '../registry.ts';
import sgdWgsl from './sgd_step.wgsl?raw';
import { grid1d } from './grid.ts';
import { defineKernel, read, readWrite, struct, uniform } from '../kernel.ts';

/** The step's hyper-parameters, written by the host (nesterov: Nesterov momentum). */
const Hyper = struct('Hyper', { lr: 'f32', momentum: 'f32', weight_decay: 'f32', nesterov: 'flag' });
export const SGD_HYPER_BYTES = Hyper.size;

// Every parameter at once: param, grad and the momentum buffer share one packed layout (n floats).
const stepKernel = defineKernel({
  name: 'sgd_step', code: sgdWgsl,
  bindings: { param: readWrite(), g: read(), buf: readWrite(), hyper: uniform(Hyper) },
  uniforms: { n: 'u32', row: 'u32' },
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

export function encodeSgdHyper(h: SgdHyper): ArrayBuffer {
  return Hyper.pack(hyperValues(h), 'sgd');
}

/** A uniform buffer (UNIFORM | COPY_DST) holding `h`; rewrite it with writeSgdHyper. */
export function createSgdHyper(ctx: KernelContext, h: SgdHyper): GPUBuffer {
  return Hyper.createBuffer(ctx, hyperValues(h), 'sgd_hyper');
}

export function writeSgdHyper(ctx: KernelContext, hyper: GPUBuffer, h: SgdHyper): void {
  ctx.device.queue.writeBuffer(hyper, 0, encodeSgdHyper(h));
}

/** One SGD step over `count` packed parameters; params and momentum are updated in place. */
export function sgdStep(ctx: KernelContext, a: { params: BufferLike; grads: BufferLike; momentum: BufferLike; count: number; hyper: BufferLike }): Dispatch {
  const g = grid1d(a.count);
  return stepKernel.dispatch(ctx, {
    bindings: { param: a.params, g: a.grads, buf: a.momentum, hyper: a.hyper }, uniforms: { n: a.count, row: g.row },
    workgroups: g.workgroups, work: { flops: 6 * a.count, bytes: 5 * 4 * a.count },
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
