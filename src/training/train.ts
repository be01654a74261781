// train(): checks its arguments, picks the step form, reserves the memory the run needs, and runs
// the loop (run.ts) with the net marked busy.
import { threadCount } from '../wasm/loader.js';
import * as parallel from '../wasm/parallel.js';
import { reserve } from '../wasm/memory.js';
import { checkInteger, checkMatrix, checkPositive, checkVector, type Matrix } from '../matrix.js';
import { OverparamRangeError, OverparamTypeError } from '../errors.js';
import type { TwoLayerNet } from '../network.js';
import { TrainingRun } from './run.js';
import { autoStepMethod } from './stepForm.js';
import type { FlowOptions, FlowTrainOptions, ModeOptions, TrainFlow, TrainModes, TrainOptions, TrainResult } from './types.js';
import { DEFAULT_FLOW_MAX_STEPS, DEFAULT_FLOW_TOLERANCE, flowBound, flowStepSize, flowTimes, type FlowStepSize } from '../experiments/proof.js';
import { lambdaMax as lambdaMaxOf } from '../spectra.js';
import { createModeRecorder, fitModeRates, predictedModeDecay } from '../experiments/modes.js';
import { denseFormBytes } from './denseForm.js';
import { gramAtBytes } from '../kernels.js';
import type { Activation } from '../activations.js';
import { checkOptimizer, optimizerBytes, type Optimizer } from './optimizer.js';
import { CertificateRecorder, resolveCertificateInputs, type CertificateOptions } from './certificates.js';

/**
 * Trains `net` on (X, y) by gradient descent (or heavy ball, Nesterov, mini-batch SGD: `optimizer`) (eq. 3; DESIGN §7.1 for the net's activation, α and
 * γ: W ← W − η·m^(2γ−1)·∂L/∂W on L = (1/(2α²))·Σ(f − y)²) and records Figure 1's curves.
 * ReLU runs on its bit-mask forms; every other activation on the dense forms (ψ′(Z) as a matrix),
 * in kernel space or primal by the same `method` rule. Results are bit-identical for any thread count.
 * Updates the net in place: afterwards net.weights() are W(stepsRun) (and a, if trained).
 * With `modes` it also records the residual's projections on eigenmodes of H∞ (Arora et al. 2019)
 * beside their kernel-regime decay; with `weightDistanceFrobenius`, ‖W(stepsRun) − W(0)‖_F.
 *
 * @example
 * const eigen = eigh(gramInfinity(X)); // O(n³), once per X
 * const { modes } = train(net, X, y, { eta, steps: 500, modes: { eigen, which: { top: 5, bottom: 5 } } });
 * modes.rates; // fitted factor per step of each mode beside 1 − ηλ_i
 */
export function train(net: TwoLayerNet, X: Matrix, y: Float32Array | Float64Array, options: TrainOptions): TrainResult;
/**
 * With `flow: { horizon, tolerance?, lambdaMax?, lambda0? }`: gradient descent that follows gradient
 * flow up to t = horizon (seed 002, Section 3). η and the steps come from flowStepSize with λ_max of
 * the run's own H(0), so GD on the linearised model stays within the reported tolerance·‖y − u(0)‖
 * of exp(−H(0)t)(y − u(0)); `eta` and `steps` may be left out (given, they must agree). Plain GD only.
 *
 * @example
 * const { flow, residualSq } = train(net, X, y, { flow: { horizon: 2, tolerance: 1e-2 } });
 * flow.eta * flow.steps; // = 2
 * flow.times;            // t_k = ηk beside residualSq[k]
 */
export function train(net: TwoLayerNet, X: Matrix, y: Float32Array | Float64Array, options: FlowTrainOptions): TrainResult & { flow: TrainFlow };
/** Either form, when the caller's options are typed as the union. */
export function train(net: TwoLayerNet, X: Matrix, y: Float32Array | Float64Array, options: TrainOptions | FlowTrainOptions): TrainResult;
export function train(net: TwoLayerNet, X: Matrix, y: Float32Array | Float64Array, options: TrainOptions | FlowTrainOptions): TrainResult {
  net.checkAlive('train');
  net.checkIdle('train');
  const Xm = checkMatrix(X, 'train: X', { cols: net.d, float32: true });
  checkVector(y, 'train: y', Xm.rows, true);
  if (typeof options !== 'object' || options === null) {
    throw new OverparamTypeError('BAD_VALUE', 'train: options { eta, steps } (or { flow: { horizon } }) are required');
  }
  const { trainOutputLayer = false, loss = 'sum', gramEvery, onStep, signal, divergenceFactor = 1e6, modes, weightDistanceFrobenius, certificates } = options;
  if (loss !== 'sum' && loss !== 'mean') {
    throw new OverparamRangeError('BAD_VALUE', `train: loss must be 'sum' or 'mean', got ${String(loss)}`);
  }
  const flowOptions = 'flow' in options ? options.flow as FlowOptions | undefined : undefined;
  const flow = flowOptions === undefined ? undefined
    : planFlow(net, Xm, flowOptions, { loss, trainOutputLayer, optimizer: options.optimizer, eta: options.eta, steps: options.steps });
  const eta = flow ? flow.eta : options.eta as number;
  const steps = flow ? flow.steps : options.steps as number;
  checkPositive(eta, 'train: eta');
  checkInteger(steps, 'train: steps', 0);
  if (gramEvery !== undefined) checkInteger(gramEvery, 'train: gramEvery');
  checkPositive(divergenceFactor, 'train: divergenceFactor');
  const method = options.method === undefined || options.method === 'auto'
    ? autoStepMethod(Xm.rows, Xm.cols)
    : options.method;
  if (method !== 'kernel' && method !== 'primal') {
    throw new OverparamRangeError('BAD_VALUE', `train: method must be 'auto', 'kernel' or 'primal', got ${String(method)}`);
  }

  const optimizer = checkOptimizer(withBatchSeed(options.optimizer, (options as TrainOptions).seed), Xm.rows);
  reserve(estimateTrainingBytes({ n: Xm.rows, d: Xm.cols, m: net.m, method, trainOutputLayer, gramEvery, activation: net.activation, optimizer, certificates: certificates !== undefined }),
    `train (n = ${Xm.rows}, d = ${Xm.cols}, m = ${net.m}, ${method} step)`,
    method === 'kernel' ? 'reduce m or n (the run holds about 16·m·n + 16·n² bytes)' : 'reduce m, n or d (the run holds about 8·m·n + 12·m·d bytes)');
  const recorder = modes === undefined ? undefined : modeRecorder(modes, Xm.rows);
  const stepSize = loss === 'mean' ? eta / Xm.rows : eta;
  const W0 = weightDistanceFrobenius ? net._W.toFloat32() : undefined;
  if (certificates !== undefined && certificates !== false as unknown && optimizer.kind !== 'gd') {
    throw new OverparamRangeError('BAD_VALUE', `train: certificates follow the paper's proof, which is for plain gradient descent; got optimizer '${optimizer.kind}'`);
  }
  const certify = certificates === undefined || certificates === false as unknown
    ? undefined : certificateRecorder(net, Xm, certificates, steps, stepSize, trainOutputLayer, gramEvery);
  const run = new TrainingRun(net, Xm, y, method, stepSize, trainOutputLayer, optimizer);
  run.certificates = certify;
  if (recorder) run.modes = { ...recorder, residual: new Float64Array(Xm.rows), lastRecorded: -1 };
  // The net is busy from here: from onStep, dispose() and train() on it throw BUSY, and weights(),
  // predict() and gram() see W(k) of the step reported (syncWeights).
  net._run = run;
  let result: TrainResult;
  try {
    result = run.go(steps, gramEvery, onStep, signal, divergenceFactor, { eta, loss });
  } finally {
    net._run = undefined;
    run.free();
  }
  if (recorder) result.modes = modeResults(recorder.recorder.trajectory(), modes!, stepSize, result.stepsRun);
  if (certify) result.certificates = certify.result(result.stepsRun, net.m);
  if (W0) result.weightDistanceFrobenius = frobeniusDistance(net._W.f32(), W0);
  if (flow) result.flow = flowResult(flow, result, loss === 'mean' ? 1 / Xm.rows : 1);
  return result;
}

/** The flow rule's choice for one run, before it starts. */
interface FlowPlan extends FlowStepSize {
  horizon: number;
  requestedTolerance: number;
  lambdaMax: number;
  lambdaMaxSource: TrainFlow['lambdaMaxSource'];
  lambda0?: number;
}

/**
 * η and the step count of `flow`: flowStepSize on the kernel the residual follows in the units of
 * the user's η, λ_max(H)/n for the mean loss (its gradient is divided by n); then checks that a
 * given eta and steps agree with it.
 */
function planFlow(net: TwoLayerNet, X: Matrix, flow: FlowOptions, run: {
  loss: 'sum' | 'mean'; trainOutputLayer: boolean; optimizer: Optimizer | undefined; eta: number | undefined; steps: number | undefined;
}): FlowPlan {
  if (typeof flow !== 'object' || flow === null) {
    throw new OverparamTypeError('BAD_VALUE', 'train: flow must be { horizon, tolerance?, lambdaMax?, lambda0?, maxSteps? }');
  }
  if (run.optimizer !== undefined && run.optimizer?.kind !== 'gd') {
    throw new OverparamRangeError('BAD_VALUE',
      `train: flow follows gradient flow, which plain gradient descent discretises; got optimizer '${String(run.optimizer?.kind)}'`);
  }
  const { horizon, tolerance = DEFAULT_FLOW_TOLERANCE, maxSteps = DEFAULT_FLOW_MAX_STEPS, lambda0 } = flow;
  checkPositive(horizon, 'train: flow.horizon');
  checkPositive(tolerance, 'train: flow.tolerance');
  if (!(tolerance < 0.5)) {
    throw new OverparamRangeError('BAD_VALUE', `train: flow.tolerance must be < 0.5 (flowStepSize's bound never exceeds ½), got ${tolerance}`);
  }
  checkInteger(maxSteps, 'train: flow.maxSteps');
  if (lambda0 !== undefined && !(Number.isFinite(lambda0) && lambda0 >= 0)) {
    throw new OverparamRangeError('BAD_VALUE', `train: flow.lambda0 must be a finite number ≥ 0 (λ_min(H∞)), got ${String(lambda0)}`);
  }
  let lambdaMax: number;
  let lambdaMaxSource: TrainFlow['lambdaMaxSource'];
  if (flow.lambdaMax !== undefined) {
    checkPositive(flow.lambdaMax, 'train: flow.lambdaMax');
    lambdaMax = flow.lambdaMax;
    lambdaMaxSource = 'given';
  } else {
    lambdaMax = lambdaMaxOf(net.gram(X, { part: run.trainOutputLayer ? 'both' : 'first' }));
    lambdaMaxSource = 'initialGram';
    if (!(lambdaMax > 0)) {
      throw new OverparamRangeError('BAD_VALUE',
        `train: flow: λ_max(H(0)) is ${lambdaMax} (no neuron is active on X, or X is zero), so the flow does not move; give flow.lambdaMax`);
    }
  }
  const n = X.rows;
  // The mean loss divides the gradient by n: in t = ηk its residual follows dr/dt = −(H/n) r.
  const kernelScale = run.loss === 'mean' ? 1 / n : 1;
  const step = flowStepSize(lambdaMax * kernelScale, tolerance, horizon);
  if (step.steps > maxSteps) {
    throw new OverparamRangeError('BAD_VALUE',
      `train: flow needs ${step.steps} steps (η = ${step.eta.toExponential(3)} for λ_max = ${lambdaMax.toExponential(3)}, ` +
      `tolerance ${tolerance}, horizon ${horizon}), more than flow.maxSteps = ${maxSteps}: raise the tolerance, shorten the horizon or raise maxSteps`);
  }
  if (run.eta !== undefined && !(Math.abs(run.eta - step.eta) <= 1e-12 * step.eta)) {
    throw new OverparamRangeError('BAD_VALUE',
      `train: eta = ${run.eta} disagrees with flow's η = ${step.eta} (from λ_max, tolerance and horizon); leave eta out with flow`);
  }
  if (run.steps !== undefined && run.steps !== step.steps) {
    throw new OverparamRangeError('BAD_VALUE',
      `train: steps = ${run.steps} disagrees with flow's ${step.steps} steps (η·steps = horizon ${horizon}); leave steps out with flow`);
  }
  return { ...step, horizon, requestedTolerance: tolerance, lambdaMax, lambdaMaxSource, ...(lambda0 !== undefined ? { lambda0 } : {}) };
}

/** The result's flow block: the plan and the time axis of the states the run reached. */
function flowResult(plan: FlowPlan, result: TrainResult, kernelScale: number): TrainFlow {
  const { eta, steps, horizon, tolerance, requestedTolerance, lambdaMax, lambdaMaxSource, lambda0 } = plan;
  const times = Float64Array.from(flowTimes(eta, result.stepsRun));
  const out: TrainFlow = { eta, steps, horizon, tolerance, requestedTolerance, lambdaMax, lambdaMaxSource, times };
  if (lambda0 !== undefined) {
    out.lambda0 = lambda0;
    out.boundResidualSq = Float64Array.from(flowBound(result.residualSq[0], lambda0 * kernelScale, times));
  }
  return out;
}

/** train's `seed` moved into the SGD optimizer it seeds; refused beside another optimiser or a different optimizer.seed. */
function withBatchSeed(optimizer: Optimizer | undefined, seed: number | undefined): Optimizer | undefined {
  if (seed === undefined) return optimizer;
  if (optimizer?.kind !== 'sgd') {
    throw new OverparamRangeError('BAD_VALUE', `train: seed seeds SGD's batch shuffle; give it with optimizer { kind: 'sgd', batchSize }, got optimizer '${String(optimizer?.kind ?? 'gd')}'`);
  }
  if (optimizer.seed !== undefined && optimizer.seed !== seed) {
    throw new OverparamRangeError('BAD_VALUE', `train: seed = ${String(seed)} disagrees with optimizer.seed = ${String(optimizer.seed)}; give one of them`);
  }
  return { ...optimizer, seed };
}

/** Checks `certificates` against the run (the paper's setting) and makes its recorder. */
function certificateRecorder(net: TwoLayerNet, X: Matrix, certificates: true | CertificateOptions, steps: number, eta: number,
  trainOutputLayer: boolean, gramEvery: number | undefined): CertificateRecorder {
  if (certificates !== true && (typeof certificates !== 'object' || certificates === null)) {
    throw new OverparamTypeError('BAD_VALUE', 'train: certificates must be true or { delta?, lambda0?, Hinf?, gramEvery? }');
  }
  if (trainOutputLayer) throw new OverparamRangeError('BAD_VALUE', 'train: certificates follow the paper\'s proof, which keeps the output layer fixed (trainOutputLayer: false)');
  const { outputScale, widthExponent } = net.scaling;
  if (outputScale !== 1 || widthExponent !== 0.5) {
    throw new OverparamRangeError('BAD_VALUE', `train: certificates follow the paper's scaling (α = 1, γ = ½), got α = ${outputScale}, γ = ${widthExponent}`);
  }
  if (net.initScale !== undefined && net.initScale !== 1) {
    // Lemmas 3.1–3.2 and 4.1 rest on w_r(0) ~ N(0, I): the anti-concentration of w_r(0)ᵀx_i.
    throw new OverparamRangeError('BAD_VALUE', `train: certificates follow the paper's initialisation w_r(0) ~ N(0, I), got a net drawn with scale κ = ${net.initScale} (TwoLayerNet.random's scale: 1)`);
  }
  const inputs = resolveCertificateInputs(X, net.activation, certificates);
  const every = inputs.gramEvery ?? gramEvery ?? Math.max(1, Math.ceil(steps / 20));
  checkInteger(every, 'train: certificates.gramEvery');
  return new CertificateRecorder(X, steps, eta, net.activation, { ...inputs, gramEvery: every });
}

/** Checks `modes` against n and makes its recorder. */
function modeRecorder(modes: ModeOptions, n: number): { recorder: ReturnType<typeof createModeRecorder>; every: number } {
  if (typeof modes !== 'object' || modes === null) {
    throw new OverparamTypeError('BAD_VALUE', 'train: modes must be { eigen, which?, every? } with eigen = eigh(gramInfinity(X))');
  }
  const size = modes.eigen?.values?.length;
  if (size !== n) {
    throw new OverparamTypeError('BAD_SHAPE', `train: modes.eigen must be the eigendecomposition of H∞ of X (${n}×${n}), got ${String(size)} eigenvalues`);
  }
  const every = modes.every ?? 1;
  checkInteger(every, 'train: modes.every');
  return { recorder: createModeRecorder(modes.eigen, modes.which ?? 'all'), every };
}

/** The recorded projections, their kernel-regime prediction from the measured p_i(0), and the fitted rates. */
function modeResults(measured: TrainModes['measured'], modes: ModeOptions, eta: number, stepsRun: number): TrainModes {
  const start = {
    modes: measured.modes, eigenvalues: measured.eigenvalues,
    projections: Float64Array.from(measured.projections.data.subarray(0, measured.modes.length)),
  };
  return { eta, measured, predicted: predictedModeDecay(modes.eigen, start, eta, stepsRun), rates: fitModeRates(measured, eta) };
}

/** ‖W − W0‖_F, summed in float64. */
function frobeniusDistance(W: Float32Array, W0: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < W.length; i++) { const d = W[i] - W0[i]; sum += d * d; }
  return Math.sqrt(sum);
}

/**
 * Bytes of wasm memory a {@link train} call allocates on top of the network's own 4·m·(d + 1)
 * (the inputs, pre-activations Z(k) and Z(0), patterns, the kernel-space K and S or the primal
 * W(0), the divergence snapshot, and the λ_min(H(k)) workspace when gramEvery is set).
 */
export function estimateTrainingBytes({ n, d, m, method = 'kernel', trainOutputLayer = false, gramEvery, activation = 'relu', optimizer = { kind: 'gd' }, certificates = false }: {
  n: number; d: number; m: number; method?: 'kernel' | 'primal'; trainOutputLayer?: boolean; gramEvery?: number;
  /** The net's activation: ReLU's forms hold bits, the others ψ′(Z) (default 'relu'). */
  activation?: Activation;
  /** train()'s optimizer (default GD): heavy ball and Nesterov keep the previous state. */
  optimizer?: Optimizer;
  /** train()'s certificates: ReLU's recorder keeps Z(k) and the §4.1 masks in wasm memory. */
  certificates?: boolean;
}): number {
  const f32 = 4, f64 = 8;
  const wordsPerNeuron = Math.ceil(n / 64);
  const stepCols = method === 'kernel' ? n : d;
  let bytes = f32 * (n * d + 2 * m * n + 2 * n + m);
  if (trainOutputLayer) bytes += 2 * f32 * m; // its gradient and a(0)
  if (activation === 'relu') {
    bytes += f64 * 2 * m * wordsPerNeuron;
    bytes += f32 * n * stepCols + parallel.maskedRowSumScratchBytes(stepCols, n, m, threadCount());
    // Kernel space: K in f64 and f32, S, the snapshot of Z and a, and the packed X of the final rebuild of W.
    if (method === 'kernel') bytes += (f64 + f32) * n * n + f32 * m * n + f32 * (m * n + m) + parallel.gemmSubtractScratchBytes(n, d);
    else bytes += f32 * m * d + f32 * (m * d + m);
  } else {
    bytes += denseFormBytes(n, d, m, method) + f32 * (method === 'kernel' ? m * n + m : m * d + m) + (method === 'kernel' ? f64 * n * n : 0);
  }
  bytes += optimizerBytes(optimizer, n, d, m, method, trainOutputLayer);
  if (gramEvery !== undefined) {
    // H(k), its feature rows or row masks and products, K when the primal path has none, and the
    // eigen solver's copy, Krylov basis and the Cholesky factor of its shift-invert phase.
    bytes += gramAtBytes(n, m) + f64 * 3 * n * n + (method === 'primal' ? f64 * n * n : 0) + f64 * n * Math.min(n, 400);
  }
  if (certificates && activation === 'relu') {
    // The recorder's Z(k) copy, e and the thresholds, I1, I2 and H^⊥e, the counts, the masks of
    // H^⊥ (certificates.ts start()); its H(k) on its own grid needs the Gram workspace.
    bytes += f32 * m * n + f32 * 2 * n + f64 * 3 * n + f32 * 3 * n + parallel.perturbationLayout(m, n, threadCount()).bytes;
    if (gramEvery === undefined) bytes += gramAtBytes(n, m) + f64 * n * n;
  }
  return bytes;
}
