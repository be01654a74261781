// train(…, { certificates }) (issue 14 §2): the quantities of the proof of Theorem 4.1 (Du, Zhai,
// Póczos, Singh, ICLR 2019, seed 002, Sections 3–4 and the appendix) measured at every step of a
// run and held against the inequality the proof states for each. Lemma, condition and equation
// numbers are the paper's. The loop (run.ts) calls CertificateRecorder.record once per step with
// the state it already has; everything here sums in float64 from the run's float32 Z(k), u(k). The
// O(nm) pass of each step (the sets S_i^⊥, the flips, the I1/I2 split) and the perturbation
// H^⊥(k)(u − y) run in wasm (assembly/relu_net/certificates.ts, which says where float32 suffices).
import { OverparamRangeError } from '../errors.js';
import { BufferScope, withBuffers, type WasmBuffer } from '../wasm/memory.js';
import { kernels, threadCount } from '../wasm/loader.js';
import * as parallel from '../wasm/parallel.js';
import { gramAtPreactivations, gramInfinity } from '../kernels.js';
import { extremeOfWasmMatrix, lambdaMin, spectralNormOfDifference } from '../spectra.js';
import type { Matrix } from '../matrix.js';
import { lemma32Radius } from '../experiments/proof.js';
import { distanceBound } from '../experiments/theory.js';
import type { RunState } from './stepForm.js';

/** {@link TrainOptions.certificates} as an object: every field optional. */
export interface CertificateOptions {
  /** The failure probability δ ∈ (0, 1) of the high-probability statements (Lemmas 3.1, 3.2, 4.1 via Markov); default 0.1. */
  delta?: number;
  /**
   * λ0 = λ_min(H∞). Computed from H∞ when absent (an O(n³) eigenvalue problem): pass it when
   * several runs share one X. Required for activations other than ReLU (H∞ is ReLU's here).
   */
  lambda0?: number;
  /** H∞ of X (n×n, `gramInfinity(X)`, O(n²d)); computed when absent (ReLU only). */
  Hinf?: Matrix;
  /** Record the O(n²m) quantities (H(k), ‖H(k) − H(0)‖₂, the I1 identity) every this many steps; default train's gramEvery, else ⌈steps/20⌉. */
  gramEvery?: number;
}

/** One inequality of the proof in {@link TrainCertificates.summary}. */
export interface CertificateCheck {
  /** Stable key. */
  id: string;
  /** The lemma, condition or equation it comes from. */
  source: string;
  /** The inequality, measured ≤ bound. */
  statement: string;
  /** Whether measured ≤ bound at every step checked. */
  pass: boolean;
  /** Steps (or entries) checked. */
  checked: number;
  /** Steps where it failed. */
  failures: number;
  /**
   * Orders of magnitude of slack, log10(bound/measured), median and min over the steps where both
   * are positive (undefined when there are none: a measured 0, or a vacuous bound). For the
   * contraction factors it is log10 of the guaranteed and measured decreases, (1 − measured)/(1 − bound)
   * (undefined when the bound's factor is ≥ 1: the proof's factor at a measured radius often is).
   */
  looseness?: { median: number; min: number };
}

/** The O(n²m) quantities on the `gramEvery` grid (ReLU). */
export interface GramCertificates {
  /** The steps k recorded. */
  step: number[];
  /** ‖H(k) − H(0)‖₂ measured. */
  deviation: number[];
  /** Lemma 3.2 (proof, Markov at δ): 4n²R·max|K_ij|/(√(2π)δ) at the measured radius R = max_r ‖w_r(k) − w_r(0)‖. */
  deviationBound: number[];
  /** ‖I1 − (−ηH(k)(u(k) − y))‖₂ measured (the step k → k + 1; absent at the last step). */
  i1Deviation: number[];
  /** ‖ηH^⊥(k)(u(k) − y)‖₂ with H^⊥ from its definition (§4.1): equals i1Deviation when no neuron of S_i flips. */
  perturbation: number[];
  /** §4.1: η‖H^⊥(k)‖₂‖u(k) − y‖ ≤ η·n·max|K_ij|·Σ_i|S_i^⊥|/m·‖u(k) − y‖ (the measured sets). */
  perturbationBound: number[];
}

/** {@link TrainResult.certificates}: per-step arrays are indexed by k = 0..stepsRun−1, the step k → k + 1. */
export interface TrainCertificates {
  activation: string;
  /** n, m, δ, λ0, and η on the sum loss (the run's step). */
  n: number; m: number; delta: number; lambda0: number; eta: number;
  /** max_i ‖x_i‖ (1 for the paper's unit inputs; the bounds carry it where |x_iᵀx_j| ≤ 1 was used). */
  maxInputNorm: number;
  /** Lemma 3.2's radius with its proof's constant, √(2π)δλ0/(16n²) (lemma32Radius). ReLU only. */
  lemma32Radius?: number;
  /** Corollary 4.1, eq. (6): R′ = 4√n‖y − u(0)‖/(√m λ0). */
  corollary41Radius: number;
  /** Lemma 3.4's condition R′ < R (ReLU), and the width at which it would hold, m·(R′/R)². */
  lemma34?: { holds: boolean; widthNeeded: number };
  /** R_k = max_{j ≤ k+1} max_r ‖w_r(j) − w_r(0)‖: the radius the step's sets are taken at. */
  measuredRadius: Float64Array;
  /** §4.1: Σ_i |S_i^⊥|, S_i^⊥ = {r : |w_r(0)ᵀx_i| ≤ R_k‖x_i‖} (the neurons that can flip). ReLU. */
  sPerpTotal?: Float64Array;
  /** |S_i^⊥| per input at the last step recorded. ReLU. */
  sPerpLast?: Int32Array;
  /** Lemma 4.1 (eq. 7 summed): E Σ_i|S_i^⊥| ≤ 2mnR/√(2π). ReLU. */
  lemma41Expectation?: Float64Array;
  /** Lemma 4.1 with Markov at δ: 2mnR/(√(2π)δ) (the paper's CmnR). ReLU. */
  lemma41Bound?: Float64Array;
  /** Pairs (i, r) with 1{z_ir(k+1) ≥ 0} ≠ 1{z_ir(0) ≥ 0}. ReLU. */
  flipped?: Float64Array;
  /** Flipped pairs outside S_i^⊥ (must be 0). ReLU. */
  violations?: Float64Array;
  /** ‖I1 + I2 − (u(k+1) − u(k))‖∞ (round-off). ReLU. */
  splitResidual?: Float64Array;
  /** ‖I2‖₂ measured. ReLU. */
  i2Norm?: Float64Array;
  /** §4.1: |I2_i| ≤ η|S_i^⊥|‖x_i‖√n‖u − y‖·max‖x‖/m, in ℓ2. ReLU. */
  i2Bound?: Float64Array;
  /** ‖y − u(k+1)‖²/‖y − u(k)‖². */
  contraction: Float64Array;
  /** Condition 4.1's per-step factor 1 − ηλ0/2. */
  condition41: Float64Array;
  /** The proof's factor 1 − ηλ0 + 2η‖H^⊥‖ + 2η‖I2‖/‖r‖ + η²n² with Lemma 4.1 + Markov at the measured R (Theorem 4.1's last display). ReLU. */
  proofFactor?: Float64Array;
  /** ‖u(k+1) − u(k)‖². */
  quadratic: Float64Array;
  /** §4.1: ‖u(k+1) − u(k)‖² ≤ η²n²‖y − u(k)‖²·max‖x‖⁴ (ψ 1-Lipschitz). */
  quadraticBound: Float64Array;
  /** Lemma 3.1's Hoeffding band √(4 log(n/δ)/m)·max‖x‖² on |H_ij(0) − H∞_ij|, the fraction of entries inside, the largest deviation. ReLU. */
  hoeffding?: { band: number; fractionInside: number; maxDeviation: number };
  /** The O(n²m) quantities on the gramEvery grid. ReLU. */
  gram?: GramCertificates;
  /** A pass/fail and the slack of each inequality. */
  summary: CertificateCheck[];
}

const SQRT_2PI = Math.sqrt(2 * Math.PI);
/** Float32 Z(k) can misplace |z| ≤ R‖x‖ by round-off: the sets are taken at R·(1 + 1e-5). */
const SET_SLACK = 1 + 1e-5;

const f32Bits = new Float32Array(1), u32Bits = new Uint32Array(f32Bits.buffer);
/**
 * The largest float32 ≤ t (NaN for NaN). A float32 z satisfies z ≤ t exactly when z ≤ float32AtMost(t),
 * so the kernel's float32 test |z_ir(0)| ≤ t_i takes the same sets as the float64 one.
 */
export function float32AtMost(t: number): number {
  const f = Math.fround(t);
  if (!(f > t)) return f;
  f32Bits[0] = f; // one float32 step towards −∞: the bits of a positive float down by one, of a non-positive one up
  u32Bits[0] += f > 0 ? -1 : 1;
  return f32Bits[0];
}

/** The wasm side of the per-step pass (ReLU): Z(k), e(k), the sets' thresholds and the pass's outputs. */
interface StepBuffers {
  /** Z(k), m×n f32; the step kernel leaves Z(k+1) in it. */
  Zprev: WasmBuffer;
  /** e(k) = u(k) − y, n f32. */
  e: WasmBuffer;
  /** float32AtMost(R_k‖x_i‖·SET_SLACK), n f32. */
  threshold: WasmBuffer;
  I1: WasmBuffer;
  I2: WasmBuffer;
  /** 3n i32 (held as f32 words): |S_i^⊥|, flipped, flipped outside S_i^⊥. */
  counts: WasmBuffer;
  /** H^⊥(k)e(k), n f64. */
  perturbation: WasmBuffer;
  /** Its masks and counts (parallel.perturbationLayout). */
  perturbationScratch: WasmBuffer;
}

/** λ0 and H∞ for the recorder: the caller's, or computed (ReLU). */
export function resolveCertificateInputs(X: Matrix, activation: string, options: true | CertificateOptions):
  { delta: number; lambda0: number; Hinf?: Matrix; gramEvery?: number } {
  const o = options === true ? {} : options;
  const delta = o.delta ?? 0.1;
  if (!(delta > 0 && delta < 1)) throw new OverparamRangeError('BAD_VALUE', `train: certificates.delta must be in (0, 1), got ${String(delta)}`);
  if (activation !== 'relu') {
    if (o.lambda0 === undefined) {
      throw new OverparamRangeError('BAD_VALUE', `train: certificates for activation '${activation}' need lambda0 (λ_min of its limit kernel)`);
    }
    return { delta, lambda0: o.lambda0, gramEvery: o.gramEvery };
  }
  const Hinf = o.Hinf ?? gramInfinity(X); // Theorem 3.1's H∞, O(n²d)
  if (Hinf.rows !== X.rows || Hinf.cols !== X.rows) {
    throw new OverparamRangeError('BAD_SHAPE', `train: certificates.Hinf must be ${X.rows}×${X.rows}, got ${Hinf.rows}×${Hinf.cols}`);
  }
  const lambda0 = o.lambda0 ?? lambdaMin(Hinf); // λ0 = λ_min(H∞), O(n³)
  return { delta, lambda0, Hinf, gramEvery: o.gramEvery };
}

/** log10(bound/measured) over the entries where both are positive and finite. */
function slack(measured: ArrayLike<number>, bound: ArrayLike<number>): { median: number; min: number } | undefined {
  const v: number[] = [];
  for (let k = 0; k < measured.length; k++) {
    const q = Math.log10(bound[k] / measured[k]);
    if (measured[k] > 0 && bound[k] > 0 && Number.isFinite(q)) v.push(q);
  }
  if (v.length === 0) return undefined;
  v.sort((p, q) => p - q);
  const h = v.length >> 1;
  return { median: v.length % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]), min: v[0] };
}

/** measured ≤ bound at every entry, with its slack. */
export function certificateCheck(id: string, source: string, statement: string,
  measured: ArrayLike<number>, bound: ArrayLike<number>, decrease = false): CertificateCheck {
  let failures = 0;
  for (let k = 0; k < measured.length; k++) if (!(measured[k] <= bound[k])) failures++;
  const looseness = decrease
    ? slack(Array.from(bound, (x) => 1 - x), Array.from(measured, (x) => 1 - x))
    : slack(measured, bound);
  return { id, source, statement, pass: failures === 0, checked: measured.length, failures, ...(looseness ? { looseness } : {}) };
}

/**
 * @internal Records the proof's quantities along a run: `record(k, …)` at every state k the loop
 * reaches (after the forward pass and max_r ‖w_r(k) − w_r(0)‖), `result(stepsRun)` at the end.
 * Holds Z(k) and e(k) in wasm memory (about 4.25·m·n + 40·n bytes with the perturbation's masks, ReLU; freed by free(), which the run
 * calls on every path), u(k) and H(0) (8·n + 8·n² bytes) and the last H(k) outside it.
 */
export class CertificateRecorder {
  private readonly relu: boolean;
  private readonly n: number;
  private readonly xNorm: Float64Array;
  private readonly xMax: number;
  private readonly kMax: number;
  private readonly scope = new BufferScope();
  private buffers?: StepBuffers;
  private prevU?: Float64Array;
  private prevResSq = 0;
  private runningRadius = 0;
  private H0?: Float64Array;
  /** H(k)(u(k) − y) and k, when step k was on the gram grid. */
  private prevHe?: { step: number; He: Float64Array };
  /** H(k) of the last gram step, for the run's λ_min(H(k)) on the same step (lambdaMinOfGram). */
  private lastGram?: { step: number; H: Float64Array };
  private residual0 = 0;
  private readonly arrays: Record<string, Float64Array> = {};
  private sPerpLast?: Int32Array;
  private hoeffding?: TrainCertificates['hoeffding'];
  private readonly gram: GramCertificates = { step: [], deviation: [], deviationBound: [], i1Deviation: [], perturbation: [], perturbationBound: [] };

  constructor(X: Matrix, steps: number, private readonly eta: number, private readonly activation: string,
    private readonly inputs: { delta: number; lambda0: number; Hinf?: Matrix; gramEvery: number }) {
    this.relu = activation === 'relu';
    const n = (this.n = X.rows), d = X.cols;
    this.xNorm = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += X.data[i * d + c] ** 2;
      this.xNorm[i] = Math.sqrt(s);
    }
    this.xMax = Math.max(0, ...this.xNorm);
    this.kMax = this.xMax * this.xMax; // |K_ij| ≤ ‖x_i‖‖x_j‖
    const names = ['measuredRadius', 'contraction', 'condition41', 'quadratic', 'quadraticBound'];
    if (this.relu) names.push('sPerpTotal', 'lemma41Expectation', 'lemma41Bound', 'flipped', 'violations', 'splitResidual', 'i2Norm', 'i2Bound', 'proofFactor');
    for (const name of names) this.arrays[name] = new Float64Array(steps);
  }

  /** The state k of the run (u(k), e = u(k) − y and Z(k) current in `state`), with max_r ‖w_r(k) − w_r(0)‖. */
  record(k: number, state: RunState, weightDistance: number, residualSq: number): void {
    if (k === 0) this.start(state, residualSq);
    else this.transition(k - 1, state, weightDistance, residualSq);
    (this.prevU ??= new Float64Array(state.n)).set(state.u.f32());
    this.prevResSq = residualSq;
    this.runningRadius = Math.max(this.runningRadius, weightDistance);
    if (!this.relu) return;
    this.buffers!.e.f32().set(state.e.f32()); // Z(k) is in Zprev already (start, or the step kernel)
    if (k % this.inputs.gramEvery === 0) this.gramStep(k, state, weightDistance);
  }

  /**
   * λ_min(H(k)) of the H(k) that step k's gram certificates built (the same bits as the run's
   * extremeOfGram('current', 1): the same H, the same routine), or undefined when step k built none.
   */
  lambdaMinOfGram(k: number): number | undefined {
    const g = this.lastGram;
    if (g?.step !== k) return undefined;
    return withBuffers((scope) => extremeOfWasmMatrix('train', scope.from('f64', g.H), this.n, 1));
  }

  /** Frees the wasm buffers (idempotent; the run calls it on every path). */
  free(): void {
    this.scope.freeAll();
    this.buffers = undefined;
  }

  /** H(k) from the run's Z(k) signs (eq. 5), n×n float64. */
  private gramAt(state: RunState, ZT = state.ZT): Float64Array {
    const { n, m } = state;
    return withBuffers((scope) => {
      const H = scope.buffer('f64', n * n);
      gramAtPreactivations(scope, { ZT, n, m, a: state.net._a, act: state.act, slope: state.slope, K: state.linearKernel64() }, 'first', H);
      return Float64Array.from(H.f64());
    });
  }

  private start(state: RunState, residualSq: number): void {
    this.residual0 = Math.sqrt(residualSq);
    if (!this.relu) return;
    const { n, m } = state;
    const b = (kind: 'f32' | 'f64', length: number) => this.scope.buffer(kind, length);
    this.buffers = { Zprev: b('f32', m * n), e: b('f32', n), threshold: b('f32', n), I1: b('f64', n), I2: b('f64', n), counts: b('f32', 3 * n), perturbation: b('f64', n),
      perturbationScratch: b('f32', parallel.perturbationLayout(m, n, threadCount()).bytes / 4) };
    this.buffers.Zprev.f32().set(state.ZT.f32());
    this.H0 = this.gramAt(state, state.ZT0);
    const Hinf = this.inputs.Hinf!.data;
    const band = Math.sqrt((4 * Math.log(n / this.inputs.delta)) / m) * this.kMax; // Lemma 3.1 (proof): |H_ij(0) − H∞_ij| ≤ √(4 log(n/δ)/m)
    let inside = 0, worst = 0;
    for (let k = 0; k < n * n; k++) {
      const dev = Math.abs(this.H0[k] - Hinf[k]);
      worst = Math.max(worst, dev);
      if (dev <= band) inside++;
    }
    this.hoeffding = { band, fractionInside: inside / (n * n), maxDeviation: worst };
  }

  private gramStep(k: number, state: RunState, R: number): void {
    const { n } = state;
    const H = k === 0 ? this.H0! : this.gramAt(state); // at k = 0, Z and a are Z(0) and a(0)
    this.lastGram = { step: k, H };
    const e = state.e.f32();
    const He = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += H[i * n + j] * e[j];
      He[i] = s;
    }
    this.prevHe = { step: k, He };
    this.gram.step.push(k);
    this.gram.deviation.push(spectralNormOfDifference({ rows: n, cols: n, data: H }, { rows: n, cols: n, data: this.H0! }));
    this.gram.deviationBound.push((4 * n * n * R * this.kMax) / (SQRT_2PI * this.inputs.delta)); // Lemma 3.2 (proof): ‖H − H(0)‖₂ ≤ Σ|ΔH_ij| ≤ 4n²R/(√(2π)δ)
  }

  /** The step k → k + 1, with `state` at k + 1 and the copies at k. */
  private transition(k: number, state: RunState, distNext: number, resSqNext: number): void {
    const { n, m, eta } = { n: this.n, m: state.m, eta: this.eta };
    const A = this.arrays;
    const R = Math.max(this.runningRadius, distNext);
    A.measuredRadius[k] = R;
    // H^⊥ on the steps after a gram step; K before any view, since its first call allocates.
    const K = this.relu && this.prevHe?.step === k ? state.linearKernel64() : undefined;
    const uc = state.u.f32(), up = this.prevU!;
    const eNorm = Math.sqrt(this.prevResSq);
    A.contraction[k] = resSqNext / this.prevResSq;
    A.condition41[k] = 1 - (eta * this.inputs.lambda0) / 2; // Condition 4.1: ‖y − u(k+1)‖² ≤ (1 − ηλ0/2)‖y − u(k)‖²
    let q = 0;
    for (let i = 0; i < n; i++) q += (uc[i] - up[i]) ** 2;
    A.quadratic[k] = q;
    A.quadraticBound[k] = eta * eta * n * n * this.prevResSq * this.kMax * this.kMax; // §4.1: ‖u(k+1) − u(k)‖² ≤ η²n²‖y − u(k)‖²
    if (!this.relu) return;

    const B = this.buffers!;
    const threshold = B.threshold.f32();
    for (let i = 0; i < n; i++) threshold[i] = float32AtMost(R * this.xNorm[i] * SET_SLACK); // A_ir ⟺ |w_r(0)ᵀx_i| < R‖x_i‖ (proof of Lemma 3.2)
    // §4.1: H^⊥(k)(u − y), read before the step kernel moves Zprev from Z(k) to Z(k+1).
    if (K) parallel.perturbation(state.ZT0.ptr, B.Zprev.ptr, m, n, B.threshold.ptr, K.ptr, B.e.ptr, B.perturbation.ptr, B.perturbationScratch.ptr);
    // §4.1: r ∈ S_i^⊥ ⟺ |z_ir(0)| ≤ R‖x_i‖; I1 sums (1/√m) a_r (σ(w_r(k+1)ᵀx_i) − σ(w_r(k)ᵀx_i)) over S_i, I2 over S_i^⊥.
    parallel.certificateStep(state.ZT0.ptr, B.Zprev.ptr, state.ZT.ptr, m, n, state.net._a.ptr, state.outputFactor,
      B.threshold.ptr, B.I1.ptr, B.I2.ptr, B.counts.ptr);
    const I1 = B.I1.f64(), I2 = B.I2.f64();
    const counts = new Int32Array(kernels().memory.buffer, B.counts.ptr, 3 * n); // i32 words (WasmBuffer has no i32 kind)
    const perp = counts.subarray(0, n);
    let flipped = 0, violations = 0;
    for (let i = 0; i < n; i++) { flipped += counts[n + i]; violations += counts[2 * n + i]; }
    let total = 0, split = 0, i2 = 0, i2b = 0;
    for (let i = 0; i < n; i++) {
      total += perp[i];
      split = Math.max(split, Math.abs(I1[i] + I2[i] - (uc[i] - up[i])));
      i2 += I2[i] * I2[i];
      i2b += (perp[i] * this.xNorm[i]) ** 2;
    }
    A.sPerpTotal[k] = total;
    (this.sPerpLast ??= new Int32Array(n)).set(perp);
    A.lemma41Expectation[k] = (2 * m * n * R) / SQRT_2PI; // Lemma 4.1 (eq. 7 summed over i): E Σ|S_i^⊥| ≤ 2mnR/√(2π)
    A.lemma41Bound[k] = A.lemma41Expectation[k] / this.inputs.delta; // Lemma 4.1 (Markov, eq. 8): Σ|S_i^⊥| ≤ 2mnR/(√(2π)δ) w.p. 1 − δ
    A.flipped[k] = flipped;
    A.violations[k] = violations;
    A.splitResidual[k] = split;
    A.i2Norm[k] = Math.sqrt(i2);
    A.i2Bound[k] = (eta * Math.sqrt(n) * eNorm * this.xMax * Math.sqrt(i2b)) / m; // §4.1: |I2_i| ≤ η|S_i^⊥|√n‖u(k) − y‖/m
    const hPerp = (2 * n * n * R * this.kMax) / (SQRT_2PI * this.inputs.delta); // §4.1 + Lemma 4.1: ‖H^⊥‖₂ ≤ n Σ|S_i^⊥|/m ≤ 2n²R/(√(2π)δ)
    const i2Coef = (2 * n * Math.sqrt(n) * R * this.kMax) / (SQRT_2PI * this.inputs.delta); // §4.1 + Lemma 4.1: ‖I2‖ ≤ η√n Σ|S_i^⊥|‖r‖/m
    A.proofFactor[k] = 1 - eta * this.inputs.lambda0 + 2 * eta * hPerp + 2 * eta * i2Coef + eta * eta * n * n * this.kMax * this.kMax; // Theorem 4.1's proof: (1 − ηλ0 + 2ηn²R + 2ηn^{3/2}R + η²n²)

    if (K) {
      // §4.1: H^⊥_ij(k) = (1/m) Σ_{r∈S_i^⊥} x_iᵀx_j 1{w_r(k)ᵀx_i ≥ 0, w_r(k)ᵀx_j ≥ 0}; I1 = −ηH(k)(u − y) + ηH^⊥(k)(u − y)
      const HpE = B.perturbation.f64();
      let dev = 0, pert = 0;
      const He = this.prevHe!.He;
      for (let i = 0; i < n; i++) {
        dev += (I1[i] + eta * He[i]) ** 2;
        pert += (eta * HpE[i]) ** 2;
      }
      this.gram.i1Deviation.push(Math.sqrt(dev));
      this.gram.perturbation.push(Math.sqrt(pert));
      this.gram.perturbationBound.push((eta * n * this.kMax * total * eNorm) / m); // §4.1: ‖H^⊥‖₂ ≤ Σ_ij|H^⊥_ij| ≤ n Σ_i|S_i^⊥|/m
    }
  }

  /** The certificates of steps 0..stepsRun−1 (the transitions the run took). */
  result(stepsRun: number, m: number): TrainCertificates {
    const { n, eta } = this;
    const { delta, lambda0 } = this.inputs;
    const A: Record<string, Float64Array> = {};
    for (const [name, v] of Object.entries(this.arrays)) A[name] = v.slice(0, stepsRun);
    const Rp = distanceBound({ n, m, initialResidualNorm: this.residual0, lambda0 }); // Corollary 4.1, eq. (6)
    const R = this.relu ? lemma32Radius({ n, lambda0, delta }) : undefined; // Lemma 3.2 with its proof's constant
    const keep = this.gram.step.filter((s) => s <= stepsRun).length;
    const keepI1 = Math.min(this.gram.i1Deviation.length, this.gram.step.filter((s) => s < stepsRun).length);
    const gram: GramCertificates = {
      step: this.gram.step.slice(0, keep), deviation: this.gram.deviation.slice(0, keep), deviationBound: this.gram.deviationBound.slice(0, keep),
      i1Deviation: this.gram.i1Deviation.slice(0, keepI1), perturbation: this.gram.perturbation.slice(0, keepI1),
      perturbationBound: this.gram.perturbationBound.slice(0, keepI1),
    };
    const summary: CertificateCheck[] = [
      certificateCheck('corollary41', 'Corollary 4.1, eq. (6)', 'max_r ‖w_r(k) − w_r(0)‖ ≤ R′ = 4√n‖y − u(0)‖/(√m λ0)', A.measuredRadius, A.measuredRadius.map(() => Rp)),
      certificateCheck('condition41', 'Condition 4.1', '‖y − u(k+1)‖²/‖y − u(k)‖² ≤ 1 − ηλ0/2', A.contraction, A.condition41, true),
      certificateCheck('quadratic', '§4.1 (quadratic term)', '‖u(k+1) − u(k)‖² ≤ η²n²‖y − u(k)‖²', A.quadratic, A.quadraticBound),
    ];
    const out: TrainCertificates = {
      activation: this.activation, n, m, delta, lambda0, eta, maxInputNorm: this.xMax,
      corollary41Radius: Rp, measuredRadius: A.measuredRadius, contraction: A.contraction, condition41: A.condition41,
      quadratic: A.quadratic, quadraticBound: A.quadraticBound, summary,
    };
    if (this.relu) {
      out.lemma32Radius = R;
      out.lemma34 = { holds: Rp < R!, widthNeeded: Math.ceil(m * (Rp / R!) ** 2) }; // Lemma 3.4: R′ < R, R′ ∝ 1/√m
      Object.assign(out, {
        sPerpTotal: A.sPerpTotal, sPerpLast: this.sPerpLast ?? new Int32Array(n), lemma41Expectation: A.lemma41Expectation,
        lemma41Bound: A.lemma41Bound, flipped: A.flipped, violations: A.violations, splitResidual: A.splitResidual,
        i2Norm: A.i2Norm, i2Bound: A.i2Bound, proofFactor: A.proofFactor, hoeffding: this.hoeffding, gram,
      });
      summary.unshift(certificateCheck('lemma32', 'Lemma 3.2 (hypothesis)', 'max_r ‖w_r(k) − w_r(0)‖ ≤ R = √(2π)δλ0/(16n²)', A.measuredRadius, A.measuredRadius.map(() => R!)));
      summary.push(
        certificateCheck('lemma34', 'Lemma 3.4', 'R′ < R', [Rp], [R! * (1 - 1e-15)]),
        certificateCheck('gramDeviation', 'Lemma 3.2 (proof)', '‖H(k) − H(0)‖₂ ≤ 4n²R/(√(2π)δ)', gram.deviation, gram.deviationBound),
        certificateCheck('lemma41', 'Lemma 4.1 (eq. 8)', 'Σ_i|S_i^⊥| ≤ 2mnR/(√(2π)δ)', A.sPerpTotal, A.lemma41Bound),
        certificateCheck('flipSubset', '§4.1 (A_ir)', 'flipped (i, r) outside S_i^⊥ = 0', A.violations, A.violations.map(() => 0)),
        certificateCheck('i2', '§4.1 (I2)', '‖I2‖₂ ≤ η√n‖u − y‖·‖(|S_i^⊥|)_i‖/m', A.i2Norm, A.i2Bound),
        certificateCheck('perturbation', '§4.1 (I1, H^⊥)', '‖ηH^⊥(k)(u − y)‖ ≤ η n Σ|S_i^⊥|/m ‖u − y‖', gram.perturbation, gram.perturbationBound),
        certificateCheck('proofFactor', 'Theorem 4.1 (proof)', '‖y − u(k+1)‖²/‖y − u(k)‖² ≤ 1 − ηλ0 + 4ηn²R/(√(2π)δ) + 4ηn^{3/2}R/(√(2π)δ) + η²n²', A.contraction, A.proofFactor, true),
      );
      const h = this.hoeffding;
      if (h) {
        summary.push({ id: 'hoeffding', source: 'Lemma 3.1 (proof)', statement: '|H_ij(0) − H∞_ij| ≤ √(4 log(n/δ)/m) for every (i, j)',
          pass: h.fractionInside === 1, checked: n * n, failures: Math.round((1 - h.fractionInside) * n * n),
          ...(h.maxDeviation > 0 ? { looseness: { median: Math.log10(h.band / h.maxDeviation), min: Math.log10(h.band / h.maxDeviation) } } : {}) });
      }
    }
    return out;
  }
}
