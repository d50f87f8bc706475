/**
 * Reverse-mode differentiation of a compiled loss (ir.ts), done once at compile time: the result
 * is another node of the same graph, the gradient d loss / d z as a vector over the classes.
 *
 * Scalar nodes get scalar adjoints, nodes inside a sum/max over k get per-class adjoints (a scalar
 * used inside a sum gets the sum of its per-class adjoints). The leaves collect three per-class
 * adjoints, gz = ∂L/∂z (direct), gl = ∂L/∂log p and gp = ∂L/∂p, each with a part at the target
 * (from z[y], −ce = log p[y], q = 1 − p[y], p[y]), and the Jacobians of log-softmax and softmax
 * are applied once at the end, written so that nothing cancels as p_y → 1 (the target's entry
 * uses q = Σ_{k≠y} p_k instead of 1 − p_y) nor as p_y → 0 (no large terms that must cancel):
 *
 *   glY = gl at y,  SL = Σ_{k≠y} gl_k,  gpY = gp at y,  SP = Σ_{k≠y} p_k·gp_k
 *   dL/dz_j = gz_j + gl_j − p_j·(glY + SL) + p_j·(gp_j − p_y·gpY − SP)   (j ≠ y)
 *   dL/dz_y = gz_y + glY·q − p_y·SL + p_y·(q·gpY − SP)
 */
import { reachable, type Graph, type Node } from './ir.ts';

interface Split {
  /** Per-class part (a vector node, or a scalar broadcast to every class); null: none. */
  all: Node | null;
  /** Extra at the target class; null: none. */
  atY: Node | null;
}

export function gradient(g: Graph, root: Node): Node {
  const adj = new Map<number, Node>();
  const acc = (n: Node, v: Node) => {
    if (!n.dz) return;
    const prev = adj.get(n.id);
    adj.set(n.id, prev ? g.add(prev, v) : v);
  };
  const gz: Split = { all: null, atY: null };
  const gl: Split = { all: null, atY: null };
  const gp: Split = { all: null, atY: null };
  const put = (s: Split, part: 'all' | 'atY', v: Node) => { s[part] = s[part] ? g.add(s[part]!, v) : v; };

  acc(root, g.c(1));
  const order = reachable([root]).reverse();
  for (const n of order) {
    const A = adj.get(n.id);
    if (!A) continue;
    // A child gets `d`; a scalar child of a per-class node gets the sum of `d` over the classes.
    const to = (c: Node, d: Node) => acc(c, n.vec && !c.vec ? g.sum(d) : d);
    switch (n.op) {
      case 'const': break;
      case 'atom':
        if (n.name === 'ce') put(gl, 'atY', g.neg(A));
        else if (n.name === 'q') put(gp, 'atY', g.neg(A));
        else if (n.name === 'py') put(gp, 'atY', A);
        else if (n.name === 'zy') put(gz, 'atY', A);
        else if (n.name !== 'C') throw new Error(`derive: atom ${n.name} cannot be differentiated`);
        break;
      case 'vatom':
        if (n.name === 'z') put(gz, 'all', A);
        else if (n.name === 'p' || n.name === 'pmt') put(gp, 'all', A);
        else if (n.name === 'logp') put(gl, 'all', A);
        else if (n.name === 'omp') put(gp, 'all', g.neg(A));
        else if (n.name === 'rk') throw new Error('derive: rk cannot be differentiated');
        break;
      case 'neg': to(n.a, g.neg(A)); break;
      case 'add': to(n.a, A); to(n.b, A); break;
      case 'mul': to(n.a, g.mul(A, n.b)); to(n.b, g.mul(A, n.a)); break;
      case 'div': to(n.a, g.div(A, n.b)); to(n.b, g.neg(g.div(g.mul(A, n), n.b))); break;
      case 'log': to(n.a, g.div(A, n.a)); break;
      case 'exp': to(n.a, g.mul(A, n)); break;
      case 'abs': to(n.a, g.mul(A, g.unary('sign', n.a))); break;
      case 'sign': case 'ge': case 'isArgmax': break;
      case 'omen': to(n.a, g.mul(A, g.exp(g.neg(n.a)))); break;
      case 'pow': to(n.a, g.mul(A, g.mul(g.c(n.e), g.pow(n.a, n.e - 1)))); break;
      case 'max': {
        const s = g.ge(n.a, n.b);
        to(n.a, g.mul(A, s));
        to(n.b, g.mul(A, g.sub(g.c(1), s)));
        break;
      }
      case 'min': {
        const s = g.ge(n.b, n.a);
        to(n.a, g.mul(A, s));
        to(n.b, g.mul(A, g.sub(g.c(1), s)));
        break;
      }
      case 'sum': acc(n.a, A); break;
      case 'maxk': acc(n.a, g.mul(A, g.isArgmax(n))); break;
      default: throw new Error(`derive: cannot differentiate ${n.op}`);
    }
  }

  const p = g.vatom('p');
  const zero = g.c(0);
  const glY = g.add(gl.atY ?? zero, gl.all ? g.atY(gl.all) : zero);
  const sl = gl.all ? g.sum(gl.all, true) : zero;
  const gpY = g.add(gp.atY ?? zero, gp.all ? g.atY(gp.all) : zero);
  const sp = gp.all ? g.sum(g.mul(p, gp.all), true) : zero;
  const py = g.atom('py');
  const q = g.atom('q');
  const off = g.add(g.add(gz.all ?? zero, g.sub(gl.all ?? zero, g.mul(p, g.add(glY, sl)))),
    g.mul(p, g.sub(g.sub(gp.all ?? zero, g.mul(py, gpY)), sp)));
  const atTarget = g.add(g.add(gz.all ? g.atY(gz.all) : zero, gz.atY ?? zero),
    g.add(g.sub(g.mul(glY, q), g.mul(py, sl)), g.mul(py, g.sub(g.mul(q, gpY), sp))));
  return g.selY(off, atTarget);
}
