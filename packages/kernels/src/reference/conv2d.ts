/** float64 CPU references for 2-D convolution (NCHW, weight [cout, cin, kh, kw]), PyTorch semantics. */
export interface Conv2dRefShape {
  n: number; cin: number; h: number; w: number; cout: number; kh: number; kw: number; stride: number; pad: number;
}

export function conv2dRefOutputSize(s: Conv2dRefShape): { oh: number; ow: number } {
  return { oh: Math.floor((s.h + 2 * s.pad - s.kh) / s.stride) + 1, ow: Math.floor((s.w + 2 * s.pad - s.kw) / s.stride) + 1 };
}

/** Visits every (output, input, weight) index triple that contributes to the convolution. */
function forEachTap(s: Conv2dRefShape, f: (yi: number, xi: number, wi: number) => void): void {
  const { oh, ow } = conv2dRefOutputSize(s);
  for (let n = 0; n < s.n; n++)
    for (let co = 0; co < s.cout; co++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const yi = ((n * s.cout + co) * oh + oy) * ow + ox;
          for (let ci = 0; ci < s.cin; ci++)
            for (let ky = 0; ky < s.kh; ky++) {
              const iy = oy * s.stride + ky - s.pad;
              if (iy < 0 || iy >= s.h) continue;
              for (let kx = 0; kx < s.kw; kx++) {
                const ix = ox * s.stride + kx - s.pad;
                if (ix < 0 || ix >= s.w) continue;
                f(yi, ((n * s.cin + ci) * s.h + iy) * s.w + ix, ((co * s.cin + ci) * s.kh + ky) * s.kw + kx);
              }
            }
        }
}

/** y = conv(x, weight) + bias, optionally followed by ReLU. */
export function conv2dRef(s: Conv2dRefShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>, relu = false): Float64Array {
  const { oh, ow } = conv2dRefOutputSize(s);
  const y = new Float64Array(s.n * s.cout * oh * ow);
  for (let i = 0; i < y.length; i++) y[i] = bias[Math.floor(i / (oh * ow)) % s.cout];
  forEachTap(s, (yi, xi, wi) => { y[yi] += x[xi] * weight[wi]; });
  if (relu) for (let i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0);
  return y;
}

/** Gradients of sum(dy · conv(x, weight) + bias) with respect to x, weight and bias. */
export function conv2dBackwardRef(s: Conv2dRefShape, x: ArrayLike<number>, weight: ArrayLike<number>, dy: ArrayLike<number>): { dx: Float64Array; dweight: Float64Array; dbias: Float64Array } {
  const { oh, ow } = conv2dRefOutputSize(s);
  const dx = new Float64Array(s.n * s.cin * s.h * s.w);
  const dweight = new Float64Array(s.cout * s.cin * s.kh * s.kw);
  const dbias = new Float64Array(s.cout);
  for (let i = 0; i < dy.length; i++) dbias[Math.floor(i / (oh * ow)) % s.cout] += dy[i];
  forEachTap(s, (yi, xi, wi) => {
    dx[xi] += dy[yi] * weight[wi];
    dweight[wi] += dy[yi] * x[xi];
  });
  return { dx, dweight, dbias };
}
