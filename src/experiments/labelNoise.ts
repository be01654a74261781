// The label-noise experiment of Arora, Du, Hu, Li, Wang (ICML 2019, Section 6; DESIGN §9, issue 15
// §3): one network a fraction p of random labels, all on the same inputs and one eigendecomposition
// of H∞. For each p: the training curve beside Theorem 4.1's small-initialisation prediction, the
// label spectrum, the bound √(2yᵀ(H∞)⁻¹y/n), the distance √(yᵀ(H∞)⁻¹y) beside the measured
// ‖W − W(0)‖_F, and the test error along training; then the checks the paper's Figures 1–2 show.
import { OverparamRangeError } from '../errors.js';
import { checkInteger, checkMatrix, checkPositive, checkVector, type Matrix } from '../matrix.js';
import { gramInfinity } from '../kernels.js';
import { eigh, type Eigendecomposition } from '../spectra.js';
import { train, type TrainResult } from '../training.js';
import { TwoLayerNet } from '../network.js';
import { withLabelNoise, type LabelNoise } from '../digits.js';
import type { OutputInit } from '../parametrisation.js';
import { formatNumber as format } from './format.js';
import { classificationError, generalizationTermsFromEigen } from './generalization.js';
import { labelSpectrum, smallInitResidualPrediction, type ModeRate } from './modes.js';
import type { Figure1Check } from './checks.js';

/** Options of {@link labelNoiseSweep}. */
export interface LabelNoiseOptions {
  /** Training inputs (n×d, unit rows: the theory's ‖x‖ = 1), ±1 labels, and held-out data for the test error. */
  data: { X: Matrix; y: Float32Array | Float64Array; test?: { X: Matrix; y: Float32Array | Float64Array } };
  /** Fractions p of labels replaced by random ±1 (default 0, 0.2, …, 1); each in [0, 1]. */
  noise?: number[];
  /** Width (default 2000). */
  m?: number;
  /** GD steps (default 500). */
  steps?: number;
  /** Step size on ½‖y − u‖² (default 1/λ_max(H∞), half the kernel regime's stability limit). */
  eta?: number;
  /** Seed of the networks and of the label noise (default 0). */
  seed?: number;
  /**
   * a(0) (default 'symmetric': u(0) = 0 exactly with w_r ~ N(0, I), Arora et al.'s small-initialisation
   * setting for Theorem 4.1 and Lemma 5.3 without shrinking κ, which would leave the kernel regime).
   */
  outputInit?: OutputInit;
  /** Measure the test error (and the modes) every this many steps (default: steps/50, at least 1). */
  every?: number;
  /** Modes kept in the result's trajectories (default top 3 and bottom 3; all n are fitted). */
  keepModes?: number;
  /** Called after each p's run. */
  onRun?: (run: LabelNoiseRun, index: number, total: number) => void;
  /** Stops after the current GD step; the result has status 'aborted' and the runs that finished. */
  signal?: AbortSignal;
}

/** One fraction p's run. */
export interface LabelNoiseRun {
  p: number;
  /** Labels replaced (round(p·n)) and how many of them changed sign. */
  replaced: number;
  changed: number;
  status: 'done' | 'diverged' | 'aborted';
  stepsRun: number;
  /** ‖y − u(k)‖², k = 0..stepsRun. */
  residualSq: number[];
  /** Theorem 4.1 (Arora et al.): ‖y − u(k)‖² ≈ Σ_i (1 − ηλ_i)^(2k)(v_iᵀy)², the square of smallInitResidualPrediction. */
  predictedResidualSq: number[];
  /** ‖y − u(K)‖² / ‖y − u(0)‖² at the last step K. */
  relativeResidual: number;
  /** (v_iᵀy)², eigenvalues descending, and its cumulative share. */
  spectrum: { energy: number[]; cumulativeShare: number[] };
  /** Share of ‖y‖² in the top 10 % of the modes. */
  topShare: number;
  /** √(2yᵀ(H∞)⁻¹y/n): the leading term of Arora et al.'s Theorem 5.1. */
  bound: number;
  /** √(yᵀ(H∞)⁻¹y): Lemma 5.3's ‖W − W(0)‖_F after training to convergence. */
  distance: number;
  /**
   * The kernel regime's ‖W(K) − W(0)‖_F after the K steps taken: √(Σ_i (1 − (1 − ηλ_i)^K)² p_i(0)²/λ_i)
   * with p_i(0) = v_iᵀ(y − u(0)) (it tends to `distance` as K → ∞ when u(0) = 0).
   */
  distanceAtK: number;
  /** Measured ‖W(K) − W(0)‖_F. */
  measuredDistance: number;
  /** 0–1 error on the test data at the recorded steps (empty without test data). */
  testError: { step: number[]; value: number[] };
  /** 0–1 error on the (noisy) training labels at the last step. */
  trainError: number;
  /** Selected modes' measured and predicted p_i(k) at the recorded steps (rows = steps). */
  modes: { modes: number[]; eigenvalues: number[]; steps: number[]; measured: number[][]; predicted: number[][] };
  /** Every mode's fitted factor per step beside 1 − ηλ_i. */
  rates: ModeRate[];
}

/** What {@link labelNoiseSweep} returns. */
export interface LabelNoiseResult {
  n: number;
  d: number;
  nTest: number;
  m: number;
  steps: number;
  eta: number;
  etaSource: 'given' | 'derived';
  seed: number;
  outputInit: OutputInit;
  /** λ_i(H∞), descending. */
  eigenvalues: number[];
  lambda0: number;
  lambdaMax: number;
  status: 'done' | 'diverged' | 'aborted';
  runs: LabelNoiseRun[];
  checks: Figure1Check[];
}

const DEFAULT_NOISE = [0, 0.2, 0.4, 0.6, 0.8, 1];

/**
 * Arora et al.'s label-noise experiment (ICML 2019, Section 6, Figures 1–2) on given data: for each
 * fraction p of labels replaced by random ±1 (nested: the labels random at p stay random, with the
 * same values, at every larger p, so the runs differ only by the added noise), one network trained
 * by GD from the same W(0), with the label spectrum, the generalisation bound, the weight distance
 * (predicted and measured), the test error along training, and the checks (true labels train
 * faster; the bound grows with p; the bound orders the runs as the test error does). One eigh(H∞)
 * (O(n³)) serves every p.
 *
 * @example
 * const data = await loadDigits({ task: 'evenOdd', n: 200, seed: 0 });
 * const result = labelNoiseSweep({ data, m: 2000, steps: 500 });
 * result.runs.map((r) => [r.p, r.bound, r.testError.value.at(-1)]);
 */
export function labelNoiseSweep(options: LabelNoiseOptions): LabelNoiseResult {
  const fn = 'labelNoiseSweep';
  const { data, noise = DEFAULT_NOISE, m = 2000, steps = 500, seed = 0, outputInit = 'symmetric', keepModes = 3, onRun, signal } = options;
  const X = checkMatrix(data?.X, `${fn}: data.X`);
  const n = X.rows;
  checkVector(data.y, `${fn}: data.y`, n);
  const test = data.test && data.test.y.length > 0 ? { X: checkMatrix(data.test.X, `${fn}: data.test.X`, { cols: X.cols }), y: data.test.y } : undefined;
  if (test) checkVector(test.y, `${fn}: data.test.y`, test.X.rows);
  if (!Array.isArray(noise) || noise.length === 0 || noise.some((p) => typeof p !== 'number' || !(p >= 0 && p <= 1))) {
    throw new OverparamRangeError('BAD_VALUE', `${fn}: noise must be a non-empty list of fractions in [0, 1], got ${JSON.stringify(noise)}`);
  }
  checkInteger(m, `${fn}: m`);
  checkInteger(steps, `${fn}: steps`, 0);
  checkInteger(keepModes, `${fn}: keepModes`, 0);
  const every = options.every ?? Math.max(1, Math.floor(steps / 50));
  checkInteger(every, `${fn}: every`);

  const eigen = eigh(gramInfinity(X));
  const descending = Array.from(eigen.values).reverse();
  const lambdaMax = descending[0], lambda0 = descending[n - 1];
  const eta = options.eta ?? 1 / lambdaMax;
  checkPositive(eta, `${fn}: eta`);

  const labelSets = nestedLabelNoise(data.y, noise, seed);
  const runs: LabelNoiseRun[] = [];
  let status: LabelNoiseResult['status'] = 'done';
  for (const [index, p] of noise.entries()) {
    if (signal?.aborted) { status = 'aborted'; break; }
    const { y, replaced, changed } = labelSets[index];
    const run = oneRun({ X, y, test, eigen, p, replaced: replaced.length, changed, m, steps, eta, seed, outputInit, every, keepModes, signal });
    runs.push(run);
    onRun?.(run, index, noise.length);
    if (run.status !== 'done') status = run.status;
    if (run.status === 'aborted') break;
  }
  return {
    n, d: X.cols, nTest: test?.y.length ?? 0, m, steps, eta, etaSource: options.eta === undefined ? 'derived' : 'given', seed, outputInit,
    eigenvalues: descending, lambda0, lambdaMax, status, runs, checks: labelNoiseChecks(runs),
  };
}

/**
 * Nested label noise: for each p, withLabelNoise's law (exactly round(p·n) labels, chosen at random,
 * replaced by fair random ±1), coupled across the list so that a label random at p is random, with
 * the same value, at every larger p. withLabelNoise(y, p, seed) replaces the first round(p·n) rows
 * of one seeded permutation (so its rows are nested in p); the values come from one draw of fully
 * random labels, withLabelNoise(y, 1, seed).y. The runs then differ only by the added noise.
 */
export function nestedLabelNoise(y: ArrayLike<number>, noise: number[], seed = 0): (LabelNoise & { p: number })[] {
  const random = withLabelNoise(y, 1, seed).y;
  return noise.map((p) => {
    const { replaced } = withLabelNoise(y, p, seed);
    const out = Float32Array.from(y);
    let changed = 0;
    for (const i of replaced) { if (random[i] !== out[i]) changed++; out[i] = random[i]; }
    return { p, y: out, replaced, changed };
  });
}

function oneRun(args: {
  X: Matrix; y: Float32Array; test?: { X: Matrix; y: Float32Array | Float64Array }; eigen: Eigendecomposition; p: number;
  replaced: number; changed: number; m: number; steps: number; eta: number; seed: number; outputInit: OutputInit;
  every: number; keepModes: number; signal?: AbortSignal;
}): LabelNoiseRun {
  const { X, y, test, eigen, p, m, steps, eta, every, keepModes } = args;
  const n = X.rows;
  const net = TwoLayerNet.random({ d: X.cols, m, seed: args.seed + 1, outputInit: args.outputInit });
  const testError = { step: [] as number[], value: [] as number[] };
  let result: TrainResult, trainError: number;
  try {
    result = train(net, X, y, {
      eta, steps, signal: args.signal, weightDistanceFrobenius: true, modes: { eigen, which: 'all', every },
      onStep: ({ step }) => {
        if (test && (step % every === 0 || step === steps)) {
          testError.step.push(step);
          testError.value.push(classificationError(net.predict(test.X), test.y));
        }
      },
    });
    trainError = classificationError(net.predict(X), y);
  } finally {
    net.dispose();
  }
  const modes = result.modes!;
  const spectrum = labelSpectrum(eigen, y);
  const terms = generalizationTermsFromEigen(eigen, y);
  const predicted = smallInitResidualPrediction(eigen, y, eta, result.stepsRun);
  // Kernel regime: u(K) − u(0) = Σ_i (1 − (1 − ηλ_i)^K) p_i(0) v_i, moved by the least-norm weights, so
  // ‖W(K) − W(0)‖_F² = Σ_i (1 − (1 − ηλ_i)^K)² p_i(0)²/λ_i (Arora et al. 2019, Section 5).
  const K = result.stepsRun;
  let distanceSq = 0;
  for (let i = 0; i < n; i++) {
    const x = eta * modes.measured.eigenvalues[i];
    const gain = 1 - (Math.abs(x) < 0.5 ? Math.exp(K * Math.log1p(-x)) : (1 - x) ** K);
    distanceSq += (gain * modes.measured.projections.data[i]) ** 2 / modes.measured.eigenvalues[i];
  }
  const keep = [...new Set([...Array.from({ length: Math.min(keepModes, n) }, (_, i) => i), ...Array.from({ length: Math.min(keepModes, n) }, (_, i) => n - 1 - i)])].sort((a, b) => a - b);
  const steps_ = Array.from(modes.measured.steps);
  const row = (data: Float32Array | Float64Array, s: number) => keep.map((j) => data[s * n + j]);
  const r0 = result.residualSq[0], rK = result.residualSq[K];
  const share = spectrum.cumulativeShare[Math.max(0, Math.ceil(0.1 * n) - 1)];
  return {
    p, replaced: args.replaced, changed: args.changed, status: result.status, stepsRun: K,
    residualSq: Array.from(result.residualSq), predictedResidualSq: Array.from(predicted, (v) => v * v),
    relativeResidual: r0 > 0 ? rK / r0 : 0,
    spectrum: { energy: Array.from(spectrum.energy), cumulativeShare: Array.from(spectrum.cumulativeShare) },
    topShare: share,
    bound: terms.bound, distance: terms.distance, distanceAtK: Math.sqrt(distanceSq), measuredDistance: result.weightDistanceFrobenius!,
    testError, trainError,
    modes: {
      modes: keep, eigenvalues: keep.map((j) => modes.measured.eigenvalues[j]), steps: steps_,
      measured: steps_.map((_, s) => row(modes.measured.projections.data, s)),
      predicted: steps_.map((k) => row(modes.predicted.projections.data, k)),
    },
    rates: modes.rates,
  };
}

/** Kendall's τ_a between two equally long lists (pairs tied in either count as neither). */
function kendallTau(a: number[], b: number[]): { tau: number; discordant: [number, number][] } {
  let concordant = 0, pairs = 0;
  const discordant: [number, number][] = [];
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      pairs++;
      const s = Math.sign(a[j] - a[i]) * Math.sign(b[j] - b[i]);
      if (s > 0) concordant++;
      else if (s < 0) discordant.push([i, j]);
    }
  }
  return { tau: pairs > 0 ? (concordant - discordant.length) / pairs : NaN, discordant };
}

/** Kendall τ at or above which the bound's ordering of the runs counts as agreeing with the test error's (≥ 80 % of pairs concordant, ties aside). */
export const ORDERING_TAU = 0.6;

/**
 * The checks of the label-noise experiment (Arora et al. 2019, Figures 1–2), from its runs in the
 * order of increasing p: true labels train faster than the noisiest; the bound strictly increases
 * with p; the measured distance increases with p; Kendall τ between the bound and the final test
 * error ≥ {@link ORDERING_TAU}. A check that needs more runs or test data than there are is null.
 */
export function labelNoiseChecks(runs: LabelNoiseRun[]): Figure1Check[] {
  const sorted = runs.slice().sort((a, b) => a.p - b.p);
  const list = (value: (r: LabelNoiseRun) => number, digits = 3) => sorted.map((r) => `p=${r.p}: ${format(value(r), digits)}`).join(', ');
  const increasing = (value: (r: LabelNoiseRun) => number) => sorted.length < 2 ? null : sorted.every((r, i) => i === 0 || value(r) > value(sorted[i - 1]));
  const first = sorted[0], last = sorted[sorted.length - 1];
  const finalTest = (r: LabelNoiseRun) => r.testError.value.length > 0 ? r.testError.value[r.testError.value.length - 1] : NaN;
  const hasTest = sorted.length >= 3 && sorted.every((r) => r.testError.value.length > 0);
  const ordering = hasTest ? kendallTau(sorted.map((r) => r.bound), sorted.map(finalTest)) : undefined;
  return [
    {
      id: 'true-labels-faster',
      claim: 'true labels are fitted faster than random ones: ‖y − u(K)‖²/‖y − u(0)‖² is smaller at the smallest p than at the largest',
      source: 'Arora et al. 2019, Theorem 4.1 and Figure 1(a)',
      passed: sorted.length < 2 ? null : first.relativeResidual < last.relativeResidual,
      detail: `relative training error at K: ${list((r) => r.relativeResidual)}`,
    },
    {
      id: 'bound-increases',
      claim: 'the generalisation bound √(2yᵀ(H∞)⁻¹y/n) increases with the fraction p of random labels',
      source: 'Arora et al. 2019, Theorem 5.1 and Figure 2(c)',
      passed: increasing((r) => r.bound),
      detail: `bound: ${list((r) => r.bound)}`,
    },
    {
      id: 'distance-increases',
      claim: 'the measured ‖W(K) − W(0)‖_F increases with p (Lemma 5.3 predicts √(yᵀ(H∞)⁻¹y) after convergence)',
      source: 'Arora et al. 2019, Lemma 5.3 and Figure 2(b)',
      passed: increasing((r) => r.measuredDistance),
      detail: `measured: ${list((r) => r.measuredDistance)}; kernel regime at K: ${list((r) => r.distanceAtK)}; √(yᵀ(H∞)⁻¹y): ${list((r) => r.distance)}`,
    },
    {
      id: 'bound-orders-test-error',
      claim: `the bound orders the runs as the final test error does (Kendall τ ≥ ${ORDERING_TAU})`,
      source: 'Arora et al. 2019, Section 6 and Figure 2(c)',
      passed: ordering ? ordering.tau >= ORDERING_TAU : null,
      detail: ordering
        ? `τ = ${format(ordering.tau, 3)}; test error at K: ${list(finalTest)}` +
          (ordering.discordant.length > 0 ? `; discordant pairs: ${ordering.discordant.map(([i, j]) => `(p=${sorted[i].p}, p=${sorted[j].p})`).join(', ')}` : '; no discordant pair')
        : 'needs at least 3 runs with test data',
    },
  ];
}
