/** The classification losses LossLab studies, their names on the command line and their labels. */
export type LossKind =
  | { kind: 'ce' }
  | { kind: 'focal'; gamma: number }
  | { kind: 'l1' }
  | { kind: 'l1-logits' }
  | { kind: 'ls'; eps: number }
  | { kind: 'gce'; q: number };

const NAMES = "'ce', 'focal:<gamma>', 'l1', 'l1-logits', 'ls:<eps>', 'gce:<q>'";

function num(name: string, text: string): number {
  const v = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v)) throw new Error(`loss "${name}": "${text}" is not a number`);
  return v;
}

/**
 * Parses 'ce', 'focal:<g>', 'l1', 'l1-logits', 'ls:<eps>', 'gce:<q>'. The golden files' spellings
 * ('focal0.5', 'focal2', 'l1logits') are accepted too.
 */
export function parseLoss(name: string): LossKind {
  const s = name.trim().toLowerCase();
  if (s === 'ce') return { kind: 'ce' };
  if (s === 'l1') return { kind: 'l1' };
  if (s === 'l1-logits' || s === 'l1logits') return { kind: 'l1-logits' };
  const m = /^(focal|ls|gce):?(.*)$/.exec(s);
  if (!m) throw new Error(`unknown loss "${name}"; expected one of ${NAMES}`);
  if (m[2] === '') throw new Error(`loss "${name}" needs a parameter, e.g. ${m[1]}:${m[1] === 'focal' ? '2' : m[1] === 'ls' ? '0.1' : '0.7'}`);
  const v = num(name, m[2]);
  switch (m[1]) {
    case 'focal':
      if (v < 0) throw new Error(`loss "${name}": focal gamma must be >= 0 (got ${v})`);
      return { kind: 'focal', gamma: v };
    case 'ls':
      if (!(v >= 0 && v < 1)) throw new Error(`loss "${name}": label smoothing eps must be in [0, 1) (got ${v})`);
      return { kind: 'ls', eps: v };
    default:
      if (!(v > 0 && v <= 1)) throw new Error(`loss "${name}": GCE q must be in (0, 1] (got ${v})`);
      return { kind: 'gce', q: v };
  }
}

/** Display label: 'CE', 'Focal0.5', 'Focal2', 'L1', 'L1logits', 'LS0.1', 'GCE0.7'. */
export function lossLabel(k: LossKind): string {
  switch (k.kind) {
    case 'ce': return 'CE';
    case 'focal': return `Focal${k.gamma}`;
    case 'l1': return 'L1';
    case 'l1-logits': return 'L1logits';
    case 'ls': return `LS${k.eps}`;
    case 'gce': return `GCE${k.q}`;
  }
}
