/** Float64 reference eigenvalues for symmetric matrices (Gram spectra: λ0 = λ_min(H∞), ‖H(k) − H∞‖₂). */

function frobenius(A: Float64Array): number {
  let s = 0;
  for (let k = 0; k < A.length; k++) s += A[k] * A[k];
  return Math.sqrt(s);
}

function offDiagonalNorm(A: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += A[i * n + j] * A[i * n + j];
  return Math.sqrt(s);
}

/** Eigenvalues (ascending) of symmetric A (n×n) by cyclic Jacobi rotations until off(A) < 1e-15·‖A‖_F or 100 sweeps. */
export function jacobiEigenvalues(A: Float64Array, n: number, maxSweeps = 100): Float64Array {
  const B = new Float64Array(A.subarray(0, n * n));
  const target = 1e-15 * frobenius(B);
  for (let sweep = 0; sweep < maxSweeps && offDiagonalNorm(B, n) > target; sweep++) {
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = B[p * n + q];
        if (apq === 0) continue;
        // Rotation J = [[c, s], [−s, c]] in the (p, q) plane zeroing B_pq (Golub & Van Loan, sym.schur2).
        const tau = (B[q * n + q] - B[p * n + p]) / (2 * apq);
        const t = Math.abs(tau) > 1e150
          ? 1 / (2 * tau)
          : (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) { // B ← B J (columns p, q)
          const bkp = B[k * n + p], bkq = B[k * n + q];
          B[k * n + p] = c * bkp - s * bkq;
          B[k * n + q] = s * bkp + c * bkq;
        }
        for (let k = 0; k < n; k++) { // B ← Jᵀ B (rows p, q)
          const bpk = B[p * n + k], bqk = B[q * n + k];
          B[p * n + k] = c * bpk - s * bqk;
          B[q * n + k] = s * bpk + c * bqk;
        }
        B[p * n + q] = 0;
        B[q * n + p] = 0;
      }
    }
  }
  const eig = new Float64Array(n);
  for (let i = 0; i < n; i++) eig[i] = B[i * n + i];
  return eig.sort();
}

/** ‖A − B‖₂ for symmetric A, B: max |λ(A − B)| (used for ‖H(0) − H∞‖₂, Lemma 3.1). */
export function symmetricSpectralNorm(A: Float64Array, B: Float64Array, n: number): number {
  const D = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) D[k] = A[k] - B[k];
  const eig = jacobiEigenvalues(D, n);
  let best = 0;
  for (let i = 0; i < n; i++) best = Math.max(best, Math.abs(eig[i]));
  return best;
}

/** True iff |A_ij − A_ji| ≤ tol for all i, j. */
export function isSymmetric(A: Float64Array, n: number, tol = 0): boolean {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (Math.abs(A[i * n + j] - A[j * n + i]) > tol) return false;
  return true;
}
