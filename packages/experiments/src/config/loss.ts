/**
 * Loss names and their result labels (docs/results-format.md): ce → CE, focal:<g> → Focal<g>,
 * l1 → L1, l1-logits → L1logits, ls:<eps> → LS<eps>, gce:<q> → GCE<q>.
 */
import { UsageError } from '../util/errors.ts';

export type LossKind = 'ce' | 'focal' | 'l1' | 'l1-logits' | 'ls' | 'gce';

export interface ParsedLoss {
  kind: LossKind;
  /** focal γ, label-smoothing ε or GCE q; null for losses without one. */
  param: number | null;
  /** Canonical name, e.g. 'focal:0.5' for 'focal:0.50'. */
  name: string;
  label: string;
}

const PLAIN: Record<string, { kind: LossKind; label: string }> = {
  ce: { kind: 'ce', label: 'CE' },
  l1: { kind: 'l1', label: 'L1' },
  'l1-logits': { kind: 'l1-logits', label: 'L1logits' },
};

const PARAMETRIC: Record<string, { kind: LossKind; label: string; what: string; valid: (x: number) => boolean; range: string }> = {
  focal: { kind: 'focal', label: 'Focal', what: 'γ', valid: (g) => g >= 0, range: '≥ 0' },
  ls: { kind: 'ls', label: 'LS', what: 'ε', valid: (e) => e >= 0 && e < 1, range: 'in [0, 1)' },
  gce: { kind: 'gce', label: 'GCE', what: 'q', valid: (q) => q > 0 && q <= 1, range: 'in (0, 1]' },
};

const KNOWN = "ce, focal:<γ>, l1, l1-logits, ls:<ε>, gce:<q>";

export function parseLoss(input: string): ParsedLoss {
  const s = input.trim().toLowerCase();
  const plain = PLAIN[s];
  if (plain) return { kind: plain.kind, param: null, name: s, label: plain.label };
  const m = /^([a-z0-9-]+):(.*)$/.exec(s);
  const p = m ? PARAMETRIC[m[1]] : undefined;
  if (!m || !p) {
    if (PARAMETRIC[s]) throw new UsageError(`loss '${input}' needs its parameter ${PARAMETRIC[s].what}, e.g. '${s}:${s === 'focal' ? 2 : s === 'ls' ? 0.1 : 0.7}'`);
    throw new UsageError(`unknown loss '${input}' (known: ${KNOWN})`);
  }
  const x = m[2].trim() === '' ? NaN : Number(m[2]);
  if (!Number.isFinite(x)) throw new UsageError(`loss '${input}': ${p.what} must be a number, got '${m[2]}'`);
  if (!p.valid(x)) throw new UsageError(`loss '${input}': ${p.what} must be ${p.range}, got ${x}`);
  const num = String(x);
  return { kind: p.kind, param: x, name: `${m[1]}:${num}`, label: `${p.label}${num}` };
}

export function lossLabel(name: string): string {
  return parseLoss(name).label;
}
