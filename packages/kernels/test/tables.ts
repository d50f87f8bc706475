/**
 * Op tests as data: a case names an op, its params, host inputs and expected outputs; adding
 * a case is adding a row. The same runner serves vitest in Node, vitest in Chromium and the
 * viewer's kernel-check page.
 */
import { getOp, type HostTensor, type OpParams, type Tensors } from '../src/registry.ts';
import type { KernelContext } from '../src/core.ts';
import { conv2dMagnitude, matmulMagnitude } from './magnitude.ts';
import { F32, SUM, bound, type Tolerance } from './tolerances.ts';

export interface OpCase {
  name: string;
  op: string;
  params?: OpParams;
  inputs: Tensors;
  expected: Tensors;
  /** For outputs that are sums: Σ|terms| of each element (see tolerances.ts); others are scaled by |expected|. */
  scale?: Tensors;
  /** Where the expected values come from: 'pytorch' (test/fixtures), 'golden' (../shared/golden), 'reference' (float64 CPU), 'table'. */
  source?: string;
}

export interface OutputCheck {
  output: string;
  pass: boolean;
  maxAbs: number;
  /** Largest |Δ| / scale (scale: Σ|terms| for sums, |expected| otherwise). */
  maxRel: number;
  /** Index and values of the worst element, for messages. */
  worst?: { index: number; actual: number; expected: number };
  message?: string;
}

export interface CaseResult {
  name: string;
  op: string;
  pass: boolean;
  checks: OutputCheck[];
  error?: string;
}

/** Elementwise |actual − expected| ≤ tol.abs + tol.rel · scale (tolerances.ts); scale defaults to |expected|. */
export function compare(output: string, actual: HostTensor | undefined, expected: HostTensor, tol: Tolerance = F32, scale?: HostTensor): OutputCheck {
  if (!actual) return { output, pass: false, maxAbs: Infinity, maxRel: Infinity, message: `output ${output} missing` };
  const a = actual.data;
  const e = expected.data;
  if (a.length !== e.length) {
    return { output, pass: false, maxAbs: Infinity, maxRel: Infinity, message: `length ${a.length} ≠ expected ${e.length}` };
  }
  const m = scale?.data;
  if (m && m.length !== e.length) throw new Error(`${output}: scale has ${m.length} elements, expected ${e.length}`);
  let maxAbs = 0;
  let maxRel = 0;
  let pass = true;
  let worst: OutputCheck['worst'];
  let worstExcess = -Infinity;
  for (let i = 0; i < e.length; i++) {
    const diff = Math.abs(a[i] - e[i]);
    const sc = m ? m[i] : Math.abs(e[i]);
    const limit = bound(tol, e[i], sc);
    if (!(diff <= limit)) pass = false; // NaN fails too
    if (!(diff <= maxAbs)) maxAbs = Number.isNaN(diff) ? Infinity : Math.max(maxAbs, diff);
    const rel = diff / Math.max(sc, 1e-30);
    if (sc > tol.abs && rel > maxRel) maxRel = rel; // relative error where it means something
    const excess = Number.isNaN(diff) ? Infinity : diff - limit;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = { index: i, actual: a[i], expected: e[i] };
    }
  }
  return { output, pass, maxAbs, maxRel, worst };
}

export async function runCase(ctx: KernelContext, c: OpCase): Promise<CaseResult> {
  try {
    const outputs = await getOp(c.op).run(ctx, c.params ?? {}, c.inputs);
    const checks = Object.entries(c.expected).map(([name, exp]) => compare(name, outputs[name], exp, c.scale?.[name] ? SUM : F32, c.scale?.[name]));
    return { name: c.name, op: c.op, pass: checks.every((k) => k.pass), checks };
  } catch (e) {
    return { name: c.name, op: c.op, pass: false, checks: [], error: (e as Error).message };
  }
}

export function describeResult(r: CaseResult): string {
  if (r.error) return `${r.name}: error ${r.error}`;
  return `${r.name}: ` + r.checks
    .map((k) => `${k.output} ${k.pass ? 'ok' : 'FAIL'} maxAbs=${k.maxAbs.toExponential(2)} maxRel=${k.maxRel.toExponential(2)}` +
      (k.pass || !k.worst ? '' : ` worst[${k.worst.index}] ${k.worst.actual} vs ${k.worst.expected}`) + (k.message ? ` (${k.message})` : ''))
    .join('; ');
}

interface GoldenTensor { shape: number[]; data: number[] }
type GoldenCase = Record<string, unknown> & { op: string };

const asTensor = (v: unknown): HostTensor => v as GoldenTensor;
const indices = (v: number[]): HostTensor => ({ shape: [v.length], data: v });

export interface PytorchOps { cases: GoldenCase[] }

/**
 * Converts PyTorch op cases (test/fixtures/ops.json, or ../shared/golden/ops.json; schema in
 * packages/nn/scripts/make_fixtures.py) into table cases named `<source>#<index> …`.
 */
export function pytorchCases(ops: PytorchOps, source: 'pytorch' | 'golden'): OpCase[] {
  return ops.cases.map((g, i): OpCase => {
    const shape = (k: string) => asTensor(g[k]).shape.join('×');
    switch (g.op) {
      case 'conv2d': {
        const [n, cin, h, w] = asTensor(g.x).shape;
        const [cout, , kh, kw] = asTensor(g.weight).shape;
        const s = { n, cin, h, w, cout, kh, kw, stride: g.stride as number, pad: g.padding as number };
        const m = conv2dMagnitude(s, asTensor(g.x).data, asTensor(g.weight).data, asTensor(g.bias).data, asTensor(g.grad_y).data);
        const like = (k: string, data: ArrayLike<number>) => ({ shape: asTensor(g[k]).shape, data });
        return {
          name: `${source}#${i} conv2d x${shape('x')} w${shape('weight')} s${g.stride} p${g.padding}`,
          op: 'conv2d', source,
          params: { stride: g.stride, padding: g.padding },
          inputs: { x: asTensor(g.x), weight: asTensor(g.weight), bias: asTensor(g.bias), grad_y: asTensor(g.grad_y) },
          expected: { y: asTensor(g.y), grad_x: asTensor(g.grad_x), grad_weight: asTensor(g.grad_weight), grad_bias: asTensor(g.grad_bias) },
          scale: { y: like('y', m.y), grad_x: like('grad_x', m.dx), grad_weight: like('grad_weight', m.dweight), grad_bias: like('grad_bias', m.dbias) },
        };
      }
      case 'maxpool2d':
        return {
          name: `${source}#${i} maxpool2d x${shape('x')} k${g.kernel} s${g.stride}`,
          op: 'maxpool2d', source,
          params: { kernel: g.kernel, stride: g.stride },
          inputs: { x: asTensor(g.x), grad_y: asTensor(g.grad_y) },
          expected: { y: asTensor(g.y), grad_x: asTensor(g.grad_x) },
        };
      case 'matmul': {
        const [M, K] = asTensor(g.a).shape;
        const N = asTensor(g.b).shape[1];
        const [a, b, gy] = [asTensor(g.a).data, asTensor(g.b).data, asTensor(g.grad_y).data];
        return {
          name: `${source}#${i} matmul a${shape('a')} b${shape('b')}`,
          op: 'matmul', source,
          params: {},
          inputs: { a: asTensor(g.a), b: asTensor(g.b), grad_y: asTensor(g.grad_y) },
          expected: { y: asTensor(g.y), grad_a: asTensor(g.grad_a), grad_b: asTensor(g.grad_b) },
          scale: {
            y: { shape: [M, N], data: matmulMagnitude(a, b, M, K, N) },
            grad_a: { shape: [M, K], data: matmulMagnitude(gy, b, M, N, K, { transB: true }) },
            grad_b: { shape: [K, N], data: matmulMagnitude(a, gy, K, M, N, { transA: true }) },
          },
        };
      }
      case 'loss':
        return {
          name: `${source}#${i} loss ${g.loss} logits${shape('logits')}`,
          op: 'loss', source,
          params: { loss: g.loss },
          inputs: { logits: asTensor(g.logits), target: indices(g.target as number[]) },
          expected: { value: { shape: [], data: [g.value as number] }, grad_logits: asTensor(g.grad_logits) },
        };
      default:
        throw new Error(`${source} case ${i}: unknown op ${g.op}`);
    }
  });
}
/** Index of the first float whose bits differ (−0 and NaN payloads included; a length mismatch at the shorter length), or −1. */
export function firstBitDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.findIndex((x, i) => x !== ub[i]);
}

/**
 * '' when `actual` and `expected` are bitwise equal (length and every float's bits), else where they
 * first differ: the exactness check of runs in lockstep against each run alone.
 */
export function bitDifference(actual: Float32Array, expected: Float32Array, what: string): string {
  if (actual.length !== expected.length) return `${what}: ${actual.length} values, expected ${expected.length}`;
  const i = firstBitDifference(actual, expected);
  return i < 0 ? '' : `${what}: first difference at [${i}] of ${actual.length}: ${actual[i]} vs ${expected[i]}`;
}

export * from './tolerances.ts';
