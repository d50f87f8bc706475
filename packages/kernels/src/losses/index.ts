/**
 * LossLab's losses, each defined once (definitions/<name>.ts, or a user's `name=expr` line), and
 * the one parser of loss names: `parseLoss('focal:2')`, `parseLoss('mypoly=ce + 2*(1-p[y])')`.
 * A parsed loss carries its compiled forms (WGSL, float64, PyTorch), label and canonical name.
 */
import { compileLoss, bindParams, type CompiledLoss, type Resolver } from './compile.ts';
import { LossDefinitionError, LOSS_NAME, splitInlineDefinition } from './parse.ts';
import { inRange, rangeText, type LossDefinition, type ParamRule } from './definition.ts';

export { LossDefinitionError, splitInlineDefinition } from './parse.ts';
export { rangeText, type LossDefinition, type ParamRule } from './definition.ts';
export type { CompiledLoss } from './compile.ts';
export { RowEvaluator } from './eval64.ts';
export { probeRows } from './compile.ts';

const modules = import.meta.glob<{ default: LossDefinition }>('./definitions/*.ts', { eager: true });

/** Every registered loss (built-ins and the zoo), in name order. */
export const LOSS_DEFINITIONS: readonly LossDefinition[] = Object.values(modules).map((m) => m.default).sort((a, b) => a.name.localeCompare(b.name));

const BY_NAME = new Map<string, LossDefinition>();
for (const d of LOSS_DEFINITIONS) {
  for (const n of [d.name, ...(d.aliases ?? [])]) {
    if (BY_NAME.has(n)) throw new Error(`loss name ${n} is defined twice`);
    BY_NAME.set(n, d);
  }
}

/** The built-in losses of the study (not the zoo). */
export const BUILTIN_LOSSES = LOSS_DEFINITIONS.filter((d) => !d.zoo);
export const ZOO_LOSSES = LOSS_DEFINITIONS.filter((d) => d.zoo);

export function lossDefinition(name: string): LossDefinition | undefined {
  return BY_NAME.get(name);
}

/** A loss as named by a user, resolved and compiled. */
export interface LossSpec {
  /** Canonical name: 'ce', 'focal:0.5', 'sce' (parameters at their defaults), 'sce:0.5,1', 'mypoly'. */
  name: string;
  /** Display label ('Focal0.5', 'mypoly'). */
  label: string;
  definition: LossDefinition;
  params: Record<string, number>;
  /** What to store to rebuild it: the canonical name, or for a user's loss its full `name=expr` line. */
  source: string;
  /** Defined by the user rather than registered. */
  user: boolean;
  compiled: CompiledLoss;
}

/** Formats a parameter value as written in names and labels (shortest round trip). */
const fmt = (v: number) => String(v);

const cache = new Map<string, CompiledLoss>();

function compileCached(def: LossDefinition, params: Record<string, number>, resolver: Resolver, offset: number, key: string): CompiledLoss {
  let c = cache.get(key);
  if (!c) {
    c = compileLoss(def, params, resolver, offset);
    cache.set(key, c);
  }
  return c;
}

function checkRanges(def: LossDefinition, params: Record<string, number>, input: string): void {
  for (const [k, rule] of Object.entries(def.params ?? {})) {
    if (!inRange(rule, params[k])) {
      throw new LossDefinitionError(`loss '${input}': ${k} must be ${rule.integer ? 'a whole number ' : ''}${rangeText(rule)}, got ${params[k]}`);
    }
  }
}

function label(def: LossDefinition, params: Record<string, number>, explicit: boolean): string {
  if (def.label) {
    const shown = def.label.replace(/\{(\w+)\}/g, (_, k: string) => fmt(params[k]));
    const all = Object.keys(params).every((k) => def.label!.includes(`{${k}}`));
    return explicit && !all ? `${shown}-${Object.values(params).map(fmt).join('-')}` : shown;
  }
  return explicit ? `${def.name}-${Object.values(params).map(fmt).join('-')}` : def.name;
}

export interface ParseOptions {
  /** Losses the user defined elsewhere (a config file, a loss file), by name. */
  definitions?: readonly LossDefinition[];
}

/** A user's inline line `name=expr` or `name(a=1)=expr` as a definition; null when it is not one. */
export function parseUserDefinition(line: string): LossDefinition | null {
  const d = splitInlineDefinition(line);
  if (!d) return null;
  if (BY_NAME.has(d.name)) throw new LossDefinitionError(`loss name "${d.name}" is taken by a built-in loss: choose another`);
  const params: Record<string, ParamRule> = {};
  for (const p of d.params) params[p.name] = { default: p.default };
  return { name: d.name, expr: d.expr, params, help: 'defined by the user' };
}

/** The line that defines a user's loss (stored in study.json). */
export function definitionLine(def: LossDefinition): string {
  const ps = Object.entries(def.params ?? {});
  return `${def.name}${ps.length ? `(${ps.map(([k, r]) => `${k}=${r.default}`).join(', ')})` : ''}=${def.expr.trim()}`;
}

/**
 * Parses a loss as users name it: a registered name with parameters ('focal:2', 'sce:0.1,1',
 * 'sce:alpha=0.5'), a golden-file spelling ('focal0.5', 'l1logits'), a user's inline definition
 * ('mypoly=ce + 2*(1-p[y])'), or the name of a loss in `opts.definitions`. Throws
 * LossDefinitionError with one line.
 */
export function parseLoss(input: string, opts: ParseOptions = {}): LossSpec {
  const users = new Map((opts.definitions ?? []).map((d) => [d.name, d]));
  const resolver: Resolver = { lookup: (n) => users.get(n) ?? BY_NAME.get(n) };
  const inline = splitInlineDefinition(input);
  if (inline) {
    const def = parseUserDefinition(input)!;
    users.set(def.name, def);
    const params = bindParams(def, [], {}, def.name);
    const line = definitionLine(def);
    const compiled = compileCached(def, params, { lookup: (n) => (n === def.name ? undefined : resolver.lookup(n)) }, inline.exprOffset, `user:${line}`);
    return { name: def.name, label: def.name, definition: def, params, source: line, user: true, compiled };
  }
  const s = input.trim().toLowerCase();
  let m = /^([a-z][a-z0-9_-]*)(?::(.*))?$/.exec(s);
  let def = m ? resolver.lookup(m[1]) : undefined;
  if (!def) {
    const golden = /^([a-z][a-z_-]*?)(\d[\d.]*)$/.exec(s);
    if (golden && resolver.lookup(golden[1])) {
      m = [s, golden[1], golden[2]] as unknown as RegExpExecArray;
      def = resolver.lookup(golden[1]);
    }
  }
  if (!m || !def) {
    if (s === '') throw new LossDefinitionError('empty loss name');
    throw new LossDefinitionError(`unknown loss '${input.trim()}' (known: ${lossNamesHelp()}; or define one: name=expression)`);
  }
  const values: number[] = [];
  const named: Record<string, number> = {};
  const rest = m[2];
  if (rest !== undefined) {
    for (const part of rest.split(',')) {
      const kv = /^\s*([a-z_][a-z0-9_]*)\s*=\s*(.*)$/.exec(part);
      const text = (kv ? kv[2] : part).trim();
      const v = text === '' ? NaN : Number(text);
      if (!Number.isFinite(v)) throw new LossDefinitionError(`loss '${input.trim()}': ${kv ? kv[1] : 'the parameter'} must be a number, got '${text}'`);
      if (kv) named[kv[1]] = v; else values.push(v);
    }
  }
  const params = bindParams(def, values, named, def.name);
  checkRanges(def, params, input.trim());
  const user = users.has(def.name);
  const atDefaults = Object.entries(def.params ?? {}).every(([k, r]) => r.default !== undefined && params[k] === r.default);
  const explicit = Object.keys(params).length > 0 && !atDefaults;
  const name = explicit ? `${def.name}:${Object.values(params).map(fmt).join(',')}` : def.name;
  const key = `${user ? `user:${definitionLine(def)}` : def.name}|${JSON.stringify(params)}`;
  const compiled = compileCached(def, params, resolver, 0, key);
  return { name, label: label(def, params, explicit), definition: def, params, source: user ? definitionLine(def) : name, user, compiled };
}

/** 'ce, focal:<gamma>, …' for help and errors. */
export function lossNamesHelp(defs: readonly LossDefinition[] = LOSS_DEFINITIONS): string {
  return defs.map((d) => {
    const ps = Object.entries(d.params ?? {}).filter(([, r]) => r.default === undefined).map(([k]) => `<${k}>`);
    return ps.length ? `${d.name}:${ps.join(',')}` : d.name;
  }).join(', ');
}

/** One line per loss: name, parameters with ranges and defaults, what it is, where it comes from. */
export function lossHelpLines(defs: readonly LossDefinition[] = LOSS_DEFINITIONS): string[] {
  return defs.map((d) => {
    const ps = Object.entries(d.params ?? {}).map(([k, r]) => `${k} ${rangeText(r)}${r.default !== undefined ? ` (default ${r.default})` : ''}`);
    return `${d.name}${ps.length ? ` [${ps.join('; ')}]` : ''}: ${d.help ?? d.expr}${d.citation ? ` — ${d.citation}` : ''}`;
  });
}

export { LOSS_NAME };
export { gradcheck, gradcheckRows, GRADCHECK_TOLERANCE, type GradcheckResult } from './gradcheck.ts';
