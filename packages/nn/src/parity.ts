/**
 * Parity with PyTorch as a feature: a fixture in the schema of ../shared/golden/convnet.json
 * (parameters, a batch, activations, per-loss values and gradients, SGD+StepLR steps; written by
 * packages/nn/scripts/make_fixture.py) is replayed on the device, and every quantity is compared
 * with the project's tolerances: sums (activations, gradients) against the Σ|terms| the fixture's
 * `scales` give, elementwise results (loss values, SGD steps) against |expected|. Deep models'
 * fixtures (make_resnet_fixture.py) also state PyTorch's own float32 error per tensor (f32_err).
 */
import { kernelContext, type KernelContext } from '@losslab/kernels';
import { compare, F32, SUM, type Tolerance } from '@losslab/kernels/testing';
import { buildModel } from './models.ts';
import { ParamStore, type StateDict } from './params.ts';
import { planForward } from './plan.ts';
import { TrainStep, STATS_FLOATS } from './train.ts';
import { RunPlan } from './run-plan.ts';
import { SaliencyStep } from './saliency.ts';

/**
 * A fixture tensor: all its values (`data`); or values at some flat positions (`index`, `data`),
 * checked there only; or generated (`uniform` [lo, hi] and `seed`: element i is
 * fround(lo + (hi - lo)·u(seed, i)), hashUniform, as make_resnet_fixture.py writes them).
 */
type T = { shape: number[]; data?: number[]; index?: number[]; uniform?: [number, number]; seed?: number; f32_err?: number };

/**
 * Deep models: float32 rounding compounds through the layers, past one op's bound (F32), in
 * PyTorch as here. A tensor whose fixture states PyTorch's own float32 error (`f32_err`, the
 * same computation in float32 against float64) also passes when LossLab's max abs error is
 * within this multiple of it: another summation order, not another result.
 */
export const TORCH_F32_FACTOR = 4;

const mix32 = (x: number): number => {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
};

/** n float32 values lo + (hi - lo)·u_i with u_i = (mix32(seed·0x9E3779B9 + i) >> 8) / 2²⁴, bit-identical to the fixture script's. */
export function hashUniform(seed: number, n: number, lo: number, hi: number): Float32Array {
  const base = Math.imul(seed, 0x9e3779b9) >>> 0;
  return Float32Array.from({ length: n }, (_, i) => lo + (hi - lo) * ((mix32((base + i) >>> 0) >>> 8) / 16777216));
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Every value of a dense or generated fixture tensor. */
function materialize(t: T, what: string): Float32Array {
  if (t.uniform && t.seed !== undefined) return hashUniform(t.seed, count(t.shape), t.uniform[0], t.uniform[1]);
  if (!t.data || t.index) throw new Error(`fixture ${what} needs all its values (data, or uniform and seed)`);
  return Float32Array.from(t.data);
}
export interface ParityFixture {
  /** The architecture (buildModel's name); convnet when absent (the golden convnet.json). */
  arch?: string;
  /** Parameters and running state, PyTorch's state_dict. */
  params: Record<string, T>;
  input: T;
  target: number[];
  activations?: Record<string, T>;
  losses?: Record<string, { value: number; grads: Record<string, T>; grad_input?: T }>;
  /** Σ|terms| of each activation and gradient (make_fixture.py); without them, sums are scaled by |expected| too. */
  scales?: { activations?: Record<string, T>; losses?: Record<string, { grads: Record<string, T>; grad_input?: T }> };
  /** SGD steps (train mode), each followed by StepLR's step; params after each step include the running state. */
  sgd?: SgdFixture<T>;
  /** The same SGD steps trained with other losses (the zoo), by loss name. */
  sgd_losses?: Record<string, SgdFixture<T>>;
  /** Eval-mode (running statistics) outputs of the initial parameters; saliency: d logit[predicted] / d input. */
  eval?: {
    logits: T;
    saliency?: T;
    /** Samples left out of the saliency check: an eval-mode ReLU input within float32 rounding of 0 (its mask, and so the gradient, is float32's coin toss). */
    ambiguous_samples?: number[];
  };
}

export interface SgdFixture<T = { shape: number[]; data: number[] }> {
  lr: number; momentum: number; weight_decay?: number; step_size: number; gamma: number; loss: string;
  steps: { loss: number; lr_after: number; params: Record<string, T> }[];
}

export interface ParityRow {
  group: string; // 'activation' | 'loss <name>' | 'sgd step <k>'
  name: string;
  maxAbs: number;
  maxRel: number;
  pass: boolean;
  /** 'sum': bounded by Σ|terms| from the fixture's scales; 'f32': by |expected|; 'torch-f32': within TORCH_F32_FACTOR × PyTorch's own float32 error. */
  tolerance: 'sum' | 'f32' | 'torch-f32';
  /** What the reader should know about this check (printed after the result). */
  note?: string;
}

/** Golden loss names ('focal0.5', 'l1logits') to LossLab's ('focal:0.5', 'l1-logits'). */
export function fixtureLossName(name: string): string {
  const focal = /^focal([0-9.]+)$/.exec(name);
  if (focal) return `focal:${focal[1]}`;
  if (name === 'l1logits') return 'l1-logits';
  return name;
}

/** `actual` holds every element; a sampled expectation (index) is compared at its positions. */
function row(group: string, name: string, actual: ArrayLike<number>, expected: T | number, scale?: T): ParityRow {
  const exp = typeof expected === 'number' ? { shape: [], data: [expected] } : expected;
  const data = exp.data ?? [];
  const pick = (xs: ArrayLike<number>) => (exp.index ? exp.index.map((i) => xs[i]) : xs);
  const tol: Tolerance = scale ? SUM : F32;
  const sc = scale?.data ? { shape: [data.length], data: pick(scale.data) } : undefined;
  const c = compare(name, { shape: [data.length], data: pick(actual) }, { shape: [data.length], data }, tol, sc);
  const torch = !c.pass && exp.f32_err !== undefined && c.maxAbs <= TORCH_F32_FACTOR * exp.f32_err;
  return { group, name, maxAbs: c.maxAbs, maxRel: c.maxRel, pass: c.pass || torch, tolerance: torch ? 'torch-f32' : scale ? 'sum' : 'f32' };
}

export async function runParity(device: GPUDevice, fixture: ParityFixture, arch = fixture.arch ?? 'convnet'): Promise<ParityRow[]> {
  const ctx: KernelContext = kernelContext(device);
  // The data's shape comes with the fixture: its input [batch, C, H, W] and its logits' class count.
  const classes = fixture.eval?.logits.shape[1] ?? fixture.activations?.logits?.shape[1] ?? 10;
  const model = buildModel(arch, classes, fixture.input.shape.slice(1));
  const store = new ParamStore(ctx, model);
  const params: StateDict = Object.fromEntries(Object.entries(fixture.params).map(([k, t]) => [k, { shape: t.shape, data: materialize(t, k) }]));
  const batch = fixture.input.shape[0];
  const rows: ParityRow[] = [];
  const labels = Uint32Array.from(fixture.target);
  const input = materialize(fixture.input, 'input') as Float32Array<ArrayBuffer>;

  // Activations: an unfused plan in train mode, so that pre-ReLU values are visible.
  if (fixture.activations) {
    store.load(params);
    const fwd = planForward(ctx, model, store, batch, { fuse: false });
    device.queue.writeBuffer(fwd.input, 0, input);
    ctx.run(fwd.dispatches, 'parity forward');
    const byName = new Map(fwd.activations.map((a) => [a.name, a]));
    byName.set('logits', fwd.activations[fwd.activations.length - 1]);
    for (const [name, exp] of Object.entries(fixture.activations)) {
      const a = byName.get(name);
      if (!a) throw new Error(`fixture activation "${name}" has no counterpart; the model has ${[...byName.keys()].join(', ')}`);
      rows.push(row('activation', name, await ctx.readF32(a.buffer, count(exp.shape)), exp, fixture.scales?.activations?.[name]));
    }
  }

  // Losses: value, every parameter gradient and the input gradient, on the fused training path.
  for (const [name, exp] of Object.entries(fixture.losses ?? {})) {
    store.load(params);
    const step = new TrainStep(ctx, model, store, null, { batch, loss: fixtureLossName(name), inputGrad: true, noUpdate: true });
    device.queue.writeBuffer(step.forward.input, 0, input);
    device.queue.writeBuffer(step.labels, 0, labels);
    ctx.run(step.dispatches, `parity ${name}`);
    const stats = await ctx.readF32(step.stats, STATS_FLOATS);
    const sc = fixture.scales?.losses?.[name];
    rows.push(row(`loss ${name}`, 'value', [stats[0] / stats[2]], exp.value));
    const grads = await store.gradDict();
    for (const [p, g] of Object.entries(exp.grads)) rows.push(row(`loss ${name}`, `grad ${p}`, grads[p].data, g, sc?.grads[p]));
    if (exp.grad_input && step.backward.gradInput) {
      rows.push(row(`loss ${name}`, 'grad input', await ctx.readF32(step.backward.gradInput, count(exp.grad_input.shape)), exp.grad_input, sc?.grad_input));
    }
  }

  // Eval mode: the running statistics the fixture's state dict holds.
  if (fixture.eval) {
    store.load(params);
    const fwd = planForward(ctx, model, store, batch, { mode: 'eval' });
    device.queue.writeBuffer(fwd.input, 0, input);
    ctx.run(fwd.dispatches, 'parity eval');
    rows.push(row('eval', 'logits', await ctx.readF32(fwd.logits, count(fixture.eval.logits.shape)), fixture.eval.logits));
    if (fixture.eval.saliency) {
      store.load(params);
      const r = await new SaliencyStep(ctx, model, store, batch).run(input);
      const left = fixture.eval.ambiguous_samples ?? [];
      const note = left.length ? `sample${left.length > 1 ? 's' : ''} ${left.join(', ')} left out: a ReLU input within float32 rounding of 0` : undefined;
      rows.push({ ...row('eval', 'saliency', r.grad, fixture.eval.saliency), ...(note ? { note } : {}) });
    }
  }

  // SGD + StepLR: the scheduler stepped after every optimizer step, as the fixture was made. Every
  // fixture run (one per loss) trains in one lockstep plan, each run from the fixture's parameters.
  const runs = [...(fixture.sgd ? [['', fixture.sgd] as const] : []), ...Object.entries(fixture.sgd_losses ?? {}).map(([name, s]) => [`${name} `, s] as const)];
  if (runs.length) {
    const plan = new RunPlan(ctx, runs.map(([, s]) => ({
      arch, loss: fixtureLossName(s.loss), seed: 0, init: params, lr: s.lr, momentum: s.momentum, weightDecay: s.weight_decay ?? 0, nesterov: false,
      schedule: { type: 'step' as const, stepSize: s.step_size, gamma: s.gamma },
    })), { classes, inputShape: fixture.input.shape.slice(1), batch });
    const R = runs.length;
    for (let r = 0; r < R; r++) {
      device.queue.writeBuffer(plan.train.input, r * input.byteLength, input);
      device.queue.writeBuffer(plan.train.labels, r * labels.byteLength, labels);
    }
    const steps = Math.max(...runs.map(([, s]) => s.steps.length));
    for (let k = 0; k < steps; k++) {
      device.queue.writeBuffer(plan.train.stats, 0, new Float32Array(R * STATS_FLOATS));
      ctx.run(plan.step.dispatches, `parity sgd ${k}`);
      const stats = await ctx.readF32(plan.train.stats, R * STATS_FLOATS);
      const lrs = plan.setEpoch(k + 2); // the schedule after k + 1 steps
      for (const [r, [tag, s]] of runs.entries()) {
        const exp = s.steps[k];
        if (!exp) continue;
        rows.push(row(`${tag}sgd step ${k + 1}`, 'loss before update', [stats[r * STATS_FLOATS] / stats[r * STATS_FLOATS + 2]], exp.loss));
        rows.push(row(`${tag}sgd step ${k + 1}`, 'lr after', [lrs[r]], exp.lr_after));
        const after = await plan.store.stateDict(r);
        for (const [p, v] of Object.entries(exp.params)) rows.push(row(`${tag}sgd step ${k + 1}`, p, after[p].data, v));
      }
    }
  }
  return rows;
}

export function formatParity(rows: ParityRow[]): string {
  const w = Math.max(...rows.map((r) => `${r.group} ${r.name}`.length), 10);
  const lines = rows.map((r) => `${`${r.group} ${r.name}`.padEnd(w)}  ${r.maxAbs.toExponential(2).padStart(9)}  ${r.maxRel.toExponential(2).padStart(9)}  ${r.tolerance.padEnd(8)}  ${r.pass ? 'ok' : 'FAIL'}${r.note ? `  (${r.note})` : ''}`);
  return [`${'quantity'.padEnd(w)}  ${'max abs'.padStart(9)}  ${'max rel'.padStart(9)}  tol       result`, ...lines].join('\n');
}
