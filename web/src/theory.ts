// The worker's numerics that are particular to the demo: step-size advice, degeneracy diagnosis,
// and small helpers. The paper's formulas (bound, infinite-width trajectory, radius, Gram floors)
// come from the library, which the worker alone imports.
import { optimizerStabilityRule, stepSizeFromSpectrum, type Optimizer } from '../../src/index';
import { nearlyDegenerate } from '../../src/degeneracy';

/** The step sizes the page advertises, from the spectrum of H∞. */
export interface StepSizeAdvice {
  /** 1/λ_max(H∞): the top direction decays in about one step; leaves a factor 2 of margin for finite m. */
  suggested: number;
  /** GD on ½‖y − u‖² diverges along the top eigenvector once η ≥ 2/λ_max; other optimisers at their own limit. */
  stabilityLimit: number;
  /** The limit in symbols, λ_max being the limit kernel's: '2/λ_max', '2(1+β)/λ_max (β = 0.9)', …. */
  rule: string;
  /** The order of Theorem 4.1's η = O(λ0/n²) (constant 1): far too small to show anything. */
  theorem: number;
}

/**
 * The demo's share of the stability limit: η = ½ · 2/λ_max(H∞) = 1/λ_max (exactly: halving is exact
 * in floating point). Twice the library's default (suggestStepSize's ¼): the demo's runs are short,
 * and its nets are compared with H∞, not with each net's H(0).
 */
export const DEMO_FRACTION_OF_LIMIT = 0.5;

/**
 * Step-size advice for n inputs with H∞'s extreme eigenvalues λ0 and λ_max (the library's rule at
 * the demo's share), for the run's optimiser: its own stability limit (optimizerStabilityLimit).
 */
export function stepSizeAdvice(lambda0: number, lambdaMax: number, n: number, optimizer: Optimizer = { kind: 'gd' }): StepSizeAdvice {
  const s = stepSizeFromSpectrum({
    lambdaMax, lambda0: Math.max(lambda0, 0), n, source: 'gramInfinity', fractionOfLimit: DEMO_FRACTION_OF_LIMIT, optimizer,
  });
  return { suggested: s.eta, stabilityLimit: s.largestStableEta, theorem: s.theoryEta!, rule: optimizerStabilityRule(optimizer) };
}

/** Why λ0 = λ_min(H∞) is (close to) zero, if it is. */
export interface Degeneracy {
  /** True when some input is zero or two are parallel, or λ0 ≤ 1e-7·λ_max all the same. */
  degenerate: boolean;
  /** Plain-language explanation for the page, empty when nothing is wrong. */
  message: string;
}

/**
 * Combines the library's exact diagnosis (zero rows, parallel pairs: inputDiagnostics) with the
 * spectrum: nearly parallel inputs leave λ0 > 0 in exact arithmetic but ≈ 0 in floating point.
 */
export function assessDegeneracy(diagnosis: { degenerate: boolean; message: string }, lambda0: number, lambdaMax: number): Degeneracy {
  const consequence = ' The residual along the null direction of H∞ will hardly shrink.';
  if (diagnosis.degenerate) return { degenerate: true, message: `Degenerate data: ${diagnosis.message}.${consequence}` };
  if (nearlyDegenerate(lambda0, lambdaMax)) {
    return {
      degenerate: true,
      message: `Nearly degenerate data: λ0 = λ_min(H∞) = ${lambda0.toExponential(2)} is tiny next to ` +
        `λ_max = ${lambdaMax.toExponential(2)} (nearly parallel inputs).${consequence}`,
    };
  }
  return { degenerate: false, message: '' };
}

/**
 * Averages an n×n matrix over square blocks so at most `maxCells`² values cross to the page
 * (a 1000×1000 float64 matrix is 8 MB; a heatmap of a few hundred pixels cannot show more).
 */
export function blockAverage(A: ArrayLike<number>, n: number, maxCells: number): { size: number; data: Float64Array } {
  if (n <= maxCells) return { size: n, data: Float64Array.from(A) };
  const size = maxCells;
  const sums = new Float64Array(size * size);
  const counts = new Float64Array(size * size);
  for (let i = 0; i < n; i++) {
    const bi = Math.floor((i * size) / n);
    for (let j = 0; j < n; j++) {
      const cell = bi * size + Math.floor((j * size) / n);
      sums[cell] += A[i * n + j];
      counts[cell] += 1;
    }
  }
  for (let c = 0; c < sums.length; c++) sums[c] /= counts[c];
  return { size, data: sums };
}

/** How often λ_min(H(k)) is measured: ≤ 50 points a curve at demo size, ~5 at the paper's size. */
export function gramInterval(n: number, steps: number): number {
  // Each measurement builds H(k) and runs Lanczos (~3 ms at n = 100, growing like n² to n³):
  // a curve of 50 points reads well and keeps the measurements under the training's own cost.
  const points = Math.min(50, Math.max(5, Math.floor(50 * (200 / n) ** 3)));
  return Math.max(1, Math.ceil(steps / points));
}

/** FNV-1a over the bytes of a typed array, as 8 hex digits: a compact fingerprint of exact values. */
export function fingerprint(values: Float64Array | Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let hash = 0x811c9dc5;
  for (let b = 0; b < bytes.length; b++) {
    hash ^= bytes[b];
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
