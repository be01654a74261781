// Generalisation (Arora, Du, Hu, Li, Wang, ICML 2019; DESIGN §9): the leading term of their
// data-dependent bound, √(2 yᵀ(H∞)⁻¹y / n), and the distance the weights travel, √(yᵀ(H∞)⁻¹y),
// both from one Cholesky solve H∞ z = y (float64 TypeScript, n³/3 flops: 0.8 s at n = 1 000 and
// 6.7 s at n = 2 000 in Node 20 on the development machine), or in n² from H∞'s eigendecomposition
// when the caller has it (generalizationTermsFromEigen: the labels experiment needs eigh for the spectrum).
import { OverparamRangeError } from '../errors.js';
import { checkMatrix, checkSymmetric, checkVector, type Matrix } from '../matrix.js';
import { choleskySolve } from './ntk.js';
import { labelSpectrum } from './modes.js';
import type { Eigendecomposition } from '../spectra.js';

/** What {@link generalizationTerms} returns. */
export interface GeneralizationTerms {
  /** n, the number of training points. */
  n: number;
  /** yᵀ(H∞)⁻¹y. */
  quadraticForm: number;
  /** √(2 yᵀ(H∞)⁻¹y / n): the leading term of Arora et al.'s Theorem 5.1. */
  bound: number;
  /** √(yᵀ(H∞)⁻¹y): the leading term of ‖W(k) − W(0)‖_F (their Lemma 5.3). */
  distance: number;
}

/**
 * yᵀ(H∞)⁻¹y and the two predictions made from it, from one Cholesky solve: the generalisation
 * bound's leading term √(2 yᵀ(H∞)⁻¹y / n) and the weight distance √(yᵀ(H∞)⁻¹y).
 * `Hinf` is gramInfinity(X) (n×n, symmetric positive definite); `y` the n training labels.
 * Throws OverparamRangeError BAD_VALUE when H∞ is not positive definite (λ0 ≈ 0: zero or parallel
 * inputs, see inputDiagnostics), BAD_SHAPE / NOT_SYMMETRIC / NOT_FINITE for malformed arguments.
 *
 * @example
 * const { X, y } = await loadDigits({ task: 'evenOdd', n: 1000 }); // 0.8 s for the solve
 * const { bound, distance } = generalizationTerms(gramInfinity(X), y);
 */
export function generalizationTerms(Hinf: Matrix, y: Float32Array | Float64Array): GeneralizationTerms {
  return terms(Hinf, y, 'generalizationTerms');
}

/**
 * The leading term of Arora et al.'s generalisation bound (their Theorem 5.1: for a 1-Lipschitz loss
 * into [0, 1], after enough steps, L_D(f) ≤ √(2 yᵀ(H∞)⁻¹y / n) + O(√(log(n/(λ0δ))/n))).
 * Errors as {@link generalizationTerms}.
 */
export function generalizationBound(Hinf: Matrix, y: Float32Array | Float64Array): number {
  return terms(Hinf, y, 'generalizationBound').bound;
}

/**
 * The distance the weights travel, ‖W(k) − W(0)‖_F ≈ √(yᵀ(H∞)⁻¹y) (Arora et al.'s Lemma 5.3,
 * leading term, for the paper's parametrisation and a small initialisation). Errors as
 * {@link generalizationTerms}.
 */
export function distancePrediction(Hinf: Matrix, y: Float32Array | Float64Array): number {
  return terms(Hinf, y, 'distancePrediction').distance;
}

function terms(Hinf: Matrix, y: Float32Array | Float64Array, fn: string): GeneralizationTerms {
  const H = checkMatrix(Hinf, `${fn}: Hinf`);
  checkSymmetric(H, `${fn}: Hinf`);
  const n = H.rows;
  checkVector(y, `${fn}: y`, n);
  let z: Float64Array;
  try {
    // A pivot at round-off level (≤ n·2⁻⁵²·max H_ii) means H∞ is singular to working precision.
    z = choleskySolve(H, y, { pivotFloor: n * 2 ** -52 });
  } catch (error) {
    if (error instanceof RangeError && (error as { code?: string }).code === 'BAD_VALUE') {
      throw new OverparamRangeError('BAD_VALUE',
        `${fn}: H∞ is not positive definite, so yᵀ(H∞)⁻¹y is undefined: λ0 = λ_min(H∞) ≈ 0, ` +
        'which happens when inputs are zero or parallel (inputDiagnostics(X) names them; remove or perturb them) ' +
        `[${error.message}]`, { cause: error });
    }
    throw error;
  }
  let quadraticForm = 0;
  for (let i = 0; i < n; i++) quadraticForm += y[i] * z[i];
  // Round-off can leave a tiny negative yᵀ(H∞)⁻¹y for y ≈ 0; it is ≥ 0 for positive definite H∞.
  quadraticForm = Math.max(0, quadraticForm);
  return {
    n, quadraticForm,
    // Arora et al. 2019, Theorem 5.1 (leading term): √(2 yᵀ(H∞)⁻¹y / n).
    bound: Math.sqrt(2 * quadraticForm / n),
    // Arora et al. 2019, Lemma 5.3 (leading term): ‖W(k) − W(0)‖_F ≈ √(yᵀ(H∞)⁻¹y).
    distance: Math.sqrt(quadraticForm),
  };
}

/**
 * {@link generalizationTerms} from H∞'s eigendecomposition (eigh(gramInfinity(X))), in n² work:
 * yᵀ(H∞)⁻¹y = Σ_i (v_iᵀy)²/λ_i. Agrees with the Cholesky form to round-off times H∞'s condition
 * number. Throws OverparamRangeError BAD_VALUE when λ_min ≤ n·2⁻⁵²·λ_max (H∞ singular to working
 * precision: λ0 ≈ 0, see inputDiagnostics).
 */
export function generalizationTermsFromEigen(eigen: Eigendecomposition, y: Float32Array | Float64Array): GeneralizationTerms {
  const fn = 'generalizationTermsFromEigen';
  const n = eigen?.values?.length;
  checkVector(y, `${fn}: y`, n);
  const { eigenvalues, energy } = labelSpectrum(eigen, y);
  const largest = eigenvalues[0], smallest = eigenvalues[n - 1];
  if (!(smallest > n * 2 ** -52 * largest)) {
    throw new OverparamRangeError('BAD_VALUE',
      `${fn}: H∞ is not positive definite to working precision (λ0 = λ_min(H∞) = ${smallest.toExponential(3)} ≈ 0 ` +
      `beside λ_max = ${largest.toExponential(3)}), so yᵀ(H∞)⁻¹y is undefined: inputs are zero or parallel ` +
      '(inputDiagnostics(X) names them; remove or perturb them)');
  }
  let quadraticForm = 0;
  // Arora et al. 2019, Section 5: yᵀ(H∞)⁻¹y = Σ_i (v_iᵀy)²/λ_i.
  for (let i = 0; i < n; i++) quadraticForm += energy[i] / eigenvalues[i];
  return {
    n, quadraticForm,
    // Arora et al. 2019, Theorem 5.1 (leading term): √(2 yᵀ(H∞)⁻¹y / n).
    bound: Math.sqrt(2 * quadraticForm / n),
    // Arora et al. 2019, Lemma 5.3 (leading term): ‖W(k) − W(0)‖_F ≈ √(yᵀ(H∞)⁻¹y).
    distance: Math.sqrt(quadraticForm),
  };
}

/**
 * The 0–1 error of ±1 classification by the sign of the outputs: the fraction of i with
 * sign(f(x_i)) ≠ y_i (an output of exactly 0 counts as an error), for the test error measured along
 * training (e.g. classificationError(net.predict(test.X), test.y) from train's onStep).
 */
export function classificationError(outputs: ArrayLike<number>, y: ArrayLike<number>): number {
  const fn = 'classificationError';
  if (outputs?.length !== y?.length) {
    throw new OverparamRangeError('BAD_SHAPE', `${fn}: outputs and y differ in length (${outputs?.length} ≠ ${y?.length})`);
  }
  if (y.length === 0) throw new OverparamRangeError('BAD_SHAPE', `${fn}: needs at least one point`);
  let wrong = 0;
  for (let i = 0; i < y.length; i++) if (!(outputs[i] * y[i] > 0)) wrong++;
  return wrong / y.length;
}
