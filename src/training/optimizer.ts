// The optimisers train() runs beside plain GD (issue 13 §1, DESIGN §7.4). They drive any step form
// through its fused step(eta, beforeZ) and the form's state buffers (S in kernel space, W in
// primal), so the ReLU forms keep their masked sums:
// - heavy ball, V ← βV − η∇L, W ← W + V, is W(k+1) = W(k) + β(W(k) − W(k−1)) − η∇L(W(k)): the
//   extrapolation x ← x + β(x − x_prev) of S (or W) and, in kernel space, of Z (linear in S), then
//   the GD step;
// - Nesterov (Sutskever et al. 2013's reparametrised form, PyTorch's `nesterov=True`) keeps the
//   look-ahead point Y(k) = W(k) + β(W(k) − W(k−1)) as the state, so the loop's one forward pass
//   per step is the one the gradient needs: W(k+1) = Y(k) − η∇L(Y(k)) is the GD step from the
//   state, then Y(k+1) = W(k+1) + β(W(k+1) − W(k)) the same extrapolation as heavy ball's, after
//   the step instead of before it. The loop records (and the net holds) Y(k); Y(0) = W(0). (The
//   W(k) form needs a second forward pass a step, at W(k) for the curves: 1.04–1.41× a GD step.)
// - mini-batch SGD masks the residual: e_i·n/b on the step's batch, 0 elsewhere (unbiased for the
//   sum loss), batches drawn without replacement, a fresh seeded shuffle each epoch; with
//   `momentum` it adds heavy ball.
// The extra passes are elementwise over m·n (or m·d) float32s (assembly/relu_net/extrapolate.ts,
// split over the threads by elements), so the numbers do not depend on the thread count.
import { OverparamRangeError, OverparamTypeError } from '../errors.js';
import { WasmBuffer, freeAll } from '../wasm/memory.js';
import * as parallel from '../wasm/parallel.js';
import type { RunState, StepForm } from './stepForm.js';

/**
 * train()'s `optimizer` (issue 13, DESIGN §7.4). Default `{ kind: 'gd' }`, plain gradient descent
 * (eq. 3). `momentum` is Polyak's heavy ball (V ← βV − η∇L, W ← W + V), `nesterov` the same with
 * the gradient taken at the look-ahead point Y = W + βV, which is what the run records and the net
 * holds (PyTorch's `nesterov=True` form: Y(k+1) = Y(k) − η∇L(Y(k)) + βV(k+1), Y(0) = W(0)); `sgd`
 * takes mini-batches of `batchSize` drawn without replacement (a fresh shuffle each epoch from
 * `seed`, default 0; ⌊n/b⌋ batches an epoch, the remainder of a shuffle left out so every batch has
 * b points), the batch gradient scaled by n/b, and heavy ball with β = `momentum` when given.
 */
export type Optimizer =
  | { kind: 'gd' }
  | { kind: 'momentum'; beta: number }
  | { kind: 'nesterov'; beta: number }
  | { kind: 'sgd'; batchSize: number; momentum?: number; seed?: number };

/** @internal Checks an optimizer option against n; returns it in normal form. */
export function checkOptimizer(optimizer: unknown, n: number): Optimizer {
  if (optimizer === undefined) return { kind: 'gd' };
  if (typeof optimizer !== 'object' || optimizer === null) {
    throw new OverparamTypeError('BAD_VALUE', "train: optimizer must be { kind: 'gd' | 'momentum' | 'nesterov' | 'sgd', … }");
  }
  const o = optimizer as Record<string, unknown>;
  const checkBeta = (beta: unknown, name: string): number => {
    if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) {
      throw new OverparamRangeError('BAD_VALUE', `train: ${name} must be a number in [0, 1), got ${String(beta)}`);
    }
    return beta;
  };
  switch (o.kind) {
    case 'gd': return { kind: 'gd' };
    case 'momentum': case 'nesterov': return { kind: o.kind, beta: checkBeta(o.beta, 'optimizer.beta') };
    case 'sgd': {
      const b = o.batchSize;
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 1 || b > n) {
        throw new OverparamRangeError('BAD_VALUE', `train: optimizer.batchSize must be an integer in [1, n = ${n}], got ${String(b)}`);
      }
      const seed = o.seed ?? 0;
      if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
        throw new OverparamRangeError('BAD_VALUE', `train: optimizer.seed must be an integer in [0, 2³²), got ${String(seed)}`);
      }
      return { kind: 'sgd', batchSize: b, seed, ...(o.momentum === undefined ? {} : { momentum: checkBeta(o.momentum, 'optimizer.momentum') }) };
    }
    default:
      throw new OverparamRangeError('BAD_VALUE', `train: optimizer.kind must be 'gd', 'momentum', 'nesterov' or 'sgd', got ${String(o.kind)}`);
  }
}

/** The heavy-ball or Nesterov β of an optimiser (0 for GD and SGD without momentum). */
export function optimizerBeta(optimizer: Optimizer): number {
  return optimizer.kind === 'momentum' || optimizer.kind === 'nesterov' ? optimizer.beta
    : optimizer.kind === 'sgd' ? optimizer.momentum ?? 0 : 0;
}

/**
 * Mini-batches without replacement: each epoch a fresh Fisher–Yates shuffle of 0..n−1 from a
 * seeded generator (splitmix32-style, the same numbers on every host), cut into ⌊n/b⌋ batches of b
 * in order (the last n mod b indices of the shuffle sit the epoch out).
 */
export class BatchSampler {
  private readonly order: Int32Array;
  private position: number;
  private stateWord: number;
  private readonly perEpoch: number;

  constructor(readonly n: number, readonly batchSize: number, seed = 0) {
    this.order = new Int32Array(n);
    this.perEpoch = Math.floor(n / batchSize);
    this.position = this.perEpoch; // shuffle before the first batch
    this.stateWord = seed >>> 0;
  }

  /** A uniform integer in [0, bound), from the generator. */
  private below(bound: number): number {
    // splitmix32: a 32-bit state stepped by the golden-ratio constant and mixed.
    this.stateWord = (this.stateWord + 0x9e3779b9) >>> 0;
    let z = this.stateWord;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return Math.floor((z / 4294967296) * bound);
  }

  /** The next batch's indices (a view, valid until the next call). */
  next(): Int32Array {
    if (this.position === this.perEpoch) {
      const o = this.order;
      for (let i = 0; i < this.n; i++) o[i] = i;
      for (let i = this.n - 1; i > 0; i--) {
        const j = this.below(i + 1);
        const t = o[i]; o[i] = o[j]; o[j] = t;
      }
      this.position = 0;
    }
    const start = this.position++ * this.batchSize;
    return this.order.subarray(start, start + this.batchSize);
  }
}

/** x ← x + β(x − prev), prev ← x (old), elementwise in float32 (SIMD, over the threads; no split changes a bit). */
function extrapolate(x: WasmBuffer, prev: WasmBuffer, beta: number): void {
  parallel.extrapolate(x.ptr, prev.ptr, x.length, beta);
}

/**
 * @internal One run's optimiser state beside a step form: the previous state (W(k−1) or S(k−1),
 * Z(k−1), a(k−1); for Nesterov W(k), S(k), Z(k), a(k) behind the look-ahead state), from which the
 * velocity follows, and the SGD sampler.
 */
export class OptimizerRun {
  private readonly beta: number;
  private readonly sampler?: BatchSampler;
  /** The form's state buffers and their previous values. */
  private readonly moves: WasmBuffer[];
  private readonly previous: WasmBuffer[] = [];
  /** Z's previous value when Z is extrapolated (kernel space; primal Z = X Wᵀ follows W). */
  private previousZ?: WasmBuffer;
  private previousA?: WasmBuffer;
  /** The batch's scaled residuals while e is cleared (one buffer for the whole run). */
  private batchResidual?: Float32Array;

  constructor(readonly spec: Optimizer, private readonly form: StepForm, private readonly state: RunState) {
    this.beta = optimizerBeta(spec);
    this.moves = form.stateBuffers();
    if (spec.kind === 'sgd') this.sampler = new BatchSampler(state.n, spec.batchSize, spec.seed);
    if (this.beta > 0) {
      try {
        for (const b of this.moves) this.previous.push(new WasmBuffer('f32', b.length));
        if (form.method === 'kernel') this.previousZ = new WasmBuffer('f32', state.m * state.n);
        if (state.trainOutputLayer) this.previousA = new WasmBuffer('f32', state.m);
      } catch (error) {
        this.free();
        throw error;
      }
    }
  }

  /** V(0) = 0: the previous state is the initial one (call once Z(0) is in place). */
  start(): void {
    this.moves.forEach((b, i) => this.previous[i]?.f32().set(b.f32()));
    this.previousZ?.f32().set(this.state.ZT.f32());
    this.previousA?.f32().set(this.state.net._a.f32());
  }

  /** The buffers a divergence snapshot must hold beside the form's: the previous state (the velocity). */
  stateBuffers(): WasmBuffer[] {
    return [...this.previous, ...(this.previousA ? [this.previousA] : [])];
  }

  /**
   * Before the step, with the loop's forward pass and residual at the state done: SGD masks the
   * residual to its batch (the kernel-space form then sums over the batch's rows of K only).
   */
  prepare(): void {
    if (!this.sampler) return;
    const { state } = this;
    const e = state.e.f32(), batch = this.sampler.next();
    const scale = state.n / this.sampler.batchSize;
    const kept = (this.batchResidual ??= new Float32Array(this.sampler.batchSize));
    for (let j = 0; j < batch.length; j++) kept[j] = e[batch[j]] * scale;
    e.fill(0);
    for (let j = 0; j < batch.length; j++) e[batch[j]] = kept[j];
    this.form.restrictToBatch?.(batch);
  }

  /** x ← x + β(x − prev) for the form's state buffers (S or W). */
  private extrapolateState(): void {
    this.moves.forEach((b, i) => extrapolate(b, this.previous[i], this.beta));
  }

  /**
   * The first layer's step. Heavy ball extrapolates S (or W), and Z before it moves, around the GD
   * step; Nesterov takes the GD step from the look-ahead state, then extrapolates S (or W) once it
   * moved (primal Z = X Wᵀ is then the look-ahead's) and, in kernel space, Z after it moved.
   */
  stepFirstLayer(eta: number): void {
    const { beta, previousZ } = this;
    const Z = this.state.ZT;
    if (beta === 0) this.form.step(eta);
    else if (this.spec.kind === 'nesterov') {
      this.form.step(eta, () => this.extrapolateState());
      if (previousZ) extrapolate(Z, previousZ, beta);
    } else {
      this.extrapolateState();
      this.form.step(eta, previousZ ? () => extrapolate(Z, previousZ, beta) : undefined);
    }
  }

  /**
   * The output layer's step, `gdStep` being a ← a − η∂L/∂a at the state: heavy ball extrapolates a
   * before it, Nesterov after it (to the next look-ahead point).
   */
  stepOutput(gdStep: () => void): void {
    const { previousA, beta } = this;
    if (previousA && this.spec.kind !== 'nesterov') extrapolate(this.state.net._a, previousA, beta);
    gdStep();
    if (previousA && this.spec.kind === 'nesterov') extrapolate(this.state.net._a, previousA, beta);
  }

  free(): void {
    freeAll(...this.previous, this.previousZ, this.previousA);
  }
}

/**
 * @internal Bytes an {@link OptimizerRun} allocates (its previous state, and their snapshot), and
 * in kernel space SGD's batch indices and bits (KernelStep.restrictToBatch).
 */
export function optimizerBytes(optimizer: Optimizer, n: number, d: number, m: number, method: 'kernel' | 'primal', trainOutputLayer: boolean): number {
  const batch = optimizer.kind === 'sgd' && method === 'kernel' && optimizer.batchSize < n
    ? 4 * optimizer.batchSize + 8 * m * Math.ceil(optimizer.batchSize / 64) : 0;
  if (optimizerBeta(optimizer) === 0) return batch;
  const state = method === 'kernel' ? m * n : m * d;
  const z = method === 'kernel' ? m * n : 0;
  return batch + 4 * (2 * state + z + (trainOutputLayer ? 2 * m : 0));
}
