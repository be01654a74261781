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
import type { ModeOptions, TrainModes, TrainOptions, TrainResult } from './types.js';
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
export function train(net: TwoLayerNet, X: Matrix, y: Float32Array | Float64Array, options: TrainOptions): TrainResult {
  net.checkAlive('train');
  net.checkIdle('train');
  const Xm = checkMatrix(X, 'train: X', { cols: net.d, float32: true });
  checkVector(y, 'train: y', Xm.rows, true);
  if (typeof options !== 'object' || options === null) {
    throw new OverparamTypeError('BAD_VALUE', 'train: options { eta, steps } are required');
  }
  const { eta, steps, trainOutputLayer = false, loss = 'sum', gramEvery, onStep, signal, divergenceFactor = 1e6, modes, weightDistanceFrobenius, certificates } = options;
  checkPositive(eta, 'train: eta');
  checkInteger(steps, 'train: steps', 0);
  if (loss !== 'sum' && loss !== 'mean') {
    throw new OverparamRangeError('BAD_VALUE', `train: loss must be 'sum' or 'mean', got ${String(loss)}`);
  }
  if (gramEvery !== undefined) checkInteger(gramEvery, 'train: gramEvery');
  checkPositive(divergenceFactor, 'train: divergenceFactor');
  const method = options.method === undefined || options.method === 'auto'
    ? autoStepMethod(Xm.rows, Xm.cols)
    : options.method;
  if (method !== 'kernel' && method !== 'primal') {
    throw new OverparamRangeError('BAD_VALUE', `train: method must be 'auto', 'kernel' or 'primal', got ${String(method)}`);
  }

  const optimizer = checkOptimizer(options.optimizer, Xm.rows);
  reserve(estimateTrainingBytes({ n: Xm.rows, d: Xm.cols, m: net.m, method, trainOutputLayer, gramEvery, activation: net.activation, optimizer }),
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
  return result;
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
export function estimateTrainingBytes({ n, d, m, method = 'kernel', trainOutputLayer = false, gramEvery, activation = 'relu', optimizer = { kind: 'gd' } }: {
  n: number; d: number; m: number; method?: 'kernel' | 'primal'; trainOutputLayer?: boolean; gramEvery?: number;
  /** The net's activation: ReLU's forms hold bits, the others ψ′(Z) (default 'relu'). */
  activation?: Activation;
  /** train()'s optimizer (default GD): heavy ball and Nesterov keep the previous state. */
  optimizer?: Optimizer;
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
  return bytes;
}
