/**
 * The WGSL back end: a compiled loss (its value and derived gradient, ir.ts/derive.ts) becomes
 * loss_row.wgsl's `lossRow` for that loss, shared by the loss kernel and the fused head. Code is
 * generated from the graph only (numbers are formatted by this file, names come from a fixed
 * table): nothing a user wrote reaches the shader as text.
 *
 * Schedule: every node gets a level (a reduction is one more than the scalars its body reads);
 * each level is one loop over the classes computing that level's reductions, followed by the
 * level's scalars. The gradient is the last loop. Equal subexpressions are one `let`.
 */
import { children, reachable, type Node } from './ir.ts';

function lit(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`wgsl: constant ${v} is not finite`);
  const f = Math.fround(v);
  let s = String(f === v ? v : f);
  if (!/[.eE]/.test(s)) s += '.0';
  return v < 0 ? `(${s})` : s;
}

function powCode(x: string, e: number): string {
  if (e === 0.5) return `sqrt(${x})`;
  if (e === -0.5) return `(1.0 / sqrt(${x}))`;
  const a = Math.abs(e);
  if (Number.isInteger(a) && a <= 8) {
    const prod = `(${['1.0', ...Array(a).fill(x)].join(' * ')})`;
    return e > 0 ? prod : `(1.0 / ${prod})`;
  }
  if (Number.isInteger(2 * a) && a <= 8) {
    const prod = [...Array(Math.floor(a)).fill(x), `sqrt(${x})`].join(' * ');
    return e > 0 ? `(${prod})` : `(1.0 / (${prod}))`;
  }
  // x^e = 2^(e·log2 x) for x > 0; 0 at x ≤ 0 when e > 0 (as 0^e).
  return e > 0 ? `select(0.0, exp2(${lit(e)} * log2(${x})), ${x} > 0.0)` : `exp2(${lit(e)} * log2(${x}))`;
}

/**
 * Generates `fn <name>(i, C, y, grad) -> LossRow` (default `lossRow`) for a loss whose per-sample
 * value is `value` and gradient `grad`. A kernel serving several losses (one per lockstep run)
 * includes each under its own name; the text is the same whatever the name.
 */
export function lossRowWgsl(value: Node, grad: Node, name = 'lossRow'): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`wgsl: '${name}' is not a function name`);
  const nodes = reachable([value, grad]);
  const level = new Map<number, number>();
  for (const n of nodes) {
    const l = Math.max(0, ...children(n).map((c) => level.get(c.id)!));
    level.set(n.id, n.op === 'sum' || n.op === 'sumOther' || n.op === 'maxk' ? l + 1 : l);
  }
  const lines: string[] = [];
  const scalarName = (n: Node) => `s${n.id}`;

  // Expression for node n with class index `ix` ('k', 'y' or null for scalars); vector nodes are
  // bound into `out` once per index.
  function emitter(ix: string, out: string[]) {
    const bound = new Map<number, string>();
    const ref = (n: Node): string => {
      if (!n.vec) return scalarRef(n);
      let name = bound.get(n.id);
      if (!name) {
        name = `v${n.id}_${ix}`;
        out.push(`let ${name} = ${expr(n, ref, ix)};`);
        bound.set(n.id, name);
      }
      return name;
    };
    return ref;
  }
  const scalarRef = (n: Node): string => {
    if (n.op === 'const') return lit(n.v);
    if (n.op === 'atom') return n.name === 'C' ? 'f32(C)' : n.name;
    return scalarName(n);
  };

  function expr(n: Node, ref: (m: Node) => string, ix: string): string {
    const a = 'a' in n ? () => ref(n.a) : () => '';
    const b = 'b' in n ? () => ref((n as { b: Node }).b) : () => '';
    switch (n.op) {
      case 'const': case 'atom': return scalarRef(n);
      case 'vatom':
        switch (n.name) {
          case 'z': return `logitAt(i, ${ix})`;
          case 'p': return `exp(logitAt(i, ${ix}) - mx) * inv`;
          case 't': return `select(0.0, 1.0, ${ix} == y)`;
          case 'logp': return `select(logitAt(i, ${ix}) - lse, -ce, ${ix} == y)`;
          case 'pmt': return `select(exp(logitAt(i, ${ix}) - mx) * inv, -q, ${ix} == y)`;
          case 'omp': return `oneMinusP(i, ${ix}, y, pre)`;
          case 'rk': return `negLogPOverOneMinusP(i, ${ix}, y, pre)`;
        }
        break;
      case 'neg': return `-${a()}`;
      case 'log': case 'exp': case 'abs': case 'sign': case 'sqrt': return `${n.op}(${a()})`;
      case 'omen': return `oneMinusExpNeg(${a()})`;
      case 'pow': return powCode(a(), n.e);
      case 'add': return `${a()} + ${b()}`;
      case 'mul': return `${a()} * ${b()}`;
      case 'div': return `${a()} / ${b()}`;
      case 'max': case 'min': return `${n.op}(${a()}, ${b()})`;
      case 'ge': return `select(0.0, 1.0, ${a()} >= ${b()})`;
      case 'isArgmax': return `select(0.0, 1.0, ${ix} == am${n.a.id})`;
      case 'selY': return `select(${a()}, ${b()}, ${ix} == y)`;
      case 'atY': return atTarget(n.a);
    }
    throw new Error(`wgsl: cannot emit ${n.op}`);
  }

  const atTarget = emitter('y', lines);
  const maxLevel = Math.max(0, ...nodes.map((n) => level.get(n.id)!));
  for (let L = 0; L <= maxLevel; L++) {
    const reductions = nodes.filter((n) => level.get(n.id) === L && (n.op === 'sum' || n.op === 'sumOther' || n.op === 'maxk'));
    if (reductions.length) {
      for (const r of reductions) {
        lines.push(`var ${scalarName(r)} = 0.0;`);
        if (r.op === 'maxk') lines.push(`var am${r.id} = 0u;`);
      }
      const body: string[] = [];
      const ref = emitter('k', body);
      const updates = reductions.map((r) => {
        const v = ref((r as { a: Node }).a);
        if (r.op === 'sum') return `${scalarName(r)} += ${v};`;
        if (r.op === 'sumOther') return `if (k != y) { ${scalarName(r)} += ${v}; }`;
        return `if (k == 0u || ${v} > ${scalarName(r)}) { ${scalarName(r)} = ${v}; am${r.id} = k; }`;
      });
      lines.push('for (var k = 0u; k < C; k++) {', ...[...body, ...updates].map((l) => `  ${l}`), '}');
    }
    for (const n of nodes) {
      if (n.vec || level.get(n.id) !== L || n.op === 'const' || n.op === 'atom' || n.op === 'sum' || n.op === 'sumOther' || n.op === 'maxk') continue;
      const e = expr(n, atTarget, 'y');
      lines.push(`let ${scalarName(n)} = ${e};`);
    }
  }
  const loss = value.vec ? '0.0' : scalarRef(value);
  const gbody: string[] = [];
  const gv = emitter('k', gbody)(grad);
  lines.push('if (grad) {', '  for (var k = 0u; k < C; k++) {', ...[...gbody, `setGrad(i, k, ${gv});`].map((l) => `    ${l}`), '  }', '}');
  return `
fn ${name}(i: u32, C: u32, y: u32, grad: bool) -> LossRow {
  let pre = lossPrelude(i, C, y);
  let mx = pre.mx; let inv = pre.inv; let lse = pre.lse; let q = pre.q; let py = pre.py; let zy = pre.zy; let ce = pre.ce; let r = pre.r; let am = pre.am;
${lines.map((l) => `  ${l}`).join('\n')}
  return LossRow(${loss}, select(0u, 1u, am == y));
}
`;
}
