/**
 * The PyTorch back end: a compiled loss's value (ir.ts) as one Python expression over the names
 * packages/nn/python/losslab_torch/defined.py provides (z, y, p, t, logp, zy, py, ce, q, C and
 * helpers), giving the per-sample loss as [N, 1]. Autograd differentiates it; the fixtures of
 * built-in and zoo losses come from the hand-written losses.py instead, so a wrong rule here or
 * in the compiler is caught by comparing the two. Generated from the graph only.
 */
import type { Node } from './ir.ts';

function num(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`torch: constant ${v} is not finite`);
  return v < 0 ? `(${v})` : String(v);
}

export function torchExpression(value: Node): string {
  const memo = new Map<number, string>();
  const e = (n: Node): string => {
    const hit = memo.get(n.id);
    if (hit) return hit;
    let s: string;
    switch (n.op) {
      case 'const': s = num(n.v); break;
      case 'atom': s = n.name; break;
      case 'vatom': s = n.name === 'pmt' ? '(p - t)' : n.name; break;
      case 'neg': s = `(-${e(n.a)})`; break;
      case 'log': case 'exp': case 'abs': case 'sqrt': case 'sign': s = `_${n.op}(${e(n.a)})`; break;
      case 'omen': s = `(-_expm1(-${e(n.a)}))`; break;
      case 'pow': s = `_pow(${e(n.a)}, ${num(n.e)})`; break;
      case 'add': s = `(${e(n.a)} + ${e(n.b)})`; break;
      case 'mul': s = `(${e(n.a)} * ${e(n.b)})`; break;
      case 'div': s = `(${e(n.a)} / ${e(n.b)})`; break;
      case 'max': case 'min': s = `_${n.op}(${e(n.a)}, ${e(n.b)})`; break;
      case 'sum': s = `_sum_k(${e(n.a)})`; break;
      case 'maxk': s = `_max_k(${e(n.a)})`; break;
      default: throw new Error(`torch: ${n.op} is not part of a loss's value`);
    }
    memo.set(n.id, s);
    return s;
  };
  return e(value);
}
