// The regime experiment (issue 13 §3, DESIGN §7.3): lazy training against feature learning.
// Chizat, Oyallon & Bach (NeurIPS 2019): training f = α·m^(−γ)·Σ_r a_r relu(w_rᵀx) on
// (1/(2α²))·Σ(f − y)² keeps the function-space tangent dynamics u(k+1) − u(k) = −ηH(k)(u(k) − y)
// the same for every α and γ (DESIGN §7.1) while the weights move O(1/α): large α is lazy
// (H(k) ≈ H(0), the net is its linearisation at W(0)), small α and the mean-field γ = 1 learn features.
// regimeSweep trains one net per (α, γ, m) from the symmetric initialisation (f(W(0)) = 0, so α
// does not scale the initial function) and records how far it went from its kernel regime.
import { sphereData } from '../data.js';
import { OverparamRangeError } from '../errors.js';
import { checkInteger, checkPositive, type Matrix } from '../matrix.js';
import { TwoLayerNet } from '../network.js';
import { checkScaling } from '../parametrisation.js';
import { lambdaMax, spectralNormOfDifference } from '../spectra.js';
import { train } from '../training.js';
import { kernelPredict } from './ntk.js';
import { stepSizeFromSpectrum, type StepSizeSuggestion } from './stepSize.js';
import { fitPowerLaw, type PowerLawFit } from './theory.js';

/** Options of {@link regimeSweep}. */
export interface RegimeSweepOptions {
  /** Training points, uniform on the unit sphere (default 100). */
  n?: number;
  /** Input dimension (default 50). */
  d?: number;
  /** Held-out points on which the net is compared with its kernel-regime prediction (default 50). */
  testPoints?: number;
  /** Output scales α > 0 (default 0.01, 0.1, 1, 10, 100). */
  alphas?: number[];
  /** Widths m, even (the symmetric initialisation pairs the neurons; default 100, 1000, 10000). */
  widths?: number[];
  /** Width exponents γ in [0, 2] (default ½, the NTK scaling, and 1, the mean-field one). */
  gammas?: number[];
  /** Gradient-descent steps per run (default 100). */
  steps?: number;
  /** Step size; default ¼ · 2/λ_max(H(0)), the largest λ_max(H(0)) over the widths (one η for the whole grid). */
  eta?: number;
  /** Seed of the data (n + testPoints sphere points); the nets use seed + 1 (default 0). */
  seed?: number;
  /** The step form train() uses (default 'auto'). */
  method?: 'auto' | 'kernel' | 'primal';
  /** Called after every training step, and once per width while H(0) is computed. */
  onProgress?: (progress: RegimeProgress) => void;
  /** Stops within one step; the result then has status 'aborted' and holds the runs that finished. */
  signal?: AbortSignal;
}

/** Progress of {@link regimeSweep}: `completed` of `total` units (a unit is one training step). */
export interface RegimeProgress {
  phase: 'setup' | 'train';
  m: number;
  alpha?: number;
  gamma?: number;
  step?: number;
  steps: number;
  completed: number;
  total: number;
}

/** One trained net of the grid: what it did at its last step K. */
export interface RegimeRun {
  /** α, the output scale. */
  alpha: number;
  /** γ, the width exponent. */
  gamma: number;
  m: number;
  status: 'done' | 'diverged' | 'aborted';
  stepsRun: number;
  /** ‖y − u(0)‖² (= ‖y‖²: the symmetric start has u(0) = 0). */
  residualSqInitial: number;
  /** ‖y − u(K)‖². */
  residualSqFinal: number;
  /** The kernel regime's ‖y − u_lin(K)‖², r(k+1) = (I − ηH(0)) r(k). */
  residualSqLazy: number;
  /** ‖H(K) − H(0)‖₂ / ‖H(0)‖₂ (DESIGN §7.3). */
  kernelChange: number;
  /** ‖W(K) − W(0)‖_F / ‖W(0)‖_F (DESIGN §7.3). */
  weightMovement: number;
  /** Σ_{i,r} 1{sign z_ir(K) ≠ sign z_ir(0)} / (nm). */
  patternChangeFraction: number;
  /** λ_max(H(K)), to check that the one η stayed below 2/λ_max throughout the grid. */
  lambdaMaxFinal: number;
  /** RMS over the held-out points of f_net(x) − f_lin(x), f_lin the kernel-regime prediction with H(0) of this m. */
  testGap: number;
  /** ‖f_net − f_lin‖ / ‖f_lin‖ on the held-out points. */
  testGapRelative: number;
}

/** The per-run quantities fitted against m. */
export type RegimeQuantity = 'kernelChange' | 'weightMovement' | 'patternChangeFraction';

/** A log-log fit of one quantity against m, for one γ at one α. */
export interface RegimeWidthFit {
  gamma: number;
  alpha: number;
  quantity: RegimeQuantity;
  fit: PowerLawFit;
  /**
   * The slope of the per-neuron movement m^(γ−1)/α: γ − 1 (−½ for γ = ½, 0 for γ = 1). The movement
   * and the pattern changes follow it; the kernel change falls faster (see {@link regimeChecks}).
   */
  predictedSlope: number;
}

/** movement·α at each α, for one (m, γ): the lazy regime predicts it tends to a constant. */
export interface MovementTimesAlpha {
  m: number;
  gamma: number;
  alphas: number[];
  values: number[];
}

/** What {@link regimeSweep} returns. */
export interface RegimeSweepResult {
  parameters: { n: number; d: number; testPoints: number; alphas: number[]; widths: number[]; gammas: number[]; steps: number; seed: number; eta: number };
  stepSize: { eta: number; source: 'given' | 'derived'; suggestion: StepSizeSuggestion };
  status: 'done' | 'aborted';
  /** Per width: λ_max(H(0)) and the RMS of the kernel-regime prediction on the held-out points. */
  widths: { m: number; lambdaMaxInitial: number; lazyTestRms: number }[];
  runs: RegimeRun[];
  /** Log-log slopes of kernelChange, weightMovement and patternChangeFraction against m, per γ and α (needs two widths). */
  widthFits: RegimeWidthFit[];
  /** The α the checks read the width slopes at: 1 if in the grid, else the α nearest 1 on a log scale. */
  referenceAlpha: number;
  movementTimesAlpha: MovementTimesAlpha[];
}

const DEFAULTS = {
  n: 100, d: 50, testPoints: 50, alphas: [0.01, 0.1, 1, 10, 100], widths: [100, 1000, 10000], gammas: [0.5, 1], steps: 100, seed: 0,
};

function checkList(values: unknown, name: string, check: (v: number) => void): number[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw new OverparamRangeError('BAD_VALUE', `regimeSweep: ${name} must be a non-empty array`);
  }
  values.forEach((v) => check(v as number));
  if (new Set(values).size !== values.length) throw new OverparamRangeError('BAD_VALUE', `regimeSweep: ${name} must be distinct, got ${values.join(', ')}`);
  return [...(values as number[])].sort((a, b) => a - b);
}

/** ‖A − B‖_F / ‖B‖_F in float64. */
function relativeFrobenius(A: ArrayLike<number>, B: ArrayLike<number>): number {
  let diff = 0, base = 0;
  for (let i = 0; i < B.length; i++) {
    diff += (A[i] - B[i]) ** 2;
    base += B[i] ** 2;
  }
  return Math.sqrt(diff / base);
}

/** Rows [from, to) of X as a Matrix. */
function rowsOf(X: Matrix, from: number, to: number): Matrix {
  return { rows: to - from, cols: X.cols, data: (X.data as Float32Array).subarray(from * X.cols, to * X.cols) };
}

/**
 * The regime experiment: for every output scale α, width exponent γ and width m, trains a net from
 * the symmetric initialisation (f(W(0)) = 0) on n sphere points and records, at the last step K,
 * the relative kernel change ‖H(K) − H(0)‖₂/‖H(0)‖₂, the relative weight movement
 * ‖W(K) − W(0)‖_F/‖W(0)‖_F, the pattern-change fraction, and the gap on held-out points between
 * the net and its kernel-regime prediction.
 *
 * The kernel regime is the net's linearisation at W(0), trained by the same GD: with H(0) the
 * finite-width tangent kernel of this very net (not H∞), f_lin(x) = H(0)(x, X)·η·Σ_{k<K} r(k),
 * r(k+1) = (I − ηH(0)) r(k), r(0) = y. That is the limit α → ∞ at fixed m (Chizat et al.), so the
 * gap measures laziness alone, not the finite-width error ‖H(0) − H∞‖ that Lemma 3.1 bounds.
 * H(0) depends on W(0) only, which is the same for every α and γ at a given m (same seed), and so is
 * the lazy prediction; since the tangent dynamics do not depend on α or γ (DESIGN §7.1), one η from
 * λ_max(H(0)) serves the whole grid (each run records λ_max(H(K)) to check it).
 * Note the exact identity of the dynamics: (α, γ, m) trains as (α·m^(½−γ), ½, m) does (the forward
 * factor α·m^(−γ) and the step's m^(γ−1)/α agree), so γ = 1 is the NTK scaling with α shrinking like 1/√m.
 *
 * @example
 * await init();
 * const r = regimeSweep({ n: 40, d: 20, alphas: [0.1, 1, 10], widths: [100, 1000], steps: 50 });
 * r.runs.map((run) => [run.alpha, run.gamma, run.m, run.kernelChange]);
 */
export function regimeSweep(options: RegimeSweepOptions = {}): RegimeSweepResult {
  const n = options.n ?? DEFAULTS.n, d = options.d ?? DEFAULTS.d, testPoints = options.testPoints ?? DEFAULTS.testPoints;
  const steps = options.steps ?? DEFAULTS.steps, seed = options.seed ?? DEFAULTS.seed;
  checkInteger(n, 'regimeSweep: n');
  checkInteger(d, 'regimeSweep: d');
  checkInteger(testPoints, 'regimeSweep: testPoints');
  checkInteger(steps, 'regimeSweep: steps');
  checkInteger(seed, 'regimeSweep: seed', 0);
  const alphas = checkList(options.alphas ?? DEFAULTS.alphas, 'alphas', (a) => checkScaling('regimeSweep: alphas', a));
  const gammas = checkList(options.gammas ?? DEFAULTS.gammas, 'gammas', (g) => checkScaling('regimeSweep: gammas', 1, g));
  const widths = checkList(options.widths ?? DEFAULTS.widths, 'widths', (m) => {
    checkInteger(m, 'regimeSweep: widths', 2);
    if (m % 2 !== 0) throw new OverparamRangeError('BAD_VALUE', `regimeSweep: widths must be even (the symmetric initialisation pairs the neurons), got ${m}`);
  });
  if (options.eta !== undefined) checkPositive(options.eta, 'regimeSweep: eta');
  const { onProgress, signal, method = 'auto' } = options;

  // Training points first, then the held-out ones, from one draw.
  const all = sphereData({ n: n + testPoints, d, seed });
  const X = rowsOf(all.X, 0, n), T = rowsOf(all.X, n, n + testPoints);
  const y = all.y.subarray(0, n);
  const stacked = { rows: testPoints + n, cols: d, data: new Float32Array(all.X.data.length) };
  stacked.data.set(T.data);
  stacked.data.set(X.data, testPoints * d);
  const netSeed = seed + 1;
  const total = widths.length * (1 + alphas.length * gammas.length * steps);
  let completed = 0;

  // H(0) of each width, on [T; X] (its blocks: train H(0)(X, X) and cross H(0)(T, X)).
  const initial = widths.map((m) => {
    onProgress?.({ phase: 'setup', m, steps, completed, total });
    const net = TwoLayerNet.random({ d, m, seed: netSeed, outputInit: 'symmetric' });
    try {
      const H = net.gram(stacked).data, size = testPoints + n;
      const train = new Float64Array(n * n), cross = new Float64Array(testPoints * n);
      for (let i = 0; i < n; i++) train.set(H.subarray((testPoints + i) * size + testPoints, (testPoints + i + 1) * size), i * n);
      for (let p = 0; p < testPoints; p++) cross.set(H.subarray(p * size + testPoints, (p + 1) * size), p * n);
      const blocks = { train: { rows: n, cols: n, data: train }, cross: { rows: testPoints, cols: n, data: cross } };
      completed++;
      return { m, blocks, norm: lambdaMax(blocks.train) }; // ‖H(0)‖₂ = λ_max(H(0)), H(0) ⪰ 0
    } finally {
      net.dispose();
    }
  });
  const suggestion = stepSizeFromSpectrum({ lambdaMax: Math.max(...initial.map((w) => w.norm)), n, source: 'gram' });
  const eta = options.eta ?? suggestion.eta;

  const widthRows: RegimeSweepResult['widths'] = [];
  const runs: RegimeRun[] = [];
  let aborted = false;
  for (const { m, blocks, norm } of initial) {
    // The kernel regime, the same for every α and γ at this m: r(k+1) = (I − ηH(0)) r(k), r(0) = y − u(0) = y.
    const lazyTest = kernelPredict(blocks, y, { eta, steps });
    const lazyTrain = kernelPredict({ train: blocks.train, cross: blocks.train }, y, { eta, steps });
    let lazyResidualSq = 0, lazyTestSq = 0;
    for (let i = 0; i < n; i++) lazyResidualSq += (y[i] - lazyTrain[i]) ** 2;
    for (let p = 0; p < testPoints; p++) lazyTestSq += lazyTest[p] ** 2;
    widthRows.push({ m, lambdaMaxInitial: norm, lazyTestRms: Math.sqrt(lazyTestSq / testPoints) });
    for (const gamma of gammas) {
      for (const alpha of alphas) {
        if (signal?.aborted) { aborted = true; break; }
        const net = TwoLayerNet.random({ d, m, seed: netSeed, outputInit: 'symmetric', outputScale: alpha, widthExponent: gamma });
        try {
          const W0 = net.weights().W.data;
          const before = completed;
          const result = train(net, X, y, {
            eta, steps, method, signal,
            onStep: (info) => {
              if (info.step === 0) return;
              completed = before + info.step;
              onProgress?.({ phase: 'train', m, alpha, gamma, step: info.step, steps, completed, total });
            },
          });
          completed = before + steps;
          if (result.status === 'aborted') { aborted = true; break; }
          const HK = net.gram(X);
          const prediction = net.predict(T);
          let gapSq = 0;
          for (let p = 0; p < testPoints; p++) gapSq += (prediction[p] - lazyTest[p]) ** 2;
          const last = result.stepsRun;
          runs.push({
            alpha, gamma, m, status: result.status, stepsRun: last,
            residualSqInitial: result.residualSq[0], residualSqFinal: result.residualSq[last], residualSqLazy: lazyResidualSq,
            kernelChange: spectralNormOfDifference(HK, blocks.train) / norm,
            weightMovement: relativeFrobenius(net.weights().W.data, W0),
            patternChangeFraction: result.patternChangeFraction[last],
            lambdaMaxFinal: lambdaMax(HK),
            testGap: Math.sqrt(gapSq / testPoints),
            testGapRelative: Math.sqrt(gapSq / lazyTestSq),
          });
        } finally {
          net.dispose();
        }
      }
      if (aborted) break;
    }
    if (aborted) break;
  }

  const referenceAlpha = alphas.reduce((best, a) => (Math.abs(Math.log(a)) < Math.abs(Math.log(best)) ? a : best), alphas[0]);
  return {
    parameters: { n, d, testPoints, alphas, widths, gammas, steps, seed, eta },
    stepSize: { eta, source: options.eta === undefined ? 'derived' : 'given', suggestion },
    status: aborted ? 'aborted' : 'done',
    widths: widthRows,
    runs,
    widthFits: widthFits(runs, alphas, gammas),
    referenceAlpha,
    movementTimesAlpha: movementTimesAlpha(runs, widths, gammas),
  };
}

/** The lazy-regime slope of the kernel change and the movement against m: γ − 1 (per-neuron movement ∝ m^(γ−1)/α, DESIGN §7.1). */
export function predictedWidthSlope(gamma: number): number {
  return gamma - 1; // Δw_r = −η·m^(γ−1)/α·a_r Σ_i e_i ψ′(z_ir) x_i (DESIGN §7.1); ‖W(0)‖_F ∝ √m
}

/** Log-log fits against m of kernelChange and weightMovement, per (γ, α), over the runs that finished (two widths or more). */
function widthFits(runs: RegimeRun[], alphas: number[], gammas: number[]): RegimeWidthFit[] {
  const fits: RegimeWidthFit[] = [];
  for (const gamma of gammas) {
    for (const alpha of alphas) {
      const rows = runs.filter((r) => r.gamma === gamma && r.alpha === alpha && r.status === 'done');
      for (const quantity of ['kernelChange', 'weightMovement', 'patternChangeFraction'] as const) {
        const usable = rows.filter((r) => r[quantity] > 0 && Number.isFinite(r[quantity]));
        if (new Set(usable.map((r) => r.m)).size < 2) continue;
        fits.push({ gamma, alpha, quantity, fit: fitPowerLaw(usable.map((r) => r.m), usable.map((r) => r[quantity])), predictedSlope: predictedWidthSlope(gamma) });
      }
    }
  }
  return fits;
}

function movementTimesAlpha(runs: RegimeRun[], widths: number[], gammas: number[]): MovementTimesAlpha[] {
  const out: MovementTimesAlpha[] = [];
  for (const m of widths) {
    for (const gamma of gammas) {
      const rows = runs.filter((r) => r.m === m && r.gamma === gamma);
      if (rows.length > 0) out.push({ m, gamma, alphas: rows.map((r) => r.alpha), values: rows.map((r) => r.weightMovement * r.alpha) });
    }
  }
  return out;
}
