/**
 * The compiled form of a loss: a DAG of interned nodes over one sample's logits. Scalar nodes are
 * per sample; vector nodes are per class (index k) and live inside reductions (sum/max over k).
 * The constructors simplify and carry the numerics rewrites (docs/losses.md, "Numerics"):
 *
 *   log p[y] → −ce            (ce = −log p_y from the other classes' sum q: a series for q < 1/2)
 *   1 − p[y] → q              (q summed from the other classes: no cancellation as p_y → 1)
 *   log p[k] → logp[k]        (z_k − logsumexp z, max-shifted; −ce at k = y)
 *   p[k] − t[k] → pmt[k]      (−q at k = y)
 *   pow(p[y], a) → exp(−a·ce)
 *   1 − exp(−x) → omen(x)     (a series for small x, as expm1)
 *   1 − p[k] → omp[k]         (q at k = y, from the other classes at the argmax: exact as p_k → 1)
 *   pow(q, a)·ce → pow(q, a+1)·r with r = ce/q (finite as q → 0) when a < 0 (focal's derivative),
 *   and likewise pow(omp[k], a)·log p[k] → −pow(omp[k], a+1)·rk[k], rk = −log p_k / (1 − p_k)
 *
 * Nodes are interned by structure, so equal subexpressions are one node (common subexpressions
 * are computed once in every back end).
 */

export type ScalarAtom = 'ce' | 'q' | 'py' | 'zy' | 'r' | 'C';
export type VectorAtom = 'z' | 'p' | 't' | 'logp' | 'pmt' | 'omp' | 'rk';
export type Unary = 'neg' | 'log' | 'exp' | 'abs' | 'sqrt' | 'sign' | 'omen';
export type Binary = 'add' | 'mul' | 'div' | 'max' | 'min' | 'ge';

export type Node = { id: number; vec: boolean; dz: boolean } & (
  | { op: 'const'; v: number }
  | { op: 'atom'; name: ScalarAtom }
  | { op: 'vatom'; name: VectorAtom }
  | { op: Unary; a: Node }
  | { op: Binary; a: Node; b: Node }
  | { op: 'pow'; a: Node; e: number }
  /** Reductions over the classes; 'sumOther' skips k = y. */
  | { op: 'sum' | 'sumOther' | 'maxk'; a: Node }
  /** Vector: 1 where k is the (first) argmax of the max reduction `a`, else 0. */
  | { op: 'isArgmax'; a: Node }
  /** Scalar: the vector node `a` at k = y. */
  | { op: 'atY'; a: Node }
  /** Vector: `b` (scalar) at k = y, `a` elsewhere. */
  | { op: 'selY'; a: Node; b: Node }
);

type Spec = { op: string; a?: Node; b?: Node; v?: number; e?: number; name?: string };

/** Interns nodes; one table per compiled loss. */
export class Graph {
  private table = new Map<string, Node>();
  readonly nodes: Node[] = [];

  private make(s: Spec, vec: boolean, dz: boolean): Node {
    const key = `${s.op}|${s.name ?? ''}|${s.v ?? ''}|${s.e ?? ''}|${s.a?.id ?? ''}|${s.b?.id ?? ''}`;
    let n = this.table.get(key);
    if (!n) {
      n = { ...s, id: this.nodes.length, vec, dz } as Node;
      this.table.set(key, n);
      this.nodes.push(n);
    }
    return n;
  }

  c(v: number): Node {
    return this.make({ op: 'const', v: Object.is(v, -0) ? 0 : v }, false, false);
  }
  atom(name: ScalarAtom): Node {
    return this.make({ op: 'atom', name }, false, name !== 'C');
  }
  vatom(name: VectorAtom): Node {
    return this.make({ op: 'vatom', name }, true, name !== 't' && name !== 'rk');
  }

  private un(op: Unary, a: Node): Node {
    return this.make({ op, a }, a.vec, a.dz);
  }
  private bin(op: Binary, a: Node, b: Node): Node {
    return this.make({ op, a, b }, a.vec || b.vec, a.dz || b.dz);
  }

  neg(a: Node): Node {
    if (a.op === 'const') return this.c(-a.v);
    if (a.op === 'neg') return a.a;
    return this.un('neg', a);
  }

  add(a: Node, b: Node): Node {
    if (a.op === 'const' && b.op === 'const') return this.c(a.v + b.v);
    if (a.op === 'const' && a.v === 0) return b;
    if (b.op === 'const' && b.v === 0) return a;
    if (b.op === 'const' && a.op !== 'const') return this.add(b, a); // constants first
    // 1 − p[y] → q; 1 − q → p[y]
    if (a.op === 'const' && a.v === 1 && b.op === 'neg' && b.a.op === 'atom' && b.a.name === 'py') return this.atom('q');
    if (a.op === 'const' && a.v === 1 && b.op === 'neg' && b.a.op === 'atom' && b.a.name === 'q') return this.atom('py');
    // 1 − exp(−x) → omen(x)
    if (a.op === 'const' && a.v === 1 && b.op === 'neg' && b.a.op === 'exp') return this.un('omen', this.neg(b.a.a));
    // p[k] − t[k] → pmt[k]; t[k] − p[k] → −pmt[k]; 1 − p[k] → omp[k]
    const isV = (n: Node, name: VectorAtom) => n.op === 'vatom' && n.name === name;
    const negOf = (n: Node, name: VectorAtom) => n.op === 'neg' && isV(n.a, name);
    if (a.op === 'const' && a.v === 1 && negOf(b, 'p')) return this.vatom('omp');
    if (isV(a, 'p') && negOf(b, 't')) return this.vatom('pmt');
    if (negOf(a, 't') && isV(b, 'p')) return this.vatom('pmt');
    if (isV(a, 't') && negOf(b, 'p')) return this.neg(this.vatom('pmt'));
    if (negOf(a, 'p') && isV(b, 't')) return this.neg(this.vatom('pmt'));
    if (a.op === 'neg' && b.op === 'neg') return this.neg(this.add(a.a, b.a));
    return this.bin('add', a, b);
  }

  sub(a: Node, b: Node): Node {
    return this.add(a, this.neg(b));
  }

  mul(a: Node, b: Node): Node {
    if (a.op === 'const' && b.op === 'const') return this.c(a.v * b.v);
    if (b.op === 'const' && a.op !== 'const') return this.mul(b, a);
    if (a.op === 'const') {
      if (a.v === 0) return a;
      if (a.v === 1) return b;
      if (a.v === -1) return this.neg(b);
    }
    if (a.op === 'neg') return this.neg(this.mul(a.a, b));
    if (b.op === 'neg') return this.neg(this.mul(a, b.a));
    // pow(q, e)·ce with e < 0 → pow(q, e + 1)·r, and pow(omp, e)·logp → −pow(omp, e + 1)·rk:
    // finite as q → 0 (p_k → 1).
    const fs = [...this.factors(a), ...this.factors(b)];
    for (const [base, log, ratio, sign] of [['q', 'ce', 'r', 1], ['omp', 'logp', 'rk', -1]] as const) {
      const pi = fs.findIndex((f) => f.op === 'pow' && (f.a.op === 'atom' || f.a.op === 'vatom') && f.a.name === base && f.e < 0);
      const ci = fs.findIndex((f) => (f.op === 'atom' || f.op === 'vatom') && f.name === log);
      if (pi >= 0 && ci >= 0) {
        const p = fs[pi] as Node & { op: 'pow' };
        const rest = fs.filter((_, i) => i !== pi && i !== ci);
        const r = base === 'q' ? this.atom('r') : this.vatom('rk');
        const prod = [this.pow(p.a, p.e + 1), r, ...rest].reduce((x, y) => this.mul(x, y));
        return sign < 0 ? this.neg(prod) : prod;
      }
    }
    return this.bin('mul', a, b);
  }

  private factors(n: Node): Node[] {
    return n.op === 'mul' ? [...this.factors(n.a), ...this.factors(n.b)] : [n];
  }

  div(a: Node, b: Node): Node {
    if (b.op === 'const') {
      if (b.v === 1) return a;
      if (a.op === 'const' && b.v !== 0) return this.c(a.v / b.v);
    }
    if (a.op === 'const' && a.v === 0) return a;
    if (a.op === 'neg') return this.neg(this.div(a.a, b));
    return this.bin('div', a, b);
  }

  log(a: Node): Node {
    if (a.op === 'vatom' && a.name === 'p') return this.vatom('logp');
    if (a.op === 'atom' && a.name === 'py') return this.neg(this.atom('ce'));
    if (a.op === 'exp') return a.a;
    if (a.op === 'const') return this.c(Math.log(a.v));
    return this.un('log', a);
  }

  exp(a: Node): Node {
    if (a.op === 'const') return this.c(Math.exp(a.v));
    if (a.op === 'neg' && a.a.op === 'atom' && a.a.name === 'ce') return this.atom('py');
    return this.un('exp', a);
  }

  pow(a: Node, e: number): Node {
    if (e === 0) return this.c(1);
    if (e === 1) return a;
    if (a.op === 'const') return this.c(Math.pow(a.v, e));
    if (a.op === 'pow') return this.pow(a.a, a.e * e);
    if (a.op === 'atom' && a.name === 'py') return this.exp(this.neg(this.mul(this.c(e), this.atom('ce'))));
    return this.make({ op: 'pow', a, e }, a.vec, a.dz);
  }

  unary(op: 'abs' | 'sqrt' | 'sign', a: Node): Node {
    if (a.op === 'const') return this.c(op === 'abs' ? Math.abs(a.v) : op === 'sqrt' ? Math.sqrt(a.v) : Math.sign(a.v));
    if (op === 'sqrt') return this.pow(a, 0.5);
    return this.un(op, a);
  }

  max(a: Node, b: Node): Node {
    if (a.op === 'const' && b.op === 'const') return this.c(Math.max(a.v, b.v));
    return this.bin('max', a, b);
  }
  min(a: Node, b: Node): Node {
    if (a.op === 'const' && b.op === 'const') return this.c(Math.min(a.v, b.v));
    return this.bin('min', a, b);
  }
  /** 1 when a ≥ b, else 0. */
  ge(a: Node, b: Node): Node {
    if (a.op === 'const' && b.op === 'const') return this.c(a.v >= b.v ? 1 : 0);
    return this.bin('ge', a, b);
  }

  /** Σ_k a (sumOther: over k ≠ y). */
  sum(a: Node, other = false): Node {
    if (a.op === 'const' && a.v === 0) return a;
    if (!a.vec) return this.mul(other ? this.sub(this.atom('C'), this.c(1)) : this.atom('C'), a);
    if (a.op === 'neg') return this.neg(this.sum(a.a, other));
    if (a.op === 'mul' && !a.a.vec) return this.mul(a.a, this.sum(a.b, other));
    if (a.op === 'mul' && !a.b.vec) return this.mul(a.b, this.sum(a.a, other));
    if (other && a.op === 'vatom' && a.name === 'p') return this.atom('q');
    if (other && a.op === 'vatom' && a.name === 't') return this.c(0);
    return this.make({ op: other ? 'sumOther' : 'sum', a }, false, a.dz);
  }
  maxk(a: Node): Node {
    if (!a.vec) return a;
    return this.make({ op: 'maxk', a }, false, a.dz);
  }
  isArgmax(m: Node): Node {
    return this.make({ op: 'isArgmax', a: m }, true, false);
  }
  atY(a: Node): Node {
    if (!a.vec) return a;
    if (a.op === 'vatom') {
      if (a.name === 'z') return this.atom('zy');
      if (a.name === 'p') return this.atom('py');
      if (a.name === 't') return this.c(1);
      if (a.name === 'logp') return this.neg(this.atom('ce'));
      if (a.name === 'pmt') return this.neg(this.atom('q'));
      if (a.name === 'omp') return this.atom('q');
      if (a.name === 'rk') return this.atom('r');
    }
    return this.make({ op: 'atY', a }, false, a.dz);
  }
  selY(off: Node, atY: Node): Node {
    return this.make({ op: 'selY', a: off, b: atY }, true, off.dz || atY.dz);
  }
}

/** Children of a node, in evaluation order. */
export function children(n: Node): Node[] {
  switch (n.op) {
    case 'const': case 'atom': case 'vatom': return [];
    case 'pow': case 'sum': case 'sumOther': case 'maxk': case 'isArgmax': case 'atY':
    case 'neg': case 'log': case 'exp': case 'abs': case 'sqrt': case 'sign': case 'omen':
      return [n.a];
    default: return [n.a, n.b];
  }
}

/** The nodes `roots` depend on, children before parents (ids are already topological). */
export function reachable(roots: Node[]): Node[] {
  const seen = new Map<number, Node>();
  const visit = (n: Node) => {
    if (seen.has(n.id)) return;
    seen.set(n.id, n);
    for (const c of children(n)) visit(c);
  };
  roots.forEach(visit);
  return [...seen.values()].sort((a, b) => a.id - b.id);
}
