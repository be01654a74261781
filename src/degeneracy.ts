// When the data count as degenerate for Theorem 3.1 (λ0 = λ_min(H∞) > 0 iff no input is zero and no
// two are parallel): the thresholds, each once. Internal; the demo imports this file directly.

/** inputDiagnostics' default: two inputs are parallel when cos θ ≥ 1 − this. */
export const PARALLEL_COSINE_TOLERANCE = 1e-6;

/**
 * λ0 ≤ this · λ_max(H∞): nearly degenerate. λ0 may be > 0 in exact arithmetic (nearly parallel
 * inputs), but the residual along its eigenvector hardly shrinks (the demo warns).
 */
export const NEARLY_DEGENERATE_RATIO = 1e-7;

/** λ0 > this · λ_max(H∞): H∞ is invertible to float64 round-off (widthSweep's converged predictor H∞⁻¹ y). */
export const INVERTIBLE_RATIO = 1e-10;

/** Whether λ0 is nearly zero next to λ_max (NaN counts as degenerate). */
export function nearlyDegenerate(lambda0: number, lambdaMax: number): boolean {
  return !(lambda0 > NEARLY_DEGENERATE_RATIO * lambdaMax);
}

/** Whether H∞ with these extreme eigenvalues can be inverted in float64. */
export function invertibleGram(lambda0: number, lambdaMax: number): boolean {
  return lambda0 > INVERTIBLE_RATIO * lambdaMax;
}
