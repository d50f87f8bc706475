/**
 * The project's tolerances, stated once. Every output element is checked as
 *
 *     |actual − expected| ≤ abs + rel · scale,      rel = 1.3e-6 (PyTorch's float32 default)
 *
 * - Elementwise results (ReLU, pooling, an SGD update, a loss value or its gradient per logit):
 *   scale = |expected|, abs = 1e-5: torch.testing.assert_close's float32 defaults (F32). Each is
 *   a few correctly rounded float32 operations, and PyTorch holds its own kernels to this.
 * - Sums (matmul and convolution outputs and their gradients, bias gradients, column sums, and
 *   a whole model's activations and gradients): scale = Σ|termᵢ|, abs = 0 (SUM). Σ|termᵢ| is the
 *   magnitude of what was added, e.g. Σₖ|aᵢₖ·bₖⱼ| for an entry of A·B: the float64 reference rerun
 *   on |inputs| with the real ReLU masks and pooling winners (test/magnitude.ts for single ops;
 *   for a model, the fixture's `scales` from packages/nn/python/losslab_torch/magnitude.py, which
 *   carries each layer's Σ|terms| into the next, so errors propagated from earlier layers are
 *   covered too).
 *
 * Why Σ|termᵢ|: a float32 sum of k terms in any order is off by at most γₖ·Σ|termᵢ| (γₖ ≈ k·2⁻²⁴;
 * Higham, Accuracy and Stability of Numerical Algorithms, §3.1), and in practice by far less, since
 * rounding errors do not all point one way: measured here, |Δ| ≤ 2.8e-7·Σ|termᵢ| over every op
 * case (k up to 57 600) and the ConvNet's activations and gradients, 4.6× inside the bound. The
 * error scales with Σ|termᵢ|, not with the result: where terms cancel (a result near 0 out of
 * terms near 1) no float32 summation order, PyTorch's included, stays within rel·|expected|, so a
 * bound in |expected| demands compensated arithmetic (≈7× the work of a plain matmul). No abs is
 * needed: Σ|termᵢ| = 0 only when every term is 0, and then the sum is exactly 0. Gradients of a
 * model are 1e-6…1e-2, so an absolute 1e-5 would wave most of them through.
 *
 * A wrong index or a dropped term moves an entry by about one term, Σ|termᵢ|/k ≫ 1.3e-6·Σ|termᵢ|
 * at every k the project uses, so the bound stays far below what a bug costs.
 */
export interface Tolerance {
  rel: number;
  abs: number;
}

/** Elementwise results, against |expected|: torch.testing.assert_close's float32 defaults. */
export const F32: Tolerance = { rel: 1.3e-6, abs: 1e-5 };

/** Sums, against Σ|terms|: the same rel, no abs. */
export const SUM: Tolerance = { rel: F32.rel, abs: 0 };

/**
 * Central differences of a float64 function with step h: truncation O(h²·f''') and
 * cancellation O(ε₆₄/h) dominate, not float32 rounding.
 */
export const FINITE_DIFFERENCE: Tolerance = { rel: 1e-4, abs: 1e-5 };

/** The bound for one element: abs + rel · scale, scale being Σ|terms| for a sum or |expected| otherwise. */
export function bound(tol: Tolerance, expected: number, scale?: number): number {
  return tol.abs + tol.rel * (scale ?? Math.abs(expected));
}
