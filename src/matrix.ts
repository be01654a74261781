// The Matrix type of the public API and the argument checks every entry point shares.
import { OverparamRangeError, OverparamTypeError } from './errors.js';

/** A dense row-major matrix: entry (i, j) is data[i·cols + j]. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array | Float64Array;
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInteger(value: unknown, name: string, min = 1, max = 2 ** 31 - 1): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max >= 2 ** 31 - 1 ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new OverparamRangeError('BAD_VALUE', `${name} must be ${range}, got ${String(value)}`);
  }
}

/** Throws unless `value` is a finite number greater than 0. */
export function checkPositive(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new OverparamRangeError('BAD_VALUE', `${name} must be a finite number > 0, got ${String(value)}`);
  }
}

/** What a caller expects of a matrix or vector argument beyond being well formed. */
export interface Expectation {
  rows?: number;
  cols?: number;
  /** The entries will be held in float32 (inputs, labels, weights): each must be finite after rounding to float32. */
  float32?: boolean;
}

/** Throws unless every entry is finite (also after rounding to float32, with `float32`), naming the first offender. */
export function checkFinite(data: ArrayLike<number>, name: string, cols?: number, float32 = false): void {
  // A Float32Array's entries are float32 already; a Float64Array's may overflow when rounded.
  const round = float32 && !(data instanceof Float32Array);
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(round ? Math.fround(data[k]) : data[k])) throw notFinite(data, name, k, cols);
  }
}

/** Largest finite float32, (2 − 2⁻²³)·2¹²⁷. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The NOT_FINITE error for entry k of data (named by row and column when `cols` is given). */
export function notFinite(data: ArrayLike<number>, name: string, k: number, cols?: number): OverparamRangeError {
  const where = cols ? `(${Math.floor(k / cols)}, ${k % cols})` : `[${k}]`;
  const value = data[k];
  const why = Number.isFinite(value)
    ? `outside float32's range (|x| ≤ ${FLOAT32_MAX.toPrecision(8)}), in which the network holds it`
    : 'every entry must be finite';
  return new OverparamRangeError('NOT_FINITE', `${name}${where} is ${value}; ${why}`);
}

/**
 * Throws unless `data` is a Float32Array or Float64Array of the expected length with finite
 * entries (finite in float32 too, with `float32`).
 */
export function checkVector(data: unknown, name: string, length?: number, float32 = false): asserts data is Float32Array | Float64Array {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new OverparamTypeError('BAD_SHAPE', `${name} must be a Float32Array or Float64Array`);
  }
  if (length !== undefined && data.length !== length) {
    throw new OverparamTypeError('BAD_SHAPE', `${name} must have length ${length}, got ${data.length}`);
  }
  checkFinite(data, name, undefined, float32);
}

/**
 * Checks that M is a well-formed Matrix with finite entries (and the expected shape) and returns
 * a snapshot of it. Callers use the snapshot, never M again: its fields are read exactly once, so a
 * getter that changes between reads cannot make the kernels read past the data.
 */
export function checkMatrix(M: unknown, name: string, expect: Expectation = {}): Matrix {
  const snapshot = checkMatrixShape(M, name, expect);
  checkFinite(snapshot.data, name, snapshot.cols, expect.float32);
  return snapshot;
}

/** checkMatrix without the scan of the entries (for callers that scan them faster themselves). */
export function checkMatrixShape(M: unknown, name: string, expect: Expectation = {}): Matrix {
  if (typeof M !== 'object' || M === null) {
    throw new OverparamTypeError('BAD_SHAPE', `${name} must be a Matrix { rows, cols, data }, got ${M === null ? 'null' : typeof M}`);
  }
  const { rows, cols, data } = M as Matrix;
  checkInteger(rows, `${name}.rows`);
  checkInteger(cols, `${name}.cols`);
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new OverparamTypeError('BAD_SHAPE', `${name}.data must be a Float32Array or Float64Array`);
  }
  if (data.length !== rows * cols) {
    throw new OverparamTypeError('BAD_SHAPE',
      `${name}.data has length ${data.length}, expected rows×cols = ${rows}×${cols} = ${rows * cols}`);
  }
  if (expect.rows !== undefined && rows !== expect.rows) {
    throw new OverparamTypeError('BAD_SHAPE', `${name} must have ${expect.rows} rows, got ${rows}`);
  }
  if (expect.cols !== undefined && cols !== expect.cols) {
    throw new OverparamTypeError('BAD_SHAPE', `${name} must have ${expect.cols} columns, got ${cols}`);
  }
  return { rows, cols, data };
}

/** Throws unless H is square and symmetric to within `relTol`·max|entry|. */
export function checkSymmetric(H: Matrix, name: string, relTol = SYMMETRY_TOLERANCE): void {
  checkSquare(H, name);
  const n = H.rows, a = H.data;
  let scale = 0;
  for (let k = 0; k < a.length; k++) scale = Math.max(scale, Math.abs(a[k]));
  let worst = 0, wi = 0, wj = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const gap = Math.abs(a[i * n + j] - a[j * n + i]);
      if (gap > worst) { worst = gap; wi = i; wj = j; }
    }
  }
  throwIfAsymmetric(name, worst, wi, wj, relTol * scale);
}

/** How far apart a_ij and a_ji may be, relative to max |a|. */
export const SYMMETRY_TOLERANCE = 1e-12;

/** Throws unless H is square. */
export function checkSquare(H: Matrix, name: string): void {
  if (H.rows !== H.cols) {
    throw new OverparamRangeError('BAD_SHAPE', `${name} must be square, got ${H.rows}×${H.cols}`);
  }
}

/** The NOT_SYMMETRIC error when the largest gap |a_ij − a_ji| (at i, j) exceeds `allowed`. */
export function throwIfAsymmetric(name: string, worst: number, wi: number, wj: number, allowed: number): void {
  if (worst > allowed) {
    throw new OverparamRangeError('NOT_SYMMETRIC',
      `${name} must be symmetric: entries (${wi}, ${wj}) and (${wj}, ${wi}) differ by ${worst.toExponential(3)}`);
  }
}
