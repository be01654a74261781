// Datasets: the paper's synthetic data (Section 5: inputs uniform on the unit sphere, Gaussian labels).
import { kernels } from './wasm/loader.js';
import { reserve, seedWords, withBuffers } from './wasm/memory.js';
import { checkInteger, type Matrix } from './matrix.js';

/** Random-stream ids: each kind of draw has its own stream, so changing n never shifts W's draws. */
export const STREAM = { inputs: 1, labels: 2, weights: 3, outputSigns: 4, outputGaussian: 5 } as const;

/** Largest seed accepted: seeds are split into two u32 words. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/**
 * The paper's synthetic data: n inputs uniform on the unit sphere in R^d (normalised Gaussian
 * vectors) and labels y_i ~ N(0, 1). The same seed gives the same numbers on every host.
 */
export function sphereData({ n, d, seed = 0 }: { n: number; d: number; seed?: number }): { X: Matrix; y: Float32Array } {
  checkInteger(n, 'sphereData: n');
  checkInteger(d, 'sphereData: d');
  checkInteger(seed, 'sphereData: seed', 0, MAX_SEED);
  const k = kernels();
  const [lo, hi] = seedWords(seed);
  reserve(4 * (n * d + n), `sphereData (n = ${n}, d = ${d})`, 'reduce n or d');
  return withBuffers((scope) => {
    const X = scope.buffer('f32', n * d);
    const y = scope.buffer('f32', n);
    k.fillNormal(X.ptr, n * d, 1, lo, hi, STREAM.inputs);
    k.normalizeRows(X.ptr, n, d);
    k.fillNormal(y.ptr, n, 1, lo, hi, STREAM.labels);
    return { X: { rows: n, cols: d, data: X.toFloat32() }, y: y.toFloat32() };
  });
}
