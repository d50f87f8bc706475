/** float64 CPU references for 2-D max pooling (NCHW, no padding, floor mode), PyTorch semantics. */
export interface Pool2dRefShape { n: number; c: number; h: number; w: number; kernel: number; stride: number }

export function maxpool2dRefOutputSize(s: Pool2dRefShape): { oh: number; ow: number } {
  return { oh: Math.floor((s.h - s.kernel) / s.stride) + 1, ow: Math.floor((s.w - s.kernel) / s.stride) + 1 };
}

/** Flat input index of each window's first maximum in row-major scan order (NaN wins, as in PyTorch). */
function argmaxes(s: Pool2dRefShape, x: ArrayLike<number>): Int32Array {
  const { oh, ow } = maxpool2dRefOutputSize(s);
  const out = new Int32Array(s.n * s.c * oh * ow);
  let o = 0;
  for (let nc = 0; nc < s.n * s.c; nc++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let best = -1;
        for (let ky = 0; ky < s.kernel; ky++)
          for (let kx = 0; kx < s.kernel; kx++) {
            const i = (nc * s.h + oy * s.stride + ky) * s.w + ox * s.stride + kx;
            if (best < 0 || x[i] > x[best] || Number.isNaN(x[i])) best = i;
          }
        out[o++] = best;
      }
  return out;
}

export function maxpool2dRef(s: Pool2dRefShape, x: ArrayLike<number>): Float64Array {
  return Float64Array.from(argmaxes(s, x), (i) => x[i]);
}

/** dx: each window's gradient routed to its first maximum; with reluMask, zero where x <= 0. */
export function maxpool2dBackwardRef(s: Pool2dRefShape, x: ArrayLike<number>, dy: ArrayLike<number>, reluMask = false): Float64Array {
  const dx = new Float64Array(s.n * s.c * s.h * s.w);
  argmaxes(s, x).forEach((i, o) => { dx[i] += dy[o]; });
  if (reluMask) for (let i = 0; i < dx.length; i++) if (!(x[i] > 0)) dx[i] = 0;
  return dx;
}
