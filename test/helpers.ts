// Shared test helpers: random float32 cases (the package computes in float32, so the float64
// oracle receives the very same float32 values), and error measures.
import { mulberry32, randomMatrix, randomSigns, randomUnitRows } from './reference/random';
import type { Matrix } from '../src/index';

export interface Case {
  n: number; d: number; m: number;
  X: Matrix; y: Float32Array; W: Matrix; a: Float32Array;
  /** The same numbers widened to float64, for the oracle. */
  X64: Float64Array; y64: Float64Array; W64: Float64Array; a64: Float64Array;
}

/** A random problem with float32 entries: unit-norm inputs unless `rawInputs`. */
export function randomCase(n: number, d: number, m: number, seed: number, opts: { rawInputs?: boolean } = {}): Case {
  const rand = mulberry32(seed);
  const X = Float32Array.from(opts.rawInputs ? randomMatrix(n, d, rand) : randomUnitRows(n, d, rand));
  const y = Float32Array.from(randomMatrix(n, 1, rand));
  const W = Float32Array.from(randomMatrix(m, d, rand));
  const a = Float32Array.from(randomSigns(m, rand));
  return {
    n, d, m,
    X: { rows: n, cols: d, data: X }, y, W: { rows: m, cols: d, data: W }, a,
    X64: Float64Array.from(X), y64: Float64Array.from(y), W64: Float64Array.from(W), a64: Float64Array.from(a),
  };
}

/** max_k |got_k − want_k| / max(max_k |want_k|, floor). */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>, floor = 1e-30): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} ≠ ${want.length}`);
  let scale = floor, worst = 0;
  for (let k = 0; k < want.length; k++) scale = Math.max(scale, Math.abs(want[k]));
  for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]));
  return worst / scale;
}

/** Shapes that exercise every tail: 1s, sizes not divisible by 4, 32 or 64, a full block, and both masked-sum kernels. */
export type Shape = [n: number, d: number, m: number];
export const SHAPES: Shape[] = [
  [1, 1, 1], [1, 3, 5], [3, 1, 2], [5, 7, 3], [13, 6, 67], [37, 33, 130], [64, 65, 64], [70, 20, 129],
  // From 256 neurons on the step reads subset-sum tables (src/wasm/parallel.ts) instead of lists.
  [29, 40, 300],
];
