/**
 * From a definition's tree (parse.ts) to a compiled loss: names resolved against a fixed
 * vocabulary, parameters bound to numbers, other named losses inlined, the numerics rewrites
 * applied (ir.ts), checks (division by zero, not differentiable, NaN on probe logits), and the
 * gradient derived (derive.ts). The compiled loss carries its WGSL, float64 and PyTorch forms.
 */
import { LossDefinitionError, parseExpression, type Ast } from './parse.ts';
import { Graph, reachable, type Node } from './ir.ts';
import { gradient } from './derive.ts';
import { RowEvaluator } from './eval64.ts';
import { lossRowWgsl } from './wgsl.ts';
import { torchExpression } from './torch.ts';
import type { LossDefinition } from './definition.ts';

/** Functions of the language and their argument counts. */
const FUNCTIONS: Record<string, number> = { log: 1, exp: 1, abs: 1, sqrt: 1, pow: 2, min: 2, max: 2, clamp: 3, sum_k: 1, max_k: 1, sum_i: 3 };
/** sum_i(a, b, expr): expr summed for i = a … b (unrolled; at most this many terms). */
const MAX_SERIES = 64;
const INDEXED = new Set(['z', 'p', 't']);

export interface CompiledLoss {
  /** Per-sample value and d value / d z (a per-class node), in one graph. */
  graph: Graph;
  value: Node;
  grad: Node;
  /** `fn lossRow(i, C, y, grad) -> LossRow` for loss.wgsl and the fused head. */
  wgsl: string;
  /** The same function under another name (a kernel serving several losses names each its own). */
  wgslNamed(name: string): string;
  /** A PyTorch expression of z [N, C], y [N] (losslab_torch/defined.py) giving the per-sample loss [N, 1]. */
  torch: string;
  /** Identifies the generated code (pipeline caches). */
  key: string;
}

/** FNV-1a of the generated WGSL, as 8 hex digits. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export interface Resolver {
  /** A named loss (built-in, zoo or the user's), for inlining; undefined: not a loss. */
  lookup(name: string): LossDefinition | undefined;
}

/** Binds a definition's parameters: positional values in declaration order, or by name; defaults fill the rest. */
export function bindParams(def: LossDefinition, values: number[], named: Record<string, number>, where: string): Record<string, number> {
  const rules = def.params ?? {};
  const names = Object.keys(rules);
  if (values.length > names.length) throw new LossDefinitionError(`${where} takes ${names.length} parameter${names.length === 1 ? '' : 's'}${names.length ? ` (${names.join(', ')})` : ''}, got ${values.length}`);
  const out: Record<string, number> = {};
  names.forEach((n, i) => { if (i < values.length) out[n] = values[i]; });
  for (const [k, v] of Object.entries(named)) {
    if (!(k in rules)) throw new LossDefinitionError(`${where} has no parameter ${k}${names.length ? ` (it has ${names.join(', ')})` : ''}`);
    out[k] = v;
  }
  for (const n of names) {
    if (out[n] === undefined) {
      if (rules[n].default === undefined) throw new LossDefinitionError(`parameter ${n} missing (${where}:<${n}>)`);
      out[n] = rules[n].default!;
    }
  }
  return out;
}

interface Scope {
  params: Record<string, number>;
  /** Inside sum_k / max_k. */
  inK: boolean;
  /** Loss names being inlined (cycles). */
  stack: string[];
  /** Column offset of this expression within the user's line, or null inside an inlined definition. */
  own: boolean;
}

class Lowering {
  readonly g = new Graph();
  /** Column of the '/' or 'log' that made a node, for the division check. */
  readonly cols = new Map<number, number>();

  constructor(private readonly resolver: Resolver) {}

  lowerDefinition(def: LossDefinition, params: Record<string, number>, stack: string[], own: boolean, offset = 0): Node {
    if (stack.includes(def.name)) throw new LossDefinitionError(`loss "${def.name}" refers to itself (${[...stack, def.name].join(' → ')})`);
    let tree: Ast;
    try {
      tree = parseExpression(def.expr, offset);
    } catch (e) {
      if (!own && e instanceof LossDefinitionError) throw new LossDefinitionError(`in loss "${def.name}": ${e.message}`);
      throw e;
    }
    return this.lower(tree, { params, inK: false, stack: [...stack, def.name], own });
  }

  private err(msg: string, s: Scope, col: number): never {
    throw new LossDefinitionError(s.own ? msg : `${msg} (in loss "${s.stack[s.stack.length - 1]}")`, s.own ? col : undefined);
  }

  private constant(n: Node, what: string, s: Scope, col: number): number {
    if (n.op !== 'const') this.err(`${what} must be a number or a parameter`, s, col);
    return (n as { v: number }).v;
  }

  lower(t: Ast, s: Scope): Node {
    return this.foldTarget(this.lowerNode(t, s));
  }

  /**
   * A per-class expression of t[k] alone (e.g. max(log(t[k]), -4)) is a + b·t[k] for one-hot
   * targets: folded at compile time, so log(0) never reaches a shader.
   */
  private foldTarget(n: Node): Node {
    if (!n.vec || n.dz || n.op === 'vatom' || n.op === 'isArgmax') return n;
    if (reachable([n]).some((m) => m.op === 'atom')) return n; // depends on C: not a constant pair
    const v = new RowEvaluator([0, 0], 0).vector(n);
    const [at1, at0] = [v[0], v[1]];
    if (!Number.isFinite(at0) || !Number.isFinite(at1)) return n;
    const g = this.g;
    return g.add(g.c(at0), g.mul(g.c(at1 - at0), g.vatom('t')));
  }

  private lowerNode(t: Ast, s: Scope): Node {
    const g = this.g;
    switch (t.type) {
      case 'num': return g.c(t.value);
      case 'name': {
        if (t.name in s.params) return g.c(s.params[t.name]);
        if (t.name === 'C') return g.atom('C');
        if (t.name === 'k' || t.name === 'y') this.err(`${t.name} is an index: write z[${t.name}], p[${t.name}] or t[${t.name}]`, s, t.col);
        if (INDEXED.has(t.name)) this.err(`${t.name} needs an index: ${t.name}[k] or ${t.name}[y]`, s, t.col);
        const def = this.resolver.lookup(t.name);
        if (def) return this.inline(def, [], {}, s, t.col);
        return this.err(`unknown name "${t.name}"`, s, t.col);
      }
      case 'index': {
        if (!INDEXED.has(t.name)) this.err(`unknown name "${t.name}"`, s, t.col);
        if (t.index === 'k') {
          if (!s.inK) this.err(`${t.name}[k] outside sum_k(…) or max_k(…)`, s, t.col);
          return g.vatom(t.name as 'z' | 'p' | 't');
        }
        return t.name === 'z' ? g.atom('zy') : t.name === 'p' ? g.atom('py') : g.c(1);
      }
      case 'unary': return g.neg(this.lower(t.a, s));
      case 'binary': {
        const a = this.lower(t.a, s);
        if (t.op === '^') return g.pow(a, this.constant(this.lower(t.b, s), 'an exponent', s, t.b.col));
        const b = this.lower(t.b, s);
        switch (t.op) {
          case '+': return g.add(a, b);
          case '-': return g.sub(a, b);
          case '*': return g.mul(a, b);
          case '/': {
            if (b.op === 'const' && b.v === 0) this.err('division by zero', s, t.col);
            const n = g.div(a, b);
            if (!this.cols.has(n.id)) this.cols.set(n.id, t.col);
            return n;
          }
        }
        break;
      }
      case 'call': {
        const arity = FUNCTIONS[t.name];
        if (arity === undefined) {
          const def = this.resolver.lookup(t.name);
          if (!def) this.err(`unknown function "${t.name}"`, s, t.col);
          const vals: number[] = [];
          const named: Record<string, number> = {};
          t.args.forEach((a, i) => {
            const v = this.constant(this.lower(a, s), `parameter of ${t.name}`, s, a.col);
            if (t.keys[i] === null) vals.push(v);
            else named[t.keys[i]!] = v;
          });
          return this.inline(def!, vals, named, s, t.col);
        }
        if (t.keys.some((k) => k !== null)) this.err(`${t.name} takes no named arguments`, s, t.col);
        if (t.args.length !== arity) this.err(`${t.name} takes ${arity} argument${arity > 1 ? 's' : ''}, got ${t.args.length}`, s, t.col);
        if (t.name === 'sum_i') {
          const [a, b] = t.args.slice(0, 2).map((x) => this.constant(this.lower(x, s), 'a bound of sum_i', s, x.col));
          if (!Number.isInteger(a) || !Number.isInteger(b) || b < a || b - a + 1 > MAX_SERIES) this.err(`sum_i's bounds must be whole numbers a ≤ b with at most ${MAX_SERIES} terms`, s, t.col);
          let acc = g.c(0);
          for (let i = a; i <= b; i++) acc = g.add(acc, this.lower(t.args[2], { ...s, params: { ...s.params, i } }));
          return acc;
        }
        if (t.name === 'sum_k' || t.name === 'max_k') {
          const body = this.lower(t.args[0], { ...s, inK: true });
          return t.name === 'sum_k' ? g.sum(body) : g.maxk(body);
        }
        const args = t.args.map((a) => this.lower(a, s));
        switch (t.name) {
          case 'log': {
            const n = g.log(args[0]);
            if (!this.cols.has(n.id)) this.cols.set(n.id, t.col);
            return n;
          }
          case 'exp': return g.exp(args[0]);
          case 'abs': return g.unary('abs', args[0]);
          case 'sqrt': {
            const n = g.unary('sqrt', args[0]);
            if (!this.cols.has(n.id)) this.cols.set(n.id, t.col);
            return n;
          }
          case 'pow': return g.pow(args[0], this.constant(args[1], "pow's exponent", s, t.args[1].col));
          case 'min': return g.min(args[0], args[1]);
          case 'max': return g.max(args[0], args[1]);
          case 'clamp': return g.min(g.max(args[0], args[1]), args[2]);
        }
      }
    }
    throw new Error(`compile: unhandled ${JSON.stringify(t)}`);
  }

  private inline(def: LossDefinition, vals: number[], named: Record<string, number>, s: Scope, col: number): Node {
    let params: Record<string, number>;
    try {
      params = bindParams(def, vals, named, def.name);
    } catch (e) {
      if (e instanceof LossDefinitionError) this.err(e.message, s, col);
      throw e;
    }
    return this.lowerDefinition(def, params, s.stack, false);
  }
}

/** Logits that put p_y, or another class, at the edges; each named for messages. */
export function probeRows(c: number): { name: string; z: number[]; y: number }[] {
  const base = Array.from({ length: c }, (_, j) => 0.37 * Math.sin(3 * j + 1));
  const y = c > 1 ? 1 : 0;
  const set = (f: (z: number[]) => void) => { const z = [...base]; f(z); return z; };
  return [
    { name: 'z = 0', z: base.map(() => 0), y },
    { name: 'p[y] = 0', z: set((z) => { z[y] = -1e4; }), y },
    { name: 'p[y] = 1', z: set((z) => { z[y] = 1e4; }), y },
    { name: 'p[k] = 0', z: set((z) => { z[(y + 1) % c] = -1e4; }), y },
    { name: 'p[y] near 1e-30', z: set((z) => { z[y] = -69; }), y },
    { name: 'p[y] near 1 − 1e-12', z: set((z) => { z[y] = 30; }), y },
  ];
}

function checkDomain(l: Lowering, value: Node): void {
  const guarded = reachable([value]).filter((n) => n.op === 'div' || n.op === 'log' || (n.op === 'pow' && n.e < 0) || n.op === 'sqrt');
  if (!guarded.length) return;
  for (const c of [10, 3]) {
    for (const probe of probeRows(c)) {
      const ev = new RowEvaluator(probe.z, probe.y);
      for (const n of guarded) {
        const arg = n.op === 'div' ? n.b : (n as { a: Node }).a;
        const vals = arg.vec ? Array.from(ev.vector(arg)) : [ev.scalar(arg)];
        const bad = n.op === 'div' || n.op === 'pow' ? vals.some((v) => v === 0) : n.op === 'log' ? vals.some((v) => v <= 0) : vals.some((v) => v < 0);
        if (!bad) continue;
        const what = n.op === 'div' || n.op === 'pow' ? 'division by zero' : n.op === 'log' ? 'log of zero' : 'square root of a negative number';
        throw new LossDefinitionError(`${what} is possible at ${probe.name}: use clamp`, l.cols.get(n.id));
      }
    }
  }
}

/**
 * Compiles `def` with `params` bound. `offset` is the column offset of the expression within the
 * user's line (inline definitions), so errors point into what they typed.
 */
export function compileLoss(def: LossDefinition, params: Record<string, number>, resolver: Resolver, offset = 0): CompiledLoss {
  const l = new Lowering(resolver);
  const value = l.lowerDefinition(def, params, [], true, offset);
  if (value.vec) throw new LossDefinitionError('the loss must be one number per sample: wrap per-class terms in sum_k(…) or max_k(…)');
  if (!value.dz) throw new LossDefinitionError('loss is not differentiable in z (it does not depend on z or p)');
  checkDomain(l, value);
  const grad = gradient(l.g, value);
  // Refused: NaN or Inf in the value or the gradient at the probe logits.
  for (const probe of [...probeRows(10), ...probeRows(3)]) {
    const ev = new RowEvaluator(probe.z, probe.y);
    const v = ev.scalar(value);
    const gr = ev.vector(grad);
    if (!Number.isFinite(v)) throw new LossDefinitionError(`the loss is ${v} at ${probe.name} (C = ${probe.z.length}): use clamp`);
    const j = gr.findIndex((x) => !Number.isFinite(x));
    if (j >= 0) throw new LossDefinitionError(`the gradient is ${gr[j]} at ${probe.name} (C = ${probe.z.length}): use clamp`);
  }
  const wgsl = lossRowWgsl(value, grad);
  return { graph: l.g, value, grad, wgsl, wgslNamed: (name: string) => lossRowWgsl(value, grad, name), torch: torchExpression(value), key: hash(wgsl) };
}
