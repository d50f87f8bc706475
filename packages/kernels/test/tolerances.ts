/**
 * The project's tolerances, stated once: |actual - expected| <= abs + rel · |expected|.
 * Forward values 1e-5 relative (1e-6 absolute); gradients 1e-4 relative (1e-5 absolute).
 */
export interface Tolerance {
  rel: number;
  abs: number;
}
export const FORWARD: Tolerance = { rel: 1e-5, abs: 1e-6 };
export const GRADIENT: Tolerance = { rel: 1e-4, abs: 1e-5 };

/** Outputs named grad_* (or listed in a case's `gradients`) are gradients; the rest are forward values. */
export function toleranceFor(output: string): Tolerance {
  return output.startsWith('grad') ? GRADIENT : FORWARD;
}
