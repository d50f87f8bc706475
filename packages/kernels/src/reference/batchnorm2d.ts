/** float64 CPU references for BatchNorm2d (NCHW), PyTorch semantics: biased variance to normalise, unbiased for the running update. */
export interface BatchNorm2dRefShape { n: number; c: number; h: number; w: number }

export interface BatchNorm2dRefOptions { mode: 'train' | 'eval'; relu?: boolean; momentum?: number; eps?: number }

const at = (s: BatchNorm2dRefShape, n: number, c: number, p: number) => (n * s.c + c) * s.h * s.w + p;

/** Per-channel batch mean and biased variance. */
function moments(s: BatchNorm2dRefShape, x: ArrayLike<number>): { mean: Float64Array; variance: Float64Array } {
  const hw = s.h * s.w;
  const m = s.n * hw;
  const mean = new Float64Array(s.c);
  const variance = new Float64Array(s.c);
  for (let c = 0; c < s.c; c++) {
    let sum = 0;
    for (let n = 0; n < s.n; n++) for (let p = 0; p < hw; p++) sum += x[at(s, n, c, p)];
    mean[c] = sum / m;
    let q = 0;
    for (let n = 0; n < s.n; n++) for (let p = 0; p < hw; p++) q += (x[at(s, n, c, p)] - mean[c]) ** 2;
    variance[c] = q / m;
  }
  return { mean, variance };
}

export function batchnorm2dRef(s: BatchNorm2dRefShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>,
  runningMean: ArrayLike<number>, runningVar: ArrayLike<number>, o: BatchNorm2dRefOptions): { y: Float64Array; runningMean: Float64Array; runningVar: Float64Array } {
  const eps = o.eps ?? 1e-5;
  const momentum = o.momentum ?? 0.1;
  const hw = s.h * s.w;
  const m = s.n * hw;
  const rm = Float64Array.from(runningMean);
  const rv = Float64Array.from(runningVar);
  let mean: ArrayLike<number> = rm;
  let variance: ArrayLike<number> = rv;
  if (o.mode === 'train') {
    const b = moments(s, x);
    mean = b.mean;
    variance = b.variance;
    for (let c = 0; c < s.c; c++) {
      rm[c] = (1 - momentum) * runningMean[c] + momentum * b.mean[c];
      rv[c] = (1 - momentum) * runningVar[c] + momentum * b.variance[c] * m / Math.max(m - 1, 1);
    }
  }
  const y = new Float64Array(x.length);
  for (let n = 0; n < s.n; n++)
    for (let c = 0; c < s.c; c++)
      for (let p = 0; p < hw; p++) {
        const i = at(s, n, c, p);
        const v = (x[i] - mean[c]) / Math.sqrt(variance[c] + eps) * weight[c] + bias[c];
        y[i] = o.relu ? Math.max(v, 0) : v;
      }
  return { y, runningMean: rm, runningVar: rv };
}

/** Gradients of sum(dy · bn(x)) (through the fused ReLU when relu) with respect to x, γ and β (γ, β only in train mode). */
export function batchnorm2dBackwardRef(s: BatchNorm2dRefShape, x: ArrayLike<number>, weight: ArrayLike<number>, y: ArrayLike<number>, dy: ArrayLike<number>,
  runningVar: ArrayLike<number>, o: BatchNorm2dRefOptions): { dx: Float64Array; dweight: Float64Array; dbias: Float64Array } {
  const eps = o.eps ?? 1e-5;
  const hw = s.h * s.w;
  const m = s.n * hw;
  const g = Float64Array.from(dy, (v, i) => (o.relu && !(y[i] > 0) ? 0 : v));
  const dx = new Float64Array(x.length);
  const dweight = new Float64Array(s.c);
  const dbias = new Float64Array(s.c);
  if (o.mode === 'eval') {
    for (let i = 0; i < x.length; i++) {
      const c = Math.floor(i / hw) % s.c;
      dx[i] = g[i] * weight[c] / Math.sqrt(runningVar[c] + eps);
    }
    return { dx, dweight, dbias };
  }
  const { mean, variance } = moments(s, x);
  for (let c = 0; c < s.c; c++) {
    const invstd = 1 / Math.sqrt(variance[c] + eps);
    for (let n = 0; n < s.n; n++)
      for (let p = 0; p < hw; p++) {
        const i = at(s, n, c, p);
        dbias[c] += g[i];
        dweight[c] += g[i] * (x[i] - mean[c]) * invstd;
      }
    for (let n = 0; n < s.n; n++)
      for (let p = 0; p < hw; p++) {
        const i = at(s, n, c, p);
        const xhat = (x[i] - mean[c]) * invstd;
        dx[i] = weight[c] * invstd * (g[i] - dbias[c] / m - xhat * dweight[c] / m);
      }
  }
  return { dx, dweight, dbias };
}
