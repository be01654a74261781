// λ_min and λ_max of a symmetric matrix by Lanczos with full reorthogonalisation (classical
// Gram–Schmidt against the whole basis after every step), from a fixed start vector so every run
// is bit-identical.

import { dot64, axpy64, scale64, symmetricMatVec, startVector } from "./symmetric";
import { tridiagonalExtremePair } from "./tridiagonal";

const EPS: f64 = 2.220446049250313e-16;

/** ‖A Q y − θ Q y‖ = √(‖Ty − θy‖² + (β_k y_k)²) from pair = [θ, ‖Ty − θy‖, y_k]. */
// @ts-ignore: decorator
@inline function ritzResidual(pair: usize, b: f64): f64 {
  const r = load<f64>(pair, 8), t = b * load<f64>(pair, 16);
  return Math.sqrt(r * r + t * t);
}

/** f64 elements of the workspace lanczosExtreme needs: (maxK + 1)·n (basis and the next vector) + 6·maxK + 3. */
export function lanczosWorkLength(n: i32, maxK: i32): i32 {
  return (maxK + 1) * n + 6 * maxK + 3;
}

/**
 * Extreme eigenvalues of symmetric A (n×n, f64, row-major; read only) by at most maxK ≤ n Lanczos
 * steps. Every step (every k/32 steps once k > 32) the extreme eigenpairs (θ, y) of T_k are found
 * (bisection + inverse iteration), and the run stops when the wanted Ritz pairs (want: 1 = min,
 * 2 = max, 3 = both) have residual ‖A Q y − θ Q y‖ = √(‖T y − θ y‖² + (β_k y_k)²) ≤ tol·max|θ|,
 * or when the Krylov space is exhausted (k = n, or β_k at round-off: the Ritz values are then
 * eigenvalues). It gives up before maxK (not converged) once k ≥ max(48, maxK/4) and the residuals' recent
 * rate of decrease, extrapolated, would need more than 1.5·maxK steps.
 * work: lanczosWorkLength(n, maxK) f64. out (4 f64): [θ_min, θ_max, k, converged (0/1)].
 */
export function lanczosExtreme(A: usize, n: i32, maxK: i32, tol: f64, want: i32, work: usize, out: usize): void {
  const rowBytes = <usize>n << 3;
  // Q: rows q_0 … q_maxK; step j builds the next vector w in place of q_{j+1}.
  const Q = work;
  const alpha = Q + <usize>(maxK + 1) * rowBytes;
  const beta = alpha + (<usize>maxK << 3);
  const hbuf = beta + (<usize>maxK << 3);
  const scratch = hbuf + (<usize>maxK << 3);
  const pair = scratch + (<usize>(3 * maxK) << 3);

  startVector(Q, n);
  let anorm: f64 = 0;
  let k = 0;
  let converged = 0;
  let thetaMin: f64 = 0, thetaMax: f64 = 0;
  let b: f64 = 0;
  let nextCheck = 1;
  // Convergence-rate watch: g = max over the wanted ends of ln(residual/bound), recorded at two
  // earlier checks (ref, and the newer cand) so the rate is measured over the last k/4..k/2 steps.
  let refK = 0, candK = 0;
  let refG: f64 = 0, candG: f64 = 0;
  for (let j = 0; j < maxK; j++) {
    const qj = Q + <usize>j * rowBytes, w = qj + rowBytes;
    symmetricMatVec(A, n, qj, w);
    // Three-term recurrence, then one classical Gram–Schmidt pass against every q_i (i ≤ j),
    // repeated while it removes more than 1/√2 of w's norm (Daniel–Gragg–Kaufman–Stewart).
    if (j > 0) axpy64(-load<f64>(beta + (<usize>(j - 1) << 3)), qj - rowBytes, w, n);
    let a = dot64(qj, w, n);
    axpy64(-a, qj, w, n);
    let before = Math.sqrt(dot64(w, w, n));
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
    const prev = j > 0 ? load<f64>(beta + (<usize>(j - 1) << 3)) : 0;
    anorm = max<f64>(anorm, abs<f64>(a) + b + prev);
    k = j + 1;
    const exhausted = k == n || b <= 4.0 * EPS * Math.sqrt(<f64>n) * anorm;
    if (exhausted || k == maxK || k >= nextCheck) {
      // The extreme Ritz pairs; a residual ‖Ty − θy‖ ≠ 0 covers an inexact tridiagonal eigenvector.
      tridiagonalExtremePair(alpha, beta, k, false, scratch, pair);
      thetaMin = load<f64>(pair);
      const resMin = ritzResidual(pair, b);
      tridiagonalExtremePair(alpha, beta, k, true, scratch, pair);
      thetaMax = load<f64>(pair);
      const resMax = ritzResidual(pair, b);
      const bound = tol * max<f64>(abs<f64>(thetaMin), abs<f64>(thetaMax));
      const okMin = (want & 1) == 0 || resMin <= bound;
      const okMax = (want & 2) == 0 || resMax <= bound;
      if (exhausted || (okMin && okMax)) {
        converged = 1;
        break;
      }
      // Give up early when even the current rate, extrapolated, would need 1.5× the cap: the
      // caller's dense fallback is then cheaper than the steps left. (Lanczos convergence tends
      // to speed up, so the linear extrapolation errs on the side of going on.)
      const g = max<f64>((want & 1) != 0 ? Math.log(resMin / bound) : -Infinity,
        (want & 2) != 0 ? Math.log(resMax / bound) : -Infinity);
      if (refK == 0) {
        refK = candK = k;
        refG = candG = g;
      } else {
        const window = k - refK;
        if (k >= max<i32>(48, maxK >> 2) && window >= 16) {
          const rate = (refG - g) / <f64>window;
          const remaining = rate > 0 ? g / rate : Infinity;
          if (<f64>k + remaining > 1.5 * <f64>maxK) break;
        }
        if (k - candK >= max<i32>(16, k >> 2)) {
          refK = candK; refG = candG;
          candK = k; candG = g;
        }
      }
      nextCheck = k + max<i32>(1, k >> 5);
    }
    scale64(1.0 / b, w, n); // q_{j+1}
  }
  store<f64>(out, thetaMin);
  store<f64>(out + 8, thetaMax);
  store<f64>(out + 16, <f64>k);
  store<f64>(out + 24, <f64>converged);
}
