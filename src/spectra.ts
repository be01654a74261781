// Spectra of symmetric matrices (float64): λ_min(H∞) = λ0, λ_max for step sizes, ‖H(k) − H(0)‖₂.
// Every entry point copies its input once into wasm memory, symmetrises it (mean of a_ij and a_ji,
// which the check below already requires to agree to 1e-12 relative) and scales it by an exact
// power of two, so over- and underflow cannot happen in the kernels; the scale is undone on return.
import { kernels, threadPool } from './wasm/loader.js';
import { choleskyPanelUpdate, symmetricEigenvectors, symmetricEigenvectorsWorkLength } from './wasm/parallel.js';
import { WasmBuffer, withBuffers } from './wasm/memory.js';
import {
  checkMatrix, checkMatrixShape, checkSymmetric, checkSquare, checkFinite, checkInteger, checkPositive, notFinite,
  throwIfAsymmetric, SYMMETRY_TOLERANCE, type Matrix,
} from './matrix.js';
import { OverparamError, OverparamRangeError, OverparamTypeError } from './errors.js';

/** How extreme eigenvalues are found: Lanczos (default), power iteration, or the dense solver. */
export type EigenMethod = 'lanczos' | 'power' | 'dense';

/** Options of lambdaMin, lambdaMax, extremeEigenvalues and spectralNormOfDifference. */
export interface EigenOptions {
  /**
   * 'lanczos' (default): full reorthogonalisation; a slowly converging λ_min switches to Lanczos on
   * (H − σI)⁻¹ (Cholesky, σ just below λ_min); falls back to 'dense' at its cap, or earlier once
   * its convergence rate shows it would not make the cap.
   */
  method?: EigenMethod;
  /** Relative residual target (default 1e-12): ‖Av − θv‖ ≤ tolerance·max|θ|. */
  tolerance?: number;
  /** Lanczos: Krylov dimension cap (default min(n, max(64, ⌈n/2⌉))); power: steps per run (default 10 000). */
  maxIterations?: number;
}

/** H = V diag(values) Vᵀ: `values` ascending; column j of `vectors` (n×n, row-major) is the unit eigenvector of values[j]. */
export interface Eigendecomposition {
  values: Float64Array;
  vectors: Matrix;
}

/** Result of extremeEigenvalues. */
export interface ExtremeEigenvalues {
  min: number;
  max: number;
  /** Matrix–vector products used (Lanczos steps, shift-invert ones included, or power steps over all runs); 0 for 'dense'. */
  iterations: number;
  /** The method that produced min and max ('dense' after a Lanczos fallback). */
  method: EigenMethod;
  /** False only for 'power' runs that hit maxIterations (the estimates are then returned as they are). */
  converged: boolean;
}

const DEFAULT_TOLERANCE = 1e-12;
const DEFAULT_POWER_STEPS = 10_000;
const METHODS: readonly EigenMethod[] = ['lanczos', 'power', 'dense'];

interface Settings { method: EigenMethod; tolerance: number; maxIterations?: number }

/** Which ends the caller needs: 1 = λ_min, 2 = λ_max, 3 = both. */
type Want = 1 | 2 | 3;

function readOptions(options: EigenOptions | undefined, fn: string): Settings {
  if (options === undefined) return { method: 'lanczos', tolerance: DEFAULT_TOLERANCE };
  if (typeof options !== 'object' || options === null) {
    throw new OverparamTypeError('BAD_VALUE', `${fn}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const method = options.method ?? 'lanczos';
  if (!METHODS.includes(method)) {
    throw new OverparamRangeError('BAD_VALUE', `${fn}: options.method must be 'lanczos', 'power' or 'dense', got ${String(method)}`);
  }
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  checkPositive(tolerance, `${fn}: options.tolerance`);
  if (options.maxIterations !== undefined) checkInteger(options.maxIterations, `${fn}: options.maxIterations`);
  return { method, tolerance, maxIterations: options.maxIterations };
}

function checkSymmetricMatrix(H: Matrix, name: string): Matrix {
  const snapshot = checkMatrix(H, name);
  checkSymmetric(snapshot, name);
  return snapshot;
}

/** What withPrepared needs to copy a caller's n×n matrix in and check it there. */
interface Source { n: number; fill: (view: Float64Array) => void; check?: (A: WasmBuffer) => void }

/**
 * Checks H's shape here and returns its copy and the check of its entries, which runs in wasm on
 * that copy (finite, symmetric to SYMMETRY_TOLERANCE·max|h|): the errors of checkSymmetricMatrix,
 * without its two JavaScript passes over the n² entries, one of them by columns (7 ms at n = 1000).
 */
function checkedSource(matrix: Matrix, name: string): Source {
  const H = checkMatrixShape(matrix, name);
  if (H.rows !== H.cols) {
    checkFinite(H.data, name, H.cols); // a non-finite entry is reported first, as checkMatrix would
    checkSquare(H, name);
  }
  const n = H.rows;
  return {
    n,
    fill: copyOf(H),
    check: (A) => {
      const [first, biggest, worst, wi, wj] = withScratch(0, 5, (_, out) => kernels().inspectSymmetric(A.ptr, n, SYMMETRY_TOLERANCE, out));
      if (first >= 0) throw notFinite(H.data, name, first, n);
      throwIfAsymmetric(name, worst, wi, wj, SYMMETRY_TOLERANCE * biggest);
    },
  };
}

/** x·2^e without overflow in the factor (|e| can exceed 1023). */
function unscale(x: number, e: number): number {
  if (e === 0) return x;
  const h = e >> 1;
  return x * 2 ** h * 2 ** (e - h);
}

/** Runs `body` on a prepared (symmetrised, power-of-two scaled) n×n float64 copy of `source`, once checked. */
function withPrepared<T>(source: Source, body: (A: WasmBuffer, e: number) => T): T {
  const n = source.n;
  const A = new WasmBuffer('f64', n * n);
  try {
    source.fill(A.f64());
    source.check?.(A);
    const e = kernels().prepareSymmetric(A.ptr, n);
    return body(A, e);
  } finally {
    A.free();
  }
}

function copyOf(H: Matrix): (view: Float64Array) => void {
  return (view) => view.set(H.data);
}

/** Runs `kernel` on fresh f64 buffers (work, out) of the given lengths and returns a copy of out. */
function withScratch(workLength: number, outLength: number, kernel: (work: number, out: number) => void): Float64Array {
  return withBuffers((scope) => {
    const work = scope.buffer('f64', workLength);
    const out = scope.buffer('f64', outLength);
    kernel(work.ptr, out.ptr);
    return out.toFloat64();
  });
}

function qlFailed(fn: string): OverparamError {
  return new OverparamError('NOT_CONVERGED', `${fn}: the tridiagonal QL iteration did not converge`);
}

/** Ascending eigenvalues of the prepared matrix A (destroyed), still scaled. */
function denseEigenvalues(A: WasmBuffer, n: number, fn: string): Float64Array {
  return withScratch(6 * n, n, (work, d) => {
    if (kernels().symmetricEigenvalues(A.ptr, n, d, work) !== 0) throw qlFailed(fn);
  });
}

function denseExtremes(A: WasmBuffer, n: number, fn: string, iterations: number): ExtremeEigenvalues {
  const eig = denseEigenvalues(A, n, fn);
  return { min: eig[0], max: eig[n - 1], iterations, method: 'dense', converged: true };
}

/**
 * Lanczos steps a switch to shift-invert stands for: the Cholesky factorisation (n³/3 flops, at
 * about the speed of n/8 matrix–vector products) plus the steps of the shift-invert run itself.
 */
function shiftInvertBudget(n: number): number {
  return Math.ceil(n / 8) + 32;
}

/**
 * L Lᵀ = A − σI into L; 0, or j + 1 when pivot j was not positive. With kernel threads the panel
 * loop runs here so that each panel's update (nearly all the flops) is split by rows; the kernels
 * are the ones choleskyShifted runs, in the same order, so the factor is bit-identical.
 */
function factorShifted(A: WasmBuffer, n: number, sigma: number, L: WasmBuffer): number {
  const k = kernels();
  if (!threadPool()) return k.choleskyShifted(A.ptr, n, sigma, L.ptr);
  k.choleskyLoad(A.ptr, n, sigma, L.ptr);
  const panel = k.choleskyPanelWidth();
  for (let j0 = 0; j0 < n; j0 += panel) {
    const j1 = Math.min(n, j0 + panel);
    choleskyPanelUpdate(L.ptr, n, j0, n, j0, j1, 0, j0);
    const status = k.choleskyPanelFactor(L.ptr, n, j0, j1);
    if (status !== 0) return status;
  }
  return 0;
}

/** Shift-invert attempts before the dense fallback (each failure costs up to a factorisation). */
const SHIFT_ATTEMPTS = 3;

/**
 * λ_min by shift-invert Lanczos from plain Lanczos's estimate θ (residual r, so some eigenvalue
 * lies in [θ − r, θ + r]): σ = θ − r, widened tenfold whenever A − σI turns out not positive
 * definite (σ was above λ_min). `min` is undefined when no attempt converged.
 */
function shiftInvertMin(A: WasmBuffer, n: number, s: Settings, maxK: number, theta: number, residual: number,
  thetaMax: number, residualMax: number): { min?: number; steps: number } {
  const k = kernels();
  const scale = Math.max(Math.abs(theta), Math.abs(thetaMax));
  let margin = Math.max(residual, 64 * Number.EPSILON * scale);
  let steps = 0;
  if (!Number.isFinite(margin + theta)) return { steps };
  const L = new WasmBuffer('f64', n * n);
  try {
    for (let attempt = 0; attempt < SHIFT_ATTEMPTS; attempt++, margin *= 10) {
      const sigma = theta - margin;
      if (factorShifted(A, n, sigma, L) !== 0) continue;
      const opNorm = Math.max(thetaMax + residualMax - sigma, margin);
      const [min, used, converged] = withScratch(k.lanczosWorkLength(n, maxK), 4, (work, out) =>
        k.shiftInvertLanczos(A.ptr, L.ptr, n, sigma, maxK, s.tolerance, scale, opNorm, work, out));
      steps += used;
      if (converged === 1) return { min, steps };
    }
    return { steps };
  } finally {
    L.free();
  }
}

/**
 * Lanczos on A (read only). A λ_min that plain Lanczos would reach only slowly comes from
 * shift-invert Lanczos instead; whatever still did not converge falls back to the dense solver
 * (destroying A).
 */
function lanczosExtremes(A: WasmBuffer, n: number, s: Settings, want: Want, fn: string): ExtremeEigenvalues {
  const maxK = Math.min(n, s.maxIterations ?? Math.max(64, Math.ceil(n / 2)));
  const k = kernels();
  const minBudget = want & 1 ? shiftInvertBudget(n) : 0;
  const [min, max, steps, done, residualMin, residualMax] = withScratch(k.lanczosWorkLength(n, maxK), 6,
    (work, out) => k.lanczosExtreme(A.ptr, n, maxK, s.tolerance, want, minBudget, work, out));
  if ((want & ~done) === 0) return { min, max, iterations: steps, method: 'lanczos', converged: true };
  let iterations = steps;
  if ((want & 2) === 0 || (done & 2) !== 0) {
    const shifted = shiftInvertMin(A, n, s, maxK, min, residualMin, max, residualMax);
    iterations += shifted.steps;
    if (shifted.min !== undefined) return { min: shifted.min, max, iterations, method: 'lanczos', converged: true };
  }
  return denseExtremes(A, n, fn, iterations);
}

interface PowerRun { theta: number; steps: number; converged: boolean }

function powerRun(A: WasmBuffer, n: number, sign: number, shift: number, scale: number, s: Settings): PowerRun {
  const [theta, steps, converged] = withScratch(2 * n, 3, (work, out) => kernels().powerIteration(
    A.ptr, n, sign, shift, scale, s.maxIterations ?? DEFAULT_POWER_STEPS, s.tolerance, work, out));
  return { theta, steps, converged: converged === 1 };
}

/**
 * Power iteration: λ_max from A (if it converges to a value ≥ 0, that is the dominant eigenvalue
 * and so λ_max), else from A + cI with c = max_i Σ_j |a_ij| ≥ ρ(A); then, if wanted, λ_min from
 * the dominant eigenvalue λ_max − λ_min of λ_max·I − A.
 */
function powerExtremes(A: WasmBuffer, n: number, s: Settings, want: Want): ExtremeEigenvalues {
  let run = powerRun(A, n, 1, 0, 0, s);
  let steps = run.steps;
  let max = run.theta;
  if (!(run.converged && run.theta >= 0)) {
    const c = kernels().maxAbsRowSum(A.ptr, n);
    run = powerRun(A, n, 1, c, 0, s);
    steps += run.steps;
    max = run.theta - c;
  }
  let converged = run.converged;
  let min = Number.NaN;
  if (want & 1) {
    const low = powerRun(A, n, -1, max, Math.abs(max), s);
    steps += low.steps;
    min = max - low.theta;
    converged &&= low.converged;
  }
  return { min, max, iterations: steps, method: 'power', converged };
}

/**
 * The wanted extreme eigenvalues of the symmetric n×n matrix `fill` writes, by the method of
 * `options`. With `strict`, a power run that did not converge throws.
 */
function extremes(fn: string, source: Source, options: EigenOptions | undefined,
  want: Want, strict: boolean): ExtremeEigenvalues {
  const s = readOptions(options, fn);
  const n = source.n;
  const r = withPrepared(source, (A, e) => {
    const scaled = s.method === 'power' ? powerExtremes(A, n, s, want)
      : s.method === 'dense' ? denseExtremes(A, n, fn, 0)
      : lanczosExtremes(A, n, s, want, fn);
    return { ...scaled, min: unscale(scaled.min, e), max: unscale(scaled.max, e) };
  });
  if (strict && !r.converged) {
    throw new OverparamError('NOT_CONVERGED',
      `${fn}: power iteration did not converge to tolerance ${s.tolerance} within ${s.maxIterations ?? DEFAULT_POWER_STEPS} ` +
      `steps per run (${r.iterations} in all); raise options.maxIterations or use method 'lanczos'`);
  }
  return r;
}

/**
 * @internal λ_min (`want` 1) or λ_max (`want` 2) by Lanczos of a symmetric n×n float64 matrix the
 * library built in wasm memory (exactly symmetric and finite, so unchecked). H is prepared in place
 * and destroyed, which spares the copy out to JavaScript and back that a Matrix argument costs.
 */
export function extremeOfWasmMatrix(fn: string, H: WasmBuffer, n: number, want: 1 | 2): number {
  const e = kernels().prepareSymmetric(H.ptr, n);
  const r = lanczosExtremes(H, n, readOptions(undefined, fn), want, fn);
  return unscale(want === 1 ? r.min : r.max, e);
}

/** All eigenvalues of symmetric H, ascending (dense: Householder tridiagonalisation + implicit QL). */
export function eigvalsh(H: Matrix): Float64Array {
  const fn = 'eigvalsh';
  const source = checkedSource(H, `${fn}: H`);
  return withPrepared(source, (A, e) => denseEigenvalues(A, source.n, fn).map((x) => unscale(x, e)));
}

/** All eigenpairs of symmetric H, values ascending (dense: Householder tridiagonalisation + QL with rotations accumulated). */
export function eigh(H: Matrix): Eigendecomposition {
  const fn = 'eigh';
  const source = checkedSource(H, `${fn}: H`);
  const n = source.n;
  return withPrepared(source, (A, e) => {
    const W = new WasmBuffer('f64', n * n);
    try {
      const values = withScratch(symmetricEigenvectorsWorkLength(n), n, (work, d) => {
        if (symmetricEigenvectors(A.ptr, n, d, W.ptr, work) !== 0) throw qlFailed(fn);
      });
      return { values: values.map((x) => unscale(x, e)), vectors: { rows: n, cols: n, data: A.toFloat64() } };
    } finally {
      W.free();
    }
  });
}

/** λ_min and λ_max of symmetric H from one run (default Lanczos with full reorthogonalisation; or power, dense). */
export function extremeEigenvalues(H: Matrix, options?: EigenOptions): ExtremeEigenvalues {
  const fn = 'extremeEigenvalues';
  return extremes(fn, checkedSource(H, `${fn}: H`), options, 3, false);
}

/** Smallest eigenvalue of symmetric H (default Lanczos; power iteration on λ_max·I − H; or dense). */
export function lambdaMin(H: Matrix, options?: EigenOptions): number {
  return extremes('lambdaMin', checkedSource(H, 'lambdaMin: H'), options, 1, true).min;
}

/** Largest eigenvalue of symmetric H (default Lanczos; or power iteration, dense). */
export function lambdaMax(H: Matrix, options?: EigenOptions): number {
  return extremes('lambdaMax', checkedSource(H, 'lambdaMax: H'), options, 2, true).max;
}

/** ‖A − B‖₂ = max |λ(A − B)| for symmetric A, B of one size (Lanczos on the difference by default). */
export function spectralNormOfDifference(A: Matrix, B: Matrix, options?: EigenOptions): number {
  const fn = 'spectralNormOfDifference';
  const Am = checkSymmetricMatrix(A, `${fn}: A`);
  const Bm = checkSymmetricMatrix(B, `${fn}: B`);
  if (Bm.rows !== Am.rows) {
    throw new OverparamRangeError('BAD_SHAPE', `${fn}: B must be ${Am.rows}×${Am.cols} like A, got ${Bm.rows}×${Bm.cols}`);
  }
  const a = Am.data, b = Bm.data;
  let overflow = -1;
  const r = extremes(fn, {
    n: Am.rows,
    // a_ij − b_ij can overflow where a and b do not (1e308 − (−1e308)); then so does the norm,
    // which is at least max |a_ij − b_ij|: found while filling, and said rather than returned as NaN.
    fill: (view) => {
      for (let k = 0; k < view.length; k++) {
        view[k] = a[k] - b[k];
        if (overflow < 0 && !Number.isFinite(view[k])) overflow = k;
      }
    },
    check: () => {
      if (overflow >= 0) {
        throw differenceOverflow(fn, `|a − b| at (${Math.floor(overflow / Am.rows)}, ${overflow % Am.rows}) = |${a[overflow]} − ${b[overflow]}|`);
      }
    },
  }, options, 3, true);
  const norm = Math.max(Math.abs(r.min), Math.abs(r.max));
  if (!Number.isFinite(norm)) throw differenceOverflow(fn, 'the largest |λ(A − B)|');
  return norm;
}

function differenceOverflow(fn: string, what: string): OverparamRangeError {
  return new OverparamRangeError('NOT_FINITE',
    `${fn}: ‖A − B‖₂ is beyond float64's range (${Number.MAX_VALUE.toExponential(3)}): ${what} overflows; scale A and B down`);
}
