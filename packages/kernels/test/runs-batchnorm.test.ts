// Lockstep runs, BatchNorm family: R runs in one dispatch give each run exactly (bit for bit) what the
// same op gives on that run alone. BatchNorm2d (train: batch statistics, running-state update,
// backward to x, γ, β; eval: forward and backward), and the weightless per-sample ops of a ResNet
// (global average pooling, the residual sum), which see R × batch samples. Node and Chromium alike.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { rng, uniform } from './random.ts';
import { bitDifference } from './tables.ts';
import {
  ONE_RUN, alignUp, batchnorm2dForwardTrain, batchnorm2dForwardEval, batchnorm2dBackward, batchnorm2dBackwardEval, batchnorm2dSavedBytes,
  globalAvgPoolForward, globalAvgPoolBackward, residualAddForward, residualAddBackward, residualShape,
  type Binding, type Dispatch, type KernelContext, type Runs, type BatchNorm2dShape,
} from '../src/index.ts';

const R = 3;
/** What the store holds outside a tensor: a kernel that reads or writes there shows up in the comparison. */
const SENTINEL = -1234.5;

/** Lockstep (actual) against alone (expected), every bit. */
function expectSameBits(lockstep: Float32Array, alone: Float32Array, what: string): void {
  const d = bitDifference(lockstep, alone, `${what} (lockstep vs alone)`);
  expect(d, d).toBe('');
}

/** Run slices must differ from each other (a kernel serving every run from run 0's slice fails). */
function expectRunsDiffer(slices: Float32Array[], what: string): void {
  for (let r = 1; r < slices.length; r++) expect(bitDifference(slices[r], slices[0], what), `${what}: run ${r} equals run 0`).not.toBe('');
}

const slice = (a: Float32Array, r: number, per: number): Float32Array => a.subarray(r * per, (r + 1) * per);

/** The runs' arrays one after another (run-major). */
function concat(parts: ArrayLike<number>[]): Float32Array<ArrayBuffer> {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A packed store like nn's ParamStore: per run an image of `stride` floats holding named tensors at
 * 256-byte aligned offsets (the rest SENTINEL), R images run-major; a tensor's binding starts at
 * run 0's copy and spans all of them.
 */
class PackedStore {
  readonly offsets: Record<string, number> = {};
  readonly stride: number;
  constructor(private readonly sizes: Record<string, number>) {
    let off = 64; // nothing at 0: an offset dropped by a kernel reads the sentinel
    for (const [name, n] of Object.entries(sizes)) {
      this.offsets[name] = off;
      off += alignUp(Math.max(n, 1), 64);
    }
    this.stride = off + 64;
  }

  image(values: Record<string, ArrayLike<number>>[]): Float32Array<ArrayBuffer> {
    const out = new Float32Array(values.length * this.stride).fill(SENTINEL);
    values.forEach((v, r) => {
      for (const name of Object.keys(this.sizes)) out.set(v[name] ?? [], r * this.stride + this.offsets[name]);
    });
    return out;
  }

  binding(buffer: GPUBuffer, name: string, count: number): Binding {
    return { buffer, offset: this.offsets[name] * 4, size: ((count - 1) * this.stride + Math.max(this.sizes[name], 1)) * 4 };
  }
}

/**
 * ResNet-8/20's BatchNorm layers (16@32×32, 32@16×16, 64@8×8); batches small enough for a fast test
 * but over 256 values per channel (every invocation of a reduction sums several), incl. last
 * batches (50000 mod 32 = 16, mod 128 = 80) and one sample.
 */
const BN_SHAPES: (BatchNorm2dShape & { relu: boolean })[] = [
  { n: 8, c: 16, h: 32, w: 32, relu: true },
  { n: 16, c: 32, h: 16, w: 16, relu: false },
  { n: 80, c: 64, h: 8, w: 8, relu: true },
  { n: 1, c: 64, h: 8, w: 8, relu: false },
];

interface BnRun { x: number[]; dy: number[]; weight: number[]; bias: number[]; mean: number[]; var: number[]; batches: number }

/** Run r's data: its own draws, its own input scale and offset (so the runs' statistics differ). */
function bnRun(s: BatchNorm2dShape, r: number, seed: number): BnRun {
  const next = rng(seed + 101 * r);
  const size = s.n * s.c * s.h * s.w;
  return {
    x: uniform(next, size, -2 - 2 * r, r), dy: uniform(next, size),
    weight: uniform(next, s.c, 0.5, 1.5), bias: uniform(next, s.c, -0.5, 0.5),
    mean: uniform(next, s.c, -0.2, 0.2), var: uniform(next, s.c, 0.5, 2), batches: 3 + r,
  };
}

interface BnOut { y: Float32Array; dx: Float32Array; saved?: Float32Array; grads?: Float32Array; state: Float32Array; batchesAt: number; dispatches: Dispatch[] }

/** BatchNorm2d over `data.length` runs in one plan (runs.count = data.length; ONE_RUN for one). */
async function bnPlan(ctx: KernelContext, s: BatchNorm2dShape, relu: boolean, mode: 'train' | 'eval', data: BnRun[], runsOf: (p: PackedStore, st: PackedStore) => Runs): Promise<BnOut> {
  const count = data.length;
  const params = new PackedStore({ weight: s.c, bias: s.c });
  const stateStore = new PackedStore({ running_mean: s.c, running_var: s.c, num_batches_tracked: 0 });
  const runs = runsOf(params, stateStore);
  const paramBuf = ctx.upload(params.image(data.map((d) => ({ weight: d.weight, bias: d.bias }))), 'params');
  const gradBuf = ctx.upload(params.image(data.map(() => ({}))), 'grads');
  const stateBuf = ctx.upload(stateStore.image(data.map((d) => ({ running_mean: d.mean, running_var: d.var, num_batches_tracked: [d.batches] }))), 'state');
  const state = {
    runningMean: stateStore.binding(stateBuf, 'running_mean', count), runningVar: stateStore.binding(stateBuf, 'running_var', count),
    numBatchesTracked: stateStore.binding(stateBuf, 'num_batches_tracked', count),
  };
  const size = s.n * s.c * s.h * s.w;
  const x = ctx.upload(concat(data.map((d) => d.x)), 'x');
  const dy = ctx.upload(concat(data.map((d) => d.dy)), 'dy');
  const y = ctx.storage(count * size * 4, 'y');
  const dx = ctx.storage(count * size * 4, 'dx');
  const weight = params.binding(paramBuf, 'weight', count);
  const bias = params.binding(paramBuf, 'bias', count);
  const dispatches: Dispatch[] = [];
  let saved: GPUBuffer | undefined;
  if (mode === 'train') {
    saved = ctx.storage(batchnorm2dSavedBytes(s.c, runs), 'saved');
    dispatches.push(...batchnorm2dForwardTrain(ctx, { shape: s, x, weight, bias, y, saved, state, relu, runs }));
    dispatches.push(...batchnorm2dBackward(ctx, {
      shape: s, x, y, dy, saved, weight, dweight: params.binding(gradBuf, 'weight', count), dbias: params.binding(gradBuf, 'bias', count), dx, relu, runs,
    }));
  } else {
    dispatches.push(batchnorm2dForwardEval(ctx, { shape: s, x, weight, bias, y, state, relu, runs }));
    dispatches.push(batchnorm2dBackwardEval(ctx, { shape: s, y, dy, state, weight, dx, relu, runs }));
  }
  ctx.run(dispatches, 'runs-batchnorm');
  return {
    y: await ctx.readF32(y, count * size), dx: await ctx.readF32(dx, count * size),
    saved: saved && (await ctx.readF32(saved, count * 2 * s.c)),
    grads: mode === 'train' ? await ctx.readF32(gradBuf, count * params.stride) : undefined,
    state: await ctx.readF32(stateBuf, count * stateStore.stride),
    batchesAt: stateStore.offsets.num_batches_tracked,
    dispatches,
  };
}

const lockstepRuns = (p: PackedStore, st: PackedStore): Runs => ({ count: R, paramStride: p.stride, stateStride: st.stride });

describe(`BatchNorm2d: ${R} runs in lockstep = each run alone, bit for bit`, () => {
  for (const [k, s] of BN_SHAPES.entries()) {
    for (const mode of ['train', 'eval'] as const) {
      it(`${mode} n${s.n} c${s.c} ${s.h}×${s.w}${s.relu ? ' relu' : ''}: forward, backward${mode === 'train' ? ', running-state update' : ''}`, async () => {
        const { ctx: root } = await testDevice();
        const ctx = root.scope();
        try {
          const data = Array.from({ length: R }, (_, r) => bnRun(s, r, 9100 + 17 * k));
          const all = await bnPlan(ctx, s, s.relu, mode, data, lockstepRuns);
          const per = s.n * s.c * s.h * s.w;
          const paramStride = all.grads ? all.grads.length / R : 0;
          const stateStride = all.state.length / R;
          for (let r = 0; r < R; r++) {
            const alone = await bnPlan(ctx, s, s.relu, mode, [data[r]], () => ONE_RUN);
            // One dispatch per pass for all runs, the same passes as one run.
            expect(all.dispatches.map((d) => d.label)).toEqual(alone.dispatches.map((d) => d.label));
            expectSameBits(slice(all.y, r, per), alone.y, `run ${r} y`);
            expectSameBits(slice(all.dx, r, per), alone.dx, `run ${r} dx`);
            // The whole per-run image of the state (and gradient) store: the run's own tensors, sentinels elsewhere.
            expectSameBits(slice(all.state, r, stateStride), alone.state, `run ${r} running state`);
            if (mode === 'train') {
              expectSameBits(slice(all.saved!, r, 2 * s.c), alone.saved!, `run ${r} saved [mean | invstd]`);
              expectSameBits(slice(all.grads!, r, paramStride), alone.grads!, `run ${r} dγ, dβ`);
            }
          }
          expectRunsDiffer([0, 1, 2].map((r) => slice(all.y, r, per)), 'y');
          expectRunsDiffer([0, 1, 2].map((r) => slice(all.dx, r, per)), 'dx');
          expectRunsDiffer([0, 1, 2].map((r) => slice(all.state, r, stateStride)), 'running state');
          if (mode === 'train') {
            expectRunsDiffer([0, 1, 2].map((r) => slice(all.grads!, r, paramStride)), 'dγ, dβ');
            // The update happened, per run: num_batches_tracked went from 3 + r to 4 + r.
            expect([0, 1, 2].map((r) => all.state[r * stateStride + all.batchesAt])).toEqual([4, 5, 6]);
          }
        } finally {
          ctx.destroy();
        }
      });
    }
  }
});

it('running state split over separate buffers is refused in one line naming the tensors', async () => {
  const { ctx: root } = await testDevice();
  const ctx = root.scope();
  try {
    const s = { n: 2, c: 4, h: 3, w: 3 };
    const buf = () => ctx.storage(64 * 4);
    const state = { runningMean: buf(), runningVar: buf(), numBatchesTracked: buf() };
    expect(() => batchnorm2dForwardTrain(ctx, { shape: s, x: buf(), weight: buf(), bias: buf(), y: buf(), saved: buf(), state, relu: false }))
      .toThrow(/^batchnorm2d: running_mean, running_var, num_batches_tracked must lie in one buffer .*, got 3 buffers$/);
  } finally {
    ctx.destroy();
  }
});

describe(`ResNet's weightless ops: ${R} runs = ${R} × batch samples, each run as alone`, () => {
  // Run r's samples are samples [r·n, (r+1)·n) of every buffer; the ops are per sample, so the module passes R·n.
  it('global average pooling 64@8×8 → 64, last batch 80: forward and backward', async () => {
    const { ctx: root } = await testDevice();
    const ctx = root.scope();
    try {
      const [n, c, h, w] = [80, 64, 8, 8];
      const next = rng(9300);
      const xs = Array.from({ length: R }, (_, r) => uniform(next, n * c * h * w, -1 - r, 1 + r));
      const dys = Array.from({ length: R }, () => uniform(next, n * c));
      const plan = async (x: number[][], dyv: number[][]) => {
        const k = x.length;
        const xb = ctx.upload(concat(x));
        const dy = ctx.upload(concat(dyv));
        const y = ctx.storage(k * n * c * 4);
        const dx = ctx.storage(k * n * c * h * w * 4);
        const shape = { n: k * n, c, h, w };
        const d = [globalAvgPoolForward(ctx, { shape, x: xb, y }), globalAvgPoolBackward(ctx, { shape, dy, dx })];
        ctx.run(d);
        return { y: await ctx.readF32(y, k * n * c), dx: await ctx.readF32(dx, k * n * c * h * w), count: d.length };
      };
      const all = await plan(xs, dys);
      for (let r = 0; r < R; r++) {
        const alone = await plan([xs[r]], [dys[r]]);
        expect(all.count).toBe(alone.count);
        expectSameBits(slice(all.y, r, n * c), alone.y, `run ${r} y`);
        expectSameBits(slice(all.dx, r, n * c * h * w), alone.dx, `run ${r} dx`);
      }
      expectRunsDiffer([0, 1, 2].map((r) => slice(all.y, r, n * c)), 'y');
    } finally {
      ctx.destroy();
    }
  });

  // ResNet's residual sums: identity (16@32×32) and option A (16@32×32 → 32@16×16, stride 2); the
  // backward overwrites a's gradient and adds into b's (a block input's second consumer).
  const residualCases = [
    { name: 'identity 16@32×32 + 16@32×32, relu, batch 8', n: 8, a: [16, 32, 32], b: [16, 32, 32] as [number, number, number], relu: true },
    { name: 'option A 32@16×16 + 16@32×32 (stride 2), last batch 16', n: 16, a: [32, 16, 16], b: [16, 32, 32] as [number, number, number], relu: true },
    { name: 'option A 64@8×8 + 32@16×16 (stride 2), no relu, batch 1', n: 1, a: [64, 8, 8], b: [32, 16, 16] as [number, number, number], relu: false },
  ];
  for (const rc of residualCases) {
    it(`residual add ${rc.name}: forward, backward to both inputs`, async () => {
      const { ctx: root } = await testDevice();
      const ctx = root.scope();
      try {
        const na = rc.a[0] * rc.a[1] * rc.a[2];
        const nb = rc.b[0] * rc.b[1] * rc.b[2];
        const next = rng(9400 + rc.n);
        const runsData = Array.from({ length: R }, (_, r) => ({
          a: uniform(next, rc.n * na, -1 - r, 1), b: uniform(next, rc.n * nb), dy: uniform(next, rc.n * na), db0: uniform(next, rc.n * nb),
        }));
        const plan = async (d: typeof runsData) => {
          const k = d.length;
          const shape = residualShape(k * rc.n, rc.b, rc.a[0], Math.round(rc.b[1] / rc.a[1]));
          const up = (f: (x: (typeof runsData)[number]) => number[]) => ctx.upload(concat(d.map(f)));
          const [a, b, dy, db] = [up((x) => x.a), up((x) => x.b), up((x) => x.dy), up((x) => x.db0)];
          const y = ctx.storage(k * rc.n * na * 4);
          const da = ctx.storage(k * rc.n * na * 4);
          const ds = [
            residualAddForward(ctx, { shape, a, b, y, relu: rc.relu }),
            residualAddBackward(ctx, { shape, which: 'a', y, dy, dt: da, relu: rc.relu, accumulate: false }),
            residualAddBackward(ctx, { shape, which: 'b', y, dy, dt: db, relu: rc.relu, accumulate: true }),
          ];
          ctx.run(ds);
          return { y: await ctx.readF32(y, k * rc.n * na), da: await ctx.readF32(da, k * rc.n * na), db: await ctx.readF32(db, k * rc.n * nb) };
        };
        const all = await plan(runsData);
        for (let r = 0; r < R; r++) {
          const alone = await plan([runsData[r]]);
          expectSameBits(slice(all.y, r, rc.n * na), alone.y, `run ${r} y`);
          expectSameBits(slice(all.da, r, rc.n * na), alone.da, `run ${r} da`);
          expectSameBits(slice(all.db, r, rc.n * nb), alone.db, `run ${r} db`);
        }
        expectRunsDiffer([0, 1, 2].map((r) => slice(all.y, r, rc.n * na)), 'y');
      } finally {
        ctx.destroy();
      }
    });
  }
});
