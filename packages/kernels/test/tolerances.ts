/**
 * The project's tolerances, stated once. Every output element is checked as
 *
 *     |actual − expected| ≤ abs + rel · scale
 *
 * with PyTorch's own float32 defaults (torch.testing.assert_close: rel 1.3e-6, abs 1e-5) and
 *
 * - scale = |expected| for elementwise results (ReLU, pooling, an SGD update, a loss gradient
 *   per logit): each is a few correctly rounded float32 operations, so assert_close's
 *   defaults hold as they do for PyTorch's own kernels;
 * - scale = Σ|termᵢ| for sums (matmul and convolution outputs and their gradients, bias
 *   gradients, column sums): the magnitude of what was added, e.g. Σₖ|aᵢₖ·bₖⱼ| for an entry of
 *   A·B. A float32 sum of k terms in any order is off by at most γₖ·Σ|termᵢ| (γₖ ≈ k·2⁻²⁴,
 *   Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1), and in practice by
 *   about √k·2⁻²⁴·Σ|termᵢ| or less, since rounding errors do not all point the same way. The
 *   error scales with Σ|termᵢ|, not with the result: where terms cancel (a result near 0 out
 *   of terms near 1) no float32 order of summation, PyTorch's included, gets within
 *   rel·|expected|, so a bound in |expected| would demand compensated (≈7× slower)
 *   arithmetic. Σ|termᵢ| is the float64 reference run on |inputs| (`magnitudes` in
 *   test/random.ts), computed in the comparison from the inputs.
 *
 * A wrong index or a dropped term moves an entry by about one term, Σ|termᵢ|/k ≫ 1.3e-6·Σ|termᵢ|
 * at every k the project uses (k ≤ 57 600 for a batch-64 conv weight gradient), so the bound
 * stays far below what a bug costs. Finite differences are another matter: FINITE_DIFFERENCE.
 */
export interface Tolerance {
  rel: number;
  abs: number;
}

/** torch.testing.assert_close's defaults for float32, applied to |expected| or to Σ|terms|. */
export const F32: Tolerance = { rel: 1.3e-6, abs: 1e-5 };

/**
 * Central differences of a float64 function with step h: truncation O(h²·f''') and
 * cancellation O(ε₆₄/h) dominate, not float32 rounding.
 */
export const FINITE_DIFFERENCE: Tolerance = { rel: 1e-4, abs: 1e-5 };

/** The bound for one element: abs + rel · scale, scale being Σ|terms| for a sum or |expected| otherwise. */
export function bound(tol: Tolerance, expected: number, scale?: number): number {
  return tol.abs + tol.rel * (scale ?? Math.abs(expected));
}
