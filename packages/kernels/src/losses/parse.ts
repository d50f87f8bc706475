/**
 * The loss-definition language's tokenizer and parser (docs/losses.md). A definition is a
 * per-sample expression; the parser builds a tree and checks every name against a fixed
 * vocabulary. Nothing here is ever evaluated as JavaScript or pasted into WGSL: the compiler
 * (compile.ts) generates code from the tree.
 *
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := '-' unary | power
 *   power   := primary ('^' unary)?
 *   primary := number | name | name '[' ('k' | 'y') ']' | name '(' args ')' | '(' expr ')'
 *   args    := (arg (',' arg)*)? ;  arg := (name '=')? expr
 */

/** A definition error: one line, naming the problem and, where there is one, the column (1-based). */
export class LossDefinitionError extends Error {
  constructor(message: string, readonly column?: number) {
    super(column === undefined ? message : `${message} at column ${column}`);
    this.name = 'LossDefinitionError';
  }
}

export type Ast =
  | { type: 'num'; value: number; col: number }
  | { type: 'name'; name: string; col: number }
  | { type: 'index'; name: string; index: 'k' | 'y'; col: number }
  | { type: 'call'; name: string; args: Ast[]; keys: (string | null)[]; col: number }
  | { type: 'unary'; op: '-'; a: Ast; col: number }
  | { type: 'binary'; op: '+' | '-' | '*' | '/' | '^'; a: Ast; b: Ast; col: number };

interface Token {
  kind: 'num' | 'name' | 'op' | 'end';
  text: string;
  col: number;
}

const OPS = new Set(['+', '-', '*', '/', '^', '(', ')', '[', ']', ',', '=']);

export function tokenize(src: string, offset = 0): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) { i++; continue; }
    const col = offset + i + 1;
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) { out.push({ kind: 'num', text: num[0], col }); i += num[0].length; continue; }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) { out.push({ kind: 'name', text: name[0], col }); i += name[0].length; continue; }
    if (OPS.has(ch)) { out.push({ kind: 'op', text: ch, col }); i++; continue; }
    throw new LossDefinitionError(`unexpected character "${ch}"`, col);
  }
  out.push({ kind: 'end', text: '', col: offset + src.length + 1 });
  return out;
}

/** Parses one expression; `offset` is the number of characters before `src` in the user's line (for columns). */
export function parseExpression(src: string, offset = 0): Ast {
  const toks = tokenize(src, offset);
  let pos = 0;
  const peek = () => toks[pos];
  const next = () => toks[pos++];
  const expect = (text: string, what: string) => {
    const t = next();
    if (t.text !== text || t.kind !== 'op') throw new LossDefinitionError(`expected ${what}${t.kind === 'end' ? ' before the end' : ` but found "${t.text}"`}`, t.col);
  };
  const isOp = (text: string) => peek().kind === 'op' && peek().text === text;

  function expr(): Ast {
    let a = term();
    while (isOp('+') || isOp('-')) {
      const t = next();
      a = { type: 'binary', op: t.text as '+' | '-', a, b: term(), col: t.col };
    }
    return a;
  }
  function term(): Ast {
    let a = unary();
    while (isOp('*') || isOp('/')) {
      const t = next();
      a = { type: 'binary', op: t.text as '*' | '/', a, b: unary(), col: t.col };
    }
    return a;
  }
  function unary(): Ast {
    if (isOp('-')) {
      const t = next();
      return { type: 'unary', op: '-', a: unary(), col: t.col };
    }
    if (isOp('+')) { next(); return unary(); }
    const a = primary();
    if (isOp('^')) {
      const t = next();
      return { type: 'binary', op: '^', a, b: unary(), col: t.col };
    }
    return a;
  }
  function primary(): Ast {
    const t = next();
    if (t.kind === 'num') {
      const value = Number(t.text);
      if (!Number.isFinite(value)) throw new LossDefinitionError(`number "${t.text}" is out of range`, t.col);
      return { type: 'num', value, col: t.col };
    }
    if (t.kind === 'name') {
      if (isOp('[')) {
        next();
        const ix = next();
        if (ix.kind !== 'name' || (ix.text !== 'k' && ix.text !== 'y')) throw new LossDefinitionError(`index must be k or y, found "${ix.text}"`, ix.col);
        expect(']', '"]"');
        return { type: 'index', name: t.text, index: ix.text, col: t.col };
      }
      if (isOp('(')) {
        next();
        const args: Ast[] = [];
        const keys: (string | null)[] = [];
        if (!isOp(')')) {
          for (;;) {
            if (peek().kind === 'name' && toks[pos + 1].kind === 'op' && toks[pos + 1].text === '=') {
              keys.push(next().text);
              next();
            } else keys.push(null);
            args.push(expr());
            if (isOp(',')) { next(); continue; }
            break;
          }
        }
        expect(')', '")"');
        return { type: 'call', name: t.text, args, keys, col: t.col };
      }
      return { type: 'name', name: t.text, col: t.col };
    }
    if (t.kind === 'op' && t.text === '(') {
      const a = expr();
      expect(')', '")"');
      return a;
    }
    throw new LossDefinitionError(t.kind === 'end' ? 'expression ends too early' : `unexpected "${t.text}"`, t.col);
  }

  const tree = expr();
  const rest = peek();
  if (rest.kind !== 'end') throw new LossDefinitionError(`unexpected "${rest.text}"`, rest.col);
  return tree;
}

/** A user's inline definition: `name=expr` or `name(param=default, …)=expr`. */
export interface InlineDefinition {
  name: string;
  params: { name: string; default: number }[];
  expr: string;
  /** Characters of the line before `expr` (for columns). */
  exprOffset: number;
}

export const LOSS_NAME = /^[a-z][a-z0-9_-]*$/;

/** Splits `name=expr` / `name(a=1, b=2)=expr`; null when `line` is not an inline definition (no '=' before any '('…). */
export function splitInlineDefinition(line: string): InlineDefinition | null {
  const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(\(([^)]*)\))?\s*=(?!=)/.exec(line);
  if (!m) return null;
  const name = m[1];
  if (!LOSS_NAME.test(name)) throw new LossDefinitionError(`loss name "${name}" must be lower case (letters, digits, - and _)`, 1);
  const params: InlineDefinition['params'] = [];
  if (m[3] !== undefined && m[3].trim() !== '') {
    let col = line.indexOf('(') + 2;
    for (const part of m[3].split(',')) {
      const pm = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*$/.exec(part);
      if (!pm) throw new LossDefinitionError(`parameter must be written name=number, found "${part.trim()}"`, col);
      params.push({ name: pm[1], default: Number(pm[2]) });
      col += part.length + 1;
    }
  }
  return { name, params, expr: line.slice(m[0].length), exprOffset: m[0].length };
}
