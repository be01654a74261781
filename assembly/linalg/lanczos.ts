// Extreme eigenvalues of a symmetric matrix by Lanczos with full reorthogonalisation (classical
// Gram–Schmidt against the whole basis after every step), from a fixed start vector so every run
// is bit-identical. Two operators: A itself (both ends), and (A − σI)⁻¹ through a Cholesky factor
// (shift-invert, for a λ_min that plain Lanczos reaches only after hundreds of steps, as at the
// hard edge of a Gram matrix's spectrum: there the gap to λ_2 is tiny next to the spread, while
// under (A − σI)⁻¹ with σ just below λ_min it is as large as the spread).

import { dot64, axpy64, scale64, symmetricMatVec, startVector } from "./symmetric";
import { tridiagonalExtremePair } from "./tridiagonal";
import { choleskySolve } from "./cholesky";

const EPS: f64 = 2.220446049250313e-16;

/** ‖A Q y − θ Q y‖ = √(‖Ty − θy‖² + (β_k y_k)²) from pair = [θ, ‖Ty − θy‖, y_k]. */
// @ts-ignore: decorator
@inline function ritzResidual(pair: usize, b: f64): f64 {
  const r = load<f64>(pair, 8), t = b * load<f64>(pair, 16);
  return Math.sqrt(r * r + t * t);
}

/**
 * f64 elements of the workspace lanczosExtreme and shiftInvertLanczos need, in this order: the
 * basis Q ((maxK + 1)·n, the last row the next vector), α, β and the Gram–Schmidt coefficients
 * (maxK each), tridiagonal scratch (3·maxK), the extreme pair (3), then a Ritz vector and its
 * image (n each; shift-invert only).
 */
export function lanczosWorkLength(n: i32, maxK: i32): i32 {
  return (maxK + 3) * n + 6 * maxK + 3;
}

/** Where α starts in the workspace (after Q); β, the coefficients, the scratch and the pair follow. */
// @ts-ignore: decorator
@inline function alphaOf(work: usize, n: i32, maxK: i32): usize {
  return work + <usize>(maxK + 1) * (<usize>n << 3);
}

/**
 * Lanczos step j: w = q_{j+1} (unnormalised) from op(q_j), the three-term recurrence and one
 * classical Gram–Schmidt pass against every q_i (i ≤ j), repeated while it removes more than
 * 1/√2 of w's norm (Daniel–Gragg–Kaufman–Stewart). Stores α_j, β_j; returns β_j.
 * op: L = 0 for A, else (L Lᵀ)⁻¹ with L from choleskyShifted.
 */
function lanczosStep(A: usize, L: usize, n: i32, j: i32, Q: usize, alpha: usize, beta: usize, hbuf: usize): f64 {
  const rowBytes = <usize>n << 3;
  const qj = Q + <usize>j * rowBytes, w = qj + rowBytes;
  if (L == 0) {
    symmetricMatVec(A, n, qj, w);
  } else {
    memory.copy(w, qj, rowBytes);
    choleskySolve(L, n, w);
  }
  if (j > 0) axpy64(-load<f64>(beta + (<usize>(j - 1) << 3)), qj - rowBytes, w, n);
  let a = dot64(qj, w, n);
  axpy64(-a, qj, w, n);
  let before = Math.sqrt(dot64(w, w, n));
  let b: f64 = 0;
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i <= j; i++) store<f64>(hbuf + (<usize>i << 3), dot64(Q + <usize>i * rowBytes, w, n));
    for (let i = 0; i <= j; i++) axpy64(-load<f64>(hbuf + (<usize>i << 3)), Q + <usize>i * rowBytes, w, n);
    a += load<f64>(hbuf + (<usize>j << 3));
    b = Math.sqrt(dot64(w, w, n));
    if (b > 0.7071067811865476 * before) break;
    before = b;
  }
  store<f64>(alpha + (<usize>j << 3), a);
  store<f64>(beta + (<usize>j << 3), b);
  return b;
}

/**
 * Extreme eigenvalues of symmetric A (n×n, f64, row-major; read only) by at most maxK ≤ n Lanczos
 * steps. Every step (every k/32 steps once k > 32) the extreme eigenpairs (θ, y) of T_k are found
 * (bisection + inverse iteration); an end (want: 1 = min, 2 = max, 3 = both) has converged once
 * its Ritz pair has residual ‖A Q y − θ Q y‖ = √(‖T y − θ y‖² + (β_k y_k)²) ≤ tol·max|θ|, and
 * both have when the Krylov space is exhausted (k = n, or β_k at round-off: the Ritz values are
 * then eigenvalues). The run stops when the wanted ends have converged, or gives up (not
 * converged) once k ≥ max(48, maxK/4) and the residuals' recent rate of decrease, extrapolated,
 * would need more than 1.5·maxK steps.
 * If minBudget > 0, λ_min is instead dropped from the wanted ends, with θ_min and its residual
 * frozen, as soon as its rate over the last doubling of k (k ≥ 32), extrapolated, needs more than
 * minBudget further steps: the caller then has it by shift-invert, whose cost minBudget stands for.
 * work: lanczosWorkLength(n, maxK) f64. out (6 f64): [θ_min, θ_max, k, converged ends (bits: 1
 * min, 2 max), residual of θ_min, residual of θ_max].
 */
export function lanczosExtreme(A: usize, n: i32, maxK: i32, tol: f64, want: i32, minBudget: i32, work: usize, out: usize): void {
  const Q = work;
  const alpha = alphaOf(work, n, maxK), beta = alpha + (<usize>maxK << 3), hbuf = beta + (<usize>maxK << 3);
  const scratch = hbuf + (<usize>maxK << 3), pair = scratch + (<usize>(3 * maxK) << 3);
  startVector(Q, n);
  let anorm: f64 = 0;
  let k = 0;
  let done = 0;
  let thetaMin: f64 = 0, thetaMax: f64 = 0, resMin: f64 = Infinity, resMax: f64 = Infinity;
  let nextCheck = 1;
  // Convergence-rate watch: g = max over the wanted ends of ln(residual/bound), recorded at two
  // earlier checks (ref, and the newer cand) so the rate is measured over the last k/4..k/2 steps;
  // λ_min's own g over the last doubling of k (from k = 16).
  let refK = 0, candK = 0;
  let refG: f64 = 0, candG: f64 = 0;
  let minRefK = 0;
  let minRefG: f64 = 0;
  for (let j = 0; j < maxK; j++) {
    const b = lanczosStep(A, 0, n, j, Q, alpha, beta, hbuf);
    const a = load<f64>(alpha + (<usize>j << 3));
    const prev = j > 0 ? load<f64>(beta + (<usize>(j - 1) << 3)) : 0;
    anorm = max<f64>(anorm, abs<f64>(a) + b + prev);
    k = j + 1;
    const exhausted = k == n || b <= 4.0 * EPS * Math.sqrt(<f64>n) * anorm;
    if (exhausted || k == maxK || k >= nextCheck) {
      // The extreme Ritz pairs; a residual ‖Ty − θy‖ ≠ 0 covers an inexact tridiagonal eigenvector.
      if ((want & 1) != 0 || exhausted) {
        tridiagonalExtremePair(alpha, beta, k, false, scratch, pair);
        thetaMin = load<f64>(pair);
        resMin = ritzResidual(pair, b);
      }
      tridiagonalExtremePair(alpha, beta, k, true, scratch, pair);
      thetaMax = load<f64>(pair);
      resMax = ritzResidual(pair, b);
      const bound = tol * max<f64>(abs<f64>(thetaMin), abs<f64>(thetaMax));
      if (exhausted) {
        done = 3;
        break;
      }
      if (resMin <= bound) done |= 1;
      if (resMax <= bound) done |= 2;
      if ((want & ~done) == 0) break;
      const gMin = (want & 1) != 0 ? Math.log(resMin / bound) : -Infinity;
      if (minBudget > 0 && (want & 1) != 0 && k >= 16) {
        if (minRefK == 0) {
          minRefK = k;
          minRefG = gMin;
        } else if (k >= 2 * minRefK) {
          if (stepsToGo(minRefG, gMin, k - minRefK) > <f64>minBudget) {
            want &= ~1;
            if ((want & ~done) == 0) break;
            refK = candK = 0; // restart the watch, on λ_max alone
          }
          minRefK = k;
          minRefG = gMin;
        }
      }
      const g = max<f64>((want & 1) != 0 ? gMin : -Infinity, (want & 2) != 0 ? Math.log(resMax / bound) : -Infinity);
      if (refK == 0) {
        refK = candK = k;
        refG = candG = g;
      } else {
        // Give up early when even the current rate, extrapolated, would need 1.5× the cap: the
        // caller's dense fallback is then cheaper than the steps left. (Lanczos convergence tends
        // to speed up, so the linear extrapolation errs on the side of going on.)
        const window = k - refK;
        if (k >= max<i32>(48, maxK >> 2) && window >= 16 && <f64>k + stepsToGo(refG, g, window) > 1.5 * <f64>maxK) break;
        if (k - candK >= max<i32>(16, k >> 2)) {
          refK = candK; refG = candG;
          candK = k; candG = g;
        }
      }
      nextCheck = k + max<i32>(1, k >> 5);
    }
    scale64(1.0 / b, Q + <usize>k * (<usize>n << 3), n); // q_{j+1}
  }
  store<f64>(out, thetaMin);
  store<f64>(out + 8, thetaMax);
  store<f64>(out + 16, <f64>k);
  store<f64>(out + 24, <f64>done);
  store<f64>(out + 32, resMin);
  store<f64>(out + 40, resMax);
}

/** Steps still needed to bring g = ln(residual/bound) to 0 at the rate it fell over `window` steps. */
// @ts-ignore: decorator
@inline function stepsToGo(earlier: f64, now: f64, window: i32): f64 {
  const rate = (earlier - now) / <f64>window;
  return rate > 0 ? now / rate : Infinity;
}

/**
 * λ_min of symmetric A (n×n, f64; read only) by Lanczos on (A − σI)⁻¹ = (L Lᵀ)⁻¹, L from
 * choleskyShifted(A, n, σ, L) with σ < λ_min, in at most maxK ≤ n steps: its largest Ritz value μ
 * maps to λ_min = σ + 1/μ. When the estimated residual ‖A_σ‖·‖S v − μ v‖/μ (S = (A − σI)⁻¹,
 * ‖A_σ‖ ≤ opNorm) is within tol·scale, the Ritz vector v is formed and checked directly: the
 * result is its Rayleigh quotient vᵀAv, accepted when ‖Av − (vᵀAv)v‖ ≤ tol·max(scale, |vᵀAv|).
 * work: lanczosWorkLength(n, maxK) f64. out (4 f64): [λ_min, k, converged (0/1), residual].
 */
export function shiftInvertLanczos(A: usize, L: usize, n: i32, sigma: f64, maxK: i32, tol: f64,
  scale: f64, opNorm: f64, work: usize, out: usize): void {
  const Q = work;
  const alpha = alphaOf(work, n, maxK), beta = alpha + (<usize>maxK << 3), hbuf = beta + (<usize>maxK << 3);
  const scratch = hbuf + (<usize>maxK << 3), pair = scratch + (<usize>(3 * maxK) << 3);
  const ritz = pair + 24, image = ritz + (<usize>n << 3);
  const rowBytes = <usize>n << 3;
  startVector(Q, n);
  let anorm: f64 = 0;
  let k = 0, converged = 0;
  let lambda: f64 = NaN, residual: f64 = Infinity;
  for (let j = 0; j < maxK; j++) {
    const b = lanczosStep(A, L, n, j, Q, alpha, beta, hbuf);
    const a = load<f64>(alpha + (<usize>j << 3));
    const prev = j > 0 ? load<f64>(beta + (<usize>(j - 1) << 3)) : 0;
    anorm = max<f64>(anorm, abs<f64>(a) + b + prev);
    k = j + 1;
    const exhausted = k == n || b <= 4.0 * EPS * Math.sqrt(<f64>n) * anorm;
    // Checked every step: the k×k tridiagonal problem costs little next to a solve with L.
    tridiagonalExtremePair(alpha, beta, k, true, scratch, pair);
    const mu = load<f64>(pair);
    const estimate = opNorm * ritzResidual(pair, b) / mu;
    if (mu > 0 && (exhausted || k == maxK || estimate <= tol * scale)) {
      // v = Q_k y (y: the eigenvector tridiagonalExtremePair left in its scratch), then Av.
      const y = scratch + (<usize>(2 * k) << 3);
      memory.fill(ritz, 0, rowBytes);
      for (let i = 0; i < k; i++) axpy64(load<f64>(y + (<usize>i << 3)), Q + <usize>i * rowBytes, ritz, n);
      scale64(1.0 / Math.sqrt(dot64(ritz, ritz, n)), ritz, n);
      symmetricMatVec(A, n, ritz, image);
      lambda = dot64(ritz, image, n);
      axpy64(-lambda, ritz, image, n);
      residual = Math.sqrt(dot64(image, image, n));
      if (residual <= tol * max<f64>(scale, abs<f64>(lambda))) {
        converged = 1;
        break;
      }
      if (exhausted) break;
    }
    scale64(1.0 / b, Q + <usize>k * rowBytes, n);
  }
  store<f64>(out, lambda);
  store<f64>(out + 8, <f64>k);
  store<f64>(out + 16, <f64>converged);
  store<f64>(out + 24, residual);
}
