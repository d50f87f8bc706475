/** float64 CPU references for matmul (linear layers) and the bias gradient. */

export interface MatmulRefOptions {
  /** A is stored [k, m] (op(A) = Aᵀ). */
  transA?: boolean;
  /** B is stored [n, k] (op(B) = Bᵀ). */
  transB?: boolean;
  bias?: ArrayLike<number>;
  relu?: boolean;
  /** Result multiplied by [mask > 0] elementwise (mask is [m, n]). */
  mask?: ArrayLike<number>;
}

/** C[m,n] = op(A)·op(B) (+ bias[n]) (then ReLU) (then · [mask > 0]). */
export function matmulRef(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, o: MatmulRefOptions = {}): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = o.transA ? a[p * m + i] : a[i * k + p];
        const bv = o.transB ? b[j * k + p] : b[p * n + j];
        s += av * bv;
      }
      if (o.bias) s += o.bias[j];
      if (o.relu && !(s > 0)) s = 0;
      if (o.mask && !(o.mask[i * n + j] > 0)) s = 0;
      c[i * n + j] = s;
    }
  }
  return c;
}

/** out[j] = Σ_i x[i, j] (the bias gradient of a linear layer). */
export function columnSumRef(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j] += x[i * cols + j];
  return out;
}
