// Gradient descent on W (eq. 3), optionally on a too, with the three curves of the paper's
// Figure 1 recorded at every step. Two equivalent step forms (DESIGN §5.1):
// - primal: W ← W − η ∂L/∂W (eq. 4), then Z = X Wᵀ again (≈ 3nmd flops a step);
// - kernel space: Z ← Z − η K D with K = X Xᵀ (≈ n²m flops a step), W rebuilt once at the end.
import { kernels, threadCount } from './wasm/loader.js';
import * as parallel from './wasm/parallel.js';
import { WasmBuffer, bufferFrom, freeAll, reserve } from './wasm/memory.js';
import { checkInteger, checkMatrix, checkPositive, checkVector, type Matrix } from './matrix.js';
import { OverparamRangeError, OverparamTypeError } from './errors.js';
import { extremeOfWasmMatrix } from './spectra.js';
import type { ActiveRun, TwoLayerNet } from './network.js';

/** What {@link train} reports after each step. */
export interface StepInfo {
  /** k: the state W(k) these numbers describe (0 = initial). */
  step: number;
  residualSq: number;
  patternChangeFraction: number;
  maxWeightDistance: number;
  /** λ_min(H(k)) when this step is on the gramEvery grid. */
  lambdaMinGram?: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Step size η > 0. */
  eta: number;
  /** Number of GD steps (a non-negative integer). */
  steps: number;
  /** Also train the output weights a (joint training); the paper keeps a fixed. */
  trainOutputLayer?: boolean;
  /** 'sum' = ½Σ(u−y)² (eq. 2, the paper's, default); 'mean' divides it by n (seed 003). */
  loss?: 'sum' | 'mean';
  /** Record λ_min(H(k)) every this many steps (and at the last step). */
  gramEvery?: number;
  /** Called with each step's numbers, k = 0..steps. */
  onStep?: (info: StepInfo) => void;
  /** Stops training within one step; the result has status 'aborted'. */
  signal?: AbortSignal;
  /** 'auto' (default) picks kernel space when n ≤ 2d, else primal. */
  method?: 'auto' | 'kernel' | 'primal';
  /** Divergence threshold: stop when ‖y − u(k)‖² exceeds this factor times ‖y − u(0)‖² (default 1e6). */
  divergenceFactor?: number;
}

/** The trajectories of a run, indexed k = 0..stepsRun (k = 0 is the initial state). */
export interface TrainResult {
  /** ‖y − u(k)‖². */
  residualSq: Float64Array;
  /** Σ_{i,r} 1{sign z_ir(k) ≠ sign z_ir(0)} / (nm). */
  patternChangeFraction: Float64Array;
  /** max_r ‖w_r(k) − w_r(0)‖₂. */
  maxWeightDistance: Float64Array;
  /** λ_min(H(k)) at the recorded steps (when gramEvery is set). */
  lambdaMinGram?: { step: number[]; value: number[] };
  status: 'done' | 'diverged' | 'aborted';
  /** Steps actually taken; the net holds W(stepsRun). */
  stepsRun: number;
  /** Which step form ran. */
  method: 'kernel' | 'primal';
  /** Present when status is 'diverged': where, the value that tripped it, and the advice. */
  divergence?: {
    /** The step whose loss was non-finite or past the threshold. */
    step: number;
    /** ‖y − u‖² at that step (may be Infinity or NaN). */
    residualSq: number;
    /** 2/λ_max(H(0)): gradient descent on the linearised model is stable below it. */
    largestStableEta: number;
    message: string;
  };
}

/**
 * Trains `net` on (X, y) by gradient descent (eq. 3) and records Figure 1's curves.
 * Updates the net in place: afterwards net.weights() are W(stepsRun) (and a, if trained).
 */
export function train(net: TwoLayerNet, X: Matrix, y: Float32Array | Float64Array, options: TrainOptions): TrainResult {
  net.checkAlive('train');
  net.checkIdle('train');
  const Xm = checkMatrix(X, 'train: X', { cols: net.d, float32: true });
  checkVector(y, 'train: y', Xm.rows, true);
  if (typeof options !== 'object' || options === null) {
    throw new OverparamTypeError('BAD_VALUE', 'train: options { eta, steps } are required');
  }
  const { eta, steps, trainOutputLayer = false, loss = 'sum', gramEvery, onStep, signal, divergenceFactor = 1e6 } = options;
  checkPositive(eta, 'train: eta');
  checkInteger(steps, 'train: steps', 0);
  if (loss !== 'sum' && loss !== 'mean') {
    throw new OverparamRangeError('BAD_VALUE', `train: loss must be 'sum' or 'mean', got ${String(loss)}`);
  }
  if (gramEvery !== undefined) checkInteger(gramEvery, 'train: gramEvery');
  checkPositive(divergenceFactor, 'train: divergenceFactor');
  const method = options.method === undefined || options.method === 'auto'
    ? (Xm.rows <= 2 * Xm.cols ? 'kernel' : 'primal')
    : options.method;
  if (method !== 'kernel' && method !== 'primal') {
    throw new OverparamRangeError('BAD_VALUE', `train: method must be 'auto', 'kernel' or 'primal', got ${String(method)}`);
  }

  reserve(estimateTrainingBytes({ n: Xm.rows, d: Xm.cols, m: net.m, method, trainOutputLayer, gramEvery }),
    `train (n = ${Xm.rows}, d = ${Xm.cols}, m = ${net.m}, ${method} step)`,
    method === 'kernel' ? 'reduce m or n (the run holds about 16·m·n + 16·n² bytes)' : 'reduce m, n or d (the run holds about 8·m·n + 12·m·d bytes)');
  const stepSize = loss === 'mean' ? eta / Xm.rows : eta;
  const run = new TrainingRun(net, Xm, y, method, stepSize, trainOutputLayer);
  // The net is busy from here: from onStep, dispose() and train() on it throw BUSY, and weights(),
  // predict() and gram() see W(k) of the step reported (syncWeights).
  net._run = run;
  try {
    return run.go(steps, gramEvery, onStep, signal, divergenceFactor, { eta, loss });
  } finally {
    net._run = undefined;
    run.free();
  }
}

/**
 * Bytes of wasm memory a {@link train} call allocates on top of the network's own 4·m·(d + 1)
 * (the inputs, pre-activations Z(k) and Z(0), patterns, the kernel-space K and S or the primal
 * W(0), the divergence snapshot, and the λ_min(H(k)) workspace when gramEvery is set).
 */
export function estimateTrainingBytes({ n, d, m, method = 'kernel', trainOutputLayer = false, gramEvery }: {
  n: number; d: number; m: number; method?: 'kernel' | 'primal'; trainOutputLayer?: boolean; gramEvery?: number;
}): number {
  const f32 = 4, f64 = 8;
  const wordsPerNeuron = Math.ceil(n / 64), wordsPerRow = Math.ceil(m / 64);
  const stepCols = method === 'kernel' ? n : d;
  let bytes = f32 * (n * d + 2 * m * n + 2 * n + m) + f64 * 2 * m * wordsPerNeuron;
  bytes += f32 * n * stepCols + parallel.maskedRowSumScratchBytes(stepCols, n, m, threadCount());
  if (trainOutputLayer) bytes += f32 * m;
  // Kernel space: K in f64 and f32, S, the snapshot of Z and a, and the packed X of the final rebuild of W.
  if (method === 'kernel') bytes += (f64 + f32) * n * n + f32 * m * n + f32 * (m * n + m) + parallel.gemmSubtractScratchBytes(n, d);
  else bytes += f32 * m * d + f32 * (m * d + m);
  if (gramEvery !== undefined) {
    // H(k) and its row masks, K when the primal path has none, and the eigen solver's copy, Krylov
    // basis and the Cholesky factor of its shift-invert phase.
    bytes += f64 * (n * wordsPerRow + 3 * n * n) + (method === 'primal' ? f64 * n * n : 0) + f64 * n * Math.min(n, 400);
  }
  return bytes;
}

/** The λ_min records up to and including `lastStep`. */
function trimmed(record: { step: number[]; value: number[] }, lastStep: number): { step: number[]; value: number[] } {
  const keep = record.step.filter((s) => s <= lastStep).length;
  return { step: record.step.slice(0, keep), value: record.value.slice(0, keep) };
}

/** @internal One training run's wasm buffers and loop (exported for the benchmarks). */
export class TrainingRun implements ActiveRun {
  private readonly k = kernels();
  private readonly n: number;
  private readonly d: number;
  private readonly m: number;
  private readonly wordsPerNeuron: number;
  private readonly invSqrtM: number;
  private readonly y: Float32Array;
  private readonly X: WasmBuffer;
  private readonly ZT: WasmBuffer;
  private readonly ZT0: WasmBuffer;
  private readonly u: WasmBuffer;
  private readonly e: WasmBuffer;
  private readonly bits: WasmBuffer;
  private readonly bits0: WasmBuffer;
  private readonly rowScale: WasmBuffer;
  /** P = diag(e) B, B = K (kernel space) or X (primal): the step's rows with e folded in. */
  private readonly scaledRows: WasmBuffer;
  /** maskedRowSum's running sums and offset lists, one slice per thread. */
  private readonly sumScratch: WasmBuffer;
  private readonly W0?: WasmBuffer;
  private readonly gradientA?: WasmBuffer;
  /** The step k whose W(k) the net's W holds (the kernel-space step rebuilds it on demand). */
  private weightsStep = 0;
  /** The step k of the state u(k), Z(k), S(k) the run is at. */
  private currentStep = 0;
  /** Kernel space: a copy of W(0), made when W(k) is first rebuilt during the run. */
  private initialWeights?: WasmBuffer;
  private K64?: WasmBuffer;
  private K32?: WasmBuffer;
  private S?: WasmBuffer;
  private backup?: WasmBuffer[];

  constructor(
    private readonly net: TwoLayerNet, X: Matrix, y: Float32Array | Float64Array,
    private readonly method: 'kernel' | 'primal', private readonly eta: number,
    private readonly trainOutputLayer: boolean,
  ) {
    const n = (this.n = X.rows), d = (this.d = X.cols), m = (this.m = net.m);
    this.wordsPerNeuron = Math.ceil(n / 64);
    this.invSqrtM = 1 / Math.sqrt(m);
    // An allocation that fails part-way (the host refuses to grow memory) must not leak the others.
    try {
      this.y = Float32Array.from(y);
      this.X = bufferFrom('f32', X.data);
      this.ZT = new WasmBuffer('f32', m * n);
      this.ZT0 = new WasmBuffer('f32', m * n);
      this.u = new WasmBuffer('f32', n);
      this.e = new WasmBuffer('f32', n);
      this.bits = new WasmBuffer('u64', m * this.wordsPerNeuron);
      this.bits0 = new WasmBuffer('u64', m * this.wordsPerNeuron);
      this.rowScale = new WasmBuffer('f32', m);
      const stepCols = method === 'kernel' ? n : d;
      this.scaledRows = new WasmBuffer('f32', n * stepCols);
      this.sumScratch = new WasmBuffer('f32', parallel.maskedRowSumScratchBytes(stepCols, n, m, threadCount()) / 4);
      if (method === 'primal') this.W0 = bufferFrom('f32', net._W.f32());
      if (trainOutputLayer) this.gradientA = new WasmBuffer('f32', m);
      if (method === 'kernel') {
        this.K64 = new WasmBuffer('f64', n * n);
        this.K32 = new WasmBuffer('f32', n * n);
        this.S = new WasmBuffer('f32', m * n);
        parallel.linearKernel(this.X.ptr, n, d, this.K64.ptr);
        this.k.demoteToF32(this.K64.ptr, this.K32.ptr, n * n);
      }
      parallel.gemmNT(net._W.ptr, this.X.ptr, this.ZT.ptr, m, n, d);
      this.ZT0.f32().set(this.ZT.f32());
      this.updateRowScale();
    } catch (error) {
      this.free();
      throw error;
    }
  }

  /**
   * Runs the loop. Whatever ends it (done, diverged, aborted, or an exception from onStep), the net
   * is left at a state of the run: W(k), a(k) for the last step k reported (for a divergence by
   * overflow, the last finite one), never a mix of two steps.
   */
  go(steps: number, gramEvery: number | undefined, onStep: TrainOptions['onStep'],
     signal: AbortSignal | undefined, divergenceFactor: number,
     user: { eta: number; loss: 'sum' | 'mean' } = { eta: this.eta, loss: 'sum' }): TrainResult {
    const { k, n, m } = this;
    const residualSq = new Float64Array(steps + 1);
    const patternChangeFraction = new Float64Array(steps + 1);
    const maxWeightDistance = new Float64Array(steps + 1);
    const lambdaMinGram = gramEvery === undefined ? undefined : { step: [] as number[], value: [] as number[] };
    let status: TrainResult['status'] = 'done';
    let divergence: TrainResult['divergence'];
    let step = 0;
    let backupStep = -1;

    try {
      for (;; step++) {
        this.currentStep = step;
        residualSq[step] = this.observe();
        if (step === 0) {
          this.checkInitialLoss(residualSq[0]);
          this.bits0.words().set(this.bits.words());
        }
        const finite = Number.isFinite(residualSq[step]);
        if (!finite || residualSq[step] > divergenceFactor * Math.max(residualSq[0], 1e-30)) {
          status = 'diverged';
          const reached = residualSq[step];
          if (!finite) {
            // Keep the last finite state: the snapshot taken before the loss started to grow.
            this.restore();
            step = this.currentStep = backupStep;
          }
          divergence = this.describeDivergence(finite ? step : step + 1, reached, residualSq[0], finite ? undefined : step, user);
          if (!finite) break;
        }
        patternChangeFraction[step] = k.countChangedBits(this.bits.ptr, this.bits0.ptr, m * this.wordsPerNeuron) / (n * m);
        maxWeightDistance[step] = this.method === 'kernel'
          ? parallel.maxDistanceFromCoefficients(this.S!.ptr, this.ZT0.ptr, this.ZT.ptr, m, n)
          : parallel.maxRowDistance(this.net._W.ptr, this.W0!.ptr, m, this.d);
        const info: StepInfo = {
          step, residualSq: residualSq[step],
          patternChangeFraction: patternChangeFraction[step], maxWeightDistance: maxWeightDistance[step],
        };
        if (lambdaMinGram && (step % gramEvery! === 0 || step === steps)) {
          info.lambdaMinGram = this.lambdaMinOfGram();
          lambdaMinGram.step.push(step);
          lambdaMinGram.value.push(info.lambdaMinGram);
        }
        onStep?.(info);
        if (status === 'diverged' || step === steps) break;
        if (signal?.aborted) { status = 'aborted'; break; }
        // A snapshot costs one copy of the state; a loss that is still falling cannot jump to
        // infinity in one step unless it already did at step 0, so only growth triggers one.
        if (step === 0 || residualSq[step] > residualSq[step - 1]) {
          this.snapshot();
          backupStep = step;
        }
        this.step();
      }
    } finally {
      this.syncWeights(true);
    }
    const taken = step + 1;
    return {
      residualSq: residualSq.slice(0, taken),
      patternChangeFraction: patternChangeFraction.slice(0, taken),
      maxWeightDistance: maxWeightDistance.slice(0, taken),
      ...(lambdaMinGram ? { lambdaMinGram: trimmed(lambdaMinGram, step) } : {}),
      status, stepsRun: step, method: this.method,
      ...(divergence ? { divergence } : {}),
    };
  }

  /**
   * A non-finite ‖y − u(0)‖² means the initial state itself overflowed float32 (y is checked
   * finite in float32, so u(0) is not): there is no finite state to fall back to, so this is an
   * error, thrown before anything changed.
   */
  private checkInitialLoss(residualSq: number): void {
    if (Number.isFinite(residualSq)) return;
    const u = this.u.f32();
    const i = u.findIndex((v) => !Number.isFinite(v));
    throw new OverparamRangeError('NOT_FINITE',
      `train: the initial loss ‖y − u(0)‖² is ${residualSq}: u(0)[${i}] = f(W(0), a, x_${i}) is ${u[i]}, ` +
      'because w_rᵀx overflows float32; scale X or the weights down');
  }

  /**
   * The divergence record, with advice that is true for this run: η above the linearised model's
   * limit 2/λ_max(H(0)) (in the units of the user's η and loss) is too large; below it, the net left
   * its kernel regime (H(k) moved away from H(0)), which a smaller η or a wider net avoids.
   */
  private describeDivergence(at: number, reached: number, initial: number, heldStep: number | undefined,
    user: { eta: number; loss: 'sum' | 'mean' }): NonNullable<TrainResult['divergence']> {
    const lambdaMax = this.lambdaMaxOfInitialGram();
    // The mean loss divides the gradient by n, so its η may be n times larger for the same step.
    const largestStableEta = (user.loss === 'mean' ? 2 * this.n : 2) / lambdaMax;
    const limit = `2/λ_max(H(0))${user.loss === 'mean' ? '·n' : ''} = ${largestStableEta.toExponential(3)}`;
    const eta = `η = ${user.eta.toExponential(3)}`;
    const cause = user.eta >= largestStableEta
      ? `${eta} is too large: GD is stable for η < ${limit}`
      : this.trainOutputLayer
        ? `${eta} is below ${limit}, the limit of the first layer's kernel alone; training the output layer ` +
          'too adds its kernel to H and so lowers the limit: take a smaller η'
        : `${eta} is below ${limit}, where GD on the linearised model is stable, so the network left its ` +
          'kernel regime (H(k) moved away from H(0)): take a smaller η or a wider network';
    return {
      step: at, residualSq: reached, largestStableEta,
      message: `‖y − u‖² reached ${reached} (from ${initial.toExponential(3)}): ${cause}` +
        (heldStep === undefined ? '' : `; the net holds the last finite state, W(${heldStep})`),
    };
  }

  /**
   * Brings the net's W up to the current step. The primal step updates W in place; the kernel-space
   * step keeps W(0) there and rebuilds W(k) = W(0) − S X only when asked (from onStep through
   * weights(), predict() or gram(), and once at the end). A rebuild during the run first keeps a
   * copy of W(0), which later rebuilds start from. `final` skips that copy.
   */
  syncWeights(final = false): void {
    if (this.method !== 'kernel' || this.weightsStep === this.currentStep) return;
    if (this.weightsStep !== 0) this.net._W.f32().set(this.initialWeights!.f32());
    else if (!final && !this.initialWeights) {
      // Allocate first, then take both views: the allocation may grow memory and detach views.
      this.initialWeights = new WasmBuffer('f32', this.m * this.d);
      this.initialWeights.f32().set(this.net._W.f32());
    }
    this.rebuildWeights();
    this.weightsStep = this.currentStep;
  }

  /** The state the weights are rebuilt from: S (kernel space) or W (primal), and a. */
  private stateBuffers(): WasmBuffer[] {
    return [this.method === 'kernel' ? this.S! : this.net._W, this.net._a];
  }

  private snapshot(): void {
    this.backup ??= this.stateBuffers().map((b) => new WasmBuffer(b.kind, b.length));
    this.stateBuffers().forEach((b, i) => this.backup![i].f32().set(b.f32()));
  }

  private restore(): void {
    this.stateBuffers().forEach((b, i) => b.f32().set(this.backup![i].f32()));
  }

  /** Forward pass at the current state: u, activation bits, e = u − y; returns ‖y − u‖² in float64. */
  observe(): number {
    parallel.forward(this.ZT.ptr, this.m, this.n, this.net._a.ptr, this.invSqrtM, this.u.ptr, this.bits.ptr, this.wordsPerNeuron);
    const u = this.u.f32(), e = this.e.f32(), y = this.y;
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      const r = u[i] - y[i];
      e[i] = r;
      sum += r * r;
    }
    return sum;
  }

  /** c_r = a_r/√m, the per-neuron factor of D_ir = c_r e_i 1{z_ir ≥ 0}. */
  private updateRowScale(): void {
    const a = this.net._a.f32(), c = this.rowScale.f32();
    for (let r = 0; r < this.m; r++) c[r] = a[r] * this.invSqrtM;
  }

  /** One GD step from the state whose residual e and activation bits are current (eq. 3). */
  step(): void {
    const { k, n, m, d, eta, wordsPerNeuron } = this;
    if (this.trainOutputLayer) parallel.outputLayerGradient(this.ZT.ptr, m, n, this.e.ptr, this.invSqrtM, this.gradientA!.ptr);
    if (this.method === 'kernel') {
      parallel.accumulateCoefficients(this.S!.ptr, this.ZT.ptr, m, n, this.e.ptr, this.rowScale.ptr, eta);
      k.scaleRows(this.scaledRows.ptr, this.K32!.ptr, this.e.ptr, n, n);
      parallel.maskedRowSum(this.ZT.ptr, m, n, this.scaledRows.ptr, n, this.rowScale.ptr, -eta, this.bits.ptr, wordsPerNeuron, wordsPerNeuron, this.sumScratch.ptr);
    } else {
      k.scaleRows(this.scaledRows.ptr, this.X.ptr, this.e.ptr, n, d);
      parallel.maskedRowSum(this.net._W.ptr, m, d, this.scaledRows.ptr, n, this.rowScale.ptr, -eta, this.bits.ptr, wordsPerNeuron, wordsPerNeuron, this.sumScratch.ptr);
      parallel.gemmNT(this.net._W.ptr, this.X.ptr, this.ZT.ptr, m, n, d);
    }
    if (this.trainOutputLayer) {
      const a = this.net._a.f32(), g = this.gradientA!.f32();
      for (let r = 0; r < m; r++) a[r] -= eta * g[r];
      this.updateRowScale();
    }
  }

  /** λ_min of H(k) from the current activation pattern (eq. 5). */
  private lambdaMinOfGram(): number {
    return this.extremeOfGram(this.ZT, 1);
  }

  /** λ_max of H(0): the stability limit of the step size is 2/λ_max. */
  private lambdaMaxOfInitialGram(): number {
    return this.extremeOfGram(this.ZT0, 2);
  }

  /** λ_min (1) or λ_max (2) of H built from the activation pattern of the pre-activations `ZT` (eq. 5). */
  private extremeOfGram(ZT: WasmBuffer, want: 1 | 2): number {
    const { n, m } = this;
    const wordsPerRow = Math.ceil(m / 64);
    const rowBits = new WasmBuffer('u64', n * wordsPerRow);
    const H = new WasmBuffer('f64', n * n);
    let K = this.K64;
    if (!K) {
      K = this.K64 = new WasmBuffer('f64', n * n);
      parallel.linearKernel(this.X.ptr, n, this.d, K.ptr);
    }
    try {
      parallel.rowMasksFromPreactivations(ZT.ptr, m, n, rowBits.ptr, wordsPerRow);
      parallel.gramFromMasks(rowBits.ptr, wordsPerRow, K.ptr, n, m, H.ptr);
      return extremeOfWasmMatrix('train', H, n, want);
    } finally {
      rowBits.free();
      H.free();
    }
  }

  /**
   * Kernel space: W(k) = W(0) − S X with S = η Σ_j D(j) (DESIGN §5.1), one blocked GEMM. A run that
   * took no step (or was restored to step 0) has S = 0 and keeps W(0) as it is: W − 0·X is W.
   */
  private rebuildWeights(): void {
    // S(0) = 0, and a restore to step 0 brings back S(0): no scan of the m·n coefficients needed.
    if (this.currentStep === 0) return;
    const packed = new WasmBuffer('f32', parallel.gemmSubtractScratchBytes(this.n, this.d) / 4);
    try {
      parallel.gemmSubtractNN(this.S!.ptr, this.X.ptr, packed.ptr, this.net._W.ptr, this.m, this.d, this.n);
    } finally {
      packed.free();
    }
  }

  free(): void {
    freeAll(this.X, this.ZT, this.ZT0, this.u, this.e, this.bits, this.bits0, this.rowScale, this.scaledRows, this.sumScratch,
      this.W0, this.gradientA, this.K64, this.K32, this.S, this.initialWeights, ...(this.backup ?? []));
  }
}
