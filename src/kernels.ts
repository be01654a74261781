// Gram matrices: the finite-width H(k) (eq. 5) and the infinite-width limit H∞ (Theorem 3.1).
import { kernels } from './wasm/loader.js';
import * as parallel from './wasm/parallel.js';
import { WasmBuffer, reserve, withBuffers } from './wasm/memory.js';
import { checkMatrix, type Matrix } from './matrix.js';
import { PARALLEL_COSINE_TOLERANCE } from './degeneracy.js';

/** @internal Bytes {@link computeGram} allocates for n inputs of dimension d and m neurons. */
export function gramBytes(n: number, d: number, m: number): number {
  return 4 * (n * d + m * n) + 8 * (2 * n * n + n * Math.ceil(m / 64) + m + n);
}

/**
 * @internal H for the rows of X at first-layer weights W (m×d in wasm), with the signs of w_rᵀx_i
 * as an f64 evaluation gives them: the masks come from the float32 Z = W Xᵀ, and the few signs
 * float32 could have got wrong are recomputed in f64 (certifyRowMasks).
 */
export function computeGram(X: Matrix, W: WasmBuffer, m: number): Matrix {
  const n = X.rows, d = X.cols, k = kernels();
  const wordsPerRow = Math.ceil(m / 64);
  return withBuffers((scope) => {
    const Xb = scope.from('f32', X.data);
    const K = scope.buffer('f64', n * n);
    const H = scope.buffer('f64', n * n);
    const rowBits = scope.buffer('u64', n * wordsPerRow);
    const ZT = scope.buffer('f32', m * n);
    const norms = scope.buffer('f64', m + n);
    parallel.linearKernel(Xb.ptr, n, d, K.ptr);
    parallel.gemmNT(W.ptr, Xb.ptr, ZT.ptr, m, n, d);
    parallel.rowMasksFromPreactivations(ZT.ptr, m, n, rowBits.ptr, wordsPerRow);
    k.certifyRowMasks(ZT.ptr, W.ptr, Xb.ptr, m, n, d, rowBits.ptr, wordsPerRow, norms.ptr);
    parallel.gramFromMasks(rowBits.ptr, wordsPerRow, K.ptr, n, m, H.ptr);
    return { rows: n, cols: n, data: H.toFloat64() };
  });
}

/**
 * H∞_ij = x_iᵀx_j (π − θ_ij)/(2π), θ_ij the angle between x_i and x_j (Theorem 3.1), float64 n×n.
 * Rows are used as given (float32); a zero row gives a zero row and column.
 */
export function gramInfinity(X: Matrix): Matrix {
  const Xm = checkMatrix(X, 'gramInfinity: X', { float32: true });
  const n = Xm.rows, k = kernels();
  reserve(4 * Xm.data.length + 16 * n * n, `gramInfinity (n = ${n})`, 'reduce n');
  return withBuffers((scope) => {
    const Xb = scope.from('f32', Xm.data);
    const K = scope.buffer('f64', n * n);
    const H = scope.buffer('f64', n * n);
    parallel.linearKernel(Xb.ptr, n, Xm.cols, K.ptr);
    k.gramInfinity(K.ptr, n, H.ptr);
    return { rows: n, cols: n, data: H.toFloat64() };
  });
}

/** What {@link inputDiagnostics} found. */
export interface InputDiagnostics {
  /** True when λ0 = λ_min(H∞) is 0 (or numerically so): the paper's assumption fails. */
  degenerate: boolean;
  /** Indices of all-zero rows (their row and column of H∞ vanish). */
  zeroRows: number[];
  /** Pairs of rows pointing the same way, cos θ_ij ≥ 1 − tolerance (H∞ then has two equal rows up to scale). */
  parallelPairs: { i: number; j: number; cosine: number }[];
  /** Total number of parallel pairs (the list above is capped at 100). */
  parallelPairCount: number;
  /** A one-line warning naming the offending rows, or '' when the data are fine. */
  message: string;
}

/**
 * Checks the assumption behind Theorem 3.1: λ0 > 0 iff no input is zero and no two inputs are
 * parallel. Antiparallel pairs (θ = π) are fine: their H∞ entry is 0.
 */
export function inputDiagnostics(X: Matrix, { tolerance = PARALLEL_COSINE_TOLERANCE }: { tolerance?: number } = {}): InputDiagnostics {
  const Xm = checkMatrix(X, 'inputDiagnostics: X', { float32: true });
  const n = Xm.rows;
  kernels();
  reserve(4 * Xm.data.length + 8 * n * n, `inputDiagnostics (n = ${n})`, 'reduce n');
  return withBuffers((scope) => {
    const Xb = scope.from('f32', Xm.data);
    const K = scope.buffer('f64', n * n);
    parallel.linearKernel(Xb.ptr, n, Xm.cols, K.ptr);
    const gram = K.f64();
    const zeroRows: number[] = [];
    for (let i = 0; i < n; i++) if (gram[i * n + i] === 0) zeroRows.push(i);
    const parallelPairs: InputDiagnostics['parallelPairs'] = [];
    let parallelPairCount = 0;
    for (let i = 0; i < n; i++) {
      const kii = gram[i * n + i];
      if (kii === 0) continue;
      for (let j = i + 1; j < n; j++) {
        const kjj = gram[j * n + j];
        if (kjj === 0) continue;
        const cosine = gram[i * n + j] / Math.sqrt(kii * kjj);
        if (cosine >= 1 - tolerance) {
          parallelPairCount++;
          if (parallelPairs.length < 100) parallelPairs.push({ i, j, cosine });
        }
      }
    }
    const parts: string[] = [];
    if (zeroRows.length) parts.push(`zero rows ${listed(zeroRows)}`);
    if (parallelPairCount) {
      parts.push(`${parallelPairCount} parallel pair(s) ${listed(parallelPairs.map((p) => `(${p.i}, ${p.j})`))}`);
    }
    const degenerate = parts.length > 0;
    return {
      degenerate, zeroRows, parallelPairs, parallelPairCount,
      message: degenerate ? `λ0 = λ_min(H∞) = 0: the inputs have ${parts.join(' and ')}; Theorem 3.1 needs none` : '',
    };
  });
}

function listed(items: (number | string)[], max = 10): string {
  return items.slice(0, max).join(', ') + (items.length > max ? ', …' : '');
}
