// The proof's continuous-time side (Section 3 of Du, Zhai, Póczos, Singh, ICLR 2019, seed 002) and
// every width the seeds state, as plain functions of the quantities they name. Equation, lemma and
// theorem numbers are the paper's (seed 002) unless a line says seed 004 (the chapter on wide nets).
import { eigh, type Eigendecomposition } from '../spectra.js';
import { OverparamRangeError } from '../errors.js';
import { checkPositive, type Matrix } from '../matrix.js';

function checkNonNegative(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new OverparamRangeError('BAD_VALUE', `${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
}

function checkProbability(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new OverparamRangeError('BAD_VALUE', `${name} must be in (0, 1), got ${String(value)}`);
  }
}

/** The time axis of a GD run read as gradient flow: t_k = ηk, k = 0..steps. */
export function flowTimes(eta: number, steps: number): number[] {
  checkPositive(eta, 'flowTimes: eta');
  return Array.from({ length: steps + 1 }, (_, k) => eta * k); // t = ηk
}

/**
 * Theorem 3.1's bound on gradient flow: ‖y − u(t)‖² ≤ exp(−λ0 t)‖y − u(0)‖², at each time given
 * (for a GD run, t = ηk: {@link flowTimes}). The theorem assumes m = Ω(n⁶/λ0⁴).
 */
export function flowBound(initialResidualSq: number, lambda0: number, times: ArrayLike<number>): number[] {
  checkNonNegative(initialResidualSq, 'flowBound: initialResidualSq');
  return Array.from(times, (t) => Math.exp(-lambda0 * t) * initialResidualSq); // Theorem 3.1: exp(−λ0 t)‖y − u(0)‖²
}

/**
 * Lemma 3.3's flow radius: while λ_min(H(s)) ≥ λ0/2 on [0, t], every w_r stays within
 * R′ = 2√n‖y − u(0)‖₂/(√m λ0) of w_r(0).
 *
 * The factor 2 is the paper's (its proof integrates ‖dw_r/ds‖ ≤ (√n/√m) exp(−λ0 s/2)‖y − u(0)‖ over
 * s ∈ [0, ∞), and ∫ exp(−λ0 s/2) ds = 2/λ0). Gradient descent's radius (Corollary 4.1, eq. 6) is
 * twice this: `distanceBound` in theory.ts. Infinity when λ0 ≤ 0.
 */
export function flowRadius({ n, m, initialResidualNorm, lambda0 }: {
  n: number; m: number; initialResidualNorm: number; lambda0: number;
}): number {
  if (!(lambda0 > 0)) return Infinity;
  return (2 * Math.sqrt(n) * initialResidualNorm) / (Math.sqrt(m) * lambda0); // Lemma 3.3: R′ = 2√n‖y − u(0)‖/(√m λ0)
}

/** Result of {@link infiniteWidthFlow}. */
export interface FlowTrajectory {
  /** The times asked for. */
  times: number[];
  /** ‖r(t)‖² at each time. */
  residualSq: number[];
  /** r(t) at each time (n entries each). */
  residuals: Float64Array[];
}

/**
 * The infinite-width gradient flow dr/dt = −H∞ r (Theorem 3.1's dynamics with H(t) = H∞; seeds
 * 003/004's kernel regime), solved exactly through H∞ = V Λ Vᵀ (`eigh`):
 * r(t) = V exp(−Λt) Vᵀ r(0), ‖r(t)‖² = Σ_j exp(−2λ_j t) (v_jᵀ r(0))².
 *
 * @param Hinf H∞ (n×n, symmetric) or its eigendecomposition (to reuse it).
 * @param r0 r(0) = y − u(0).
 * @param times the times t ≥ 0 (for a GD run, {@link flowTimes}).
 */
export function infiniteWidthFlow(Hinf: Matrix | Eigendecomposition, r0: ArrayLike<number>, times: ArrayLike<number>): FlowTrajectory {
  const { values, vectors } = 'values' in Hinf ? Hinf : eigh(Hinf);
  const n = values.length;
  if (r0.length !== n) {
    throw new OverparamRangeError('BAD_SHAPE', `infiniteWidthFlow: r0 must have length ${n}, got ${r0.length}`);
  }
  const V = vectors.data;
  const c0 = new Float64Array(n); // Vᵀ r(0)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c0[j] += V[i * n + j] * r0[i];
  const out: FlowTrajectory = { times: Array.from(times), residualSq: [], residuals: [] };
  for (const t of out.times) {
    checkNonNegative(t, 'infiniteWidthFlow: times[…]');
    const c = c0.map((cj, j) => Math.exp(-values[j] * t) * cj); // r(t) = exp(−H∞ t) r(0), per eigen-coordinate
    let sq = 0;
    for (let j = 0; j < n; j++) sq += c[j] * c[j];
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += V[i * n + j] * c[j];
      r[i] = s;
    }
    out.residualSq.push(sq);
    out.residuals.push(r);
  }
  return out;
}

/** train's default flow.tolerance: GD on the linearised model stays within 1% of ‖y − u(0)‖ of the flow. */
export const DEFAULT_FLOW_TOLERANCE = 1e-2;

/** train's default flow.maxSteps: a tolerance or horizon needing more steps is refused, not run for hours. */
export const DEFAULT_FLOW_MAX_STEPS = 1_000_000;

/** Result of {@link flowStepSize}. */
export interface FlowStepSize {
  /** η = horizon/steps. */
  eta: number;
  /** Steps to reach the horizon: steps·η = horizon exactly. */
  steps: number;
  /** The guaranteed sup over λ ∈ [0, λ_max], k = 0..steps of |(1 − ηλ)^k − exp(−ηλk)| at this η (≤ the tolerance asked for). */
  tolerance: number;
}

/** g(s) = s·e^(−s) maximised over s ∈ [0, S]: S·e^(−S) for S ≤ 1, else 1/e. */
function peakOfSExpMinusS(S: number): number {
  const s = Math.min(S, 1);
  return s * Math.exp(-s);
}

/** The bound B(x) = (x/2)·e^x·g(min(λ_max T, 1)) of {@link flowStepSize}, x = ηλ_max. */
function flowGap(x: number, lambdaMaxTimesHorizon: number): number {
  return 0.5 * x * Math.exp(x) * peakOfSExpMinusS(lambdaMaxTimesHorizon); // flowStepSize's bound B(ηλ_max)
}

/**
 * A step size at which gradient descent follows gradient flow: η such that
 * |(1 − ηλ)^k − exp(−ηλk)| < tolerance for every eigenvalue λ ∈ [0, λ_max] and every k with
 * ηk ≤ horizon. For linear dynamics with H fixed (the kernel regime, or H(k) ≈ H(0)), GD's residual
 * is (I − ηH)^k r(0) and the flow's exp(−Hηk) r(0): they then differ by less than tolerance·‖r(0)‖.
 *
 * Derivation. Let x = ηλ ∈ [0, 1], a = e^(−x), b = 1 − x, so 0 ≤ b ≤ a ≤ 1 and
 * a − b = e^(−x) − 1 + x ≤ x²/2. Then
 *   0 ≤ a^k − b^k = (a − b) Σ_{j<k} a^j b^(k−1−j) ≤ k (a − b) a^(k−1) ≤ (k x²/2) e^(−(k−1)x).
 * With s = kx = λt (t = ηk ≤ T) this is (x/2)·e^x·s e^(−s) ≤ (x/2)·e^x·g(min(λT, 1)), g(s) = s e^(−s)
 * (s e^(−s) peaks at s = 1, value 1/e). Both factors grow with λ, so the worst eigenvalue is λ_max:
 *   sup ≤ B(η) = (ηλ_max/2)·e^(ηλ_max)·g(min(λ_max T, 1)),
 * and B < 1/(2e)·e = ½ needs no horizon at all. B increases with η: the largest x = ηλ_max ≤ 1 with
 * B ≤ tolerance is found by bisection, then η is lowered to T/⌈T/η⌉ so that whole steps end at T.
 * The returned tolerance is B at that η.
 *
 * @param lambdaMax λ_max of the kernel (an upper bound on every eigenvalue of interest).
 * @param tolerance the largest allowed gap, > 0.
 * @param horizon the flow time T to follow, > 0.
 */
export function flowStepSize(lambdaMax: number, tolerance: number, horizon: number): FlowStepSize {
  checkPositive(lambdaMax, 'flowStepSize: lambdaMax');
  checkPositive(tolerance, 'flowStepSize: tolerance');
  checkPositive(horizon, 'flowStepSize: horizon');
  const LT = lambdaMax * horizon;
  let x: number;
  if (flowGap(1, LT) <= tolerance) {
    x = 1;
  } else {
    let lo = 0, hi = 1; // B(lo) ≤ tolerance < B(hi)
    for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
      const mid = 0.5 * (lo + hi);
      if (flowGap(mid, LT) <= tolerance) lo = mid; else hi = mid;
    }
    x = lo;
  }
  if (!(x > 0)) throw new OverparamRangeError('BAD_VALUE', `flowStepSize: tolerance ${tolerance} is too small to reach`);
  const steps = Math.ceil(horizon / (x / lambdaMax));
  if (!Number.isSafeInteger(steps)) {
    throw new OverparamRangeError('BAD_VALUE', `flowStepSize: ${steps} steps: tolerance ${tolerance} is too small for horizon ${horizon}`);
  }
  const eta = horizon / steps;
  return { eta, steps, tolerance: flowGap(eta * lambdaMax, LT) };
}

/**
 * Lemma 3.2's radius with the constant its proof gives: if ‖w_r(t) − w_r(0)‖ ≤ R for every r, then
 * with probability at least 1 − δ (over the initialisation, on top of Lemma 3.1's event)
 * λ_min(H(t)) ≥ λ0/2, for
 *   R = √(2π) δ λ0 / (16 n²)   (the paper's R = cλ0/n² with c = √(2π)δ/16 ≈ 0.157δ).
 *
 * Derivation (proof of Lemma 3.2; unit inputs ‖x_i‖ = 1):
 * 1. A_ir = {∃w: ‖w − w_r(0)‖ ≤ R, 1{x_iᵀw ≥ 0} ≠ 1{x_iᵀw_r(0) ≥ 0}} happens iff |w_r(0)ᵀx_i| < R;
 *    w_r(0)ᵀx_i ~ N(0, 1), so by Gaussian anti-concentration P(A_ir) ≤ 2R/√(2π).
 * 2. |x_iᵀx_j| ≤ 1 and a pattern term can change only on A_ir ∪ A_jr, so
 *    E|H_ij(t) − H_ij(0)| ≤ (1/m) Σ_r P(A_ir ∪ A_jr) ≤ 4R/√(2π).
 * 3. Summed over (i, j): E Σ_ij |H_ij(t) − H_ij(0)| ≤ 4n²R/√(2π); Markov's inequality: with
 *    probability ≥ 1 − δ, Σ_ij |H_ij(t) − H_ij(0)| ≤ 4n²R/(√(2π) δ) (the paper's "C n²R", C = 4/(√(2π)δ)).
 * 4. ‖H(t) − H(0)‖₂ ≤ ‖H(t) − H(0)‖_F ≤ Σ_ij |H_ij(t) − H_ij(0)|, and Lemma 3.1 gives
 *    λ_min(H(0)) ≥ ¾λ0, so λ_min(H(t)) ≥ ¾λ0 − 4n²R/(√(2π)δ) ≥ λ0/2 iff R ≤ √(2π)δλ0/(16n²).
 */
export function lemma32Radius({ n, lambda0, delta }: { n: number; lambda0: number; delta: number }): number {
  checkPositive(n, 'lemma32Radius: n');
  checkProbability(delta, 'lemma32Radius: delta');
  if (!(lambda0 > 0)) return 0;
  return (Math.sqrt(2 * Math.PI) * delta * lambda0) / (16 * n * n); // Lemma 3.2 (proof, steps 1–4): R = √(2π)δλ0/(16n²)
}

/** One width requirement of {@link widthRequirements}. */
export interface WidthRequirement {
  /** Short stable key (file and chart labels). */
  id: string;
  /** Where it is stated, e.g. 'Theorem 4.1 (seed 002)'. */
  source: string;
  /** The formula, as stated (Ω/Õ/O dropped). */
  formula: string;
  /** The formula's value for the given n, λ0, δ, …. */
  value: number;
  /** True when the statement leaves a constant (or log factor) unstated and it is taken as 1 here. */
  constantsTakenAsOne: boolean;
  /** What the value assumes beyond the formula (defaults used, what was substituted). */
  note?: string;
}

/** Options of {@link widthRequirements}. */
export interface WidthRequirementOptions {
  n: number;
  /** λ0 = λ_min(H∞). */
  lambda0: number;
  /** Failure probability δ ∈ (0, 1). */
  delta: number;
  /** ‖y − u(0)‖₂; default the Markov bound √(2n/δ) from E‖y − u(0)‖² ≤ Σ_i (y_i² + 1) = 2n for E y_i² = 1 (proof of Lemma 3.4). */
  initialResidualNorm?: number;
  /** ε of seed 004's two theorems (‖H(0) − H*‖₂ ≤ ε, H(t) ≈ H(0)); default λ0/4, the gap Lemma 3.1 needs. */
  epsilon?: number;
  /** Training time t of seed 004's second theorem (for GD, t = ηK); without it that entry is left out. */
  t?: number;
  /** Input dimension: adds the O(nd) result seed 004 cites (Nguyen, Wong, Hegde) when given. */
  d?: number;
}

/**
 * Every width requirement the seeds state, each evaluated with its unstated constant taken as 1
 * (flagged), plus the two the paper's proofs give with their constants (Lemma 3.1's and Lemma 3.4's,
 * `constantsTakenAsOne: false`). Õ's logarithms are dropped too.
 *
 * Seed 002 (Du et al.): Theorem 3.1 n⁶/λ0⁴; Theorem 4.1 n⁶/(λ0⁴δ³); Lemma 3.1 n² log²(n/δ)/λ0²
 * (its proof: 256 n² log²(n/δ)/λ0²); Lemma 3.4's R′ < R, n⁵‖y − u(0)‖²/λ0⁴ (with Lemma 3.2's R and
 * Lemma 3.3's R′: 512 n⁵‖y − u(0)‖²/(πδ²λ0⁴)); the same with GD's R′ (Corollary 4.1), 2048 n⁵‖y − u(0)‖²/(πδ²λ0⁴).
 * Seed 004: n⁴/ε² (‖H(0) − H*‖₂ ≤ ε), n⁶t²/ε² (H(t) stays near H(0) up to t); the Õ(n²) of
 * Oymak & Soltanolkotabi (2019) and Song & Yang (2020), the O(n^(3/2)) of Song, Ramezani-Kebrya,
 * Pethick, Eftekhari & Cevher (2021), and (with d) the O(nd) of Nguyen, Wong & Hegde (2020), as
 * seed 004 cites them.
 */
export function widthRequirements(options: WidthRequirementOptions): WidthRequirement[] {
  const { n, lambda0, delta } = options;
  checkPositive(n, 'widthRequirements: n');
  checkPositive(lambda0, 'widthRequirements: lambda0');
  checkProbability(delta, 'widthRequirements: delta');
  const epsilon = options.epsilon ?? lambda0 / 4;
  checkPositive(epsilon, 'widthRequirements: epsilon');
  const givenNorm = options.initialResidualNorm !== undefined;
  if (givenNorm) checkNonNegative(options.initialResidualNorm, 'widthRequirements: initialResidualNorm');
  const residualSq = givenNorm ? options.initialResidualNorm! ** 2 : (2 * n) / delta; // proof of Lemma 3.4: E‖y − u(0)‖² ≤ 2n, then Markov
  const residualNote = givenNorm
    ? `‖y − u(0)‖² = ${residualSq.toPrecision(4)} as given`
    : `‖y − u(0)‖² taken as its Markov bound 2n/δ (E‖y − u(0)‖² ≤ Σ(y_i² + 1) = 2n)`;
  const log = Math.log(n / delta);
  const out: WidthRequirement[] = [
    { id: 'theorem31', source: 'Theorem 3.1 (seed 002)', formula: 'n⁶/λ0⁴', constantsTakenAsOne: true,
      value: n ** 6 / lambda0 ** 4 }, // Theorem 3.1: m = Ω(n⁶/λ0⁴)
    { id: 'theorem41', source: 'Theorem 4.1 (seed 002)', formula: 'n⁶/(λ0⁴δ³)', constantsTakenAsOne: true,
      value: n ** 6 / (lambda0 ** 4 * delta ** 3) }, // Theorem 4.1: m = Ω(n⁶/(λ0⁴δ³))
    { id: 'lemma31', source: 'Lemma 3.1 (seed 002)', formula: 'n² log²(n/δ)/λ0²', constantsTakenAsOne: true,
      value: (n * n * log * log) / (lambda0 * lambda0) }, // Lemma 3.1: m = Ω(n² log²(n/δ)/λ0²)
    { id: 'lemma31-proof', source: 'Lemma 3.1, its proof (seed 002, appendix)', formula: '256 n² log²(n/δ)/λ0²', constantsTakenAsOne: false,
      value: (256 * n * n * log * log) / (lambda0 * lambda0), // appendix: ‖H(0) − H∞‖₂² ≤ 16n² log²(n/δ)/m ≤ (λ0/4)²
      note: 'from ‖H(0) − H∞‖₂² ≤ 16n² log²(n/δ)/m ≤ (λ0/4)²' },
    { id: 'lemma34', source: 'Lemma 3.4 (seed 002)', formula: 'n⁵‖y − u(0)‖²/λ0⁴', constantsTakenAsOne: true,
      value: (n ** 5 * residualSq) / lambda0 ** 4, note: residualNote }, // Lemma 3.4: R′ < R ⟺ m = Ω(n⁵‖y − u(0)‖²/λ0⁴)
    { id: 'lemma34-proof', source: 'Lemma 3.4 with Lemma 3.2\'s R and Lemma 3.3\'s R′ (seed 002)', formula: '512 n⁵‖y − u(0)‖²/(πδ²λ0⁴)',
      constantsTakenAsOne: false,
      value: (512 * n ** 5 * residualSq) / (Math.PI * delta * delta * lambda0 ** 4), // Lemmas 3.2–3.4: 2√n‖r0‖/(√mλ0) < √(2π)δλ0/(16n²)
      note: `R′ = 2√n‖y − u(0)‖/(√m λ0) < R = √(2π)δλ0/(16n²); ${residualNote}` },
    { id: 'corollary41-proof', source: 'Corollary 4.1 with Lemma 3.2\'s R (seed 002, gradient descent)', formula: '2048 n⁵‖y − u(0)‖²/(πδ²λ0⁴)',
      constantsTakenAsOne: false,
      value: (2048 * n ** 5 * residualSq) / (Math.PI * delta * delta * lambda0 ** 4), // Corollary 4.1 (eq. 6) < Lemma 3.2's R
      note: `R′ = 4√n‖y − u(0)‖/(√m λ0) (eq. 6) < R = √(2π)δλ0/(16n²); ${residualNote}` },
    { id: 'seed004-init', source: 'seed 004, theorem on H(0) (‖H(0) − H*‖₂ ≤ ε)', formula: 'n⁴/ε²', constantsTakenAsOne: true,
      value: n ** 4 / (epsilon * epsilon), // seed 004: m ≥ Õ(n⁴/ε²)
      note: options.epsilon === undefined ? 'ε = λ0/4 (the gap Lemma 3.1 needs)' : `ε = ${epsilon}` },
  ];
  if (options.t !== undefined) {
    checkPositive(options.t, 'widthRequirements: t');
    out.push({ id: 'seed004-dynamics', source: 'seed 004, theorem on H(t) ≈ H(0)', formula: 'n⁶t²/ε²', constantsTakenAsOne: true,
      value: (n ** 6 * options.t ** 2) / (epsilon * epsilon), // seed 004: m ≥ Õ(n⁶t²/ε²)
      note: `t = ${options.t}, ${options.epsilon === undefined ? 'ε = λ0/4' : `ε = ${epsilon}`}` });
  }
  out.push(
    { id: 'quadratic', source: 'Oymak & Soltanolkotabi (2019); Song & Yang (2020), as cited by seed 004', formula: 'n²', constantsTakenAsOne: true,
      value: n * n, note: 'Õ(n²): seed 004 states only the n-dependence' }, // seed 004: m = Õ(n²)
    { id: 'subquadratic', source: 'Song, Ramezani-Kebrya, Pethick, Eftekhari & Cevher (2021), as cited by seed 004', formula: 'n^(3/2)',
      constantsTakenAsOne: true, value: n ** 1.5, note: 'O(n^(3/2)): seed 004 states only the n-dependence' }, // seed 004: m = O(n^(3/2))
  );
  if (options.d !== undefined) {
    checkPositive(options.d, 'widthRequirements: d');
    out.push({ id: 'nd', source: 'Nguyen, Wong & Hegde (2020), as cited by seed 004', formula: 'nd', constantsTakenAsOne: true,
      value: n * options.d, note: 'O(nd) under extra structure on the data; its constants are data-dependent' }); // seed 004: O(nd)
  }
  return out;
}
