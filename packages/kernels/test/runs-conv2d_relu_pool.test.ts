// Lockstep runs of the fused conv → ReLU → 2×2/2 max pool: R = 3 runs with their own weights,
// biases, inputs and pooled gradients in one set of dispatches must give, bit for bit, what each
// run gives alone (runs = ONE_RUN on its own slice): pooled output, argmax words, dweight, dbias, dx.
// Shapes: every conv layer of the ConvNet and convnet-large that the planner fuses (CIFAR-10 and
// Fashion-MNIST inputs), at batch 64 and at the last batches (50000 % 64 = 16, 60000 % 64 = 32),
// plus shapes that take the other variants: packed weights of 3 runs past one uniform array, and
// the unpool + plain-conv input gradient.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { rng, uniform } from './random.ts';
import { expectBitIdentical, expectRunsDiffer, runSlice, RunStore } from './runs-exact.ts';
import { ONE_RUN, type KernelContext, type Runs } from '../src/core.ts';
import { conv2dReluPoolBackward, conv2dReluPoolForward, conv2dReluPoolMaxRuns, conv2dReluPoolSizes } from '../src/ops/conv2d_relu_pool.ts';
import { convVariants, DEFAULT_CONV_LIMITS, planConv, type Conv2dShape } from '../src/ops/conv2d_plan.ts';

const R = 3;
const FUSION = { relu: true, bias: true, pool: { kernel: 2, stride: 2 } };
const up64 = (n: number) => Math.ceil(n / 64) * 64;

type Layer = Omit<Conv2dShape, 'n' | 'stride'> & { name: string };
const layer = (name: string, cin: number, h: number, cout: number, pad: number): Layer => ({ name, cin, h, w: h, cout, kh: 3, kw: 3, pad });

// The models' conv layers (nn/src/models.ts): ConvNet conv1 C→4, conv2 4→8 (k3, no padding);
// convnet-large conv1/2/3 C→32→64→128 (k3, padding 1), on 3×32×32 and 1×28×28 inputs.
const MODEL_LAYERS: Layer[] = [
  layer('convnet cifar conv1', 3, 32, 4, 0), layer('convnet cifar conv2', 4, 15, 8, 0),
  layer('convnet fashion conv1', 1, 28, 4, 0), layer('convnet fashion conv2', 4, 13, 8, 0),
  layer('convnet-large cifar conv1', 3, 32, 32, 1), layer('convnet-large cifar conv2', 32, 16, 64, 1), layer('convnet-large cifar conv3', 64, 8, 128, 1),
  layer('convnet-large fashion conv1', 1, 28, 32, 1), layer('convnet-large fashion conv2', 32, 14, 64, 1), layer('convnet-large fashion conv3', 64, 7, 128, 1),
];
const fused = (l: Layer, n: number) => planConv({ ...l, n, stride: 1 }, FUSION).fused;

interface Case { name: string; shape: Conv2dShape }
const cases: Case[] = [];
for (const l of MODEL_LAYERS.filter((m) => fused(m, 64))) {
  const last = l.name.includes('fashion') ? 32 : 16;
  // convnet-large on Fashion-MNIST: its last batch only (the same variants as CIFAR's, which runs both; keeps the browser run short).
  const batches = l.name === 'convnet-large fashion conv1' ? [last] : [64, last];
  for (const n of batches) cases.push({ name: `${l.name} batch ${n}`, shape: { ...l, n, stride: 1 } });
}
// 3 runs × 576 packed vec4s need a longer uniform array than one run's PACKED_VEC4S (forward and input gradient).
cases.push({ name: '16→16 8×8 p1 (3 runs past one packed array)', shape: { n: 3, cin: 16, h: 8, w: 8, cout: 16, kh: 3, kw: 3, stride: 1, pad: 1 } });
// 1 · 120 · 9 packed input-gradient weights overflow the array: unpool, then the plain conv's input gradient.
cases.push({ name: '1→120 6×6 (unpool input gradient)', shape: { n: 2, cin: 1, h: 6, w: 6, cout: 120, kh: 3, kw: 3, stride: 1, pad: 0 } });

/** One run's tensors, or all runs' run-major. */
interface Outputs { y: Float32Array; arg: Float32Array; dweight: Float32Array; dbias: Float32Array; dx: Float32Array }

/** The fused op's forward and backward for `runs` runs (store images of `stride` floats: weight at 0, bias at wOff). */
async function runFused(ctx: KernelContext, s: Conv2dShape, runs: Runs, data: { params: Float32Array; x: Float32Array; gy: Float32Array }): Promise<{ out: Outputs; dispatches: number }> {
  const z = conv2dReluPoolSizes(s);
  const wn = s.cout * s.cin * s.kh * s.kw;
  const wOff = 0;
  const bOff = up64(wn);
  const k = runs.count;
  const params = new RunStore(ctx, k, runs.paramStride || data.params.length, data.params);
  const grads = new RunStore(ctx, k, runs.paramStride || data.params.length);
  const x = ctx.upload(data.x);
  const gy = ctx.upload(data.gy);
  const ySize = s.n * s.cout * z.ph * z.pw;
  const xSize = s.n * s.cin * s.h * s.w;
  const y = ctx.storage(k * ySize * 4);
  const arg = ctx.storage(k * z.argWords * 4);
  const dx = ctx.storage(k * xSize * 4);
  const weight = params.binding(wOff, wn);
  ctx.device.pushErrorScope('validation');  // a rejected dispatch (e.g. aliased bindings) fails here, not as zeros
  const dispatches = [
    ...conv2dReluPoolForward(ctx, { shape: s, x, weight, bias: params.binding(bOff, s.cout), y, arg, runs }),
    ...conv2dReluPoolBackward(ctx, { shape: s, x, weight, gy, arg, dweight: grads.binding(wOff, wn), dbias: grads.binding(bOff, s.cout), dx, runs }),
  ];
  ctx.run(dispatches, 'runs-conv2d_relu_pool');
  const err = await ctx.device.popErrorScope();
  if (err) throw new Error(err.message);
  const perRun = async (store: RunStore, off: number, n: number) => {
    const parts = await Promise.all(Array.from({ length: k }, (_, r) => store.read(r, off, n)));
    const all = new Float32Array(k * n);
    parts.forEach((p, r) => all.set(p, r * n));
    return all;
  };
  const out = {
    y: await ctx.readF32(y, k * ySize),
    arg: new Float32Array((await ctx.readU32(arg, k * z.argWords)).buffer),
    dweight: await perRun(grads, wOff, wn),
    dbias: await perRun(grads, bOff, s.cout),
    dx: await ctx.readF32(dx, k * xSize),
  };
  return { out, dispatches: dispatches.length };
}

describe('conv2d_relu_pool in lockstep: 3 runs bit-identical to each run alone', () => {
  it('covers every fused layer of the ConvNet and convnet-large, and every fused variant', () => {
    expect(MODEL_LAYERS.filter((l) => fused(l, 64)).map((l) => l.name)).toEqual([
      'convnet cifar conv1', 'convnet cifar conv2', 'convnet fashion conv1', 'convnet fashion conv2', 'convnet-large cifar conv1', 'convnet-large fashion conv1',
    ]);
    const seen = new Set(cases.flatMap((c) => {
      const v = convVariants(planConv(c.shape, FUSION));
      return [v.forward, ...v.inputGrad, v.weightGrad];
    }));
    for (const v of ['relu_pool', 'relu_pool_aligned', 'relu_pool_gather', 'unpool']) expect(seen.has(v), v).toBe(true);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const { ctx: root } = await testDevice();
      const ctx = root.scope();
      try {
        const s = c.shape;
        const z = conv2dReluPoolSizes(s);
        const wn = s.cout * s.cin * s.kh * s.kw;
        // A store image: weight, bias, and another tensor's room, so the stride is not the op's own size.
        const stride = up64(wn) + up64(s.cout) + 64;
        const ySize = s.n * s.cout * z.ph * z.pw;
        const xSize = s.n * s.cin * s.h * s.w;
        const next = rng(9100 + cases.indexOf(c));
        const runsData = Array.from({ length: R }, () => {
          const params = new Float32Array(stride);
          params.set(uniform(next, wn, -0.5, 0.5), 0);
          params.set(uniform(next, s.cout, -0.2, 0.3), up64(wn));
          return { params, x: Float32Array.from(uniform(next, xSize)), gy: Float32Array.from(uniform(next, ySize)) };
        });
        const cat = (f: (d: (typeof runsData)[number]) => Float32Array) => {
          const parts = runsData.map(f);
          const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
          parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
          return all;
        };
        const all = await runFused(ctx, s, { count: R, paramStride: stride, stateStride: 0 }, { params: cat((d) => d.params), x: cat((d) => d.x), gy: cat((d) => d.gy) });
        const single = await Promise.all(runsData.map((d) => runFused(ctx, s, ONE_RUN, d)));
        for (const one of single) expect(all.dispatches, 'one dispatch serves every run').toBe(one.dispatches);
        const lockstep = all.out;
        const alone = single.map((one) => one.out);
        const sizes: Record<keyof Outputs, number> = { y: ySize, arg: z.argWords, dweight: wn, dbias: s.cout, dx: xSize };
        for (const key of Object.keys(sizes) as (keyof Outputs)[]) {
          for (let r = 0; r < R; r++) expectBitIdentical(runSlice(lockstep[key], r, sizes[key]), alone[r][key], `${c.name}: ${key} of run ${r}`);
          expectRunsDiffer(alone.map((o) => o[key]), `${c.name}: ${key}`);
        }
      } finally {
        ctx.destroy();
      }
    });
  }

  it('serves the default study\'s 12 runs at every fused model layer on WebGPU\'s minimum limits', () => {
    for (const l of MODEL_LAYERS.filter((m) => fused(m, 64))) expect(conv2dReluPoolMaxRuns(DEFAULT_CONV_LIMITS, { ...l, n: 64, stride: 1 }), l.name).toBeGreaterThanOrEqual(12);
  });

  it('says in one line when the runs\' packed weights exceed the uniform binding', async () => {
    const { ctx } = await testDevice();
    const s: Conv2dShape = { n: 1, cin: 16, h: 8, w: 8, cout: 16, kh: 3, kw: 3, stride: 1, pad: 1 };
    const most = conv2dReluPoolMaxRuns(ctx.device.limits, s);
    expect(most).toBe(Math.floor(ctx.device.limits.maxUniformBufferBindingSize / 16 / 576));
    const b = ctx.storage(4);
    const forward = (count: number) => conv2dReluPoolForward(ctx, { shape: s, x: b, weight: b, bias: b, y: b, arg: b, runs: { count, paramStride: 64 * 64, stateStride: 0 } });
    // Planning only: the 4-byte placeholders are never dispatched (their bind groups' errors are dropped).
    ctx.device.pushErrorScope('validation');
    expect(() => forward(most)).not.toThrow();
    await ctx.device.popErrorScope();
    expect(() => forward(most + 1)).toThrow(/^conv2dReluPool: \d+ runs × 576 packed weight vec4s exceed the uniform binding limit \(maxUniformBufferBindingSize \d+ bytes\): at most \d+ runs$/);
  });
});
