/**
 * The float64 back end: walks a compiled loss's graph (ir.ts) for one sample. The same graph the
 * WGSL back end compiles, evaluated in float64 with the same numerics (q from the other classes,
 * ce by log1p for q < 1/2, 1 − exp(−x) by expm1): the kernels' reference, and the value that
 * `gradcheck` differentiates by central differences.
 */
import type { Node } from './ir.ts';

export interface Row {
  z: ArrayLike<number>;
  y: number;
}

interface Prelude {
  mx: number; am: number; lse: number; s: number; q: number; py: number; ce: number; r: number; qmax: number;
}

function prelude(z: ArrayLike<number>, y: number): Prelude {
  const c = z.length;
  let mx = z[0];
  let am = 0;
  for (let j = 1; j < c; j++) if (z[j] > mx) { mx = z[j]; am = j; }
  let s = 0;
  let others = 0;
  let othersMax = 0;
  for (let j = 0; j < c; j++) {
    const e = Math.exp(z[j] - mx);
    s += e;
    if (j !== y) others += e;
    if (j !== am) othersMax += e;
  }
  const lse = Math.log(s) + mx;
  const q = others / s;
  const py = Math.exp(z[y] - mx) / s;
  const ce = q < 0.5 ? -Math.log1p(-q) : lse - z[y];
  const r = q > 0 ? ce / q : 1;
  return { mx, am, lse, s, q, py, ce, r, qmax: othersMax / s };
}

/** Evaluates `roots` (scalars, or vectors returned per class) for one row. */
export class RowEvaluator {
  private readonly pre: Prelude;
  private readonly scalars = new Map<number, number>();
  private readonly vectors = new Map<number, Float64Array>();
  private readonly argmax = new Map<number, number>();

  constructor(readonly z: ArrayLike<number>, readonly y: number) {
    this.pre = prelude(z, y);
  }

  get predicted(): number {
    return this.pre.am;
  }

  scalar(n: Node): number {
    if (n.vec) throw new Error(`eval64: node ${n.op} is per class`);
    let v = this.scalars.get(n.id);
    if (v === undefined) {
      v = this.at(n, -1);
      this.scalars.set(n.id, v);
    }
    return v;
  }

  vector(n: Node): Float64Array {
    let v = this.vectors.get(n.id);
    if (!v) {
      v = new Float64Array(this.z.length);
      for (let k = 0; k < v.length; k++) v[k] = this.at(n, k);
      this.vectors.set(n.id, v);
    }
    return v;
  }

  private val(n: Node, k: number): number {
    return n.vec ? this.vector(n)[k] : this.scalar(n);
  }

  private at(n: Node, k: number): number {
    const { z, y, pre } = this;
    const C = z.length;
    const v = (m: Node) => this.val(m, k);
    switch (n.op) {
      case 'const': return n.v;
      case 'atom':
        switch (n.name) {
          case 'ce': return pre.ce;
          case 'q': return pre.q;
          case 'py': return pre.py;
          case 'zy': return z[y];
          case 'r': return pre.r;
          case 'C': return C;
        }
        break;
      case 'vatom': {
        const p = Math.exp(z[k] - pre.mx) / pre.s;
        switch (n.name) {
          case 'z': return z[k];
          case 'p': return p;
          case 't': return k === y ? 1 : 0;
          case 'logp': return k === y ? -pre.ce : z[k] - pre.lse;
          case 'pmt': return k === y ? -pre.q : p;
          case 'omp': return k === y ? pre.q : k === pre.am ? pre.qmax : 1 - p;
          case 'rk': {
            if (k === y) return pre.r;
            const x = k === pre.am ? pre.qmax : 1 - p;
            if (x === 0) return 1;
            return x < 0.5 ? -Math.log1p(-x) / x : (pre.lse - z[k]) / x;
          }
        }
        break;
      }
      case 'neg': return -v(n.a);
      case 'log': return Math.log(v(n.a));
      case 'exp': return Math.exp(v(n.a));
      case 'abs': return Math.abs(v(n.a));
      case 'sqrt': return Math.sqrt(v(n.a));
      case 'sign': return Math.sign(v(n.a));
      case 'omen': return -Math.expm1(-v(n.a));
      case 'pow': return Math.pow(v(n.a), n.e);
      case 'add': return v(n.a) + v(n.b);
      case 'mul': return v(n.a) * v(n.b);
      case 'div': return v(n.a) / v(n.b);
      case 'max': return Math.max(v(n.a), v(n.b));
      case 'min': return Math.min(v(n.a), v(n.b));
      case 'ge': return v(n.a) >= v(n.b) ? 1 : 0;
      case 'sum': case 'sumOther': {
        const body = this.vector(n.a);
        let s = 0;
        for (let j = 0; j < C; j++) if (n.op === 'sum' || j !== y) s += body[j];
        return s;
      }
      case 'maxk': {
        const body = this.vector(n.a);
        let best = body[0];
        let am = 0;
        for (let j = 1; j < C; j++) if (body[j] > best) { best = body[j]; am = j; }
        this.argmax.set(n.id, am);
        return best;
      }
      case 'isArgmax':
        this.scalar(n.a);
        return this.argmax.get(n.a.id) === k ? 1 : 0;
      case 'atY': return this.vector(n.a)[y];
      case 'selY': return k === y ? this.scalar(n.b) : v(n.a);
    }
    throw new Error(`eval64: unknown node ${JSON.stringify(n)}`);
  }
}
