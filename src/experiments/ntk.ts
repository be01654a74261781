// Kernel predictions (seeds 003/004): as m → ∞ a network trained by GD predicts like kernel
// regression with H∞, f(x) ≈ f₀(x) + H∞(x, X) H∞⁻¹ (y − u(0)). Plain float64 TypeScript: these run
// once per experiment on n×n matrices, far from the training loop's hot path.
import { gramInfinity, type GramInfinityOptions } from '../kernels.js';
import { kernelRegimeGain, kernelRegimeStep } from './theory.js';
import { OverparamRangeError } from '../errors.js';
import { checkFinite, checkInteger, checkMatrix, checkPositive, checkSymmetric, type Matrix } from '../matrix.js';

/**
 * Both blocks of H∞ for a training set X (n×d) and a test set T (t×d): `train` = H∞(X, X) (n×n)
 * and `cross` = H∞(T, X) (t×n), entry (p, j) = t_pᵀx_j (π − θ_pj)/(2π) (Theorem 3.1).
 * Computed as one gramInfinity of the stacked rows [T; X], so the formula exists in one place.
 * `options` are gramInfinity's (activation, part, negativeSlope, scale): every limit kernel is a
 * function of the pair (x, x′) alone, so the stacked matrix's blocks are the train and cross kernels
 * of any activation and part (e.g. `{ activation: 'tanh', part: 'both' }` for H* + K^a).
 */
export function crossGramInfinity(Xtrain: Matrix, Xtest: Matrix, options: GramInfinityOptions = {}): { train: Matrix; cross: Matrix } {
  const train = checkMatrix(Xtrain, 'crossGramInfinity: Xtrain', { float32: true });
  const test = checkMatrix(Xtest, 'crossGramInfinity: Xtest', { cols: train.cols, float32: true });
  const n = train.rows, t = test.rows, d = train.cols, total = n + t;
  const stacked = new Float32Array(total * d);
  stacked.set(test.data);
  stacked.set(train.data, t * d);
  const H = gramInfinity({ rows: total, cols: d, data: stacked }, options).data;
  const trainBlock = new Float64Array(n * n);
  const cross = new Float64Array(t * n);
  for (let i = 0; i < n; i++) trainBlock.set(H.subarray((t + i) * total + t, (t + i + 1) * total), i * n);
  for (let p = 0; p < t; p++) cross.set(H.subarray(p * total + t, (p + 1) * total), p * n);
  return { train: { rows: n, cols: n, data: trainBlock }, cross: { rows: t, cols: n, data: cross } };
}

/**
 * Solves A x = b for symmetric positive definite A (n×n) by Cholesky, A = L Lᵀ; inputs untouched.
 * Throws OverparamRangeError when A is not positive definite (for H∞: λ0 ≈ 0, degenerate inputs):
 * when a pivot L_jj² is ≤ `pivotFloor` × max_i A_ii (default 0; n·2⁻⁵² also refuses matrices
 * singular to working precision, whose last pivot round-off leaves slightly positive).
 */
export function choleskySolve(A: Matrix, b: ArrayLike<number>, { pivotFloor = 0 }: { pivotFloor?: number } = {}): Float64Array {
  const Am = checkMatrix(A, 'choleskySolve: A');
  const n = Am.rows;
  if (Am.cols !== n || b.length !== n) {
    throw new OverparamRangeError('BAD_SHAPE', `choleskySolve: A must be n×n and b of length n, got ${Am.rows}×${Am.cols} and ${b.length}`);
  }
  // Cholesky reads only the lower triangle: a non-symmetric A would be solved as another matrix.
  checkSymmetric(Am, 'choleskySolve: A');
  checkFinite(b, 'choleskySolve: b');
  const L = Float64Array.from(Am.data);
  let largestDiagonal = 0;
  for (let j = 0; j < n; j++) largestDiagonal = Math.max(largestDiagonal, L[j * n + j]);
  const floor = pivotFloor * largestDiagonal;
  for (let j = 0; j < n; j++) {
    let diagonal = L[j * n + j];
    for (let k = 0; k < j; k++) diagonal -= L[j * n + k] * L[j * n + k];
    if (!(diagonal > floor)) {
      throw new OverparamRangeError('BAD_VALUE',
        `choleskySolve: the matrix is not positive definite (pivot ${j} is ${diagonal.toExponential(3)}); ` +
        'for H∞ this means λ0 ≈ 0: look for zero or parallel inputs (inputDiagnostics)');
    }
    const pivot = Math.sqrt(diagonal);
    L[j * n + j] = pivot;
    for (let i = j + 1; i < n; i++) {
      let sum = L[i * n + j];
      for (let k = 0; k < j; k++) sum -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = sum / pivot;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) { // L z = b
    let sum = x[i];
    for (let k = 0; k < i; k++) sum -= L[i * n + k] * x[k];
    x[i] = sum / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) { // Lᵀ x = z
    let sum = x[i];
    for (let k = i + 1; k < n; k++) sum -= L[k * n + i] * x[k];
    x[i] = sum / L[i * n + i];
  }
  return x;
}

/** Options of {@link ntkPredict}. */
export interface NtkPredictOptions {
  /**
   * Predict the kernel-regime network after `steps` GD steps of size `eta` instead of at
   * convergence: r(k+1) = (I − ηH∞) r(k) on the training set, f_k(x) = f₀(x) + H∞(x, X) η Σ_{j<k} r(j).
   */
  eta?: number;
  steps?: number;
  /** u(0): the initial network's outputs on the training inputs (default 0). */
  initialTrain?: ArrayLike<number>;
  /** f₀(Xtest): the initial network's outputs on the test inputs (default 0). */
  initialTest?: ArrayLike<number>;
}

/**
 * The infinite-width (NTK) predictor at the test inputs: H∞(Xtest, X) H∞⁻¹ y (seeds 003/004).
 * With `initialTrain`/`initialTest` it adds the initial network's function, f₀(x) + H∞(x, X) H∞⁻¹ (y − u(0)),
 * which is what a very wide network converges to from that start; with `eta` and `steps`, the
 * kernel-regime prediction after that many GD steps rather than at convergence.
 *
 * @example
 * const train = sphereData({ n: 50, d: 10, seed: 1 }), test = sphereData({ n: 5, d: 10, seed: 2 });
 * const f = ntkPredict(train.X, train.y, test.X); // Float64Array(5)
 */
export function ntkPredict(Xtrain: Matrix, ytrain: ArrayLike<number>, Xtest: Matrix, options: NtkPredictOptions = {}): Float64Array {
  return kernelPredict(crossGramInfinity(Xtrain, Xtest), ytrain, options);
}

/**
 * @internal {@link ntkPredict} from H∞'s blocks as {@link crossGramInfinity} returns them, for a caller
 * that predicts many times on one data set (widthSweep: once per run) and computes the blocks once.
 */
export function kernelPredict(
  { train, cross }: { train: Matrix; cross: Matrix }, ytrain: ArrayLike<number>, options: NtkPredictOptions = {},
): Float64Array {
  const n = train.rows, t = cross.rows;
  const { eta, steps, initialTrain, initialTest } = options;
  if (ytrain.length !== n) throw new OverparamRangeError('BAD_SHAPE', `ntkPredict: ytrain must have length ${n}, got ${ytrain.length}`);
  if (initialTrain && initialTrain.length !== n) {
    throw new OverparamRangeError('BAD_SHAPE', `ntkPredict: initialTrain must have length ${n}, got ${initialTrain.length}`);
  }
  if (initialTest && initialTest.length !== t) {
    throw new OverparamRangeError('BAD_SHAPE', `ntkPredict: initialTest must have length ${t}, got ${initialTest.length}`);
  }
  if ((eta === undefined) !== (steps === undefined)) {
    throw new OverparamRangeError('BAD_VALUE', 'ntkPredict: give both eta and steps, or neither');
  }
  checkFinite(ytrain, 'ntkPredict: ytrain');
  if (initialTrain) checkFinite(initialTrain, 'ntkPredict: initialTrain');
  if (initialTest) checkFinite(initialTest, 'ntkPredict: initialTest');
  const residual = Float64Array.from(ytrain, (v, i) => v - (initialTrain ? initialTrain[i] : 0));

  let coefficients: Float64Array;
  if (eta === undefined || steps === undefined) {
    coefficients = choleskySolve(train, residual);
  } else {
    checkPositive(eta, 'ntkPredict: eta');
    checkInteger(steps, 'ntkPredict: steps', 0);
    // Function-space GD with the fixed kernel: the coefficients collect η r(j) at every step.
    coefficients = new Float64Array(n);
    const H = train.data, next = new Float64Array(n);
    for (let k = 0; k < steps; k++) {
      for (let i = 0; i < n; i++) coefficients[i] += eta * residual[i];
      kernelRegimeStep(H, n, eta, residual, next);
      residual.set(next);
    }
  }
  return predictAt(cross, coefficients, initialTest);
}

/**
 * @internal {@link kernelPredict} through H∞'s eigendecomposition H∞ = V diag(λ) Vᵀ, for widthSweep,
 * which has it already: the kernel-regime coefficients η Σ_{k<K} r(k) = V diag(g) Vᵀ r(0) with
 * g_j = η Σ_{k<K} (1 − ηλ_j)^k = (1 − (1 − ηλ_j)^K)/λ_j, and at convergence (no eta and steps)
 * H∞⁻¹ r(0) = V diag(1/λ) Vᵀ r(0). Equal to kernelPredict's iteration and Cholesky solve up to
 * float64 round-off (times H∞'s condition number), at n² work instead of K·n² or n³/3.
 */
export function kernelPredictFromEigen(
  eigen: { values: Float64Array; vectors: Matrix }, cross: Matrix, ytrain: ArrayLike<number>, options: NtkPredictOptions = {},
): Float64Array {
  const n = eigen.values.length, V = eigen.vectors.data;
  const { eta, steps, initialTrain, initialTest } = options;
  const projected = new Float64Array(n); // Vᵀ r(0)
  for (let i = 0; i < n; i++) {
    const ri = ytrain[i] - (initialTrain ? initialTrain[i] : 0);
    for (let j = 0; j < n; j++) projected[j] += V[i * n + j] * ri;
  }
  for (let j = 0; j < n; j++) {
    const lambda = eigen.values[j];
    projected[j] *= eta === undefined || steps === undefined ? 1 / lambda : kernelRegimeGain(eta, lambda, steps);
  }
  const coefficients = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += V[i * n + j] * projected[j];
    coefficients[i] = sum;
  }
  return predictAt(cross, coefficients, initialTest);
}

/** f(x_p) = f₀(x_p) + Σ_j H∞(x_p, x_j) c_j: the kernel predictor at the test inputs from its coefficients. */
function predictAt(cross: Matrix, coefficients: Float64Array, initialTest?: ArrayLike<number>): Float64Array {
  const n = cross.cols, t = cross.rows;
  const prediction = new Float64Array(t);
  for (let p = 0; p < t; p++) {
    let sum = initialTest ? initialTest[p] : 0;
    for (let j = 0; j < n; j++) sum += cross.data[p * n + j] * coefficients[j];
    prediction[p] = sum;
  }
  return prediction;
}
