// What the theory predicts for a run, computed rather than drawn by hand. Each formula lives here
// once, with the paper's (Du, Zhai, Póczos, Singh, ICLR 2019) equation or theorem beside it.
import { eigh, type Eigendecomposition } from '../spectra.js';
import { OverparamRangeError } from '../errors.js';
import type { Matrix } from '../matrix.js';

/** Relative level ‖y − u(k)‖²/‖y − u(0)‖² under which float32 round-off, not the rate, shapes the curve. */
export const ROUND_OFF_FLOOR = 1e-9;

/**
 * Theorem 4.1's bound on the training error: ‖y − u(k)‖² ≤ (1 − ηλ0/2)^k ‖y − u(0)‖², k = 0..steps.
 * The theorem assumes m = Ω(n⁶/(λ0⁴δ³)) and η = O(λ0/n²); the line is drawn at the η actually used.
 *
 * Each value is ‖y − u(0)‖² · factor^k (factor = 1 − ηλ0/2 as a double) carried to about k·2⁻¹⁰⁴
 * relative error and rounded once: the correctly rounded double but for near-ties, and the same bits
 * on every host. The host's `**` is not used: its last bits differ between JavaScript engines (Node
 * and Chromium disagreed on about one k in ten).
 */
export function convergenceBound(initialResidualSq: number, eta: number, lambda0: number, steps: number): number[] {
  const factor = 1 - (eta * lambda0) / 2; // Theorem 4.1: per-step contraction (1 − ηλ0/2)
  const bound: number[] = [];
  // factor^k as an unevaluated sum hi + lo (double-double), advanced one exact product at a time:
  // only IEEE additions and multiplications, whose results every engine must round identically.
  let hi = 1, lo = 0;
  for (let k = 0; k <= steps; k++) {
    if (k > 0) [hi, lo] = timesDouble(hi, lo, factor);
    const [h, l] = timesDouble(hi, lo, initialResidualSq);
    bound.push(h + l);
  }
  return bound;
}

/** Veltkamp's split of a double into two halves of 26 bits, so their products are exact. */
const SPLITTER = 134217729; // 2^27 + 1

/** Beyond this magnitude SPLITTER · x could overflow. */
const SPLIT_LIMIT = 1e290;

/**
 * (hi + lo) · b in double-double (Dekker's product without a fused multiply-add). Falls back to the
 * plain product where splitting could overflow or the product is not finite.
 */
function timesDouble(hi: number, lo: number, b: number): [number, number] {
  const p = hi * b;
  if (!Number.isFinite(p) || Math.abs(hi) > SPLIT_LIMIT || Math.abs(b) > SPLIT_LIMIT) return [p, 0];
  const ah = SPLITTER * hi - (SPLITTER * hi - hi), al = hi - ah;
  const bh = SPLITTER * b - (SPLITTER * b - b), bl = b - bh;
  const error = ((ah * bh - p) + ah * bl + al * bh) + al * bl; // hi·b − p, exactly
  const sum = p + (error + lo * b);
  return [sum, (p - sum) + (error + lo * b)];
}

/**
 * Corollary 4.1's radius: every w_r stays within R' = 4√n ‖y − u(0)‖₂ / (√m λ0) of w_r(0). With
 * α and γ (DESIGN §7.1) the same argument gives 4√n ‖y − u(0)‖₂ · m^(γ−1)/(α λ0), which is the
 * paper's at α = 1, γ = ½ (and computed by its formula there, bit for bit). Infinity when λ0 ≤ 0 (degenerate data: the theorem says nothing).
 */
export function distanceBound({ n, m, initialResidualNorm, lambda0, outputScale = 1, widthExponent = 0.5 }: {
  n: number; m: number; initialResidualNorm: number; lambda0: number;
  /** α of f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) (default 1, the paper's). */
  outputScale?: number;
  /** γ (default ½, the paper's). */
  widthExponent?: number;
}): number {
  if (!(lambda0 > 0)) return Infinity;
  if (outputScale === 1 && widthExponent === 0.5) {
    return (4 * Math.sqrt(n) * initialResidualNorm) / (Math.sqrt(m) * lambda0); // Corollary 4.1, eq. (6)
  }
  // The same argument with the step η·m^(γ−1)/α of DESIGN §7.1 in place of η/√m: each w_r moves
  // at most η·m^(γ−1)/α·√n‖y − u(k)‖ a step (|a_r ψ′| ≤ 1), summed over the geometric decay.
  return (4 * Math.sqrt(n) * initialResidualNorm * Math.pow(m, widthExponent - 1)) / (outputScale * lambda0);
}

/** Lemma 3.1: for m large, λ_min(H(0)) ≥ ¾λ0. */
export function initialGramFloor(lambda0: number): number {
  return 0.75 * lambda0; // Lemma 3.1
}

/** Lemma 3.1: for m large, ‖H(0) − H∞‖₂ ≤ λ0/4 (the gap that keeps λ_min(H(0)) ≥ ¾λ0). */
export function initialGramDeviationBound(lambda0: number): number {
  return lambda0 / 4; // Lemma 3.1
}

/** Lemma 3.1: ‖H(0) − H∞‖₂ shrinks like 1/√m, a slope of −½ against m on log-log axes. */
export const GRAM_DEVIATION_SLOPE = -0.5; // Lemma 3.1 (Hoeffding over the m neurons)

/** Lemma 3.2 / Condition 4.1: λ_min(H(k)) > λ0/2 at every step k, which gives Theorem 4.1's rate. */
export function trainingGramFloor(lambda0: number): number {
  return lambda0 / 2; // Lemma 3.2 (used in Theorem 4.1)
}

/** Theorem 4.1's step size η = O(λ0/n²), reported with constant 1: λ0/n². */
export function theoryStepSize(lambda0: number, n: number): number {
  return lambda0 / (n * n); // Theorem 4.1: η = O(λ0/n²)
}

/** Gradient descent on a quadratic with Hessian H is stable iff η < 2/λ_max(H). */
export function stabilityLimit(lambdaMax: number): number {
  return largestStableStep(lambdaMax, 'sum', 1);
}

/**
 * @internal 2/λ_max(H), the largest stable η, in the units of train()'s η and loss: the mean loss
 * divides the gradient by n, so its limit is 2n/λ_max.
 */
export function largestStableStep(lambdaMax: number, loss: 'sum' | 'mean', n: number): number {
  return (loss === 'mean' ? 2 * n : 2) / lambdaMax; // GD on a quadratic: stable iff η < 2/λ_max
}

/**
 * @internal The kernel regime's recursion r(k+1) = (I − ηH∞) r(k) (seeds 003/004; DESIGN §7.4 for
 * GD) on one eigen-coordinate of r: it shrinks by this factor, 1 − ηλ, every step.
 */
export function kernelRegimeFactor(eta: number, lambda: number): number {
  return 1 - eta * lambda; // r(k+1) = (I − ηH∞) r(k), along the eigenvector of λ
}

/**
 * @internal The same recursion summed: the coefficients f_K = f₀ + H∞(·, X) η Σ_{k<K} r(k) collect,
 * along the eigenvector of λ, g = η Σ_{k<K} (1 − ηλ)^k = (1 − (1 − ηλ)^K)/λ times r(0) (ηK when λ = 0).
 */
export function kernelRegimeGain(eta: number, lambda: number, steps: number): number {
  if (lambda === 0) return eta * steps;
  // 1 − (1 − x)^K without cancellation for small x = ηλ: −expm1(K log1p(−x)).
  if (Math.abs(eta * lambda) < 0.5) return -Math.expm1(steps * Math.log1p(-eta * lambda)) / lambda;
  return (1 - kernelRegimeFactor(eta, lambda) ** steps) / lambda;
}

/**
 * @internal One step of the same recursion on the training set with the matrix itself:
 * next = (I − ηH) r for the n×n row-major H.
 */
export function kernelRegimeStep(H: ArrayLike<number>, n: number, eta: number, r: ArrayLike<number>, next: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += H[i * n + j] * r[j];
    next[i] = r[i] - eta * sum; // r(k+1) = (I − ηH∞) r(k)
  }
}

/** Result of {@link infiniteWidthTrajectory}. */
export interface TrajectoryResult {
  /** ‖r(k)‖², k = 0..steps. */
  residualSq: number[];
  /** r(steps). */
  finalResidual: Float64Array;
}

/**
 * The infinite-width (kernel-regime) residual r(k) = (I − ηH∞)^k r(0), exactly, through the
 * eigendecomposition H∞ = V Λ Vᵀ: with c = Vᵀ r(0), ‖r(k)‖² = Σ_j (1 − ηλ_j)^{2k} c_j².
 * Pass the eigendecomposition (from `eigh`) to reuse it across several r(0).
 *
 * @param Hinf H∞ (n×n, symmetric) or its eigendecomposition.
 * @param r0 r(0) = y − u(0).
 */
export function infiniteWidthTrajectory(
  Hinf: Matrix | Eigendecomposition, r0: ArrayLike<number>, eta: number, steps: number,
): TrajectoryResult {
  const { values, vectors } = 'values' in Hinf ? Hinf : eigh(Hinf);
  const n = values.length;
  if (r0.length !== n) {
    throw new OverparamRangeError('BAD_SHAPE', `infiniteWidthTrajectory: r0 must have length ${n}, got ${r0.length}`);
  }
  const V = vectors.data;
  const coefficients = new Float64Array(n); // Vᵀ r(k), advanced in place from k = 0
  for (let i = 0; i < n; i++) {
    const ri = r0[i];
    for (let j = 0; j < n; j++) coefficients[j] += V[i * n + j] * ri;
  }
  // Kernel regime (seeds 003/004): each eigen-coordinate of r shrinks by (1 − ηλ_j) per step.
  const contraction = values.map((lambda) => kernelRegimeFactor(eta, lambda));
  const residualSq: number[] = [];
  for (let k = 0; k <= steps; k++) {
    if (k > 0) for (let j = 0; j < n; j++) coefficients[j] *= contraction[j];
    let sum = 0;
    for (let j = 0; j < n; j++) sum += coefficients[j] * coefficients[j];
    residualSq.push(sum);
  }
  const finalResidual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += V[i * n + j] * coefficients[j];
    finalResidual[i] = sum;
  }
  return { residualSq, finalResidual };
}

/** A fitted power law y ≈ prefactor · x^slope. */
export interface PowerLawFit {
  slope: number;
  prefactor: number;
  /** Coefficient of determination of the log-log least-squares line. */
  rSquared: number;
}

/**
 * Least-squares line through (log x, log y): Lemma 3.1's ‖H(0) − H∞‖₂ shrinks like 1/√m, a slope
 * of −½ against m on log-log axes. Needs at least two distinct positive x and positive y.
 */
export function fitPowerLaw(x: ArrayLike<number>, y: ArrayLike<number>): PowerLawFit {
  if (x.length !== y.length) {
    throw new OverparamRangeError('BAD_SHAPE', `fitPowerLaw: x and y differ in length (${x.length} ≠ ${y.length})`);
  }
  const lx: number[] = [], ly: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] > 0 && y[i] > 0)) {
      throw new OverparamRangeError('BAD_VALUE', `fitPowerLaw: point ${i} is (${x[i]}, ${y[i]}); both must be > 0`);
    }
    lx.push(Math.log(x[i]));
    ly.push(Math.log(y[i]));
  }
  const count = lx.length;
  const meanX = lx.reduce((s, v) => s + v, 0) / count;
  const meanY = ly.reduce((s, v) => s + v, 0) / count;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < count; i++) {
    sxx += (lx[i] - meanX) ** 2;
    sxy += (lx[i] - meanX) * (ly[i] - meanY);
    syy += (ly[i] - meanY) ** 2;
  }
  if (!(sxx > 0)) throw new OverparamRangeError('BAD_VALUE', 'fitPowerLaw: needs at least two distinct x');
  const slope = sxy / sxx;
  const rSquared = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  return { slope, prefactor: Math.exp(meanY - slope * meanX), rSquared };
}

/**
 * The mean per-step rate of linear convergence over steps 0..upTo: −ln(‖y − u(upTo)‖² / ‖y − u(0)‖²) / upTo
 * (Theorem 4.1's rate is ηλ0/2 in these units, to first order). upTo defaults to the last step.
 */
export function convergenceRate(residualSq: ArrayLike<number>, upTo = residualSq.length - 1): number {
  if (!(upTo >= 1 && upTo < residualSq.length)) {
    throw new OverparamRangeError('BAD_VALUE', `convergenceRate: upTo must be in [1, ${residualSq.length - 1}], got ${upTo}`);
  }
  return -Math.log(residualSq[upTo] / residualSq[0]) / upTo;
}
