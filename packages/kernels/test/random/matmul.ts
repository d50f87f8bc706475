import type { OpCase } from '../tables.ts';
import { rng, uniform, f64 } from '../random.ts';
import { matmulRef, columnSumRef } from '../../src/reference/matmul.ts';
import { matmulMagnitude, columnSumMagnitude } from '../magnitude.ts';

const SHAPES: [number, number, number][] = [[1, 7, 5], [67, 129, 33], [64, 288, 32], [256, 288, 32], [256, 32, 10]];

/** Transposes a row-major [r, c] array to [c, r]. */
function transpose(x: number[], r: number, c: number): number[] {
  const out = new Array<number>(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j];
  return out;
}

/**
 * Matmul at the linear layers' shapes (batch 1…256) and shapes off the 64×64 tile: the golden
 * triple (y, grad_a, grad_b), every transposed layout, bias + ReLU fused, the ReLU mask, and
 * the bias-gradient column sum. Expected values from the float64 reference.
 */
export function cases(): OpCase[] {
  const out: OpCase[] = [];
  SHAPES.forEach(([m, k, n], s) => {
    const next = rng(7000 + s);
    const a = uniform(next, m * k);
    const b = uniform(next, k * n);
    const gy = uniform(next, m * n);
    out.push({
      name: `random matmul ${m}×${k}×${n} y, grad_a, grad_b`,
      op: 'matmul', source: 'reference',
      inputs: { a: f64([m, k], a), b: f64([k, n], b), grad_y: f64([m, n], gy) },
      expected: {
        y: f64([m, n], matmulRef(a, b, m, k, n)),
        grad_a: f64([m, k], matmulRef(gy, b, m, n, k, { transB: true })),
        grad_b: f64([k, n], matmulRef(a, gy, k, m, n, { transA: true })),
      },
      scale: {
        y: f64([m, n], matmulMagnitude(a, b, m, k, n)),
        grad_a: f64([m, k], matmulMagnitude(gy, b, m, n, k, { transB: true })),
        grad_b: f64([k, n], matmulMagnitude(a, gy, k, m, n, { transA: true })),
      },
    });
    for (const [transA, transB] of [[true, false], [false, true], [true, true]]) {
      out.push({
        name: `random matmul ${m}×${k}×${n} transA=${transA} transB=${transB}`,
        op: 'matmul', source: 'reference',
        params: { transA, transB },
        inputs: { a: transA ? f64([k, m], transpose(a, m, k)) : f64([m, k], a), b: transB ? f64([n, k], transpose(b, k, n)) : f64([k, n], b) },
        expected: { y: f64([m, n], matmulRef(a, b, m, k, n)) },
        scale: { y: f64([m, n], matmulMagnitude(a, b, m, k, n)) },
      });
    }
    const bias = uniform(next, n);
    const w = transpose(b, k, n); // PyTorch's [out, in] weight
    out.push({
      name: `random matmul ${m}×${k}×${n} linear: x·Wᵀ + b, ReLU`,
      op: 'matmul', source: 'reference',
      params: { transB: true, relu: true },
      inputs: { a: f64([m, k], a), b: f64([n, k], w), bias: f64([n], bias) },
      expected: { y: f64([m, n], matmulRef(a, w, m, k, n, { transB: true, bias, relu: true })) },
      scale: { y: f64([m, n], matmulMagnitude(a, w, m, k, n, { transB: true, bias, relu: true })) },
    });
    const mask = matmulRef(a, w, m, k, n, { transB: true, bias, relu: true });
    out.push({
      name: `random matmul ${m}×${k}×${n} masked by a ReLU output (backward fusion)`,
      op: 'matmul', source: 'reference',
      inputs: { a: f64([m, k], a), b: f64([k, n], b), mask: f64([m, n], mask) },
      expected: { y: f64([m, n], matmulRef(a, b, m, k, n, { mask })) },
      scale: { y: f64([m, n], matmulMagnitude(a, b, m, k, n, { mask })) },
    });
    out.push({
      name: `random column_sum ${m}×${n}`,
      op: 'column_sum', source: 'reference',
      inputs: { x: f64([m, n], gy) },
      expected: { out: f64([n], columnSumRef(gy, m, n)) },
      scale: { out: f64([n], columnSumMagnitude(gy, m, n)) },
    });
  });
  return out;
}
