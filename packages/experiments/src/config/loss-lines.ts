/**
 * Loss lists and loss-definition lines as text, free of Node (the browser's Train form reads the
 * same): `--losses` split at top-level commas, and definition lines (`name=expression`, `#`
 * comments) each compiled by the kernels' loss compiler in turn, so a later one may use an earlier one.
 */
import { LossDefinitionError, parseLoss as parseDefinedLoss, parseUserDefinition, definitionLine, type LossDefinition } from '@losslab/kernels';

/** Splits a --losses list at commas outside parentheses and brackets (definitions may hold max(a, b)). */
export function splitLossList(v: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of v) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * The definitions in `text`, one per line (blank lines and `#` comments ignored), each checked by
 * the loss compiler; a bad line goes to `problem` (1-based line) and is left out — a `problem` that
 * throws stops at the first.
 */
export function definitionsFromText(text: string, problem: (line: number, message: string) => void): LossDefinition[] {
  const defs: LossDefinition[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    try {
      const def = parseUserDefinition(line);
      if (!def) throw new LossDefinitionError('expected name=expression');
      if (defs.some((d) => d.name === def.name)) throw new LossDefinitionError(`loss "${def.name}" is defined twice`);
      parseDefinedLoss(definitionLine(def), { definitions: defs });
      defs.push(def);
    } catch (e) {
      if (e instanceof LossDefinitionError) problem(i + 1, e.message);
      else throw e;
    }
  });
  return defs;
}
