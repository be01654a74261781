// The paper's synthetic experiment (its Figure 1, DESIGN §3): one dataset, one network per width
// (and per trial), trained by GD with one step size; the three curves per width, the Gram spectra
// the proofs rest on, and the theory's lines computed for the very same runs.
import { eigh, extremeEigenvalues, spectralNormOfDifference } from '../spectra.js';
import { gramInfinity, inputDiagnostics, type InputDiagnostics } from '../kernels.js';
import { OverparamRangeError } from '../errors.js';
import { sphereData } from '../data.js';
import { train, type TrainResult, type CertificateOptions, type TrainCertificates, type TrainFlow } from '../training.js';
import { DEFAULT_FLOW_TOLERANCE, flowStepSize, flowTimes } from './proof.js';
import { TwoLayerNet } from '../network.js';
import { checkInteger, checkMatrix, checkPositive, checkVector, type Matrix } from '../matrix.js';
import { invertibleGram } from '../degeneracy.js';
import { crossGramInfinity, kernelPredictFromEigen } from './ntk.js';
import type { ModeSelection } from './modes.js';
import { kernelRegimeTrajectory } from './optimizers.js';
import type { Optimizer } from '../training/optimizer.js';
import { stepSizeFromSpectrum, type StepSizeSuggestion } from './stepSize.js';
import { limitKernel, limitOptions, type LimitKernel, type LimitModel } from './limit.js';
import { resolveActivation, type Activation } from '../activations.js';
import { checkOutputInit, checkScaling, type OutputInit } from '../parametrisation.js';
import {
  convergenceBound, convergenceRate, distanceBound, fitPowerLaw, infiniteWidthTrajectory, ROUND_OFF_FLOOR, type PowerLawFit,
} from './theory.js';

export { ROUND_OFF_FLOOR } from './theory.js';

/** Progress of a sweep, in work units proportional to m × steps. */
export interface SweepProgress {
  /** 'limit': H∞ and its eigendecomposition (reported once, before the work starts); 'setup': H(0) of one net; 'train': one GD step. */
  phase: 'limit' | 'setup' | 'train';
  m: number;
  trial: number;
  /** GD step just completed (train phase). */
  step: number;
  steps: number;
  completed: number;
  total: number;
}

/** Options of {@link widthSweep}. */
export interface WidthSweepOptions {
  /** Number of points (ignored when `data` is given). */
  n?: number;
  /** Input dimension (ignored when `data` is given). */
  d?: number;
  /** Widths m, one network per width and trial. */
  widths: number[];
  /** GD steps per network (required unless `flow` is given; with flow, left out or equal to the flow's count). */
  steps?: number;
  /** Step size; default: {@link suggestStepSize}'s rule, ¼ · 2/λ_max with λ_max the largest of H∞'s and every network's H(0)'s. */
  eta?: number;
  /**
   * Follow gradient flow up to t = horizon (train's `flow`): η and the steps come from flowStepSize
   * with the largest λ_max of H∞ and every net's H(0), so every run shares one time axis t = ηk;
   * `eta` must then be left out. Plain GD only.
   */
  flow?: { horizon: number; tolerance?: number };
  /** Seed of the data (sphereData); trial t's networks (of every width) use seed + 1 + t. Default 0. */
  seed?: number;
  /** Networks per width (different initialisations, same data). Default 1. */
  trials?: number;
  /** Train the output weights a too (the paper keeps them fixed); the theory then uses H* + K^a. */
  trainOutputLayer?: boolean;
  /** The activation ψ of every net (default 'relu'); the theory's lines use its H* (DESIGN §7.2). */
  activation?: Activation;
  /** Leaky ReLU's negative slope (default 0.01); only with activation 'leakyRelu'. */
  negativeSlope?: number;
  /** κ of w_r(0) ~ N(0, κ²I) (default 1); smooth ψ's limit kernels depend on it. */
  scale?: number;
  /** α of f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) (default 1): large α trains lazily (DESIGN §7.3). */
  outputScale?: number;
  /** γ of f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) (default ½, the paper's; 1 the mean-field scaling). */
  widthExponent?: number;
  /** a(0): 'sign' (default, the paper's ±1), 'gaussian' or 'symmetric' (f(W(0)) = 0; every width even). */
  outputInit?: OutputInit;
  /** Record λ_min(H(k)) every this many steps (default ⌈steps/10⌉). */
  gramEvery?: number;
  /**
   * Also record the residual's projections p_i(k) = v_iᵀ(y − u(k)) on these eigenmodes of the limit
   * kernel (Arora et al. 2019), beside their kernel-regime decay (1 − ηλ_i)^k p_i(0); see train's `modes`.
   */
  modes?: ModeSelection;
  /**
   * The optimiser of every run (default plain GD, the paper's): the derived η respects its stability
   * limit and the infinite-width line follows its kernel-regime recursion (DESIGN §7.4).
   */
  optimizer?: Optimizer;
  /**
   * Measure the proof step by step (train's `certificates`) on the widest net's first trial: the
   * sweep's H∞ and λ0 are passed on; the result then has {@link WidthSweepResult.certificates}.
   */
  certificates?: boolean | Omit<CertificateOptions, 'Hinf' | 'lambda0'>;
  /** Held-out points (same distribution) for the comparison with the kernel predictor; default 0. */
  testPoints?: number;
  /** Use this data instead of sphereData (then n, d come from X and testPoints is ignored unless `test` is given). */
  data?: { X: Matrix; y: Float32Array | Float64Array; test?: { X: Matrix } };
  onProgress?: (progress: SweepProgress) => void;
  /** Called with each run as soon as it has finished (or stopped), theory included. */
  onRunFinished?: (run: WidthRun) => void;
  /** Stops the sweep within one GD step; the result keeps every run finished so far. */
  signal?: AbortSignal;
}

/** One network's run. Curves are indexed by step k = 0..stepsRun. */
export interface WidthRun {
  m: number;
  trial: number;
  /** The seed of TwoLayerNet.random. */
  seed: number;
  status: 'done' | 'diverged' | 'aborted';
  stepsRun: number;
  method: 'kernel' | 'primal';
  /** ‖y − u(k)‖² (Figure 1a). */
  residualSq: number[];
  /** Σ_{i,r} 1{sign z_ir(k) ≠ sign z_ir(0)}/(nm) (Figure 1b). */
  patternChangeFraction: number[];
  /** max_r ‖w_r(k) − w_r(0)‖₂ (Figure 1c). */
  maxWeightDistance: number[];
  /** λ_min(H(k)) at the recorded steps. */
  lambdaMinGram: { step: number[]; value: number[] };
  /** λ_min(H(0)), λ_max(H(0)) and ‖H(0) − H∞‖₂ (H and the limit of the same part: + K^a when joint). */
  initial: { lambdaMin: number; lambdaMax: number; deviationFromInfinity: number };
  /** λ_min(H(k)) at the last recorded step. */
  lambdaMinFinal: number;
  theory: {
    /** Theorem 4.1: (1 − ηλ0/2)^k ‖y − u(0)‖². */
    convergenceBound: number[];
    /** ‖(I − ηH∞)^k (y − u(0))‖²: the infinite-width net from this net's start. */
    infiniteWidthResidualSq: number[];
    /** Corollary 4.1: R' = 4√n‖y − u(0)‖/(√m λ0) at α = 1, γ = ½; in general 4√n‖y − u(0)‖·m^(γ−1)/(α λ0). */
    distanceBound: number;
  };
  /** With the sweep's `flow`: Theorem 3.1's exp(−λ0 t)‖y − u(0)‖² at t = ηk, k = 0..stepsRun. */
  flowBound?: number[];
  /** When the run diverged: where, why, and the largest stable η for this net (2/λ_max(H(0))), as train() reports it. */
  divergence?: TrainResult['divergence'];
  /** With the sweep's `modes`: the projections on the limit kernel's eigenmodes (Arora et al. 2019). */
  modes?: ModeCurves;
  /** Test-set comparison with the kernel predictor (when there are test points); RMS over test points. */
  test?: {
    /** RMS of f_net − f_kernel at the same step: f_kernel is the infinite-width net from this net's start. */
    deviationFromKernel: number;
    /** RMS of f_kernel − f₀: how far the kernel prediction moved; the scale for deviationFromKernel. */
    kernelMovement: number;
    /** RMS of f_net − H∞(Xtest, X)H∞⁻¹y (ntkPredict without the initial function); NaN when λ0 ≈ 0. */
    deviationFromNtkPredictor: number;
  };
}

/** A run's eigenmode projections as plain arrays (results.json), from train's TrainResult.modes. */
export interface ModeCurves {
  /** The modes' ranks (0 = the largest eigenvalue of the limit kernel). */
  modes: number[];
  eigenvalues: number[];
  /** The recorded steps of `measured`. */
  steps: number[];
  /** measured[j][s] = p_{modes[j]}(steps[s]) = v_jᵀ(y − u(k)). */
  measured: number[][];
  /** predicted[j][k] = (1 − ηλ_j)^k p_j(0), k = 0..stepsRun (the kernel regime). */
  predicted: number[][];
  /** Fitted factor per step of each mode beside 1 − ηλ_j (NaN when the mode is at round-off). */
  rates: { mode: number; eigenvalue: number; predicted: number; fitted: number }[];
}

/** TrainResult.modes as plain arrays, one row per mode. */
function modeCurves(modes: NonNullable<TrainResult['modes']>): ModeCurves {
  const byMode = (t: typeof modes.measured) => Array.from(t.modes, (_, j) =>
    Array.from({ length: t.steps.length }, (_, s) => t.projections.data[s * t.modes.length + j]));
  return {
    modes: Array.from(modes.measured.modes),
    eigenvalues: Array.from(modes.measured.eigenvalues),
    steps: Array.from(modes.measured.steps),
    measured: byMode(modes.measured),
    predicted: byMode(modes.predicted),
    rates: modes.rates.map((r) => ({ mode: r.mode, eigenvalue: r.eigenvalue, predicted: r.predicted, fitted: r.fitted })),
  };
}

/** Per-width means over trials (curves cut to the shortest run). */
export interface WidthSummary {
  m: number;
  trials: number;
  residualSq: number[];
  patternChangeFraction: number[];
  maxWeightDistance: number[];
  infiniteWidthResidualSq: number[];
  convergenceBound: number[];
  lambdaMinGram: { step: number[]; value: number[] };
  lambdaMinInitial: number;
  lambdaMinFinal: number;
  /** Smallest λ_min(H(k)) recorded in any trial. */
  lambdaMinLowest: number;
  deviationFromInfinity: number;
  distanceBound: number;
  /** Mean of each trial's largest max_r ‖w_r(k) − w_r(0)‖₂ over k. */
  largestWeightDistance: number;
  /** −ln(‖y − u(K)‖²/‖y − u(0)‖²)/K over the sweep's common window K = rateWindow. */
  convergenceRate: number;
  test?: { deviationFromKernel: number; kernelMovement: number; deviationFromNtkPredictor: number };
}

/** Everything a sweep measured and predicted. */
export interface WidthSweepResult {
  status: 'done' | 'aborted';
  parameters: {
    n: number; d: number; widths: number[]; steps: number; eta: number; seed: number; trials: number;
    trainOutputLayer: boolean; gramEvery: number; testPoints: number; data: 'sphere' | 'given'; modes?: ModeSelection; optimizer?: Optimizer;
    activation: Activation; negativeSlope?: number; scale: number; outputScale: number; widthExponent: number; outputInit: OutputInit;
  };
  /**
   * The limit kernel λ0 and every theory line come from: H* of the activation (for ReLU Theorem 3.1's
   * H∞), plus the output layer's K^a when it trains (part 'both').
   */
  limit: LimitKernel;
  /** How η was chosen: given, derived from λ_max(H(0)), or by the flow rule; the suggestion is always reported. */
  stepSize: { eta: number; source: 'given' | 'derived' | 'flow'; suggestion: StepSizeSuggestion };
  /**
   * With options.flow: the flow rule's η and steps (shared by every run), the tolerance reached and
   * the time axis t_k = ηk; lambdaMax is the largest of λ_max(H∞) and every net's λ_max(H(0)).
   */
  flow?: Omit<TrainFlow, 'times' | 'boundResidualSq' | 'lambda0' | 'lambdaMaxSource'> & { times: number[] };
  /** λ0 = λ_min of the limit kernel (H∞ for the paper's runs; see `limit`). */
  lambda0: number;
  lambdaMaxInfinity: number;
  /** Zero rows and parallel pairs (inputDiagnostics): the data for which λ0 = 0. */
  degenerate: InputDiagnostics;
  /** Present when the data is degenerate (λ0 ≈ 0), naming the rows. */
  warning?: string;
  runs: WidthRun[];
  /** One entry per width that finished at least one run, in increasing m. */
  summaries: WidthSummary[];
  /** Last step K at which every run is still above {@link ROUND_OFF_FLOOR}; rates are measured over 0..K. */
  rateWindow: number;
  /** log-log fit of ‖H(0) − H∞‖₂ against m over all runs (Lemma 3.1 predicts slope −½); needs two widths. */
  gramDeviationFit?: PowerLawFit;
  /** Why there is no fit although there are two widths (‖H(0) − H∞‖₂ = 0 exactly, as for n = 1 or d = 1). */
  gramDeviationFitSkipped?: string;
  /** With options.certificates: the proof's quantities of the widest net's first trial (train's `certificates`). */
  certificates?: { m: number; trial: number; certificates: TrainCertificates };
}

/**
 * Runs the paper's experiment (its Figure 1): one dataset, one network per width and trial, all
 * trained with one step size; returns the curves, the Gram spectra and the theory's predictions.
 *
 * @example
 * await init();
 * const sweep = widthSweep({ n: 100, d: 100, widths: [100, 1000], steps: 50 });
 * sweep.summaries.map((s) => s.convergenceRate); // larger for larger m
 */
export function widthSweep(options: WidthSweepOptions): WidthSweepResult {
  const { widths, seed = 0, trials = 1, trainOutputLayer = false, onProgress, onRunFinished, signal } = options;
  checkWidths(widths);
  const flow = checkSweepFlow(options);
  if (!flow) checkInteger(options.steps, 'widthSweep: steps', 0);
  checkInteger(trials, 'widthSweep: trials', 1);
  if (options.eta !== undefined) checkPositive(options.eta, 'widthSweep: eta');
  const model = modelOf(options);
  const plainGd = options.optimizer === undefined || options.optimizer.kind === 'gd';

  const { X, y, Xtest } = sweepData(options, seed);
  const n = X.rows, d = X.cols;
  // With flow the count comes after H(0) of every net; until then, an estimate from λ_max(H∞) sizes the progress.
  let steps = options.steps ?? 0;
  let gramEvery = options.gramEvery ?? Math.max(1, Math.ceil(steps / 10));
  if (options.gramEvery !== undefined) checkInteger(gramEvery, 'widthSweep: gramEvery', 1);
  const sortedWidths = [...widths].sort((a, b) => a - b);
  const plan = sortedWidths.flatMap((m) => Array.from({ length: trials }, (_, trial) => ({ m, trial, seed: seed + 1 + trial })));
  // Work units: a GD step of width m costs ∝ m; building H(0) and its spectra costs a few steps' worth.
  const SETUP_STEPS = 5;
  const workUnits = () => plan.reduce((sum, p) => sum + p.m * (steps + SETUP_STEPS), 0);
  let completed = 0;
  let total = workUnits();
  onProgress?.({ phase: 'limit', m: 0, trial: 0, step: 0, steps, completed, total });

  // With test points, H∞ is the training block of H∞ over [Xtest; X], computed once for every prediction.
  // The limit that matches the run: H* of its activation, + K^a when the output layer trains.
  const kernelOptions = limitOptions(model);
  const part = kernelOptions.part!;
  const test = Xtest && { X: Xtest, blocks: crossGramInfinity(X, Xtest, kernelOptions) };
  const Hinf = test ? test.blocks.train : gramInfinity(X, kernelOptions);
  const eigen = eigh(Hinf);
  const lambda0 = eigen.values[0], lambdaMaxInfinity = eigen.values[n - 1];
  if (flow) {
    steps = flowStepSize(lambdaMaxInfinity > 0 ? lambdaMaxInfinity : 1, flow.tolerance, flow.horizon).steps;
    total = workUnits();
  }
  const degenerate = inputDiagnostics(X);
  const warning = degenerate.degenerate ? degenerate.message : undefined;

  // Phase 1: H(0) of every network, so that a derived η is stable for every width.
  const initial: WidthRun['initial'][] = []; // indexed like plan
  // The last network set up is the first one phase 2 would draw again (the widest, trained last):
  // it is kept, not drawn twice (a fresh draw from its seed is the same net, bit for bit).
  let kept: TwoLayerNet | undefined;
  const runs: WidthRun[] = [];
  let certified: WidthSweepResult['certificates'];
  let suggestion: StepSizeSuggestion, eta: number;
  let largestLambdaMax: number | undefined;
  let flowBlock: WidthSweepResult['flow'];
  try {
  for (const [index, p] of plan.entries()) {
    if (signal?.aborted) break;
    const net = randomNet(model, d, p.m, p.seed);
    let keep = false;
    try {
      const H0 = net.gram(X, { part });
      const { min, max } = extremeEigenvalues(H0);
      initial.push({ lambdaMin: min, lambdaMax: max, deviationFromInfinity: spectralNormOfDifference(H0, Hinf) });
      keep = index === plan.length - 1;
    } finally {
      if (keep) kept = net;
      else net.dispose();
    }
    completed += p.m * SETUP_STEPS;
    onProgress?.({ phase: 'setup', m: p.m, trial: p.trial, step: 0, steps, completed, total });
  }
  largestLambdaMax = Math.max(lambdaMaxInfinity, ...initial.map((s) => s.lambdaMax));
  suggestion = stepSizeFromSpectrum({ lambdaMax: largestLambdaMax, lambda0, n, source: 'gram', optimizer: options.optimizer });
  eta = options.eta ?? suggestion.eta;
  if (flow) {
    // One time grid for every run: the flow rule on the largest λ_max (train checks the same rule).
    ({ eta, steps } = flowStepSize(largestLambdaMax, flow.tolerance, flow.horizon));
    if (options.steps !== undefined && options.steps !== steps) {
      throw new OverparamRangeError('BAD_VALUE', `widthSweep: steps = ${options.steps} disagrees with flow's ${steps} steps (η·steps = horizon ${flow.horizon}); leave steps out with flow`);
    }
    gramEvery = options.gramEvery ?? Math.max(1, Math.ceil(steps / 10));
    total = workUnits();
  }

  // Phase 2: training, with the theory for each run.
  // The converged predictor needs H∞⁻¹: skip it on degenerate data (λ0 ≈ 0), where it does not exist.
  const invertible = invertibleGram(lambda0, lambdaMaxInfinity);
  // Both predictors go through H∞'s eigendecomposition, computed above anyway (n² a run instead of
  // 100 n² for the kernel-regime iteration and n³/3 for a Cholesky solve).
  const ntkLimit = test && invertible ? kernelPredictFromEigen(eigen, test.blocks.cross, y) : undefined;
  for (const [index, p] of plan.entries()) {
    const start = initial[index];
    if (!start || signal?.aborted) break;
    const net = index === plan.length - 1 && kept ? kept : randomNet(model, d, p.m, p.seed);
    if (net === kept) kept = undefined;
    try {
      const f0 = test ? net.predict(test.X) : undefined;
      const before = completed;
      const certify = options.certificates && p.m === sortedWidths[sortedWidths.length - 1] && p.trial === 0
        ? { ...(options.certificates === true ? {} : options.certificates), Hinf, lambda0 } : undefined;
      const result = train(net, X, y, {
        ...(flow ? { flow: { ...flow, lambdaMax: largestLambdaMax!, lambda0: Math.max(lambda0, 0) } } : { eta, steps }),
        trainOutputLayer, gramEvery, signal, loss: 'sum',
        ...(options.modes !== undefined ? { modes: { eigen, which: options.modes } } : {}),
        ...(options.optimizer !== undefined ? { optimizer: options.optimizer } : {}),
        ...(certify ? { certificates: certify } : {}),
        onStep: (info) => {
          completed = before + p.m * info.step;
          if (info.step > 0) onProgress?.({ phase: 'train', m: p.m, trial: p.trial, step: info.step, steps, completed, total });
        },
      });
      completed = before + p.m * steps;
      // u(0) from the run's own first forward pass (the bits of net.predict(X)), not a second GEMM.
      const u0 = result.initialOutput;
      const r0 = Float64Array.from(y, (v, i) => v - u0[i]);
      const residualSq = Array.from(result.residualSq);
      const lambdaMinGram = result.lambdaMinGram ?? { step: [], value: [] };
      const run: WidthRun = {
        m: p.m, trial: p.trial, seed: p.seed, status: result.status, stepsRun: result.stepsRun, method: result.method,
        residualSq,
        patternChangeFraction: Array.from(result.patternChangeFraction),
        maxWeightDistance: Array.from(result.maxWeightDistance),
        lambdaMinGram,
        initial: start,
        lambdaMinFinal: lambdaMinGram.value[lambdaMinGram.value.length - 1] ?? start.lambdaMin,
        theory: {
          convergenceBound: convergenceBound(residualSq[0], eta, lambda0, result.stepsRun),
          infiniteWidthResidualSq: plainGd
            ? infiniteWidthTrajectory(eigen, r0, eta, result.stepsRun).residualSq
            : Array.from(kernelRegimeTrajectory(Hinf.data, n, eta, r0, result.stepsRun, options.optimizer).residualSq),
          distanceBound: distanceBound({
            n, m: p.m, initialResidualNorm: Math.sqrt(residualSq[0]), lambda0,
            outputScale: model.outputScale, widthExponent: model.widthExponent,
          }),
        },
      };
      if (result.flow?.boundResidualSq) run.flowBound = Array.from(result.flow.boundResidualSq);
      if (result.flow) flowBlock ??= sweepFlow(result.flow);
      if (result.divergence) run.divergence = result.divergence;
      if (result.modes) run.modes = modeCurves(result.modes);
      if (result.certificates) certified = { m: p.m, trial: p.trial, certificates: result.certificates };
      if (test && f0) {
        const trained = net.predict(test.X);
        const kernel = kernelPredictFromEigen(eigen, test.blocks.cross, y, { eta, steps: result.stepsRun, initialTrain: u0, initialTest: f0 });
        run.test = {
          deviationFromKernel: rmsDifference(trained, kernel),
          kernelMovement: rmsDifference(kernel, f0),
          deviationFromNtkPredictor: ntkLimit ? rmsDifference(trained, ntkLimit) : NaN,
        };
      }
      runs.push(run);
      onRunFinished?.(run);
    } finally {
      net.dispose();
    }
  }
  } finally {
    kept?.dispose();
  }

  const rateWindow = commonRateWindow(runs);
  const summaries = summarise(runs, sortedWidths, rateWindow);
  const distinctWidths = new Set(runs.map((r) => r.m));
  return {
    status: signal?.aborted || runs.length < plan.length || runs.some((r) => r.status === 'aborted') ? 'aborted' : 'done',
    parameters: {
      n, d, widths: sortedWidths, steps, eta, seed, trials, trainOutputLayer, gramEvery,
      testPoints: Xtest?.rows ?? 0, data: options.data ? 'given' : 'sphere', ...(options.modes !== undefined ? { modes: options.modes } : {}),
      ...(options.optimizer !== undefined ? { optimizer: options.optimizer } : {}),
      activation: model.activation, ...(model.activation === 'leakyRelu' ? { negativeSlope: model.negativeSlope } : {}),
      scale: model.scale, outputScale: model.outputScale, widthExponent: model.widthExponent, outputInit: model.outputInit,
    },
    limit: limitKernel(model),
    stepSize: { eta, source: flow ? 'flow' : options.eta === undefined ? 'derived' : 'given', suggestion },
    ...(flowBlock ? { flow: flowBlock } : {}),
    lambda0, lambdaMaxInfinity, degenerate, ...(warning ? { warning } : {}),
    runs, summaries, rateWindow,
    ...gramDeviationFitOf(runs, distinctWidths.size),
    ...(certified ? { certificates: certified } : {}),
  };
}

/**
 * The log-log fit of ‖H(0) − H∞‖₂ against m, or why there is none: a power law needs every value
 * > 0, and with n = 1 or d = 1 H(0) equals H∞ exactly. The runs are kept either way.
 */
function gramDeviationFitOf(runs: WidthRun[], widths: number): { gramDeviationFit?: PowerLawFit; gramDeviationFitSkipped?: string } {
  if (widths < 2) return {};
  const zero = runs.filter((r) => !(r.initial.deviationFromInfinity > 0)).map((r) => r.m);
  if (zero.length > 0) {
    return { gramDeviationFitSkipped: `not applicable: ‖H(0) − H∞‖₂ = 0 exactly at m = ${[...new Set(zero)].join(', ')} (as for n = 1 or d = 1), so no power law can be fitted` };
  }
  return { gramDeviationFit: fitPowerLaw(runs.map((r) => r.m), runs.map((r) => r.initial.deviationFromInfinity)) };
}

/** options.flow checked (horizon, tolerance with train's default; no η; plain GD), or undefined. */
function checkSweepFlow(options: WidthSweepOptions): { horizon: number; tolerance: number } | undefined {
  const { flow } = options;
  if (flow === undefined) return undefined;
  if (typeof flow !== 'object' || flow === null) throw new OverparamRangeError('BAD_VALUE', 'widthSweep: flow must be { horizon, tolerance? }');
  checkPositive(flow.horizon, 'widthSweep: flow.horizon');
  const tolerance = flow.tolerance ?? DEFAULT_FLOW_TOLERANCE;
  checkPositive(tolerance, 'widthSweep: flow.tolerance');
  if (options.eta !== undefined) throw new OverparamRangeError('BAD_VALUE', 'widthSweep: give eta or flow, not both (flow chooses η)');
  if (options.optimizer !== undefined && options.optimizer.kind !== 'gd') {
    throw new OverparamRangeError('BAD_VALUE', `widthSweep: flow follows gradient flow, which plain gradient descent discretises; got optimizer '${options.optimizer.kind}'`);
  }
  return { horizon: flow.horizon, tolerance };
}

/**
 * The sweep's flow block from a run's (every run has the same η and steps): the times of all the
 * steps; the per-run bound exp(−λ0 t)‖y − u(0)‖² is in runs[].flowBound.
 */
function sweepFlow(flow: TrainFlow): NonNullable<WidthSweepResult['flow']> {
  const { eta, steps, horizon, tolerance, requestedTolerance, lambdaMax } = flow;
  return { eta, steps, horizon, tolerance, requestedTolerance, lambdaMax, times: flowTimes(eta, steps) };
}

/** The nets' model, checked before any work: activation, κ, α, γ, a(0), and which layers train. */
interface SweepModel extends LimitModel {
  negativeSlope: number;
  outputScale: number;
  widthExponent: number;
  outputInit: OutputInit;
}

function modelOf(options: WidthSweepOptions): SweepModel {
  const { activation, negativeSlope } = resolveActivation('widthSweep', options.activation, options.negativeSlope);
  const scale = options.scale ?? 1;
  checkPositive(scale, 'widthSweep: scale');
  const { outputScale, widthExponent } = checkScaling('widthSweep', options.outputScale, options.widthExponent);
  const outputInit = checkOutputInit('widthSweep', options.outputInit);
  if (outputInit === 'symmetric') {
    const odd = options.widths.filter((m) => m % 2 !== 0);
    if (odd.length > 0) {
      throw new OverparamRangeError('BAD_VALUE', `widthSweep: outputInit 'symmetric' pairs the neurons, so every width must be even, got ${odd.join(', ')}`);
    }
  }
  return { activation, negativeSlope, scale, outputScale, widthExponent, outputInit, trainOutputLayer: options.trainOutputLayer ?? false };
}

/** A net of the sweep's model; the paper's defaults are passed as before (the same net, bit for bit). */
function randomNet(model: SweepModel, d: number, m: number, seed: number): TwoLayerNet {
  return TwoLayerNet.random({
    d, m, seed, scale: model.scale, outputScale: model.outputScale, widthExponent: model.widthExponent, outputInit: model.outputInit,
    activation: model.activation, ...(model.activation === 'leakyRelu' ? { negativeSlope: model.negativeSlope } : {}),
  });
}

function checkWidths(widths: unknown): asserts widths is number[] {
  if (!Array.isArray(widths) || widths.length === 0) {
    throw new OverparamRangeError('BAD_VALUE', `widthSweep: widths must be a non-empty array of integers ≥ 1, got ${String(widths)}`);
  }
  widths.forEach((m, i) => checkInteger(m, `widthSweep: widths[${i}]`));
  if (new Set(widths).size !== widths.length) {
    throw new OverparamRangeError('BAD_VALUE', `widthSweep: widths must be distinct, got ${widths.join(', ')}`);
  }
}

function sweepData(options: WidthSweepOptions, seed: number): { X: Matrix; y: Float32Array | Float64Array; Xtest?: Matrix } {
  if (options.data) {
    // Checked here, before any network is built, rather than by train() after every H(0).
    const { X, y, test } = options.data;
    const Xm = checkMatrix(X, 'widthSweep: data.X', { float32: true });
    checkVector(y, 'widthSweep: data.y', Xm.rows, true);
    const Xtest = test ? checkMatrix(test.X, 'widthSweep: data.test.X', { cols: Xm.cols, float32: true }) : undefined;
    return { X: Xm, y, Xtest };
  }
  const { n, d, testPoints = 0 } = options;
  if (n === undefined || d === undefined) {
    throw new OverparamRangeError('BAD_VALUE', 'widthSweep: give n and d (or data)');
  }
  // Checked here with the sweep's own names, not deep inside crossGramInfinity after the setup.
  checkInteger(n, 'widthSweep: n');
  checkInteger(d, 'widthSweep: d');
  checkInteger(testPoints, 'widthSweep: testPoints', 0);
  // sphereData draws rows in order, so the first n of n + t points are exactly sphereData({ n }).
  const all = sphereData({ n: n + testPoints, d, seed });
  const X: Matrix = { rows: n, cols: d, data: all.X.data.subarray(0, n * d) };
  const y = all.y.subarray(0, n);
  if (testPoints === 0) return { X, y };
  return { X, y, Xtest: { rows: testPoints, cols: d, data: all.X.data.subarray(n * d) } };
}

function rmsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum / a.length);
}

/** The last step K ≥ 1 at which every run has taken K steps and is still above the round-off floor. */
function commonRateWindow(runs: WidthRun[]): number {
  let window = Infinity;
  // A diverged run is reported as such; it must not shrink everyone's window to its few steps
  // (unless every run diverged: then the window is the shortest of them).
  const converging = runs.filter((r) => r.status !== 'diverged');
  for (const run of converging.length > 0 ? converging : runs) {
    let last = Math.min(run.stepsRun, run.residualSq.length - 1);
    while (last > 1 && run.residualSq[last] < ROUND_OFF_FLOOR * run.residualSq[0]) last--;
    window = Math.min(window, last);
  }
  return Number.isFinite(window) ? Math.max(window, 1) : 0;
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Pointwise mean of curves, cut to the shortest. */
function meanCurve(curves: number[][]): number[] {
  const length = Math.min(...curves.map((c) => c.length));
  return Array.from({ length }, (_, k) => mean(curves.map((c) => c[k])));
}

function summarise(runs: WidthRun[], widths: number[], rateWindow: number): WidthSummary[] {
  const summaries: WidthSummary[] = [];
  for (const m of widths) {
    const mine = runs.filter((r) => r.m === m);
    if (mine.length === 0) continue;
    const gramSteps = mine.reduce((shortest, r) => (r.lambdaMinGram.step.length < shortest.length ? r.lambdaMinGram.step : shortest),
      mine[0].lambdaMinGram.step);
    const summary: WidthSummary = {
      m, trials: mine.length,
      residualSq: meanCurve(mine.map((r) => r.residualSq)),
      patternChangeFraction: meanCurve(mine.map((r) => r.patternChangeFraction)),
      maxWeightDistance: meanCurve(mine.map((r) => r.maxWeightDistance)),
      infiniteWidthResidualSq: meanCurve(mine.map((r) => r.theory.infiniteWidthResidualSq)),
      convergenceBound: meanCurve(mine.map((r) => r.theory.convergenceBound)),
      lambdaMinGram: {
        step: [...gramSteps],
        value: gramSteps.map((_, index) => mean(mine.map((r) => r.lambdaMinGram.value[index]))),
      },
      lambdaMinInitial: mean(mine.map((r) => r.initial.lambdaMin)),
      lambdaMinFinal: mean(mine.map((r) => r.lambdaMinFinal)),
      lambdaMinLowest: Math.min(...mine.flatMap((r) => r.lambdaMinGram.value.length > 0 ? r.lambdaMinGram.value : [r.initial.lambdaMin])),
      deviationFromInfinity: mean(mine.map((r) => r.initial.deviationFromInfinity)),
      distanceBound: mean(mine.map((r) => r.theory.distanceBound)),
      largestWeightDistance: mean(mine.map((r) => Math.max(...r.maxWeightDistance))),
      convergenceRate: mean(mine.map((r) => r.residualSq.length < 2 || rateWindow < 1
        ? NaN
        : convergenceRate(r.residualSq, Math.min(rateWindow, r.residualSq.length - 1)))),
    };
    const tested = mine.filter((r) => r.test);
    if (tested.length > 0) {
      summary.test = {
        deviationFromKernel: mean(tested.map((r) => r.test!.deviationFromKernel)),
        kernelMovement: mean(tested.map((r) => r.test!.kernelMovement)),
        deviationFromNtkPredictor: mean(tested.map((r) => r.test!.deviationFromNtkPredictor)),
      };
    }
    summaries.push(summary);
  }
  return summaries;
}
