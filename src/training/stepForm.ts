// What the training loop (run.ts) asks of a step form, and the state every form shares. Two forms
// exist, both for ReLU with bit-packed activation patterns (DESIGN §5.1–5.2): kernelStep.ts
// (Z ← Z − η K D, W rebuilt from the coefficients on demand) and primalStep.ts (W ← W − η ∂L/∂W,
// Z = X Wᵀ again); denseForm.ts is the dense pair for every other activation (ψ′(Z) as a float32
// matrix). The optimisers of optimizer.ts (heavy ball, Nesterov, SGD: DESIGN §7.4) drive any of
// them through the same interface; see StepForm.
import { WasmBuffer, bufferFrom, freeAll, withBuffers } from '../wasm/memory.js';
import { gramAtPreactivations } from '../kernels.js';
import { extremeOfWasmMatrix } from '../spectra.js';
import * as parallel from '../wasm/parallel.js';
import type { Matrix } from '../matrix.js';
import type { TwoLayerNet } from '../network.js';
import { gradientFactor, outputFactor } from '../parametrisation.js';

/** The step forms train() runs. */
export type StepMethod = 'kernel' | 'primal';

/**
 * DESIGN §5.1's rule for method 'auto': kernel space (≈ n²m flops a step) when n ≤ 2d, else primal
 * (≈ 3nmd flops).
 */
export function autoStepMethod(n: number, d: number): StepMethod {
  return n <= 2 * d ? 'kernel' : 'primal';
}

/**
 * The buffers of a run that every form reads or writes: the inputs, the pre-activations Z(k) and
 * Z(0) (neuron-major, m×n), the outputs u(k), the residual e = u − y, and the per-neuron factor
 * c_r = a_r·m^(γ−1)/α of D_ir = c_r e_i ψ′(z_ir) (a_r/√m in the paper's scaling). The loop owns
 * them; a form frees only its own buffers.
 */
export class RunState {
  readonly n: number;
  readonly d: number;
  readonly m: number;
  /** α·m^(−γ), the factor of f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) (DESIGN §7.1; 1/√m in the paper). */
  readonly outputFactor: number;
  /** m^(γ−1)/α: the step's η·m^(2γ−1) times the gradient's (1/α)·m^(−γ) (DESIGN §7.1; 1/√m in the paper). */
  readonly gradientFactor: number;
  readonly y: Float32Array;
  readonly X: WasmBuffer;
  readonly ZT: WasmBuffer;
  readonly ZT0: WasmBuffer;
  readonly u: WasmBuffer;
  readonly e: WasmBuffer;
  readonly rowScale: WasmBuffer;
  /** a(0), kept for H(0) when the output layer trains (else the net's a, which does not move). */
  readonly initialOutputWeights: WasmBuffer;
  /** Whether a trains: then H(k) is the first layer's part plus the output layer's (DESIGN §7.1). */
  readonly trainOutputLayer: boolean;
  /** The core id and leaky slope of the net's activation. */
  readonly act: number;
  readonly slope: number;
  /** K = X Xᵀ in float64, made when first needed (the kernel-space form and H(k) need it). */
  private K64?: WasmBuffer;

  /** Allocates the shared buffers; on failure frees what it allocated and rethrows. */
  constructor(readonly net: TwoLayerNet, X: Matrix, y: Float32Array | Float64Array, trainOutputLayer = false) {
    const n = (this.n = X.rows), m = (this.m = net.m);
    this.trainOutputLayer = trainOutputLayer;
    this.act = net._activationId;
    this.slope = net.negativeSlope ?? 0;
    this.d = X.cols;
    this.outputFactor = outputFactor(net.scaling, m);
    this.gradientFactor = gradientFactor(net.scaling, m);
    try {
      this.y = Float32Array.from(y);
      this.X = bufferFrom('f32', X.data);
      this.ZT = new WasmBuffer('f32', m * n);
      this.ZT0 = new WasmBuffer('f32', m * n);
      this.u = new WasmBuffer('f32', n);
      this.e = new WasmBuffer('f32', n);
      this.rowScale = new WasmBuffer('f32', m);
      this.initialOutputWeights = trainOutputLayer ? bufferFrom('f32', net._a.f32()) : net._a;
    } catch (error) {
      this.free();
      throw error;
    }
  }

  /** K = X Xᵀ (n×n, float64), computed once. */
  linearKernel64(): WasmBuffer {
    if (!this.K64) {
      this.K64 = new WasmBuffer('f64', this.n * this.n);
      parallel.linearKernel(this.X.ptr, this.n, this.d, this.K64.ptr);
    }
    return this.K64;
  }

  /** Z(0) = W(0) Xᵀ into ZT and ZT0. */
  initialPreactivations(): void {
    parallel.gemmNT(this.net._W.ptr, this.X.ptr, this.ZT.ptr, this.m, this.n, this.d);
    this.ZT0.f32().set(this.ZT.f32());
  }

  /** c_r = a_r·m^(γ−1)/α, the per-neuron factor of D_ir = c_r e_i ψ′(z_ir). */
  updateRowScale(): void {
    const a = this.net._a.f32(), c = this.rowScale.f32();
    for (let r = 0; r < this.m; r++) c[r] = a[r] * this.gradientFactor;
  }

  /** e = u − y from the current u; returns ‖y − u‖² in float64. */
  residual(): number {
    const u = this.u.f32(), e = this.e.f32(), y = this.y;
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      const r = u[i] - y[i];
      e[i] = r;
      sum += r * r;
    }
    return sum;
  }

  /**
   * λ_min (want 1) or λ_max (2) of the Gram matrix at Z(k) and a(k) (`at` 'current') or at Z(0), a(0)
   * ('initial'), DESIGN §7.1: the first layer's part, plus the output layer's when a trains (the
   * matrix of the linearised dynamics u(k+1) − u(k) ≈ −η H(k)(u(k) − y) of the run).
   */
  extremeOfGram(at: 'current' | 'initial', want: 1 | 2): number {
    const { n, m } = this;
    return withBuffers((scope) => {
      const H = scope.buffer('f64', n * n);
      gramAtPreactivations(scope, {
        ZT: at === 'current' ? this.ZT : this.ZT0, n, m, a: at === 'current' ? this.net._a : this.initialOutputWeights,
        act: this.act, slope: this.slope, K: this.linearKernel64(),
      }, this.trainOutputLayer ? 'both' : 'first', H);
      return extremeOfWasmMatrix('train', H, n, want);
    });
  }

  free(): void {
    freeAll(this.X, this.ZT, this.ZT0, this.u, this.e, this.rowScale, this.K64,
      this.trainOutputLayer ? this.initialOutputWeights : undefined);
  }
}

/**
 * One step form: how the first layer moves, and what the loop measures of it. The loop (run.ts)
 * owns the recording, the divergence guard and its snapshot, abort, onStep, gramEvery, the output
 * layer's update and the busy-net protocol; a form owns its buffers and the arithmetic of the step.
 *
 * Per step k the loop calls forward() (u(k) into state.u, the form's activation record), reads the
 * residual, then patternChange(), maxWeightDistance(), maybe extremeOfGram(), then, if it goes on,
 * outputGradient() (when a trains) and step(eta), which must leave state.ZT = Z(k+1).
 *
 * The dense forms (denseForm.ts, smooth ψ) keep ψ′(Z) (m×n f32) as their activation record instead
 * of bits, form D = diag(c) ψ′(Z) ∘ e densely and update Z ← Z − η D K with one GEMM;
 * patternChange() is then ‖ψ′(Z(k)) − ψ′(Z(0))‖_F/‖ψ′(Z(0))‖_F. Every form's extremeOfGram() is
 * RunState's (H_ij = K_ij (1/m) Σ_r a_r² ψ′(z_ir) ψ′(z_jr), plus the output part when a trains).
 *
 * Optimisers with state (optimizer.ts: heavy ball, Nesterov, SGD with momentum) keep the fused
 * step(): they extrapolate the form's stateBuffers() (S or W) and, in kernel space, Z as
 * x ← x + β(x − x_prev), heavy ball before the step (Z through step()'s `beforeZ`), Nesterov after
 * it (S or W through `beforeZ`, so primal Z = X Wᵀ is the look-ahead's), so the masked sum still
 * never writes D; their previous state joins the loop's divergence snapshot. SGD masks e and
 * tells the form its batch (restrictToBatch). {@link SeparableStepForm} stays for optimisers that need the
 * direction itself (none yet).
 */
export interface StepForm {
  readonly method: StepMethod;
  /** u(k) = f(W(k), a, X) into state.u from state.ZT, and the activation record the step reads. */
  forward(): void;
  /** Takes the current activation record as the reference of patternChange() (called at step 0). */
  keepInitialPattern(): void;
  /**
   * How far the activation pattern moved from step 0: ReLU, the fraction of sign changes (the
   * paper's); other ψ, ‖ψ′(Z(k)) − ψ′(Z(0))‖_F/‖ψ′(Z(0))‖_F.
   */
  patternChange(): number;
  /** max_r ‖w_r(k) − w_r(0)‖₂ at the current state. */
  maxWeightDistance(): number;
  /** λ_min (1) or λ_max (2) of H(k) (`at` 'current') or H(0) ('initial'): {@link RunState.extremeOfGram}. */
  extremeOfGram(at: 'current' | 'initial', want: 1 | 2): number;
  /** ∂L/∂a at the current state into `gradient` (m f32). */
  outputGradient(gradient: WasmBuffer): void;
  /**
   * One GD step of the first layer from the current residual state.e (eq. 3): Z(k) → Z(k+1).
   * `beforeZ` (optimizer.ts's heavy ball and Nesterov) runs once the coefficients S (or W) have moved and before
   * state.ZT moves; from then on the step reads only the activation record, not Z's signs.
   */
  step(eta: number, beforeZ?: () => void): void;
  /**
   * Mini-batch SGD (optimizer.ts): state.e of the coming step() is zero outside `batch` (a view,
   * read before it returns), so a form may sum over the batch's inputs only; forms without it use
   * the masked e as it is.
   */
  restrictToBatch?(batch: Int32Array): void;
  /** The first layer's trainable state (S or W): what a divergence snapshot must hold to come back. */
  stateBuffers(): WasmBuffer[];
  /** Brings net._W to W(`step`), the state the run is at (`final`: the run ends, no copy of W(0) needed). */
  syncWeights(step: number, final: boolean): void;
  /** Frees the form's own buffers (not the shared state's). */
  free(): void;
}

/**
 * A form whose step can be taken apart for optimisers with state (issue 13): the direction
 * (∂L/∂W, or in kernel space the coefficients D with ∂L/∂W = Dᵀ X) written to a buffer, and
 * applied with any scale. GD is direction(g); apply(g, −η). Heavy ball keeps V: V ← βV + g,
 * apply(V, −η). No form implements it: optimizer.ts's optimisers need only step()'s `beforeZ` hook.
 */
export interface SeparableStepForm extends StepForm {
  /** Elements of the direction buffer (m·d for primal, m·n for kernel space). */
  readonly directionLength: number;
  /** The gradient direction at the current state into `out` (f32, directionLength). */
  direction(out: WasmBuffer): void;
  /** Moves the state by scale · `direction` (W and Z, or the coefficients and Z). */
  apply(direction: WasmBuffer, scale: number): void;
}
