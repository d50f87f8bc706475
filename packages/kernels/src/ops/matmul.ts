import { ceilDiv, ONE_RUN, type BufferLike, type Dispatch, type KernelContext, type Runs } from '../core.ts';
import { registerOp, uploadTensor, readTensor, type HostTensor, type Tensors } from '../registry.ts';
import { defineKernel, read, readWrite } from '../kernel.ts';
import matmulWgsl from './matmul.wgsl?raw';
import colsumWgsl from './matmul_colsum.wgsl?raw';

export interface MatmulArgs {
  /** op(A): A[m,k], or A stored [k,m] with transA. */
  a: BufferLike;
  /** op(B): B[k,n], or B stored [n,k] with transB. */
  b: BufferLike;
  /** Output C[m,n] (overwritten). */
  c: BufferLike;
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
  /** bias[n], added to every row. */
  bias?: BufferLike;
  /** ReLU after the bias. */
  relu?: boolean;
  /** [m,n]: the result is zeroed where reluMaskOf <= 0 (backward through a ReLU whose output this is). */
  reluMaskOf?: BufferLike;
  /**
   * Lockstep runs: one product per run in one dispatch (the run is the grid's z). Operands named in
   * `weights` are parameter-store bindings (run r's copy `runs.paramStride` floats after run r−1's);
   * the others are activations, dense and run-major (run r's op(A) is A's r-th block of m·k floats,
   * its C the r-th block of m·n, its mask likewise). The bias is always a parameter.
   */
  runs?: Runs;
  weights?: readonly MatmulOperand[];
}
export type MatmulOperand = 'a' | 'b' | 'c';

const TILES = [64, 32, 16] as const;
/** Enough tiles to keep a CPU adapter's cores busy (one workgroup runs on one core). */
const MIN_WORKGROUPS = 8;

/** The largest tile giving at least MIN_WORKGROUPS workgroups (16 at the least). */
export function matmulTile(m: number, n: number): number {
  return TILES.find((t) => ceilDiv(m, t) * ceilDiv(n, t) >= MIN_WORKGROUPS) ?? 16;
}
const FLAG = { transA: 1, transB: 2, bias: 4, relu: 8, mask: 16 } as const;

// C [m, n] = op(A) [m, k] · op(B) [k, n]; flags: FLAG bits (matmul.wgsl's constants). Unused bias/mask are bound to `a`.
// stride_*: floats from one run's operand to the next run's (workgroup z is the run).
const matmulKernel = defineKernel({
  name: 'matmul', code: matmulWgsl,
  bindings: { a: read(), b: read(), bias: read(), mask: read(), c: readWrite() },
  uniforms: { m: 'u32', k: 'u32', n: 'u32', flags: 'u32', stride_a: 'u32', stride_b: 'u32', stride_c: 'u32', stride_bias: 'u32' },
});
// out_stride: floats from one run's column sums to the next run's (workgroup y is the run).
const colsumKernel = defineKernel({ name: 'matmul_colsum', code: colsumWgsl, bindings: { x: read(), out: readWrite() }, uniforms: { rows: 'u32', cols: 'u32', out_stride: 'u32' } });

/** Most runs one dispatch can serve (a grid dimension's limit). */
const MAX_RUNS = 65535;

function runCount(op: string, runs: Runs): number {
  const r = runs.count;
  if (!Number.isInteger(r) || r < 1) throw new Error(`${op}: run count must be a whole number ≥ 1, got ${r}`);
  if (r > MAX_RUNS) throw new Error(`${op}: ${r} runs exceed the ${MAX_RUNS} workgroups of one grid dimension`);
  return r;
}

/**
 * C = op(A)·op(B) (+ bias) (ReLU) (· [reluMaskOf > 0]). Linear layer y = x·Wᵀ + b is
 * { a: x, b: W, transB: true, bias }, dx = dy·W is { a: dy, b: W }, dW = dyᵀ·x is { a: dy, b: x, transA: true }.
 * With `runs`, each run's product is a separate one of the same shape (m, k, n are per run, so the
 * weight gradient dyᵀ·x sums over that run's batch only) and the tile is chosen from the per-run
 * shape: run r's C is bit-identical to the product of run r's operands alone.
 */
export function matmul(ctx: KernelContext, o: MatmulArgs): Dispatch {
  const { m, k, n } = o;
  if (!(m >= 1 && k >= 1 && n >= 1)) throw new Error(`matmul: bad shape m=${m} k=${k} n=${n}`);
  const runs = o.runs ?? ONE_RUN;
  const r = runCount('matmul', runs);
  const runStride = (x: MatmulOperand, dense: number) => (r === 1 ? 0 : o.weights?.includes(x) ? runs.paramStride : dense);
  const flags = (o.transA ? FLAG.transA : 0) | (o.transB ? FLAG.transB : 0) | (o.bias ? FLAG.bias : 0) |
    (o.relu ? FLAG.relu : 0) | (o.reluMaskOf ? FLAG.mask : 0);
  const tile = matmulTile(m, n);
  const bytes = 4 * r * (m * k + k * n + m * n + (o.bias ? n : 0) + (o.reluMaskOf ? m * n : 0));
  return matmulKernel.dispatch(ctx, {
    bindings: { a: o.a, b: o.b, bias: o.bias ?? o.a, mask: o.reluMaskOf ?? o.a, c: o.c },
    uniforms: {
      m, k, n, flags, stride_a: runStride('a', m * k), stride_b: runStride('b', k * n), stride_c: runStride('c', m * n),
      stride_bias: r === 1 ? 0 : runs.paramStride,
    },
    constants: { TS: tile }, workgroups: [ceilDiv(n, tile), ceilDiv(m, tile), r], work: { flops: 2 * r * m * k * n, bytes },
  });
}

/**
 * out[cols] = Σ over rows of x[rows, cols] (bias gradient: dy summed over the batch). With `runs`:
 * x holds runs.count blocks of rows × cols (run-major), each summed on its own into the run's `out`,
 * a parameter-store binding (run r's `runs.paramStride` floats after run r−1's).
 */
export function columnSum(ctx: KernelContext, o: { x: BufferLike; out: BufferLike; rows: number; cols: number; runs?: Runs }): Dispatch {
  const runs = o.runs ?? ONE_RUN;
  const r = runCount('column_sum', runs);
  return colsumKernel.dispatch(ctx, {
    label: 'column_sum', bindings: { x: o.x, out: o.out }, uniforms: { rows: o.rows, cols: o.cols, out_stride: r === 1 ? 0 : runs.paramStride },
    workgroups: [ceilDiv(o.cols, 16), r], work: { flops: r * o.rows * o.cols, bytes: 4 * r * (o.rows + 1) * o.cols },
  });
}

const bool = (v: unknown): boolean => v === true || v === 1 || v === 'true';

/**
 * `matmul`. With grad_y (the golden cases): inputs a [M,K], b [K,N], grad_y [M,N]; outputs
 * y = a@b, grad_a = grad_y@bᵀ, grad_b = aᵀ@grad_y (the three layouts nn uses). Without grad_y:
 * one fused call, params { transA, transB, relu }, inputs a, b, optional bias [N] and mask [M,N]; output y.
 */
registerOp({
  op: 'matmul',
  async run(ctx, params, inputs): Promise<Tensors> {
    const { a, b, grad_y } = inputs;
    if (grad_y) {
      const [M, K] = a.shape;
      const N = b.shape[1];
      const ab = uploadTensor(ctx, a);
      const bb = uploadTensor(ctx, b);
      const gb = uploadTensor(ctx, grad_y);
      const y = ctx.storage(M * N * 4, 'y');
      const ga = ctx.storage(M * K * 4, 'grad_a');
      const gbw = ctx.storage(K * N * 4, 'grad_b');
      ctx.run([
        matmul(ctx, { a: ab, b: bb, c: y, m: M, k: K, n: N }),
        matmul(ctx, { a: gb, b: bb, c: ga, m: M, k: N, n: K, transB: true }),
        matmul(ctx, { a: ab, b: gb, c: gbw, m: K, k: M, n: N, transA: true }),
      ], 'matmul');
      return {
        y: await readTensor(ctx, y, [M, N]),
        grad_a: await readTensor(ctx, ga, [M, K]),
        grad_b: await readTensor(ctx, gbw, [K, N]),
      };
    }
    const transA = bool(params.transA);
    const transB = bool(params.transB);
    const [M, K] = transA ? [a.shape[1], a.shape[0]] : a.shape;
    const N = transB ? b.shape[0] : b.shape[1];
    const y = ctx.storage(M * N * 4, 'y');
    ctx.run([matmul(ctx, {
      a: uploadTensor(ctx, a), b: uploadTensor(ctx, b), c: y, m: M, k: K, n: N, transA, transB,
      bias: inputs.bias ? uploadTensor(ctx, inputs.bias) : undefined,
      relu: bool(params.relu),
      reluMaskOf: inputs.mask ? uploadTensor(ctx, inputs.mask) : undefined,
    })], 'matmul');
    return { y: await readTensor(ctx, y, [M, N]) };
  },
});

/** `column_sum`: input x [rows, cols]; output out [cols]. */
registerOp({
  op: 'column_sum',
  async run(ctx, _params, inputs) {
    const x: HostTensor = inputs.x;
    const [rows, cols] = x.shape;
    const out = ctx.storage(cols * 4, 'out');
    ctx.run([columnSum(ctx, { x: uploadTensor(ctx, x), out, rows, cols })], 'column_sum');
    return { out: await readTensor(ctx, out, [cols]) };
  },
});
