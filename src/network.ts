// The two-layer network of eq. (1), f(W, a, x) = (1/√m) Σ_r a_r relu(w_rᵀx), generalised to
// f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) (DESIGN §7.1), with its weights held in wasm memory so training reads
// and writes them in place.
import { kernels } from './wasm/loader.js';
import * as parallel from './wasm/parallel.js';
import { WasmBuffer, bufferFrom, reserve, seedWords, withBuffers } from './wasm/memory.js';
import { checkFinite, checkInteger, checkMatrix, checkPositive, checkVector, type Matrix } from './matrix.js';
import { OverparamError, OverparamRangeError } from './errors.js';
import { MAX_SEED, STREAM } from './data.js';
import { checkOutputInit, checkScaling, outputFactor, type OutputInit, type Scaling } from './parametrisation.js';
import { gramAtBytes, gramAtPreactivations } from './kernels.js';
import { ACTIVATION_IDS, resolveActivation, resolvePart, type Activation, type KernelPart } from './activations.js';

/**
 * @internal What a running {@link train} exposes to the net it trains. While it is set the net is
 * busy: `dispose()` and a second `train()` throw BUSY, and `weights()`, `predict()` and `gram()`
 * first ask the run to bring the net's W up to the step being reported (the kernel-space step keeps
 * W(0) and rebuilds W(k) only when asked).
 */
export interface ActiveRun {
  syncWeights(): void;
}

/** The model's activation and scaling, shared by {@link TwoLayerNet.random} and {@link TwoLayerNet.fromWeights}. */
export interface NetModelOptions {
  /**
   * ψ in f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) (default 'relu', the paper's). ReLU trains on its bit-mask
   * fast paths; every other activation on the dense path (DESIGN §7.1).
   */
  activation?: Activation;
  /** Leaky ReLU's slope for z < 0, in [0, 1] (default 0.01); only with activation 'leakyRelu'. */
  negativeSlope?: number;
  /** α in f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx), > 0 (default 1). Large α trains lazily (DESIGN §7.3). */
  outputScale?: number;
  /** γ in f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx), in [0, 2] (default ½, the paper's; 1 is the mean-field scaling). */
  widthExponent?: number;
}

/** Options of {@link TwoLayerNet.fromWeights}. */
export interface FromWeightsOptions extends NetModelOptions {
  /**
   * How the given a was made, for the record; 'symmetric' is checked (m even, w_{2r+1} = w_{2r} and
   * a_{2r+1} = −a_{2r}, so f(W, a, ·) = 0). Default 'sign' when every a_r is ±1, else 'gaussian'.
   */
  outputInit?: OutputInit;
}

/** Options of {@link TwoLayerNet.random}. */
export interface RandomNetOptions extends NetModelOptions {
  /** Input dimension. */
  d: number;
  /** Width (number of hidden neurons). */
  m: number;
  /** Seed of the initialisation; the same seed gives the same weights everywhere. */
  seed?: number;
  /** κ in w_r(0) ~ N(0, κ²I); 1 in the paper. */
  scale?: number;
  /**
   * a(0): 'sign' (default, the paper's a_r ~ unif{−1, +1}), 'gaussian' (a_r ~ N(0, 1)) or
   * 'symmetric' (m even; neurons 2r and 2r + 1 share w and have opposite ±1 output weights, so
   * f(W(0), a(0), x) = 0 exactly for every x: DESIGN §7.1).
   */
  outputInit?: OutputInit;
}

const unreclaimed = typeof FinalizationRegistry === 'undefined'
  ? undefined
  : new FinalizationRegistry<WasmBuffer[]>((buffers) => { for (const b of buffers) b.free(); });

/** Runs `allocate`; if it throws, frees `held` first (a net's second buffer must not leak the first). */
function allocateOrFree(allocate: () => WasmBuffer, held: WasmBuffer): WasmBuffer {
  try {
    return allocate();
  } catch (error) {
    held.free();
    throw error;
  }
}

/**
 * Checks outputInit 'symmetric' on given weights: m even, w_{2r+1} = w_{2r} and a_{2r+1} = −a_{2r}
 * (DESIGN §7.1), the property that makes f(W(0)) = 0.
 */
function checkSymmetricPairs(W: Matrix, a: ArrayLike<number>): void {
  const m = W.rows, d = W.cols;
  const fail = (why: string) => {
    throw new OverparamRangeError('BAD_VALUE', `TwoLayerNet.fromWeights: outputInit 'symmetric' needs ${why}`);
  };
  if (m % 2 !== 0) fail(`an even m, got ${m}`);
  for (let r = 0; r < m; r += 2) {
    if (Math.fround(a[r + 1]) !== -Math.fround(a[r])) fail(`a[${r + 1}] = −a[${r}], got ${a[r + 1]} and ${a[r]}`);
    for (let j = 0; j < d; j++) {
      if (Math.fround(W.data[(r + 1) * d + j]) !== Math.fround(W.data[r * d + j])) fail(`row ${r + 1} of W equal to row ${r}`);
    }
  }
}

/**
 * Two-layer network f(W, a, x) = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) (eq. 1 at α = 1, γ = ½, ψ = relu),
 * float32 weights. ψ is `activation` (default 'relu'), fixed for the net's life.
 */
export class TwoLayerNet {
  readonly d: number;
  readonly m: number;
  /** α of f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) (1 in the paper). */
  readonly outputScale: number;
  /** γ of f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) (½ in the paper). */
  readonly widthExponent: number;
  /** How a(0) was drawn (or, for fromWeights, what the given a is). */
  readonly outputInit: OutputInit;
  /** ψ of f = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) ('relu' in the paper). */
  readonly activation: Activation;
  /** Leaky ReLU's negative slope (undefined for every other activation, so it can be passed on to gramInfinity as is). */
  readonly negativeSlope: number | undefined;
  /** κ of w_r(0) ~ N(0, κ²I) for a net drawn by random() (its `scale`); undefined for fromWeights. */
  readonly initScale: number | undefined;
  /** @internal The activation's core id (ACTIVATION_IDS). */
  readonly _activationId: number;
  /** @internal W (m×d, row r = w_r) in wasm memory. */
  readonly _W: WasmBuffer;
  /** @internal a (m) in wasm memory. */
  readonly _a: WasmBuffer;
  private disposed = false;
  /** @internal The train() call running on this net, if any. */
  _run?: ActiveRun;

  private constructor(d: number, m: number, W: WasmBuffer, a: WasmBuffer, scaling: Scaling, outputInit: OutputInit,
    activation: { activation: Activation; id: number; negativeSlope: number }, initScale?: number) {
    this.d = d;
    this.initScale = initScale;
    this.activation = activation.activation;
    this.negativeSlope = activation.activation === 'leakyRelu' ? activation.negativeSlope : undefined;
    this._activationId = activation.id;
    this.m = m;
    this.outputScale = scaling.outputScale;
    this.widthExponent = scaling.widthExponent;
    this.outputInit = outputInit;
    this._W = W;
    this._a = a;
    unreclaimed?.register(this, [W, a], this);
  }

  /**
   * A network at the paper's initialisation, w_r ~ N(0, scale²I), a_r ~ unif{−1, +1}, or at one of
   * the other output initialisations; α and γ as given (default the paper's 1 and ½).
   */
  static random(options: RandomNetOptions): TwoLayerNet {
    const { d, m, seed = 0, scale = 1 } = options;
    checkInteger(d, 'TwoLayerNet.random: d');
    checkInteger(m, 'TwoLayerNet.random: m');
    checkInteger(seed, 'TwoLayerNet.random: seed', 0, MAX_SEED);
    checkPositive(scale, 'TwoLayerNet.random: scale');
    const scaling = checkScaling('TwoLayerNet.random', options.outputScale, options.widthExponent);
    const outputInit = checkOutputInit('TwoLayerNet.random', options.outputInit);
    const activation = resolveActivation('TwoLayerNet.random', options.activation, options.negativeSlope);
    if (outputInit === 'symmetric' && m % 2 !== 0) {
      throw new OverparamRangeError('BAD_VALUE', `TwoLayerNet.random: outputInit 'symmetric' pairs the neurons, so m must be even, got ${m}`);
    }
    const k = kernels();
    const [lo, hi] = seedWords(seed);
    reserve(4 * (m * d + m), `TwoLayerNet.random (d = ${d}, m = ${m})`, 'reduce m or d');
    const W = new WasmBuffer('f32', m * d);
    const a = allocateOrFree(() => new WasmBuffer('f32', m), W);
    if (outputInit === 'symmetric') {
      // Neurons 2r and 2r + 1: the same w_r, opposite a_r (DESIGN §7.1). Adjacent rather than r and
      // r + m/2, so that the forward pass, which sums over r in order, cancels each pair exactly
      // and f(W(0)) is 0 bit for bit, not merely to rounding.
      const half = m / 2;
      k.fillNormal(W.ptr, half * d, scale, lo, hi, STREAM.weights);
      k.fillSigns(a.ptr, half, lo, hi, STREAM.outputSigns);
      const Wv = W.f32(), av = a.f32();
      for (let r = half - 1; r >= 0; r--) {   // backwards: rows 2r, 2r + 1 ≥ r are not yet read
        Wv.copyWithin(2 * r * d, r * d, (r + 1) * d);
        Wv.copyWithin((2 * r + 1) * d, 2 * r * d, (2 * r + 1) * d);
        av[2 * r] = av[r];
        av[2 * r + 1] = -av[2 * r];
      }
    } else {
      k.fillNormal(W.ptr, m * d, scale, lo, hi, STREAM.weights);
      if (outputInit === 'gaussian') k.fillNormal(a.ptr, m, 1, lo, hi, STREAM.outputGaussian);
      else k.fillSigns(a.ptr, m, lo, hi, STREAM.outputSigns);
    }
    // A normal draw is below 9 in magnitude (Box–Muller from 53-bit uniforms reaches 8.6), so only a
    // scale near float32's limit can overflow; then check the weights as the net holds them.
    if (!Number.isFinite(Math.fround(9 * scale))) {
      try {
        checkFinite(W.f32(), `TwoLayerNet.random: scale = ${scale} makes the weight W`, d);
      } catch (error) {
        W.free(); a.free();
        throw error;
      }
    }
    return new TwoLayerNet(d, m, W, a, scaling, outputInit, activation, scale);
  }

  /** A network with the given first-layer weights W (m×d) and output weights a (m); both are copied. */
  static fromWeights(W: Matrix, a: Float32Array | Float64Array, options: FromWeightsOptions = {}): TwoLayerNet {
    const Wm = checkMatrix(W, 'TwoLayerNet.fromWeights: W', { float32: true });
    checkVector(a, 'TwoLayerNet.fromWeights: a', Wm.rows, true);
    const scaling = checkScaling('TwoLayerNet.fromWeights', options.outputScale, options.widthExponent);
    const activation = resolveActivation('TwoLayerNet.fromWeights', options.activation, options.negativeSlope);
    const outputInit = options.outputInit === undefined
      ? (Array.prototype.every.call(a, (v: number) => v === 1 || v === -1) ? 'sign' : 'gaussian')
      : checkOutputInit('TwoLayerNet.fromWeights', options.outputInit);
    if (outputInit === 'symmetric') checkSymmetricPairs(Wm, a);
    kernels();
    reserve(4 * (Wm.data.length + Wm.rows), `TwoLayerNet.fromWeights (d = ${Wm.cols}, m = ${Wm.rows})`, 'reduce m or d');
    const Wb = bufferFrom('f32', Wm.data);
    return new TwoLayerNet(Wm.cols, Wm.rows, Wb, allocateOrFree(() => bufferFrom('f32', a), Wb), scaling, outputInit, activation);
  }

  /** The net's α and γ. */
  get scaling(): Scaling {
    return { outputScale: this.outputScale, widthExponent: this.widthExponent };
  }

  /** Copies out the current weights (inside train's onStep: W(k) and a(k) of the step reported). */
  weights(): { W: Matrix; a: Float32Array } {
    this.checkAlive('weights');
    this._run?.syncWeights();
    return { W: { rows: this.m, cols: this.d, data: this._W.toFloat32() }, a: this._a.toFloat32() };
  }

  /**
   * Predictions u_i = f(W, a, x_i) = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx_i) for the rows of X (eq. 1), at the
   * current weights (inside train's onStep: W(k), a(k) of the step reported).
   */
  predict(X: Matrix): Float32Array {
    this.checkAlive('predict');
    const Xm = checkMatrix(X, 'predict: X', { cols: this.d, float32: true });
    const n = Xm.rows, m = this.m, words = Math.ceil(n / 64);
    const relu = this.activation === 'relu';
    reserve(4 * (n * this.d + m * n + n) + (relu ? 8 * m * words : 0), `predict (n = ${n}, m = ${m})`, 'predict fewer rows at a time');
    this._run?.syncWeights();
    return withBuffers((scope) => {
      const Xb = scope.from('f32', Xm.data);
      const ZT = scope.buffer('f32', m * n);
      const u = scope.buffer('f32', n);
      parallel.gemmNT(this._W.ptr, Xb.ptr, ZT.ptr, m, n, this.d);
      if (relu) {
        // The paper's ReLU keeps its forward pass (and its bits): u and the activation bits in one sweep.
        const bits = scope.buffer('u64', m * words);
        parallel.forward(ZT.ptr, m, n, this._a.ptr, outputFactor(this.scaling, m), u.ptr, bits.ptr, words);
      } else {
        parallel.denseForward(ZT.ptr, m, n, this._a.ptr, outputFactor(this.scaling, m), this._activationId, this.negativeSlope ?? 0, u.ptr);
      }
      const out = u.toFloat32();
      const bad = out.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        throw new OverparamRangeError('NOT_FINITE',
          `predict: u[${bad}] = f(W, a, x_${bad}) is ${out[bad]}: w_rᵀx overflowed float32; scale X or the weights down`);
      }
      return out;
    });
  }

  /**
   * The Gram matrix at the current weights for the rows of X, float64 n×n (DESIGN §7.1):
   * - part 'first' (default): H_ij = x_iᵀx_j (1/m) Σ_r a_r² ψ′(w_rᵀx_i) ψ′(w_rᵀx_j), the first
   *   layer's kernel (eq. 5 for ReLU with ±1 a: H_ij = x_iᵀx_j (1/m) Σ_r 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0});
   * - 'output': (1/m) Σ_r ψ(w_rᵀx_i) ψ(w_rᵀx_j), the output layer's kernel;
   * - 'both': their sum, the kernel of joint training (u(k+1) − u(k) ≈ −η H (u − y) when a trains).
   *
   * Accuracy: for every activation but ReLU, H is the float64 formula evaluated at the float32
   * weights and inputs, to f64 round-off (1e-10 relative to H's largest entry is tested; ≈ 1e-15 is
   * typical): z_ir = w_rᵀx_i is an f64 dot of the float32 rows, ψ and ψ′ are f64, the sum over r is
   * f64. ReLU's first part counts the signs of w_rᵀx_i in bit masks, float32's doubtful ones
   * recomputed in f64 (exact to f64 round-off as well); its output part takes ψ(z) = max(z, 0) of
   * the f64 z like the other activations. (train's own H(k), for λ_min(H(k)) and the divergence
   * record, is built from its float32 Z(k), the numbers its step uses: ≈ 1e-7 from this one for
   * the output part.) Inside train's onStep this is H(k) at W(k), a(k).
   */
  gram(X: Matrix, options: { part?: KernelPart } = {}): Matrix {
    this.checkAlive('gram');
    const part = resolvePart('gram', (options ?? {}).part);
    const Xm = checkMatrix(X, 'gram: X', { cols: this.d, float32: true });
    const n = Xm.rows, m = this.m, d = this.d;
    // ReLU's masks read its float32 Z (certified signs and popcounts, its bits of old); ψ and ψ′
    // of every other activation, and ReLU's output part ψ(z) = max(z, 0), read Z in f64.
    const relu = this._activationId === ACTIVATION_IDS.relu;
    const z32 = relu, z64 = !relu || part !== 'first';
    reserve(4 * n * d + ((z32 ? 4 : 0) + (z64 ? 8 : 0)) * m * n + 16 * n * n + 8 * (m + n) + gramAtBytes(n, m),
      `gram (n = ${n}, m = ${m})`, 'reduce n or m');
    this._run?.syncWeights();
    return withBuffers((scope) => {
      const Xb = scope.from('f32', Xm.data);
      const Z32 = z32 ? scope.buffer('f32', m * n) : undefined;
      const Z64 = z64 ? scope.buffer('f64', m * n) : undefined;
      const H = scope.buffer('f64', n * n);
      const K = part === 'output' ? undefined : scope.buffer('f64', n * n);
      if (K) parallel.linearKernel(Xb.ptr, n, d, K.ptr);
      if (Z32) parallel.gemmNT(this._W.ptr, Xb.ptr, Z32.ptr, m, n, d);
      if (Z64) parallel.preactivationsF64(this._W.ptr, Xb.ptr, m, n, d, Z64.ptr);
      gramAtPreactivations(scope, {
        ZT: (Z64 ?? Z32)!, n, m, a: this._a, act: this._activationId, slope: this.negativeSlope ?? 0, K,
        masks: Z32 ? { ZT: Z32, W: this._W, X: Xb, d } : undefined,
      }, part, H);
      return { rows: n, cols: n, data: H.toFloat64() };
    });
  }

  /**
   * Returns the weights' wasm memory to the allocator; the net cannot be used afterwards.
   * Throws BUSY while train() runs on this net (from its onStep): dispose it after train returns.
   */
  dispose(): void {
    if (this.disposed) return;
    this.checkIdle('dispose');
    this.disposed = true;
    unreclaimed?.unregister(this);
    this._W.free();
    this._a.free();
  }

  /** Whether dispose() has been called. */
  get isDisposed(): boolean { return this.disposed; }

  /** @internal Throws BUSY while a train() call runs on this net. */
  checkIdle(method: string): void {
    if (this._run) {
      throw new OverparamError('BUSY',
        `TwoLayerNet.${method}: this network is being trained by a train() call (this is its onStep); ` +
        `call ${method}() after train returns, or stop the run with its signal`);
    }
  }

  /** @internal Throws when the net was disposed. */
  checkAlive(method: string): void {
    if (this.disposed) throw new OverparamError('DISPOSED', `TwoLayerNet.${method}: this network was disposed`);
  }
}
