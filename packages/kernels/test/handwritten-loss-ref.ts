/**
 * The built-in losses written by hand in float64 (forward and gradient), kept as an independent
 * oracle for the compiler (src/losses): a test compares the compiled float64 form with these at
 * random and extreme logits. Definitions follow ../../../shared/golden/README.md and PyTorch
 * (CrossEntropyLoss(label_smoothing=eps) for `ls`; Zhang & Sabuncu 2018 for `gce`).
 */
export type LossKind =
  | { kind: 'ce' }
  | { kind: 'focal'; gamma: number }
  | { kind: 'l1' }
  | { kind: 'l1-logits' }
  | { kind: 'ls'; eps: number }
  | { kind: 'gce'; q: number };

/** 'ce', 'focal:2', 'l1', 'l1-logits', 'ls:0.1', 'gce:0.7'. */
export function handKind(name: string): LossKind {
  const [k, v] = name.split(':');
  switch (k) {
    case 'focal': return { kind: 'focal', gamma: Number(v) };
    case 'ls': return { kind: 'ls', eps: Number(v) };
    case 'gce': return { kind: 'gce', q: Number(v) };
    case 'ce': case 'l1': case 'l1-logits': return { kind: k };
  }
  throw new Error(`no hand-written loss ${name}`);
}

export interface LossRefResult {
  /** Mean loss over the batch. */
  value: number;
  /** Loss per sample (for l1/l1-logits: the mean over C), so mean(perSample) = value. */
  perSample: Float64Array;
  /** d(mean loss)/d logits, [n, c]. */
  grad: Float64Array;
  /** Samples whose argmax (first max on ties) equals the target. */
  correct: number;
}

/** -log(1 - q) for q in [0, 1), accurate as q → 0. */
const negLog1m = (q: number): number => -Math.log1p(-q);

export function handLossRef(kind: LossKind, logits: ArrayLike<number>, target: ArrayLike<number>, n: number, c: number): LossRefResult {
  const perSample = new Float64Array(n);
  const grad = new Float64Array(n * c);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: c }, (_, j) => logits[i * c + j]);
    const y = target[i];
    let mx = z[0];
    let am = 0;
    for (let j = 1; j < c; j++) if (z[j] > mx) { mx = z[j]; am = j; }
    if (am === y) correct++;
    const e = z.map((v) => Math.exp(v - mx));
    const s = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / s);
    // q = 1 - p_y summed from the other classes: no cancellation when p_y → 1.
    let q = 0;
    for (let j = 0; j < c; j++) if (j !== y) q += p[j];
    const lse = Math.log(s) + mx;
    const ce = q < 0.5 ? negLog1m(q) : lse - z[y];
    const g = new Float64Array(c);
    let loss: number;
    switch (kind.kind) {
      case 'ce':
        loss = ce;
        for (let j = 0; j < c; j++) g[j] = j === y ? -q : p[j];
        break;
      case 'focal': {
        const gm = kind.gamma;
        const qg = gm === 0 ? 1 : Math.pow(q, gm);
        loss = qg * ce;
        // dL/dce = q^γ + γ q^(γ-1) p_y ce = q^γ (1 + γ p_y · ce/q), with ce/q → 1 as q → 0.
        const r = q > 0 ? ce / q : 1;
        const f = qg * (1 + gm * p[y] * r);
        for (let j = 0; j < c; j++) g[j] = f * (j === y ? -q : p[j]);
        break;
      }
      case 'ls': {
        const eps = kind.eps;
        let sumNll = 0;
        for (let j = 0; j < c; j++) sumNll += j === y ? ce : lse - z[j];
        loss = (1 - eps) * ce + (eps / c) * sumNll;
        for (let j = 0; j < c; j++) g[j] = (j === y ? -q + eps : p[j]) - eps / c;
        break;
      }
      case 'gce': {
        const Q = kind.q;
        const pq = Math.exp(-Q * ce); // p_y^q
        loss = -Math.expm1(-Q * ce) / Q;
        for (let j = 0; j < c; j++) g[j] = pq * (j === y ? -q : p[j]);
        break;
      }
      case 'l1': {
        // Σ_j |p_j − δ_jy| = 2q; autograd: sign(p − onehot) through the softmax Jacobian.
        let sum = 0;
        const sg = new Float64Array(c);
        for (let j = 0; j < c; j++) {
          const d = p[j] - (j === y ? 1 : 0);
          sum += Math.abs(d);
          sg[j] = Math.sign(d);
        }
        loss = sum / c;
        let dot = 0;
        for (let j = 0; j < c; j++) dot += sg[j] * p[j];
        for (let j = 0; j < c; j++) g[j] = (p[j] * (sg[j] - dot)) / c;
        break;
      }
      case 'l1-logits': {
        let sum = 0;
        for (let j = 0; j < c; j++) {
          const d = z[j] - (j === y ? 1 : 0);
          sum += Math.abs(d);
          g[j] = Math.sign(d) / c;
        }
        loss = sum / c;
        break;
      }
    }
    perSample[i] = loss;
    for (let j = 0; j < c; j++) grad[i * c + j] = g[j] / n;
  }
  const value = perSample.reduce((a, b) => a + b, 0) / n;
  return { value, perSample, grad, correct };
}

/** Forward only, for central differences: the mean loss. Uses the plain definitions (no shared code with the gradient). */
export function handLossValueRef(kind: LossKind, logits: ArrayLike<number>, target: ArrayLike<number>, n: number, c: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: c }, (_, j) => logits[i * c + j]);
    const y = target[i];
    const mx = Math.max(...z);
    const lse = mx + Math.log(z.reduce((a, v) => a + Math.exp(v - mx), 0));
    const logp = z.map((v) => v - lse);
    const p = logp.map(Math.exp);
    const ce = -logp[y];
    switch (kind.kind) {
      case 'ce': total += ce; break;
      case 'focal': total += Math.pow(1 - Math.exp(-ce), kind.gamma) * ce; break;
      case 'ls': total += (1 - kind.eps) * ce + (kind.eps / c) * logp.reduce((a, v) => a - v, 0); break;
      case 'gce': total += (1 - Math.pow(p[y], kind.q)) / kind.q; break;
      case 'l1': total += p.reduce((a, v, j) => a + Math.abs(v - (j === y ? 1 : 0)), 0) / c; break;
      case 'l1-logits': total += z.reduce((a, v, j) => a + Math.abs(v - (j === y ? 1 : 0)), 0) / c; break;
    }
  }
  return total / n;
}
