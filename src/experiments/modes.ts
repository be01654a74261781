// Eigenmodes of training (Arora, Du, Hu, Li, Wang, ICML 2019; DESIGN §9): with H∞ = Σ_i λ_i v_i v_iᵀ,
// the residual's coordinates p_i = v_iᵀ(y − u) in H∞'s eigenbasis, their kernel-regime decay
// p_i(k) = (1 − ηλ_i)^k p_i(0), the rates a trained net shows, and the label spectrum (v_iᵀy)².
// Plain float64 TypeScript on an eigendecomposition the caller computed once (eigh(gramInfinity(X))).
//
// Modes are numbered by rank: mode 0 has the largest eigenvalue, mode n − 1 the smallest (the
// papers' λ_1 ≥ … ≥ λ_n), whatever order the eigendecomposition lists them in (eigh: ascending).
import { OverparamRangeError, OverparamTypeError } from '../errors.js';
import { checkFinite, checkInteger, checkMatrix, checkPositive, type Matrix } from '../matrix.js';
import type { Eigendecomposition } from '../spectra.js';
import { ROUND_OFF_FLOOR } from './theory.js';

/** Which modes to follow: all n, or the `top` K largest and/or `bottom` K smallest eigenvalues (each capped at n). */
export type ModeSelection = 'all' | { top?: number; bottom?: number };

/** What {@link labelSpectrum} returns: the labels' energy in each mode, largest eigenvalue first. */
export interface LabelSpectrum {
  /** λ_i, descending. */
  eigenvalues: Float64Array;
  /** (v_iᵀy)², in the same order; they sum to ‖y‖² (V is orthogonal). */
  energy: Float64Array;
  /** Σ_{j ≤ i} (v_jᵀy)² / Σ_j (v_jᵀy)²: the share of ‖y‖² in the i + 1 top modes (ends at exactly 1: the same sum in the same order; all 0 when y = 0). */
  cumulativeShare: Float64Array;
  /** Σ_i (v_iᵀy)² = ‖y‖² up to round-off. */
  total: number;
}

/** Projections of one vector on selected modes (what {@link modeProjections} returns). */
export interface ModeProjections {
  /** The modes' ranks (0 = largest eigenvalue), increasing. */
  modes: Int32Array;
  /** λ of each selected mode. */
  eigenvalues: Float64Array;
  /** p_i = v_iᵀr for each selected mode. */
  projections: Float64Array;
}

/** Projections of the residual on selected modes at a sequence of steps (recorded or predicted). */
export interface ModeTrajectory {
  /** The modes' ranks (0 = largest eigenvalue), increasing. */
  modes: Int32Array;
  /** λ of each selected mode. */
  eigenvalues: Float64Array;
  /** The step k of each row of `projections`, increasing. */
  steps: Int32Array;
  /** rows = steps, cols = modes: entry (s, j) is p_{modes[j]}(steps[s]). */
  projections: Matrix;
  /** ‖y − u(k)‖ at each step (over all modes), when known: {@link fitModeRates} sets its round-off floor from it. */
  residualNorm?: Float64Array;
}

/** A fitted per-mode rate (what {@link fitModeRates} returns for each mode). */
export interface ModeRate {
  /** The mode's rank (0 = largest eigenvalue). */
  mode: number;
  eigenvalue: number;
  /** The kernel regime's factor per step, 1 − ηλ_i. */
  predicted: number;
  /**
   * The fitted factor per step: exp(slope) of the least-squares line through log|p_i(k)| against k,
   * negative when p_i changes sign at most steps (ηλ_i > 1). NaN when fewer than two points are
   * above the round-off floor.
   */
  fitted: number;
  /** Points used: the leading run of steps with |p_i(k)| above the floor. */
  points: number;
}

/** Options of {@link fitModeRates}. */
export interface FitModeRatesOptions {
  /**
   * |p_i(k)| at or below this counts as round-off: the fit stops at the first such step. Default:
   * √ROUND_OFF_FLOOR (≈ 3·10⁻⁵, widthSweep's level for ‖y − u‖²) times ‖y − u(0)‖ (the trajectory's
   * residualNorm[0], else the norm of the recorded projections at the first step).
   */
  floor?: number;
}

/** A mode recorder (see {@link createModeRecorder}): feed it y and u(k) at each step, read the trajectory at the end. */
export interface ModeRecorder {
  /** The selected modes' ranks (0 = largest eigenvalue), increasing. */
  readonly modes: Int32Array;
  /** λ of each selected mode. */
  readonly eigenvalues: Float64Array;
  /** Records p_i(k) = v_iᵀ(y − u) for the selected modes, and ‖y − u‖. Steps must increase. */
  record(step: number, y: ArrayLike<number>, u: ArrayLike<number>): void;
  /** As record, from the residual r = y − u directly. */
  recordResidual(step: number, residual: ArrayLike<number>): void;
  /** Steps recorded so far. */
  readonly length: number;
  /** The trajectory recorded so far (copies: recording may go on). */
  trajectory(): ModeTrajectory;
}

/**
 * The eigendecomposition's modes sorted by decreasing eigenvalue, with the selected eigenvectors
 * copied into the rows of a compact k×n array, so that projecting costs k·n and reads memory in order.
 */
interface ModeBasis {
  n: number;
  modes: Int32Array;
  eigenvalues: Float64Array;
  /** Row j is the eigenvector of mode modes[j]. */
  rows: Float64Array;
}

/** Checks an eigendecomposition { values, vectors } of an n×n matrix and returns its columns ordered by decreasing λ. */
function descendingOrder(eigen: Eigendecomposition, fn: string): { n: number; order: Int32Array; values: Float64Array; V: Matrix } {
  if (typeof eigen !== 'object' || eigen === null) {
    throw new OverparamTypeError('BAD_SHAPE', `${fn}: eigen must be an Eigendecomposition { values, vectors } (as eigh returns)`);
  }
  const values: unknown = eigen.values;
  if (!(values instanceof Float64Array || values instanceof Float32Array)) {
    throw new OverparamTypeError('BAD_SHAPE', `${fn}: eigen.values must be a Float64Array (as eigh returns)`);
  }
  const n = values.length;
  checkInteger(n, `${fn}: eigen.values.length`);
  checkFinite(values, `${fn}: eigen.values`);
  const V = checkMatrix(eigen.vectors, `${fn}: eigen.vectors`, { rows: n, cols: n });
  const order = Int32Array.from({ length: n }, (_, j) => j).sort((a, b) => values[b] - values[a] || a - b);
  return { n, order, values: Float64Array.from(values), V };
}

/** The ranks a ModeSelection picks among n modes, increasing. */
function selectedRanks(which: ModeSelection, n: number, fn: string): Int32Array {
  if (which === 'all') return Int32Array.from({ length: n }, (_, i) => i);
  if (typeof which !== 'object' || which === null) {
    throw new OverparamRangeError('BAD_VALUE', `${fn}: which must be 'all' or { top?, bottom? }, got ${String(which)}`);
  }
  const { top = 0, bottom = 0 } = which;
  checkInteger(top, `${fn}: which.top`, 0);
  checkInteger(bottom, `${fn}: which.bottom`, 0);
  if (top + bottom === 0) throw new OverparamRangeError('BAD_VALUE', `${fn}: which selects no mode (give top or bottom ≥ 1)`);
  const picked = new Set<number>();
  for (let i = 0; i < Math.min(top, n); i++) picked.add(i);
  for (let i = Math.max(0, n - bottom); i < n; i++) picked.add(i);
  return Int32Array.from([...picked].sort((a, b) => a - b));
}

function modeBasis(eigen: Eigendecomposition, which: ModeSelection, fn: string): ModeBasis {
  const { n, order, values, V } = descendingOrder(eigen, fn);
  const modes = selectedRanks(which, n, fn);
  const rows = new Float64Array(modes.length * n);
  const eigenvalues = new Float64Array(modes.length);
  for (let j = 0; j < modes.length; j++) {
    const column = order[modes[j]];
    eigenvalues[j] = values[column];
    for (let i = 0; i < n; i++) rows[j * n + i] = V.data[i * n + column];
  }
  return { n, modes, eigenvalues, rows };
}

/** out[j] = (row j of the basis)ᵀ r; returns ‖r‖. */
function project(basis: ModeBasis, r: ArrayLike<number>, out: Float64Array, offset = 0): number {
  const { n, rows } = basis;
  for (let j = 0; j < basis.modes.length; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += rows[j * n + i] * r[i];
    out[offset + j] = sum;
  }
  let norm = 0;
  for (let i = 0; i < n; i++) norm += r[i] * r[i];
  return Math.sqrt(norm);
}

function checkLength(v: ArrayLike<number>, n: number, name: string): void {
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') {
    throw new OverparamTypeError('BAD_SHAPE', `${name} must be an array of numbers`);
  }
  if (v.length !== n) throw new OverparamTypeError('BAD_SHAPE', `${name} must have length ${n} (H∞ is ${n}×${n}), got ${v.length}`);
  checkFinite(v, name);
}

/**
 * The label spectrum: the labels' energy (v_iᵀy)² in each eigenmode of H∞, eigenvalues descending,
 * and its cumulative share of ‖y‖². Labels concentrated on the top modes are fitted fast; random
 * labels spread over the small eigenvalues (Arora et al. 2019, Section 4, Figure 1).
 *
 * @example
 * const { X, y } = sphereData({ n: 50, d: 10 });
 * const spectrum = labelSpectrum(eigh(gramInfinity(X)), y);
 * spectrum.cumulativeShare[4]; // share of ‖y‖² in the 5 top modes
 */
export function labelSpectrum(eigen: Eigendecomposition, y: ArrayLike<number>): LabelSpectrum {
  const fn = 'labelSpectrum';
  const basis = modeBasis(eigen, 'all', fn);
  checkLength(y, basis.n, `${fn}: y`);
  const energy = new Float64Array(basis.n);
  project(basis, y, energy);
  let total = 0;
  // Arora et al. 2019, Theorem 4.1: the energy of y in mode i is (v_iᵀy)².
  for (let i = 0; i < energy.length; i++) { energy[i] *= energy[i]; total += energy[i]; }
  const cumulativeShare = new Float64Array(basis.n);
  let running = 0;
  for (let i = 0; i < energy.length; i++) {
    running += energy[i];
    cumulativeShare[i] = total > 0 ? running / total : 0;
  }
  return { eigenvalues: basis.eigenvalues, energy, cumulativeShare, total };
}

/**
 * The residual's coordinates in H∞'s eigenbasis, p_i = v_iᵀ(y − u), for all modes or the top and
 * bottom K (`which`, default 'all'). Pass `residual` = y − u(k); with u = 0 it gives v_iᵀy.
 *
 * @example
 * const eigen = eigh(gramInfinity(X));
 * const { modes, projections } = modeProjections(eigen, residual, { top: 5, bottom: 5 });
 */
export function modeProjections(eigen: Eigendecomposition, residual: ArrayLike<number>, which: ModeSelection = 'all'): ModeProjections {
  const fn = 'modeProjections';
  const basis = modeBasis(eigen, which, fn);
  checkLength(residual, basis.n, `${fn}: residual`);
  const projections = new Float64Array(basis.modes.length);
  // Arora et al. 2019, Section 4: p_i = v_iᵀ(y − u).
  project(basis, residual, projections);
  return { modes: basis.modes, eigenvalues: basis.eigenvalues, projections };
}

/** The factor (1 − ηλ)^k, computed as exp(k·log1p(−ηλ)) when ηλ is small (no loss of the small ηλ to the 1). */
function decayFactor(eta: number, lambda: number, k: number): number {
  const x = eta * lambda;
  return Math.abs(x) < 0.5 ? Math.exp(k * Math.log1p(-x)) : (1 - x) ** k;
}

/**
 * The kernel-regime (m → ∞) prediction of the projections: p_i(k) = (1 − ηλ_i)^k p_i(0), k = 0..steps.
 * `p0` is a {@link modeProjections} result (its modes are kept), or a plain array of all n
 * projections in rank order (mode 0 = largest eigenvalue). `eta` is the step size on the sum loss
 * ½‖y − u‖² (for train's loss 'mean', pass η/n).
 */
export function predictedModeDecay(
  eigen: Eigendecomposition, p0: ModeProjections | ArrayLike<number>, eta: number, steps: number,
): ModeTrajectory {
  const fn = 'predictedModeDecay';
  checkPositive(eta, `${fn}: eta`);
  checkInteger(steps, `${fn}: steps`, 0);
  const { n, order, values } = descendingOrder(eigen, fn);
  let modes: Int32Array, start: ArrayLike<number>;
  if (isModeProjections(p0)) {
    modes = Int32Array.from(p0.modes);
    start = p0.projections;
    if (start.length !== modes.length) {
      throw new OverparamTypeError('BAD_SHAPE', `${fn}: p0.projections has ${start.length} entries for ${modes.length} modes`);
    }
    for (const mode of modes) checkInteger(mode, `${fn}: p0.modes[…]`, 0, n - 1);
  } else {
    checkLength(p0, n, `${fn}: p0`);
    modes = Int32Array.from({ length: n }, (_, i) => i);
    start = p0;
  }
  checkFinite(start, `${fn}: p0`);
  const k = modes.length;
  const eigenvalues = Float64Array.from(modes, (mode) => values[order[mode]]);
  const data = new Float64Array((steps + 1) * k);
  for (let j = 0; j < k; j++) {
    // Arora et al. 2019, Section 4 (kernel regime): p_i(k) = (1 − ηλ_i)^k p_i(0).
    for (let s = 0; s <= steps; s++) data[s * k + j] = decayFactor(eta, eigenvalues[j], s) * start[j];
  }
  return {
    modes, eigenvalues,
    steps: Int32Array.from({ length: steps + 1 }, (_, s) => s),
    projections: { rows: steps + 1, cols: k, data },
  };
}

function isModeProjections(value: unknown): value is ModeProjections {
  return typeof value === 'object' && value !== null && 'modes' in value && 'projections' in value;
}

/**
 * Each mode's rate per step as the net shows it, beside the kernel regime's 1 − ηλ_i: the
 * least-squares slope b of log|p_i(k)| against k over the leading steps above the round-off floor,
 * reported as exp(b) (with a minus sign when p_i flips sign at most recorded unit steps). Modes with
 * fewer than two such points get NaN. `eta` as in {@link predictedModeDecay}.
 */
export function fitModeRates(trajectory: ModeTrajectory, eta: number, options: FitModeRatesOptions = {}): ModeRate[] {
  const fn = 'fitModeRates';
  checkPositive(eta, `${fn}: eta`);
  if (typeof trajectory !== 'object' || trajectory === null) {
    throw new OverparamTypeError('BAD_SHAPE', `${fn}: trajectory must be a ModeTrajectory (createModeRecorder(…).trajectory() or predictedModeDecay)`);
  }
  const { modes, eigenvalues, steps, residualNorm } = trajectory;
  const k = modes.length;
  const P = checkMatrix(trajectory.projections, `${fn}: trajectory.projections`, { rows: steps.length, cols: k });
  if (eigenvalues.length !== k) throw new OverparamTypeError('BAD_SHAPE', `${fn}: trajectory.eigenvalues must have ${k} entries`);
  let floor = options.floor;
  if (floor === undefined) {
    let scale = residualNorm && residualNorm.length > 0 ? residualNorm[0] : 0;
    if (!(scale > 0) && P.rows > 0) {
      for (let j = 0; j < k; j++) scale += P.data[j] ** 2;
      scale = Math.sqrt(scale);
    }
    floor = Math.sqrt(ROUND_OFF_FLOOR) * scale;
  } else if (!(floor >= 0 && Number.isFinite(floor))) {
    throw new OverparamRangeError('BAD_VALUE', `${fn}: options.floor must be a finite number ≥ 0, got ${floor}`);
  }
  const rates: ModeRate[] = [];
  for (let j = 0; j < k; j++) {
    let count = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, flips = 0, unitPairs = 0;
    for (let s = 0; s < P.rows; s++) {
      const p = P.data[s * k + j];
      if (!(Math.abs(p) > floor)) break;
      const x = steps[s], y = Math.log(Math.abs(p));
      count++; sx += x; sy += y; sxx += x * x; sxy += x * y;
      if (s > 0 && steps[s] - steps[s - 1] === 1) {
        unitPairs++;
        if (Math.sign(p) !== Math.sign(P.data[(s - 1) * k + j])) flips++;
      }
    }
    const denominator = count * sxx - sx * sx;
    // Least squares on log|p_i(k)| = log|p_i(0)| + k·log|1 − ηλ_i| (Arora et al. 2019, Section 4).
    const slope = count >= 2 && denominator > 0 ? (count * sxy - sx * sy) / denominator : NaN;
    const sign = unitPairs > 0 && flips > unitPairs / 2 ? -1 : 1;
    rates.push({
      mode: modes[j], eigenvalue: eigenvalues[j], predicted: 1 - eta * eigenvalues[j],
      fitted: sign * Math.exp(slope), points: Number.isNaN(slope) ? 0 : count,
    });
  }
  return rates;
}

/**
 * Arora et al.'s Theorem 4.1 for a small initialisation (u(0) ≈ 0, the `scale` κ small):
 * ‖y − u(k)‖ ≈ √(Σ_i (1 − ηλ_i)^(2k) (v_iᵀy)²), for k = 0..steps. Compare with √(train's residualSq).
 * `eta` as in {@link predictedModeDecay}.
 */
export function smallInitResidualPrediction(eigen: Eigendecomposition, y: ArrayLike<number>, eta: number, steps: number): Float64Array {
  const fn = 'smallInitResidualPrediction';
  checkPositive(eta, `${fn}: eta`);
  checkInteger(steps, `${fn}: steps`, 0);
  const { eigenvalues, energy } = labelSpectrum(eigen, y);
  const out = new Float64Array(steps + 1);
  for (let s = 0; s <= steps; s++) {
    let sum = 0;
    // Arora et al. 2019, Theorem 4.1: ‖y − u(k)‖² ≈ Σ_i (1 − ηλ_i)^(2k) (v_iᵀy)².
    for (let i = 0; i < energy.length; i++) sum += decayFactor(eta, eigenvalues[i], s) ** 2 * energy[i];
    out[s] = Math.sqrt(sum);
  }
  return out;
}

/**
 * A recorder of the projections p_i(k) = v_iᵀ(y − u(k)) during training, for `train`'s step loop
 * or an onStep callback: `record(k, y, u)` at each step (k·n work for k modes), `trajectory()` at the end.
 *
 * @example
 * const eigen = eigh(gramInfinity(X));
 * const recorder = createModeRecorder(eigen, { top: 5, bottom: 5 });
 * train(net, X, y, { eta, steps, onStep: ({ step }) => recorder.record(step, y, net.predict(X)) });
 * const rates = fitModeRates(recorder.trajectory(), eta);
 */
export function createModeRecorder(eigen: Eigendecomposition, which: ModeSelection = 'all'): ModeRecorder {
  const fn = 'createModeRecorder';
  const basis = modeBasis(eigen, which, fn);
  const { n } = basis, k = basis.modes.length;
  let capacity = 16, length = 0;
  let data = new Float64Array(capacity * k), norms = new Float64Array(capacity), steps = new Int32Array(capacity);
  const scratch = new Float64Array(n);

  const recordResidual = (step: number, residual: ArrayLike<number>, name = 'residual'): void => {
    checkInteger(step, `${fn}: record: step`, 0);
    if (length > 0 && step <= steps[length - 1]) {
      throw new OverparamRangeError('BAD_VALUE', `${fn}: record: steps must increase (got ${step} after ${steps[length - 1]})`);
    }
    checkLength(residual, n, `${fn}: record: ${name}`);
    if (length === capacity) {
      capacity *= 2;
      const grown = new Float64Array(capacity * k); grown.set(data); data = grown;
      const grownNorms = new Float64Array(capacity); grownNorms.set(norms); norms = grownNorms;
      const grownSteps = new Int32Array(capacity); grownSteps.set(steps); steps = grownSteps;
    }
    norms[length] = project(basis, residual, data, length * k);
    steps[length] = step;
    length++;
  };

  return {
    modes: basis.modes,
    eigenvalues: basis.eigenvalues,
    get length() { return length; },
    recordResidual: (step, residual) => recordResidual(step, residual),
    record(step, y, u) {
      checkLength(y, n, `${fn}: record: y`);
      checkLength(u, n, `${fn}: record: u`);
      for (let i = 0; i < n; i++) scratch[i] = y[i] - u[i];
      recordResidual(step, scratch, 'y − u');
    },
    trajectory() {
      return {
        modes: Int32Array.from(basis.modes),
        eigenvalues: Float64Array.from(basis.eigenvalues),
        steps: steps.slice(0, length),
        projections: { rows: length, cols: k, data: data.slice(0, length * k) },
        residualNorm: norms.slice(0, length),
      };
    },
  };
}
