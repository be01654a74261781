// Typed view of the eigenvalue kernels' exports (assembly/linalg/eigen.ts). Matrices are n×n
// float64 row-major; every kernel here allocates nothing and only reads A unless it says so.
export interface EigenKernels {
  /** y = A x (f64x2, two rows at a time). */
  symmetricMatVec(A: number, n: number, x: number, y: number): void;
  /** Symmetrises A in place (mean of a_ij, a_ji where they differ), scales it exactly by 2^−e so max|a_ij| ∈ [0.5, 1]; returns e. */
  prepareSymmetric(A: number, n: number): number;
  /**
   * out (5 f64) = [first non-finite index (row-major) or −1, max |a|, max_{i<j} |a_ij − a_ji|,
   * and, when that exceeds relTol·max |a|, the first (i, j) where it occurs].
   */
  inspectSymmetric(A: number, n: number, relTol: number, out: number): void;
  /** max_i Σ_j |a_ij| (≥ the spectral radius). */
  maxAbsRowSum(A: number, n: number): number;
  /** All eigenvalues of A (destroyed) ascending into d (n); work 6n f64. Householder + root-free QL/QR. 0 or −1. */
  symmetricEigenvalues(A: number, n: number, d: number, work: number): number;
  /** All eigenpairs: d (n) ascending, A (overwritten) = V with column j the eigenvector of d[j]; W n×n f64 scratch; work 8n f64. 0 or −1. */
  symmetricEigenvectors(A: number, n: number, d: number, W: number, work: number): number;
  /** symmetricEigenvectors' first stage: A (destroyed) to tridiagonal d, e = work[0..n), the reflections kept (work[n..2n), A's rows). */
  eigenvectorsTridiagonalize(A: number, n: number, d: number, work: number): void;
  /** Rows [rowStart, rowEnd) of W = Qᵀ from the kept reflections (keep = work + 8n bytes); any split gives the same bits. */
  accumulateReflectionRows(A: number, n: number, keep: number, W: number, rowStart: number, rowEnd: number): void;
  /** Implicit QL on (d, e) (both destroyed) rotating columns [colStart, colEnd) of W's rows; any split gives the same bits. 0 or −1. */
  tridiagonalQL(d: number, e: number, n: number, W: number, colStart: number, colEnd: number): number;
  /** symmetricEigenvectors' last stage: d ascending, A = V from W's rows. */
  eigenvectorsSort(A: number, n: number, d: number, W: number, work: number): void;
  /** One part of a split Householder pass: rows [rowStart, rowEnd) of the lower triangle into p (update ≠ 0: rank-2 update first). */
  householderPassRows(B: number, rowBytes: number, u: number, q: number, v: number, p: number, update: number,
    rowStart: number, rowEnd: number): void;
  /** Lets split Householder passes fork through the host's householderParallelPass import. */
  setHouseholderThreads(on: boolean): void;
  /** f64 elements of lanczosExtreme's and shiftInvertLanczos's workspace for a basis of maxK vectors. */
  lanczosWorkLength(n: number, maxK: number): number;
  /**
   * Lanczos (full reorthogonalisation) until the wanted ends (1 min, 2 max, 3 both) converge; with
   * minBudget > 0, λ_min is dropped once it would need more than minBudget further steps.
   * out (6 f64) = [θmin, θmax, k, converged ends (bits 1 min, 2 max), residual of θmin, residual of θmax].
   */
  lanczosExtreme(A: number, n: number, maxK: number, tol: number, want: number, minBudget: number, work: number, out: number): void;
  /** L Lᵀ = A − σI into L (n×n f64; A read only). 0, or j + 1 when pivot j was not positive. */
  choleskyShifted(A: number, n: number, sigma: number, L: number): number;
  /** L = A − σI (whole rows), the start of choleskyShifted. */
  choleskyLoad(A: number, n: number, sigma: number, L: number): void;
  /** Columns per panel of choleskyShifted. */
  choleskyPanelWidth(): number;
  /** L[i][j] −= Σ_{kStart≤k<kEnd} L[i][k] L[j][k], rows i in [r0, r1), columns j in [j0, j1). */
  choleskyPanelUpdate(L: number, n: number, r0: number, r1: number, j0: number, j1: number, kStart: number, kEnd: number): void;
  /** Finishes columns [j0, j1) once every column before j0 is removed. 0, or j + 1 when pivot j was not positive. */
  choleskyPanelFactor(L: number, n: number, j0: number, j1: number): number;
  /** x ← (L Lᵀ)⁻¹ x in place. */
  choleskySolve(L: number, n: number, x: number): void;
  /**
   * λ_min by Lanczos on (A − σI)⁻¹ = (L Lᵀ)⁻¹ (σ < λ_min, L from choleskyShifted), checked by the
   * Ritz vector's residual in A (≤ tol·scale); opNorm ≥ ‖A − σI‖. out (4 f64) = [λ_min, k, converged, residual].
   */
  shiftInvertLanczos(A: number, L: number, n: number, sigma: number, maxK: number, tol: number,
    scale: number, opNorm: number, work: number, out: number): void;
  /** Power iteration on shift·I + sign·A; work 2n f64; out (3 f64) = [θ, steps, converged]. */
  powerIteration(A: number, n: number, sign: number, shift: number, scale: number,
    maxIter: number, tol: number, work: number, out: number): void;
}
