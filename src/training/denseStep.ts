// The dense GD step for a smooth activation ψ (DESIGN §7.1, issue 12 §2), standalone: one object
// holds a run's wasm buffers and takes steps in either form (DESIGN §5.1):
// - kernel space: ZT ← ZT − D K with K = XXᵀ (2n²m flops a step), W(k) = W(0) − S X rebuilt on demand;
// - primal: W ← W − D X, then ZT = W Xᵀ (4nmd flops a step).
// train() runs the same arithmetic through the step-form interface (denseForm.ts, threaded light
// passes, the same W(k) bit for bit as this driver's); this standalone driver stays for the kernel tests
// (test/dense.test.ts) and the TF.js check of bench/workloads/denseStep.ts, which want Z in view.
// Its light passes (forward, D, output gradient) run on one thread; the two GEMMs go through the
// threaded wrappers of src/wasm/parallel.ts.
import { kernels } from '../wasm/loader.js';
import { gemmNT, gemmSubtractNN, gemmSubtractScratchBytes, linearKernel } from '../wasm/parallel.js';
import { WasmBuffer, bufferFrom, freeAll, withBuffers } from '../wasm/memory.js';
import { ACTIVATION_IDS, type Activation } from '../activations.js';

/** What a {@link DenseStep} trains: the data, the first layer W(0) and the output weights a(0). */
export interface DenseStepInput {
  /** Inputs, n×d row-major float32. */
  X: Float32Array;
  y: ArrayLike<number>;
  n: number;
  d: number;
  m: number;
  /** W(0), m×d row-major (rows w_r). */
  W: ArrayLike<number>;
  /** a(0), m. */
  a: ArrayLike<number>;
}

/** The model and the step (DESIGN §7.1). */
export interface DenseStepOptions {
  activation: Activation;
  /** Leaky ReLU's slope for z < 0 (default 0.01). */
  negativeSlope?: number;
  /** α (default 1): f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx). */
  outputScale?: number;
  /** γ (default ½). */
  widthExponent?: number;
  /** η > 0; the step taken is η·m^(2γ−1) (÷ n with loss 'mean'). */
  eta: number;
  loss?: 'sum' | 'mean';
  /** 'kernel' (ZT ← ZT − D K) or 'primal' (W ← W − D X). */
  method: 'kernel' | 'primal';
  /** Also train a. */
  trainOutputLayer?: boolean;
}

/** One run of the dense step; free() returns its buffers. */
export class DenseStep {
  readonly n: number;
  readonly d: number;
  readonly m: number;
  readonly method: 'kernel' | 'primal';
  private readonly act: number;
  private readonly slope: number;
  /** c = α·m^(−γ), the forward pass's factor (DESIGN §7.1). */
  private readonly outputFactor: number;
  /** (1/α)·m^(−γ), the gradient's factor (DESIGN §7.1). */
  private readonly gradientFactor: number;
  /** η' = η·m^(2γ−1) (÷ n for 'mean') (DESIGN §7.1). */
  private readonly etaEff: number;
  private readonly trainOutputLayer: boolean;
  private readonly y: Float32Array;
  private readonly X: WasmBuffer;
  private readonly W: WasmBuffer;
  private readonly a: WasmBuffer;
  private readonly ZT: WasmBuffer;
  private readonly ZT0: WasmBuffer;
  private readonly D: WasmBuffer;
  private readonly u: WasmBuffer;
  private readonly e: WasmBuffer;
  private readonly packed: WasmBuffer;
  private readonly K?: WasmBuffer;
  private readonly S?: WasmBuffer;
  private readonly W0?: WasmBuffer;
  private readonly gradientA?: WasmBuffer;
  /** Whether e = u − y belongs to the current state. */
  private observed = false;

  constructor(input: DenseStepInput, options: DenseStepOptions) {
    const { n, d, m } = input;
    this.n = n; this.d = d; this.m = m;
    this.method = options.method;
    this.act = ACTIVATION_IDS[options.activation];
    if (this.act === undefined) throw new Error(`DenseStep: unknown activation ${String(options.activation)}`);
    this.slope = options.negativeSlope ?? 0.01;
    const alpha = options.outputScale ?? 1, gamma = options.widthExponent ?? 0.5;
    this.outputFactor = alpha * m ** -gamma;
    this.gradientFactor = m ** -gamma / alpha;
    this.etaEff = (options.eta * m ** (2 * gamma - 1)) / (options.loss === 'mean' ? n : 1);
    this.trainOutputLayer = options.trainOutputLayer ?? false;
    this.y = Float32Array.from(input.y);
    const held: WasmBuffer[] = [];
    const buffer = (b: WasmBuffer): WasmBuffer => { held.push(b); return b; };
    try {
      this.X = buffer(bufferFrom('f32', input.X));
      this.W = buffer(bufferFrom('f32', input.W));
      this.a = buffer(bufferFrom('f32', input.a));
      this.ZT = buffer(new WasmBuffer('f32', m * n));
      this.ZT0 = buffer(new WasmBuffer('f32', m * n));
      this.D = buffer(new WasmBuffer('f32', m * n));
      this.u = buffer(new WasmBuffer('f32', n));
      this.e = buffer(new WasmBuffer('f32', n));
      this.packed = buffer(new WasmBuffer('f32', Math.max(1, gemmSubtractScratchBytes(n, this.method === 'kernel' ? n : d) / 4)));
      if (this.trainOutputLayer) this.gradientA = buffer(new WasmBuffer('f32', m));
      if (this.method === 'kernel') {
        const K64 = new WasmBuffer('f64', n * n);
        try {
          linearKernel(this.X.ptr, n, d, K64.ptr);
          this.K = buffer(new WasmBuffer('f32', n * n));
          kernels().demoteToF32(K64.ptr, this.K.ptr, n * n);
        } finally {
          K64.free();
        }
        this.S = buffer(new WasmBuffer('f32', m * n));
      } else {
        this.W0 = buffer(bufferFrom('f32', input.W));
      }
      gemmNT(this.W.ptr, this.X.ptr, this.ZT.ptr, m, n, d);
      this.ZT0.f32().set(this.ZT.f32());
    } catch (error) {
      freeAll(...held);
      throw error;
    }
  }

  /**
   * Forward pass at the current state: u, e = u − y, and ψ′(Z) into D for the step (one fused
   * pass); returns ‖y − u‖² (float64 sum of the float32 e_i²).
   */
  observe(): number {
    const { n, m } = this;
    // u_i = α m^(−γ) Σ_r a_r ψ(z_ir) (DESIGN §7.1), and D = ψ′(Z) in the same sweep.
    kernels().denseForwardDerivativeColumns(this.ZT.ptr, m, n, this.a.ptr, this.outputFactor, this.act, this.slope, this.u.ptr, this.D.ptr, 0, n);
    const u = this.u.f32(), e = this.e.f32(), y = this.y;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const r = u[i] - y[i];
      e[i] = r;
      sum += e[i] * e[i];
    }
    this.observed = true;
    return sum;
  }

  /** One GD step from the current state (DESIGN §7.1); observes first if needed. */
  step(): void {
    if (!this.observed) this.observe();
    const k = kernels();
    const { n, m, d } = this;
    if (this.trainOutputLayer) {
      // ∂L/∂a_r = (1/α) m^(−γ) Σ_i e_i ψ(z_ir) from Z(k), before Z moves (DESIGN §7.1).
      k.denseOutputGradient(this.ZT.ptr, m, n, this.e.ptr, this.gradientFactor, this.act, this.slope, this.gradientA!.ptr, 0, m);
    }
    // D_ri = η'·(1/α)·m^(−γ)·a_r e_i ψ′(z_ir) (DESIGN §7.1) from D = ψ′(Z) of observe(); S += D for W(k) (DESIGN §5.1).
    k.denseScaleCoefficients(this.D.ptr, this.method === 'kernel' ? this.S!.ptr : 0, m, n, this.a.ptr, this.e.ptr,
      this.etaEff * this.gradientFactor, 0, m);
    if (this.method === 'kernel') {
      // Z ← Z − η' K D, neuron-major: ZT ← ZT − D K (K symmetric) (DESIGN §5.1).
      gemmSubtractNN(this.D.ptr, this.K!.ptr, this.packed.ptr, this.ZT.ptr, m, n, n);
    } else {
      // W ← W − η' ∂L/∂W = W − D X, then Z = X Wᵀ (DESIGN §7.1).
      gemmSubtractNN(this.D.ptr, this.X.ptr, this.packed.ptr, this.W.ptr, m, d, n);
      gemmNT(this.W.ptr, this.X.ptr, this.ZT.ptr, m, n, d);
    }
    if (this.trainOutputLayer) {
      const a = this.a.f32(), g = this.gradientA!.f32();
      for (let r = 0; r < m; r++) a[r] -= this.etaEff * g[r];
    }
    this.observed = false;
  }

  /** u at the last observe(), copied out. */
  predictions(): Float32Array { return this.u.toFloat32(); }

  /** Z(k) neuron-major (m×n), copied out. */
  preactivations(): Float32Array { return this.ZT.toFloat32(); }

  /** a(k), copied out. */
  outputWeights(): Float32Array { return this.a.toFloat32(); }

  /** W(k) (m×d), copied out; kernel space rebuilds it as W(0) − S X (DESIGN §5.1). */
  weights(): Float32Array {
    if (this.method === 'primal') return this.W.toFloat32();
    return withBuffers((scope) => {
      const W = scope.from('f32', this.W.f32());
      const packed = scope.buffer('f32', Math.max(1, gemmSubtractScratchBytes(this.n, this.d) / 4));
      gemmSubtractNN(this.S!.ptr, this.X.ptr, packed.ptr, W.ptr, this.m, this.d, this.n);
      return W.toFloat32();
    });
  }

  /**
   * The Gram matrix at the current weights (DESIGN §7.1), float64 n×n: 'first',
   * H = K ∘ (Ψ′ᵀ diag(a²) Ψ′)/m; 'output', Ψᵀ Ψ/m (the output layer's part).
   */
  gram(part: 'first' | 'output' = 'first'): Float64Array {
    const { n, m, d } = this;
    const k = kernels();
    return withBuffers((scope) => {
      const BT = scope.buffer('f32', n * m);
      const H = scope.buffer('f64', n * n);
      const K = part === 'first' ? scope.buffer('f64', n * n) : undefined;
      k.denseFeatureRows(this.ZT.ptr, m, n, part === 'first' ? this.a.ptr : 0, this.act, this.slope, part === 'first' ? 1 : 0, BT.ptr, 0, n);
      linearKernel(BT.ptr, n, m, H.ptr);
      if (K) linearKernel(this.X.ptr, n, d, K.ptr);
      k.denseGramCombine(K ? K.ptr : 0, H.ptr, n, m, H.ptr, 0, n);
      return H.toFloat64();
    });
  }

  /** ‖ψ′(Z(k)) − ψ′(Z(0))‖_F / ‖ψ′(Z(0))‖_F (issue 12 §2), summed in float64 in neuron order. */
  derivativeChange(): number {
    const { n, m } = this;
    const sums = new WasmBuffer('f64', 2 * m);
    try {
      kernels().derivativeChangeRows(this.ZT.ptr, this.ZT0.ptr, m, n, this.act, this.slope, sums.ptr, 0, m);
      const s = sums.f64();
      let num = 0, den = 0;
      for (let r = 0; r < m; r++) { num += s[2 * r]; den += s[2 * r + 1]; }
      return Math.sqrt(num / den);
    } finally {
      sums.free();
    }
  }

  free(): void {
    freeAll(this.X, this.W, this.a, this.ZT, this.ZT0, this.D, this.u, this.e, this.packed, this.K, this.S, this.W0, this.gradientA);
  }
}
