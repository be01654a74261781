// The two-layer ReLU network of eq. (1), f(W, a, x) = (1/√m) Σ_r a_r relu(w_rᵀx), with its
// weights held in wasm memory so training reads and writes them in place.
import { kernels } from './wasm/loader.js';
import * as parallel from './wasm/parallel.js';
import { WasmBuffer, bufferFrom, seedWords } from './wasm/memory.js';
import { checkInteger, checkMatrix, checkPositive, checkVector, type Matrix } from './matrix.js';
import { OverparamError } from './errors.js';
import { MAX_SEED, STREAM } from './data.js';
import { computeGram } from './kernels.js';

/** Options of {@link TwoLayerNet.random}. */
export interface RandomNetOptions {
  /** Input dimension. */
  d: number;
  /** Width (number of hidden neurons). */
  m: number;
  /** Seed of the initialisation; the same seed gives the same weights everywhere. */
  seed?: number;
  /** κ in w_r(0) ~ N(0, κ²I); 1 in the paper. */
  scale?: number;
}

const unreclaimed = typeof FinalizationRegistry === 'undefined'
  ? undefined
  : new FinalizationRegistry<WasmBuffer[]>((buffers) => { for (const b of buffers) b.free(); });

/** Two-layer ReLU network f(W, a, x) = (1/√m) Σ_r a_r relu(w_rᵀx) (eq. 1), float32 weights. */
export class TwoLayerNet {
  readonly d: number;
  readonly m: number;
  /** @internal W (m×d, row r = w_r) in wasm memory. */
  readonly _W: WasmBuffer;
  /** @internal a (m) in wasm memory. */
  readonly _a: WasmBuffer;
  private disposed = false;

  private constructor(d: number, m: number, W: WasmBuffer, a: WasmBuffer) {
    this.d = d;
    this.m = m;
    this._W = W;
    this._a = a;
    unreclaimed?.register(this, [W, a], this);
  }

  /** A network at the paper's initialisation: w_r ~ N(0, scale²I), a_r ~ unif{−1, +1}. */
  static random({ d, m, seed = 0, scale = 1 }: RandomNetOptions): TwoLayerNet {
    checkInteger(d, 'TwoLayerNet.random: d');
    checkInteger(m, 'TwoLayerNet.random: m');
    checkInteger(seed, 'TwoLayerNet.random: seed', 0, MAX_SEED);
    checkPositive(scale, 'TwoLayerNet.random: scale');
    const k = kernels();
    const [lo, hi] = seedWords(seed);
    const W = new WasmBuffer('f32', m * d);
    const a = new WasmBuffer('f32', m);
    k.fillNormal(W.ptr, m * d, scale, lo, hi, STREAM.weights);
    k.fillSigns(a.ptr, m, lo, hi, STREAM.outputSigns);
    return new TwoLayerNet(d, m, W, a);
  }

  /** A network with the given first-layer weights W (m×d) and output weights a (m); both are copied. */
  static fromWeights(W: Matrix, a: Float32Array | Float64Array): TwoLayerNet {
    checkMatrix(W, 'TwoLayerNet.fromWeights: W');
    checkVector(a, 'TwoLayerNet.fromWeights: a', W.rows);
    kernels();
    return new TwoLayerNet(W.cols, W.rows, bufferFrom('f32', W.data), bufferFrom('f32', a));
  }

  /** Copies out the current weights. */
  weights(): { W: Matrix; a: Float32Array } {
    this.checkAlive('weights');
    return { W: { rows: this.m, cols: this.d, data: this._W.toFloat32() }, a: this._a.toFloat32() };
  }

  /** Predictions u_i = f(W, a, x_i) for the rows of X (eq. 1). */
  predict(X: Matrix): Float32Array {
    this.checkAlive('predict');
    checkMatrix(X, 'predict: X', { cols: this.d });
    const n = X.rows, m = this.m;
    const words = Math.ceil(n / 64);
    const Xb = bufferFrom('f32', X.data);
    const ZT = new WasmBuffer('f32', m * n);
    const u = new WasmBuffer('f32', n);
    const bits = new WasmBuffer('u64', m * words);
    try {
      parallel.gemmNT(this._W.ptr, Xb.ptr, ZT.ptr, m, n, this.d);
      parallel.forward(ZT.ptr, m, n, this._a.ptr, 1 / Math.sqrt(m), u.ptr, bits.ptr, words);
      return u.toFloat32();
    } finally {
      Xb.free(); ZT.free(); u.free(); bits.free();
    }
  }

  /** H(W) for the rows of X: H_ij = (1/m) x_iᵀx_j Σ_r 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0} (eq. 5), float64 n×n. */
  gram(X: Matrix): Matrix {
    this.checkAlive('gram');
    checkMatrix(X, 'gram: X', { cols: this.d });
    return computeGram(X, this._W, this.m);
  }

  /** Returns the weights' wasm memory to the allocator; the net cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    unreclaimed?.unregister(this);
    this._W.free();
    this._a.free();
  }

  /** Whether dispose() has been called. */
  get isDisposed(): boolean { return this.disposed; }

  /** @internal Throws when the net was disposed. */
  checkAlive(method: string): void {
    if (this.disposed) throw new OverparamError('DISPOSED', `TwoLayerNet.${method}: this network was disposed`);
  }
}
