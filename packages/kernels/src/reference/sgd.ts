/** float64 reference of torch.optim.SGD (dampening 0), several steps. */
export interface SgdRefHyper {
  lr: number | number[];
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
}

/**
 * Runs `steps` SGD steps on copies of p (and the momentum buffer, zero unless given). `grads(s)`
 * returns step s's gradient. The first-step rule is PyTorch's own (buffer = g'), written out
 * separately from the zero-buffer trick the kernel uses, so the test checks the equivalence.
 */
export function sgdRef(p0: ArrayLike<number>, grads: (step: number) => ArrayLike<number>, h: SgdRefHyper, steps: number, m0?: ArrayLike<number>): { p: Float64Array; momentum: Float64Array } {
  const p = Float64Array.from(p0);
  const buf = m0 ? Float64Array.from(m0) : new Float64Array(p.length);
  let hasBuf = m0 !== undefined;
  for (let s = 0; s < steps; s++) {
    const g = grads(s);
    const lr = Array.isArray(h.lr) ? h.lr[s] : (h.lr as number);
    for (let i = 0; i < p.length; i++) {
      let d = g[i] + h.weightDecay * p[i];
      if (h.momentum !== 0) {
        buf[i] = hasBuf ? h.momentum * buf[i] + d : d;
        d = h.nesterov ? d + h.momentum * buf[i] : buf[i];
      }
      p[i] -= lr * d;
    }
    hasBuf = true;
  }
  return { p, momentum: buf };
}
