/**
 * Holm's step-down correction for m comparisons tested together (a summary table's comparisons
 * against CE): sort the p-values, multiply the k-th smallest by (m − k + 1), keep the running
 * maximum, cap at 1. Controls the family-wise error rate at α without assuming independence.
 */

/** Adjusted p-values in the input's order (nulls stay null and are not counted in m). */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const tested = pValues.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null).sort((a, b) => a.p - b.p);
  const m = tested.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  tested.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    out[i] = running;
  });
  return out;
}

/** Fewer paired seeds than this: the comparison is reported but not tested (the t-test has 1 degree of freedom or none). */
export const MIN_SEEDS_TO_TEST = 3;
