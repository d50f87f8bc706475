/** What a loss definition says (one file per loss in definitions/, or a user's inline line). */

export interface ParamRule {
  /** Used when the loss is named without this parameter; none: the parameter must be given. */
  default?: number;
  /** Bounds; `open` excludes the bound itself. */
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
  /** What the parameter is (help text), e.g. 'focusing parameter γ'. */
  help?: string;
  /** Must be a whole number (e.g. a series' order). */
  integer?: boolean;
}

export interface LossDefinition {
  /** The name on the command line, lower case, e.g. 'focal'. */
  name: string;
  /** The per-sample loss in the definition language (docs/losses.md). */
  expr: string;
  /** Parameters in order (positional values follow this order: 'focal:2'). */
  params?: Record<string, ParamRule>;
  /** Display label; {param} is replaced by the parameter's value, e.g. 'Focal{gamma}'. Default: the name. */
  label?: string;
  /** One line for the help text. */
  help?: string;
  /** Where the loss comes from. */
  citation?: string;
  /** Other spellings accepted on the command line (e.g. golden files' 'l1logits'). */
  aliases?: string[];
  /** Part of the literature zoo (gets hand-written PyTorch parity and gradcheck in CI). */
  zoo?: boolean;
}

/** 'in (0, 1]', '≥ 0', … */
export function rangeText(r: ParamRule): string {
  const lo = r.min !== undefined;
  const hi = r.max !== undefined;
  if (lo && hi) return `in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
  if (lo) return `${r.minOpen ? '>' : '≥'} ${r.min}`;
  if (hi) return `${r.maxOpen ? '<' : '≤'} ${r.max}`;
  return 'any number';
}

export function inRange(r: ParamRule, v: number): boolean {
  if (!Number.isFinite(v)) return false;
  if (r.integer && !Number.isInteger(v)) return false;
  if (r.min !== undefined && (r.minOpen ? v <= r.min : v < r.min)) return false;
  if (r.max !== undefined && (r.maxOpen ? v >= r.max : v > r.max)) return false;
  return true;
}
