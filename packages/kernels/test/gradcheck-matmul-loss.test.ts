// The losses' derived gradients against central differences of their float64 values (gradcheck,
// for every built-in and zoo loss), the compiled built-ins against the hand-written ones, and matmul (the GPU kernels are checked against these references by the
// op tables); the loss names; and the device-side statistics accumulator.
import { describe, expect, it } from 'vitest';
import { rng, uniform, ints } from './random.ts';
import { lossRef } from '../src/reference/loss.ts';
import { handLossRef, handKind } from './handwritten-loss-ref.ts';
import { matmulRef, columnSumRef } from '../src/reference/matmul.ts';
import { parseLoss, gradcheck, GRADCHECK_TOLERANCE, ZOO_LOSSES } from '../src/losses/index.ts';
import { lossForwardBackward } from '../src/ops/loss.ts';
import { matmul, columnSum } from '../src/ops/matmul.ts';
import { testDevice } from './device.ts';
import { compare, describeResult } from './tables.ts';
import { SUM } from './tolerances.ts';
import { matmulMagnitude, columnSumMagnitude } from './magnitude.ts';

const H = 1e-5;

function expectClose(actual: number, expected: number, what: string, rel = 1e-6, abs = 1e-9) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs central difference ${expected}`).toBeLessThanOrEqual(abs + rel * Math.abs(expected));
}

const KINDS = ['ce', 'focal:0', 'focal:0.5', 'focal:1', 'focal:2', 'focal:3.5', 'l1', 'l1-logits', 'ls:0.1', 'ls:0.3', 'gce:0.7', 'gce:1', 'gce:0.2'];

describe('gradcheck: every loss\'s derived gradient = central differences of its float64 value (C = 10 and 100)', () => {
  for (const name of [...KINDS, ...ZOO_LOSSES.map((d) => d.name)]) {
    it(name, () => {
      const r = gradcheck(parseLoss(name));
      expect(r.nonFinite, name).toBeNull();
      expect(r.failures, `${name}: ${r.firstFailure}`).toBe(0);
      expect(r.worst, r.worstAt).toBeLessThanOrEqual(GRADCHECK_TOLERANCE);
      expect(r.checked).toBeGreaterThan(900);
    });
  }

  it('fails on a wrong gradient (focal\'s paired with CE\'s)', () => {
    const focal = parseLoss('focal:2');
    const wrong = { ...focal, compiled: { ...focal.compiled, grad: parseLoss('ce').compiled.grad } };
    const r = gradcheck(wrong);
    expect(r.pass).toBe(false);
    expect(r.failures).toBeGreaterThan(100);
  });
});

describe('compiled built-ins = the hand-written float64 losses (test/handwritten-loss-ref.ts)', () => {
  for (const name of ['ce', 'focal:0', 'focal:0.5', 'focal:2', 'focal:3.5', 'l1', 'l1-logits', 'ls:0.1', 'gce:0.7', 'gce:1', 'gce:0.2']) {
    for (const [tag, scale, margin] of [['moderate ±3', 3, 0], ['p_t → 1 (margin 30)', 1, 30], ['p_t → 0 (margin −30)', 1, -30], ['|z| up to 1e4', 1e4, 0]] as const) {
      it(`${name} ${tag}`, () => {
        const n = 6, c = 10;
        const next = rng(5151 + name.length * 13 + margin);
        const z = uniform(next, n * c, -scale, scale);
        const t = ints(next, n, c);
        for (let i = 0; i < n; i++) z[i * c + t[i]] += margin;
        const r = lossRef(parseLoss(name), z, t, n, c);
        const h = handLossRef(handKind(name), z, t, n, c);
        // The hand-written L1 loses 1 − p_y to cancellation as p_y → 1 (the compiled form takes it from the other classes).
        const abs = name === 'l1' ? 1e-15 : 1e-300;
        expectClose(r.value, h.value, 'value', 1e-12, abs);
        r.grad.forEach((g, j) => expectClose(g, h.grad[j], `grad[${j}]`, 1e-12, abs));
        expect(r.correct).toBe(h.correct);
      });
    }
  }

  it('focal 0.5 gradient stays finite and tends to 0 as p_t → 1 (q down to 1e-300)', () => {
    for (const margin of [10, 30, 100, 300, 700]) {
      const r = lossRef(parseLoss('focal:0.5'), [margin, 0, 0], [0], 1, 3);
      for (const g of r.grad) expect(Number.isFinite(g)).toBe(true);
      expect(Math.abs(r.grad[1])).toBeLessThan(3 * Math.exp(-1.5 * margin) + 1e-300);
    }
  });

  it('gamma = 0 focal equals CE; eps = 0 LS equals CE; per-sample mean equals the value', () => {
    const next = rng(77);
    const z = uniform(next, 30, -3, 3), t = ints(next, 3, 10);
    const ce = lossRef(parseLoss('ce'), z, t, 3, 10);
    for (const k of ['focal:0', 'ls:0']) {
      const r = lossRef(parseLoss(k), z, t, 3, 10);
      expectClose(r.value, ce.value, `${k} value`, 1e-14);
      r.grad.forEach((g, j) => expectClose(g, ce.grad[j], `${k} grad`, 1e-14, 1e-16));
    }
    for (const name of KINDS) {
      const r = lossRef(parseLoss(name), z, t, 3, 10);
      expectClose(r.perSample.reduce((a, b) => a + b, 0) / 3, r.value, name, 1e-14);
    }
  });
});

describe('matmul reference gradients = central differences', () => {
  for (const [m, k, n] of [[1, 7, 5], [3, 4, 2], [5, 6, 7]]) {
    it(`${m}×${k}×${n}: grad_a = G·Bᵀ, grad_b = Aᵀ·G, grad_bias = Σ_rows G`, () => {
      const next = rng(m * 100 + k * 10 + n);
      const a = uniform(next, m * k), b = uniform(next, k * n), g = uniform(next, m * n), bias = uniform(next, n);
      // f(A, B, bias) = Σ G ⊙ (A·B + bias)
      const f = (aa: number[], bb: number[], cc: number[]) => matmulRef(aa, bb, m, k, n, { bias: cc }).reduce((s, y, i) => s + y * g[i], 0);
      const ga = matmulRef(g, b, m, n, k, { transB: true });
      const gb = matmulRef(a, g, k, m, n, { transA: true });
      const gbias = columnSumRef(g, m, n);
      const fd = (which: 0 | 1 | 2, j: number) => {
        const args = [a.slice(), b.slice(), bias.slice()];
        const argsM = [a.slice(), b.slice(), bias.slice()];
        args[which][j] += H; argsM[which][j] -= H;
        return (f(args[0], args[1], args[2]) - f(argsM[0], argsM[1], argsM[2])) / (2 * H);
      };
      for (let j = 0; j < m * k; j++) expectClose(ga[j], fd(0, j), `grad_a[${j}]`);
      for (let j = 0; j < k * n; j++) expectClose(gb[j], fd(1, j), `grad_b[${j}]`);
      for (let j = 0; j < n; j++) expectClose(gbias[j], fd(2, j), `grad_bias[${j}]`);
    });
  }

  it('reluMask: dx of fc2 masked by fc1 ReLU output = d/dh of Σ G ⊙ (relu(h)·W2ᵀ) at h', () => {
    const m = 3, hdim = 4, out = 2;
    const next = rng(31);
    const h = uniform(next, m * hdim), w2 = uniform(next, out * hdim), g = uniform(next, m * out);
    const y1 = h.map((v) => Math.max(v, 0));
    const dx = matmulRef(g, w2, m, out, hdim, { mask: y1 });
    const f = (hh: number[]) => matmulRef(hh.map((v) => Math.max(v, 0)), w2, m, hdim, out, { transB: true }).reduce((s, y, i) => s + y * g[i], 0);
    for (let j = 0; j < m * hdim; j++) {
      if (Math.abs(h[j]) < 1e-3) continue;
      const hp = h.slice(); hp[j] += H;
      const hm = h.slice(); hm[j] -= H;
      expectClose(dx[j], (f(hp) - f(hm)) / (2 * H), `dx[${j}]`);
    }
  });
});

describe('loss names', () => {
  it('parses and labels every study loss', () => {
    const pairs: [string, string][] = [['ce', 'CE'], ['focal:0.5', 'Focal0.5'], ['focal:2', 'Focal2'], ['l1', 'L1'], ['l1-logits', 'L1logits'], ['ls:0.1', 'LS0.1'], ['gce:0.7', 'GCE0.7'], ['focal0.5', 'Focal0.5'], ['l1logits', 'L1logits']];
    for (const [name, label] of pairs) expect(parseLoss(name).label).toBe(label);
    expect(parseLoss('focal:2')).toMatchObject({ name: 'focal:2', params: { gamma: 2 } });
  });
  it('rejects unknown names and out-of-range parameters', () => {
    for (const bad of ['msee', 'focal', 'focal:-1', 'focal:x', 'gce:0', 'gce:1.5', 'ls:1', 'ls:-0.1', 'ls:', '']) {
      expect(() => parseLoss(bad), bad).toThrow(/loss|parameter/);
    }
  });
});

describe('loss statistics accumulate on the device', () => {
  it('stats add across dispatches; argmax ties go to the first max; n up to 10,000', async () => {
    const { ctx } = await testDevice();
    const n = 10_000, c = 10;
    const next = rng(5);
    const z = uniform(next, n * c, -2, 2);
    const t = ints(next, n, c);
    for (let j = 0; j < c; j++) z[j] = 1; // row 0: all tied, argmax 0
    t[0] = 0;
    const kind = parseLoss('focal:2');
    const ref = lossRef(kind, z, t, n, c);
    const logits = ctx.upload(Float32Array.from(z));
    const target = ctx.upload(Uint32Array.from(t));
    const stats = ctx.upload(new Float32Array([1, 2, 3, 0]));
    const perSample = ctx.storage(n * 4);
    const d = lossForwardBackward(ctx, { kind, logits, target, n, c, stats, perSample });
    ctx.run([d, d]);
    const st = await ctx.readF32(stats, 3);
    expectClose(st[0], 1 + 2 * ref.value * n, 'loss sum', 1e-5);
    expect(st[1]).toBe(2 + 2 * ref.correct);
    expect(st[2]).toBe(3 + 2 * n);
    const ps = await ctx.readF32(perSample, n);
    for (let i = 0; i < n; i += 997) expectClose(ps[i], ref.perSample[i], `perSample[${i}]`, 1e-5, 1e-6);
  });

  it('scale multiplies the gradient; matmul at 1024-wide shapes and columnSum over 1000 rows', async () => {
    const { ctx } = await testDevice();
    const n = 7, c = 10;
    const next = rng(6);
    const z = uniform(next, n * c, -3, 3), t = ints(next, n, c);
    const ref = lossRef(parseLoss('ce'), z, t, n, c);
    const grad = ctx.storage(n * c * 4);
    ctx.run([lossForwardBackward(ctx, { kind: parseLoss('ce'), logits: ctx.upload(Float32Array.from(z)), target: ctx.upload(Uint32Array.from(t)), n, c, gradLogits: grad, scale: 64 })]);
    const g = await ctx.readF32(grad, n * c);
    g.forEach((v, j) => expectClose(v, 64 * ref.grad[j], `grad[${j}]`, 1e-5, 1e-6));

    const m = 3, k = 1024, nn = 130;
    const a = uniform(next, m * k), b = uniform(next, k * nn);
    const y = ctx.storage(m * nn * 4);
    const rows = 1000, cols = 3;
    const x = uniform(next, rows * cols);
    const cs = ctx.storage(cols * 4);
    ctx.run([
      matmul(ctx, { a: ctx.upload(Float32Array.from(a)), b: ctx.upload(Float32Array.from(b)), c: y, m, k, n: nn }),
      columnSum(ctx, { x: ctx.upload(Float32Array.from(x)), out: cs, rows, cols }),
    ]);
    // Sums: the project's bound, |Δ| ≤ 1.3e-6·Σ|terms| (tolerances.ts).
    const ht = (shape: number[], data: ArrayLike<number>) => ({ shape, data });
    const yc = compare('y', ht([m, nn], await ctx.readF32(y, m * nn)), ht([m, nn], matmulRef(a, b, m, k, nn)), SUM, ht([m, nn], matmulMagnitude(a, b, m, k, nn)));
    expect(yc.pass, describeResult({ name: 'matmul 3×1024×130', op: 'matmul', pass: yc.pass, checks: [yc] })).toBe(true);
    const cc = compare('out', ht([cols], await ctx.readF32(cs, cols)), ht([cols], columnSumRef(x, rows, cols)), SUM, ht([cols], columnSumMagnitude(x, rows, cols)));
    expect(cc.pass, describeResult({ name: 'column_sum 1000×3', op: 'column_sum', pass: cc.pass, checks: [cc] })).toBe(true);
  });
});
