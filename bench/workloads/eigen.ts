// Eigenvalues of an n×n Gram matrix (H∞ of unit-sphere data, the paper's λ0 matrix): our
// lambdaMin (Lanczos, which switches to shift-invert Lanczos at this spectrum's hard edge) and
// eigvalsh (dense) against ml-matrix's EigenvalueDecomposition, with the agreement checked before
// timing. The matrix is also written to a file for numpy's eigvalsh.
import { writeFileSync } from 'node:fs';
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { eigvalsh, gramInfinity, lambdaMin, sphereData, threadCount, type Matrix } from '../../src/index.js';
import { interleaved } from '../lib/measure.js';
import type { ResultRow } from '../lib/report.js';

export interface EigenReport {
  rows: ResultRow[];
  lambdaMin: number;
  lambdaMax: number;
  /** |λ_min(lambdaMin) − λ_min(eigvalsh)| / λ_max. */
  lanczosVsDense: number;
  /** |λ_min(ours) − λ_min(ml-matrix)| / λ_max. */
  oursVsMlMatrix: number;
}

/** The benchmark's Gram matrix: H∞ of n unit-sphere points in d dimensions. */
export function benchGramMatrix(n: number, d: number): Matrix {
  return gramInfinity(sphereData({ n, d, seed: 5 }).X);
}

/** Writes H as raw little-endian float64 (numpy reads it with np.fromfile). */
export function writeRawF64(path: string, H: Matrix): void {
  const data = Float64Array.from(H.data);
  writeFileSync(path, new Uint8Array(data.buffer));
}

export async function benchEigen(H: Matrix, options: { rounds: number; mlMatrixRounds: number }): Promise<EigenReport> {
  const n = H.rows;
  const workloadMin = `λ_min of an ${n}×${n} Gram matrix (H∞)`;
  const workloadAll = `all eigenvalues of an ${n}×${n} Gram matrix (H∞)`;
  const dense = eigvalsh(H);
  const lanczos = lambdaMin(H);
  const rows2d = Array.from({ length: n }, (_, i) => Array.from(H.data.subarray(i * n, (i + 1) * n)));
  const mlMatrix = new MlMatrix(rows2d);
  const ml = new EigenvalueDecomposition(mlMatrix, { assumeSymmetric: true }).realEigenvalues;
  const lambdaMax = dense[n - 1];
  const report: Omit<EigenReport, 'rows'> = {
    lambdaMin: dense[0], lambdaMax,
    lanczosVsDense: Math.abs(lanczos - dense[0]) / lambdaMax,
    oursVsMlMatrix: Math.abs(Math.min(...ml) - dense[0]) / lambdaMax,
  };
  if (!(report.lanczosVsDense < 1e-9 && report.oursVsMlMatrix < 1e-9)) {
    throw new Error(`bench: eigenvalues disagree: ${JSON.stringify(report)}`);
  }

  const names = {
    lambdaMin: 'overparam wasm: lambdaMin (Lanczos + shift-invert)',
    eigvalsh: `overparam wasm: eigvalsh (Householder, passes split over ${threadCount()} thread(s) from 192 rows; root-free QL)`,
    mlMin: 'ml-matrix EigenvalueDecomposition (symmetric), smallest',
    mlAll: 'ml-matrix EigenvalueDecomposition (symmetric)',
  };
  const timings = await interleaved([
    { name: names.lambdaMin, fn: () => lambdaMin(H) },
    { name: names.eigvalsh, fn: () => eigvalsh(H) },
    {
      name: names.mlAll, warmup: false, maxRounds: options.mlMatrixRounds,
      fn: () => new EigenvalueDecomposition(mlMatrix, { assumeSymmetric: true }).realEigenvalues,
    },
  ], options.rounds);
  const ml2 = timings.get(names.mlAll)!;
  return {
    ...report,
    rows: [
      { workload: workloadMin, implementation: names.lambdaMin, ours: true, headline: true, timing: timings.get(names.lambdaMin)! },
      { workload: workloadMin, implementation: names.mlMin, ours: false, timing: ml2, note: 'full decomposition, it has no λ_min-only path' },
      { workload: workloadAll, implementation: names.eigvalsh, ours: true, headline: true, timing: timings.get(names.eigvalsh)! },
      { workload: workloadAll, implementation: names.mlAll, ours: false, timing: ml2 },
    ],
  };
}
