/** float64 CPU references for the residual sum y = a + S(b) (S: identity or option-A shortcut) and global average pooling. */
export interface ResidualRefShape { n: number; c: number; h: number; w: number; cb: number; hb: number; wb: number; stride: number; offset: number }

/** Visits every (y index, b index) pair the shortcut connects. */
function forEachShortcut(s: ResidualRefShape, f: (yi: number, bi: number) => void): void {
  for (let n = 0; n < s.n; n++)
    for (let cb = 0; cb < s.cb; cb++)
      for (let y = 0; y < s.h; y++)
        for (let x = 0; x < s.w; x++)
          f(((n * s.c + cb + s.offset) * s.h + y) * s.w + x, ((n * s.cb + cb) * s.hb + y * s.stride) * s.wb + x * s.stride);
}

export function residualAddRef(s: ResidualRefShape, a: ArrayLike<number>, b: ArrayLike<number>, relu = false): Float64Array {
  const y = Float64Array.from(a);
  forEachShortcut(s, (yi, bi) => { y[yi] += b[bi]; });
  if (relu) for (let i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0);
  return y;
}

/** Gradients to a and b of sum(dy · y), through the fused ReLU (mask y > 0) when relu. */
export function residualAddBackwardRef(s: ResidualRefShape, y: ArrayLike<number>, dy: ArrayLike<number>, relu = false): { da: Float64Array; db: Float64Array } {
  const da = Float64Array.from(dy, (g, i) => (relu && !(y[i] > 0) ? 0 : g));
  const db = new Float64Array(s.n * s.cb * s.hb * s.wb);
  forEachShortcut(s, (yi, bi) => { db[bi] += da[yi]; });
  return { da, db };
}

export function globalAvgPoolRef(n: number, c: number, hw: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n * c);
  for (let i = 0; i < n * c; i++) {
    let s = 0;
    for (let k = 0; k < hw; k++) s += x[i * hw + k];
    y[i] = s / hw;
  }
  return y;
}

export function globalAvgPoolBackwardRef(n: number, c: number, hw: number, dy: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: n * c * hw }, (_, i) => dy[Math.floor(i / hw)] / hw);
}
