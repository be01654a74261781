// The training loop every step form shares (DESIGN §5.1): per step it records Figure 1's three
// curves (and λ_min(H(k)) on the gramEvery grid), reports them to onStep, guards against
// divergence with a snapshot to fall back to, honours abort, and trains the output layer when
// asked. The arithmetic of the first layer's step is the form's (stepForm.ts).
import { OverparamRangeError } from '../errors.js';
import { WasmBuffer } from '../wasm/memory.js';
import type { Matrix } from '../matrix.js';
import type { ActiveRun, TwoLayerNet } from '../network.js';
import { largestStableStep } from '../experiments/theory.js';
import { KernelStep } from './kernelStep.js';
import { PrimalStep } from './primalStep.js';
import { DenseForm } from './denseForm.js';
import { RunState, type StepForm, type StepMethod } from './stepForm.js';
import type { StepInfo, TrainOptions, TrainResult } from './types.js';
import type { ModeRecorder } from '../experiments/modes.js';
import { OptimizerRun, type Optimizer } from './optimizer.js';
import type { CertificateRecorder } from './certificates.js';

/** The λ_min records up to and including `lastStep`. */
function trimmed(record: { step: number[]; value: number[] }, lastStep: number): { step: number[]; value: number[] } {
  const keep = record.step.filter((s) => s <= lastStep).length;
  return { step: record.step.slice(0, keep), value: record.value.slice(0, keep) };
}

/** The form for `method`: ReLU's bit-mask forms, or the dense ones for every other activation. */
function stepFormFor(method: StepMethod, state: RunState): StepForm {
  if (state.net.activation !== 'relu') return new DenseForm(state, method);
  return method === 'kernel' ? new KernelStep(state) : new PrimalStep(state);
}

/**
 * @internal One training run's wasm buffers and loop (exported for the benchmarks). While it runs
 * the net is busy (net._run = this, set by train()): syncWeights() gives weights(), predict() and
 * gram() the W(k) of the step reported.
 */
export class TrainingRun implements ActiveRun {
  private readonly state: RunState;
  private readonly form: StepForm;
  private readonly gradientA?: WasmBuffer;
  /** Heavy ball, Nesterov or SGD (optimizer.ts); plain GD has none and runs as before. */
  private readonly optimizer?: OptimizerRun;
  /** The step k of the state u(k), Z(k), S(k) the run is at. */
  private currentStep = 0;
  private backup?: WasmBuffer[];
  /** With train's `modes`: records p_i(k) = v_iᵀ(y − u(k)) every `every` steps (and the last). */
  modes?: { recorder: ModeRecorder; every: number; residual: Float64Array; lastRecorded: number };
  /** With train's `certificates`: the proof's quantities, recorded at every state the loop reaches. */
  certificates?: CertificateRecorder;

  constructor(
    private readonly net: TwoLayerNet, X: Matrix, y: Float32Array | Float64Array,
    readonly method: StepMethod, private readonly eta: number,
    private readonly trainOutputLayer: boolean,
    optimizer: Optimizer = { kind: 'gd' },
  ) {
    this.state = new RunState(net, X, y, trainOutputLayer);
    // An allocation that fails part-way (the host refuses to grow memory) must not leak the others.
    try {
      this.form = stepFormFor(method, this.state);
      if (trainOutputLayer) this.gradientA = new WasmBuffer('f32', net.m);
      this.state.initialPreactivations();
      this.state.updateRowScale();
      if (optimizer.kind !== 'gd') {
        this.optimizer = new OptimizerRun(optimizer, this.form, this.state);
        this.optimizer.start();
      }
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
    const { form } = this;
    const residualSq = new Float64Array(steps + 1);
    const patternChangeFraction = new Float64Array(steps + 1);
    const maxWeightDistance = new Float64Array(steps + 1);
    const lambdaMinGram = gramEvery === undefined ? undefined : { step: [] as number[], value: [] as number[] };
    let status: TrainResult['status'] = 'done';
    let divergence: TrainResult['divergence'];
    let step = 0;
    let backupStep = -1;
    let initialOutput = new Float32Array(0);

    try {
      for (;; step++) {
        this.currentStep = step;
        residualSq[step] = this.observe();
        if (step === 0) {
          this.checkInitialLoss(residualSq[0]);
          initialOutput = this.state.u.f32().slice();
          form.keepInitialPattern();
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
        patternChangeFraction[step] = form.patternChange();
        maxWeightDistance[step] = form.maxWeightDistance();
        if (finite) this.certificates?.record(step, this.state, maxWeightDistance[step], residualSq[step]);
        const info: StepInfo = {
          step, residualSq: residualSq[step],
          patternChangeFraction: patternChangeFraction[step], maxWeightDistance: maxWeightDistance[step],
          output: () => this.state.u.f32().slice(),
        };
        const recorder = this.certificates;
        if (recorder) info.certificatesSoFar = () => recorder.result(step, this.state.m);
        if (lambdaMinGram && (step % gramEvery! === 0 || step === steps)) {
          info.lambdaMinGram = this.certificates?.lambdaMinOfGram(step) ?? form.extremeOfGram('current', 1); // H(k) built once
          lambdaMinGram.step.push(step);
          lambdaMinGram.value.push(info.lambdaMinGram);
        }
        this.recordModes(step, step === steps || status === 'diverged');
        onStep?.(info);
        if (status === 'diverged' || step === steps) break;
        if (signal?.aborted) { status = 'aborted'; this.recordModes(step, true); break; }
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
      residualSq: residualSq.slice(0, taken), initialOutput,
      patternChangeFraction: patternChangeFraction.slice(0, taken),
      maxWeightDistance: maxWeightDistance.slice(0, taken),
      ...(lambdaMinGram ? { lambdaMinGram: trimmed(lambdaMinGram, step) } : {}),
      status, stepsRun: step, method: this.method,
      ...(divergence ? { divergence } : {}),
    };
  }

  /** p_i(k) = v_iᵀ(y − u(k)) = −v_iᵀe, from the residual of step k, on the `modes` grid or when `last`. */
  private recordModes(step: number, last: boolean): void {
    const modes = this.modes;
    if (!modes || !(last || step % modes.every === 0) || step <= modes.lastRecorded) return;
    const e = this.state.e.f32(), r = modes.residual;
    for (let i = 0; i < r.length; i++) r[i] = -e[i];
    modes.recorder.recordResidual(step, r);
    modes.lastRecorded = step;
  }

  /**
   * A non-finite ‖y − u(0)‖² means the initial state itself overflowed float32 (y is checked
   * finite in float32, so u(0) is not): there is no finite state to fall back to, so this is an
   * error, thrown before anything changed.
   */
  private checkInitialLoss(residualSq: number): void {
    if (Number.isFinite(residualSq)) return;
    const u = this.state.u.f32();
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
    const lambdaMax = this.form.extremeOfGram('initial', 2);
    // The mean loss divides the gradient by n, so its η may be n times larger for the same step.
    const largestStableEta = largestStableStep(lambdaMax, user.loss, this.state.n);
    const limit = `2/λ_max(H(0))${user.loss === 'mean' ? '·n' : ''} = ${largestStableEta.toExponential(3)}`;
    const eta = `η = ${user.eta.toExponential(3)}`;
    const cause = user.eta >= largestStableEta
      ? `${eta} is too large: GD is stable for η < ${limit}`
      : this.trainOutputLayer
        ? `${eta} is below ${limit} (H(0) of both layers, as the output layer trains), where GD on the linearised ` +
          'model is stable, so the network left its kernel regime (H(k) moved away from H(0)): take a smaller η or a wider network'
        : `${eta} is below ${limit}, where GD on the linearised model is stable, so the network left its ` +
          'kernel regime (H(k) moved away from H(0)): take a smaller η or a wider network';
    return {
      step: at, residualSq: reached, largestStableEta,
      message: `‖y − u‖² reached ${reached} (from ${initial.toExponential(3)}): ${cause}` +
        (heldStep === undefined ? '' : `; the net holds the last finite state, W(${heldStep})`),
    };
  }

  /** Brings the net's W up to the current step (the busy-net protocol, ActiveRun); `final` at the run's end. */
  syncWeights(final = false): void {
    this.form.syncWeights(this.currentStep, final);
  }

  /** The state the weights are rebuilt from: the form's (S or W), and a. */
  private stateBuffers(): WasmBuffer[] {
    return [...this.form.stateBuffers(), this.net._a, ...(this.optimizer?.stateBuffers() ?? [])];
  }

  private snapshot(): void {
    this.backup ??= this.stateBuffers().map((b) => new WasmBuffer(b.kind, b.length));
    this.stateBuffers().forEach((b, i) => this.backup![i].f32().set(b.f32()));
  }

  private restore(): void {
    this.stateBuffers().forEach((b, i) => b.f32().set(this.backup![i].f32()));
  }

  /** Forward pass at the current state: u, the activation record, e = u − y; returns ‖y − u‖² in float64. */
  observe(): number {
    this.form.forward();
    return this.state.residual();
  }

  /**
   * One step from the state whose residual e and activation record are current: GD (eq. 3), or the
   * optimiser's (SGD masks e to its batch first; Nesterov's state is the look-ahead point).
   */
  step(): void {
    const { eta, gradientA, optimizer } = this;
    optimizer?.prepare();
    if (gradientA) this.form.outputGradient(gradientA);
    if (optimizer) optimizer.stepFirstLayer(eta);
    else this.form.step(eta);
    if (gradientA) {
      const a = this.net._a.f32(), g = gradientA.f32();
      const gdStep = (): void => { for (let r = 0; r < this.net.m; r++) a[r] -= eta * g[r]; };
      if (optimizer) optimizer.stepOutput(gdStep);
      else gdStep();
      this.state.updateRowScale();
    }
  }

  free(): void {
    this.certificates?.free();
    this.form?.free();
    this.gradientA?.free();
    this.optimizer?.free();
    for (const b of this.backup ?? []) b.free();
    this.state.free();
  }
}
