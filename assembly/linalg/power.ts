// Power iteration on B = shift·I + sign·A: the simple, slow path (λ_max from A or A + cI,
// λ_min from λ_max·I − A).

import { dot64, scale64, symmetricMatVec, startVector } from "./symmetric";

/**
 * Dominant eigenvalue of B = shift·I + sign·A (A n×n f64, read only) by at most maxIter power
 * steps from the fixed start vector. The estimate is the Rayleigh quotient θ = vᵀBv; the run stops
 * when ‖Bv − θv‖ ≤ tol·max(scale, |θ|). work: 2n f64. out (3 f64): [θ, steps, converged (0/1)].
 */
export function powerIteration(A: usize, n: i32, sign: f64, shift: f64, scale: f64,
  maxIter: i32, tol: f64, work: usize, out: usize): void {
  let v = work, w = work + (<usize>n << 3);
  startVector(v, n);
  let theta: f64 = 0;
  let it = 0, converged = 0;
  while (it < maxIter) {
    symmetricMatVec(A, n, v, w);
    it++;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      store<f64>(w + off, shift * load<f64>(v + off) + sign * load<f64>(w + off));
    }
    theta = dot64(v, w, n);
    let r2: f64 = 0;
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 3;
      const t = load<f64>(w + off) - theta * load<f64>(v + off);
      r2 += t * t;
    }
    if (Math.sqrt(r2) <= tol * max<f64>(scale, abs<f64>(theta))) {
      converged = 1;
      break;
    }
    const norm = Math.sqrt(dot64(w, w, n));
    if (norm == 0) break;
    scale64(1.0 / norm, w, n);
    const next = w; w = v; v = next;
  }
  store<f64>(out, theta);
  store<f64>(out + 8, <f64>it);
  store<f64>(out + 16, <f64>converged);
}
