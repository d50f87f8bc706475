/**
 * Parity with PyTorch as a feature: a fixture in the schema of ../shared/golden/convnet.json
 * (parameters, a batch, activations, per-loss values and gradients, SGD+StepLR steps; written by
 * packages/nn/scripts/make_fixture.py) is replayed on the device, and every quantity is compared
 * with the project's tolerances: sums (activations, gradients) against the Σ|terms| the fixture's
 * `scales` give, elementwise results (loss values, SGD steps) against |expected|.
 */
import { kernelContext, type KernelContext } from '@losslab/kernels';
import { compare, F32, SUM, type Tolerance } from '@losslab/kernels/testing';
import { buildModel } from './models.ts';
import { ParamStore, type StateDict } from './params.ts';
import { planForward } from './plan.ts';
import { SgdOptimizer, TrainStep, STATS_FLOATS } from './train.ts';
import { StepLR } from './optim.ts';
import { stateDictFromJson } from './statedict.ts';

type T = { shape: number[]; data: number[] };
export interface ParityFixture {
  params: Record<string, T>;
  input: T;
  target: number[];
  activations?: Record<string, T>;
  losses?: Record<string, { value: number; grads: Record<string, T>; grad_input?: T }>;
  /** Σ|terms| of each activation and gradient (make_fixture.py); without them, sums are scaled by |expected| too. */
  scales?: { activations?: Record<string, T>; losses?: Record<string, { grads: Record<string, T>; grad_input?: T }> };
  sgd?: { lr: number; momentum: number; step_size: number; gamma: number; loss: string; steps: { loss: number; lr_after: number; params: Record<string, T> }[] };
}

export interface ParityRow {
  group: string; // 'activation' | 'loss <name>' | 'sgd step <k>'
  name: string;
  maxAbs: number;
  maxRel: number;
  pass: boolean;
  /** 'sum': bounded by Σ|terms| from the fixture's scales; 'f32': by |expected|. */
  tolerance: 'sum' | 'f32';
}

/** Golden loss names ('focal0.5', 'l1logits') to LossLab's ('focal:0.5', 'l1-logits'). */
export function fixtureLossName(name: string): string {
  const focal = /^focal([0-9.]+)$/.exec(name);
  if (focal) return `focal:${focal[1]}`;
  if (name === 'l1logits') return 'l1-logits';
  return name;
}

function row(group: string, name: string, actual: ArrayLike<number>, expected: T | number, scale?: T): ParityRow {
  const exp = typeof expected === 'number' ? { shape: [], data: [expected] } : expected;
  const tol: Tolerance = scale ? SUM : F32;
  const c = compare(name, { shape: exp.shape, data: actual }, exp, tol, scale);
  return { group, name, maxAbs: c.maxAbs, maxRel: c.maxRel, pass: c.pass, tolerance: scale ? 'sum' : 'f32' };
}

export async function runParity(device: GPUDevice, fixture: ParityFixture, arch = 'convnet'): Promise<ParityRow[]> {
  const ctx: KernelContext = kernelContext(device);
  const model = buildModel(arch);
  const store = new ParamStore(ctx, model.params());
  const params: StateDict = stateDictFromJson(JSON.stringify(fixture.params));
  const batch = fixture.input.shape[0];
  const rows: ParityRow[] = [];
  const labels = Uint32Array.from(fixture.target);
  const input = Float32Array.from(fixture.input.data);

  // Activations: an unfused plan, so that pre-ReLU values are visible.
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
      rows.push(row('activation', name, await ctx.readF32(a.buffer, exp.data.length), exp, fixture.scales?.activations?.[name]));
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
      rows.push(row(`loss ${name}`, 'grad input', await ctx.readF32(step.backward.gradInput, exp.grad_input.data.length), exp.grad_input, sc?.grad_input));
    }
  }

  // SGD + StepLR: the scheduler stepped after every optimizer step, as the fixture was made.
  if (fixture.sgd) {
    const s = fixture.sgd;
    store.load(params);
    store.resetMomentum();
    const opt = new SgdOptimizer(ctx, store, { lr: s.lr, momentum: s.momentum });
    const sched = new StepLR(s.lr, s.step_size, s.gamma);
    const step = new TrainStep(ctx, model, store, opt, { batch, loss: fixtureLossName(s.loss) });
    device.queue.writeBuffer(step.forward.input, 0, input);
    device.queue.writeBuffer(step.labels, 0, labels);
    for (let k = 0; k < s.steps.length; k++) {
      const exp = s.steps[k];
      device.queue.writeBuffer(step.stats, 0, new Float32Array(STATS_FLOATS));
      ctx.run(step.dispatches, `parity sgd ${k}`);
      const stats = await ctx.readF32(step.stats, STATS_FLOATS);
      rows.push(row(`sgd step ${k + 1}`, 'loss before update', [stats[0] / stats[2]], exp.loss));
      const lr = sched.step();
      opt.setLr(lr);
      rows.push(row(`sgd step ${k + 1}`, 'lr after', [lr], exp.lr_after));
      const after = await store.stateDict();
      for (const [p, v] of Object.entries(exp.params)) rows.push(row(`sgd step ${k + 1}`, p, after[p].data, v));
    }
  }
  return rows;
}

export function formatParity(rows: ParityRow[]): string {
  const w = Math.max(...rows.map((r) => `${r.group} ${r.name}`.length), 10);
  const lines = rows.map((r) => `${`${r.group} ${r.name}`.padEnd(w)}  ${r.maxAbs.toExponential(2).padStart(9)}  ${r.maxRel.toExponential(2).padStart(9)}  ${r.tolerance.padEnd(8)}  ${r.pass ? 'ok' : 'FAIL'}`);
  return [`${'quantity'.padEnd(w)}  ${'max abs'.padStart(9)}  ${'max rel'.padStart(9)}  tol       result`, ...lines].join('\n');
}
