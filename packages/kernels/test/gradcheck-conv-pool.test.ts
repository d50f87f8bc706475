// Central-difference checks of the float64 conv/pool reference backward functions against
// their reference forward functions (sound in float64). The GPU kernels are checked against
// these references by the op tables.
import { describe, expect, it } from 'vitest';
import { rng, uniform } from './random.ts';
import { conv2dRef, conv2dBackwardRef, conv2dRefOutputSize, type Conv2dRefShape } from '../src/reference/conv2d.ts';
import { maxpool2dRef, maxpool2dBackwardRef, maxpool2dRefOutputSize, type Pool2dRefShape } from '../src/reference/maxpool2d.ts';

const H = 1e-5;

/** Max |analytic - numeric| / (1 + |numeric|) of d/dv sum(dy · f(v)) over every element of v. */
function worstError(v: number[], analytic: ArrayLike<number>, loss: (v: number[]) => number): number {
  let worst = 0;
  for (let i = 0; i < v.length; i++) {
    const keep = v[i];
    v[i] = keep + H;
    const up = loss(v);
    v[i] = keep - H;
    const down = loss(v);
    v[i] = keep;
    const numeric = (up - down) / (2 * H);
    worst = Math.max(worst, Math.abs(analytic[i] - numeric) / (1 + Math.abs(numeric)));
  }
  return worst;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

describe('conv2d reference backward vs central differences', () => {
  const shapes: Conv2dRefShape[] = [
    { n: 2, cin: 2, h: 5, w: 6, cout: 3, kh: 3, kw: 3, stride: 1, pad: 0 },
    { n: 1, cin: 3, h: 7, w: 6, cout: 2, kh: 3, kw: 3, stride: 2, pad: 1 },
    { n: 1, cin: 2, h: 6, w: 5, cout: 2, kh: 5, kw: 5, stride: 1, pad: 2 },
  ];
  shapes.forEach((s, k) => {
    it(`${s.cin}→${s.cout} ${s.h}×${s.w} k${s.kh} s${s.stride} p${s.pad}`, () => {
      const next = rng(500 + k);
      const { oh, ow } = conv2dRefOutputSize(s);
      const x = uniform(next, s.n * s.cin * s.h * s.w);
      const w = uniform(next, s.cout * s.cin * s.kh * s.kw);
      const b = uniform(next, s.cout);
      const dy = uniform(next, s.n * s.cout * oh * ow);
      const g = conv2dBackwardRef(s, x, w, dy);
      expect(worstError(x, g.dx, (v) => dot(dy, conv2dRef(s, v, w, b)))).toBeLessThan(1e-7);
      expect(worstError(w, g.dweight, (v) => dot(dy, conv2dRef(s, x, v, b)))).toBeLessThan(1e-7);
      expect(worstError(b, g.dbias, (v) => dot(dy, conv2dRef(s, x, w, v)))).toBeLessThan(1e-7);
    });
  });
});

describe('maxpool2d reference backward vs central differences', () => {
  const shapes: Pool2dRefShape[] = [
    { n: 2, c: 2, h: 6, w: 7, kernel: 2, stride: 2 },
    { n: 1, c: 2, h: 9, w: 7, kernel: 3, stride: 2 },
  ];
  shapes.forEach((s, k) => {
    it(`${s.h}×${s.w} k${s.kernel} s${s.stride}, plain and with the ReLU mask fused`, () => {
      const next = rng(600 + k);
      const { oh, ow } = maxpool2dRefOutputSize(s);
      // Distinct values (no ties within H) keep each window's argmax fixed under the perturbation.
      const x = uniform(next, s.n * s.c * s.h * s.w);
      const dy = uniform(next, s.n * s.c * oh * ow);
      const g = maxpool2dBackwardRef(s, x, dy);
      expect(worstError(x, g, (v) => dot(dy, maxpool2dRef(s, v)))).toBeLessThan(1e-7);
      // maxpool(relu(x)): the fused backward takes the ReLU output.
      const relu = (v: number[]) => v.map((t) => Math.max(t, 0));
      const gm = maxpool2dBackwardRef(s, relu(x), dy, true);
      expect(worstError(x, gm, (v) => dot(dy, maxpool2dRef(s, relu(v))))).toBeLessThan(1e-7);
    });
  });
});
