/**
 * Float64 reference for the generalised two-layer network of DESIGN §7.1, straight from its
 * formulas (not from the wasm kernels): f(W, a, x) = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx), loss
 * (1/(2α²))·Σ(f − y)², step W ← W − η·m^(2γ−1)·∂L/∂W, in both forms (on W, and on Z = XWᵀ with K = XXᵀ).
 */

export type Activation = 'relu' | 'leakyRelu' | 'softplus' | 'sigmoid' | 'tanh' | 'erf' | 'gelu' | 'quadratic' | 'linear';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x) for |x| < 3: 2/√π·e^(−x²)·Σ_n 2ⁿx^(2n+1)/(1·3···(2n+1)) (all terms positive, no cancellation). */
function erfSeries(x: number): number {
  let term = x, sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-18 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}

/** erfc(x) for x ≥ 3: e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) (Laplace's continued fraction, evaluated bottom-up). */
function erfcContinuedFraction(x: number): number {
  let f = x;
  for (let k = 120; k >= 1; k--) f = x + (k / 2) / f;
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** erf in float64 (≈1e-15 relative). */
export function erf(x: number): number {
  if (x === 0) return x;
  const t = Math.abs(x);
  const v = t < 3 ? erfSeries(t) : 1 - erfcContinuedFraction(t);
  return x < 0 ? -v : v;
}

/** erfc in float64, accurate in the upper tail. */
export function erfc(x: number): number {
  if (x < 3) return 1 - erf(x);
  return erfcContinuedFraction(x);
}

/** Φ(x) = ½ erfc(−x/√2), the standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** ψ(z) (issue 12 §2; gelu is the exact x·Φ(x)). */
export function psi(act: Activation, z: number, slope = 0.01): number {
  switch (act) {
    case 'relu': return Math.max(z, 0);
    case 'leakyRelu': return z >= 0 ? z : slope * z;
    case 'softplus': return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    case 'sigmoid': return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    case 'tanh': return Math.tanh(z);
    case 'erf': return erf(z);
    case 'gelu': return z * normalCdf(z);
    case 'quadratic': return z * z;
    case 'linear': return z;
  }
}

/** ψ′(z) (ReLU and leaky ReLU take the z ≥ 0 branch at 0). */
export function dpsi(act: Activation, z: number, slope = 0.01): number {
  switch (act) {
    case 'relu': return z >= 0 ? 1 : 0;
    case 'leakyRelu': return z >= 0 ? 1 : slope;
    case 'softplus': return psi('sigmoid', z);
    // σ′ = σ(1 − σ) = E/(1 + E)² with E = e^(−|z|), the form without cancellation.
    case 'sigmoid': { const E = Math.exp(-Math.abs(z)); return E / (1 + E) ** 2; }
    case 'tanh': { const c = Math.cosh(z); return 1 / (c * c); }
    case 'erf': return TWO_OVER_SQRT_PI * Math.exp(-z * z);
    case 'gelu': return normalCdf(z) + z * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    case 'quadratic': return 2 * z;
    case 'linear': return 1;
  }
}

/** The model's settings (DESIGN §7.1). */
export interface DenseModel {
  act: Activation;
  slope?: number;
  /** α (outputScale), default 1. */
  alpha?: number;
  /** γ (widthExponent), default ½. */
  gamma?: number;
}

/** Z (n×m, z_ir = w_rᵀx_i). */
export function preactivations(X: Float64Array, n: number, d: number, W: Float64Array, m: number): Float64Array {
  const Z = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += W[r * d + k] * X[i * d + k];
      Z[i * m + r] = s;
    }
  }
  return Z;
}

/** u_i = α·m^(−γ)·Σ_r a_r ψ(z_ir) from Z (n×m) (DESIGN §7.1). */
export function forwardFromZ(Z: Float64Array, n: number, m: number, a: Float64Array, model: DenseModel): Float64Array {
  const { act, slope = 0.01, alpha = 1, gamma = 0.5 } = model;
  const c = alpha * m ** -gamma;
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 0; r < m; r++) s += a[r] * psi(act, Z[i * m + r], slope);
    u[i] = c * s;
  }
  return u;
}

/** ∂L/∂w_r = (1/α)·m^(−γ)·a_r·Σ_i e_i ψ′(z_ir) x_i (m×d) and ∂L/∂a_r = (1/α)·m^(−γ)·Σ_i e_i ψ(z_ir) (DESIGN §7.1). */
export function gradients(X: Float64Array, n: number, d: number, Z: Float64Array, m: number, a: Float64Array,
  e: Float64Array, model: DenseModel): { gW: Float64Array; ga: Float64Array } {
  const { act, slope = 0.01, alpha = 1, gamma = 0.5 } = model;
  const c = m ** -gamma / alpha;
  const gW = new Float64Array(m * d), ga = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let sa = 0;
    for (let i = 0; i < n; i++) {
      const z = Z[i * m + r];
      const coef = c * a[r] * e[i] * dpsi(act, z, slope);
      for (let k = 0; k < d; k++) gW[r * d + k] += coef * X[i * d + k];
      sa += e[i] * psi(act, z, slope);
    }
    ga[r] = c * sa;
  }
  return { gW, ga };
}

/** The state of a run: the first layer as W (primal) or as Z (kernel space), and a. */
export interface DenseState { W?: Float64Array; Z: Float64Array; a: Float64Array }

export interface DenseProblem {
  X: Float64Array; y: Float64Array; n: number; d: number; m: number;
  model: DenseModel;
  /** η; the step taken is η·m^(2γ−1) (÷ n for the 'mean' loss). */
  eta: number;
  loss?: 'sum' | 'mean';
  trainOutputLayer?: boolean;
}

/** η' = η·m^(2γ−1), divided by n for the mean loss (DESIGN §7.1). */
export function effectiveStep(p: DenseProblem): number {
  const gamma = p.model.gamma ?? 0.5;
  return (p.eta * p.m ** (2 * gamma - 1)) / (p.loss === 'mean' ? p.n : 1);
}

/**
 * One GD step from `state` (DESIGN §7.1): primal, W ← W − η'∂L/∂W and Z = XWᵀ; kernel space,
 * z_jr ← z_jr − η' Σ_i K_ij·(1/α)m^(−γ) a_r e_i ψ′(z_ir) with K = XXᵀ (DESIGN §5.1). a ← a − η'∂L/∂a when it trains.
 */
export function denseStep(p: DenseProblem, state: DenseState, form: 'primal' | 'kernel'): DenseState {
  const { X, y, n, d, m, model } = p;
  const { act, slope = 0.01, alpha = 1, gamma = 0.5 } = model;
  const etaEff = effectiveStep(p);
  const u = forwardFromZ(state.Z, n, m, state.a, model);
  const e = u.map((v, i) => v - y[i]);
  const a = Float64Array.from(state.a);
  let next: DenseState;
  if (form === 'primal') {
    const { gW, ga } = gradients(X, n, d, state.Z, m, state.a, e, model);
    const W = state.W!.map((w, k) => w - etaEff * gW[k]);
    if (p.trainOutputLayer) for (let r = 0; r < m; r++) a[r] -= etaEff * ga[r];
    next = { W, Z: preactivations(X, n, d, W, m), a };
  } else {
    const c = m ** -gamma / alpha;
    const Z = Float64Array.from(state.Z);
    const K = linearKernel(X, n, d);
    for (let r = 0; r < m; r++) {
      let sa = 0;
      for (let i = 0; i < n; i++) {
        const coef = c * state.a[r] * e[i] * dpsi(act, state.Z[i * m + r], slope);
        for (let j = 0; j < n; j++) Z[j * m + r] -= etaEff * K[i * n + j] * coef;
        sa += e[i] * psi(act, state.Z[i * m + r], slope);
      }
      if (p.trainOutputLayer) a[r] -= etaEff * c * sa;
    }
    next = { Z, a };
  }
  return next;
}

/** K = XXᵀ (n×n). */
export function linearKernel(X: Float64Array, n: number, d: number): Float64Array {
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += X[i * d + k] * X[j * d + k];
      K[i * n + j] = s;
    }
  }
  return K;
}

/** ‖y − u(k)‖², k = 0..steps, of `steps` GD steps from W(0), a(0) in the given form. */
export function denseTrajectory(p: DenseProblem, W0: Float64Array, a0: Float64Array, steps: number,
  form: 'primal' | 'kernel'): Float64Array {
  let state: DenseState = { W: Float64Array.from(W0), Z: preactivations(p.X, p.n, p.d, W0, p.m), a: Float64Array.from(a0) };
  const out = new Float64Array(steps + 1);
  for (let k = 0; ; k++) {
    const u = forwardFromZ(state.Z, p.n, p.m, state.a, p.model);
    out[k] = u.reduce((s, v, i) => s + (v - p.y[i]) ** 2, 0);
    if (k === steps) break;
    state = denseStep(p, state, form);
  }
  return out;
}

/**
 * The Gram matrix at Z (n×m) (DESIGN §7.1): part 'first', H_ij = x_iᵀx_j (1/m) Σ_r a_r² ψ′(z_ir)ψ′(z_jr);
 * part 'output', (1/m) Σ_r ψ(z_ir)ψ(z_jr).
 */
export function denseGram(K: Float64Array, Z: Float64Array, n: number, m: number, a: Float64Array,
  model: DenseModel, part: 'first' | 'output'): Float64Array {
  const { act, slope = 0.01 } = model;
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < m; r++) {
        s += part === 'first'
          ? a[r] * a[r] * dpsi(act, Z[i * m + r], slope) * dpsi(act, Z[j * m + r], slope)
          : psi(act, Z[i * m + r], slope) * psi(act, Z[j * m + r], slope);
      }
      H[i * n + j] = (part === 'first' ? K[i * n + j] : 1) * s / m;
    }
  }
  return H;
}

/** ‖ψ′(Z) − ψ′(Z0)‖_F / ‖ψ′(Z0)‖_F (issue 12 §2: the smooth analogue of the pattern-change fraction). */
export function derivativeChange(Z: Float64Array, Z0: Float64Array, model: DenseModel): number {
  const { act, slope = 0.01 } = model;
  let num = 0, den = 0;
  for (let k = 0; k < Z.length; k++) {
    const p0 = dpsi(act, Z0[k], slope);
    num += (dpsi(act, Z[k], slope) - p0) ** 2;
    den += p0 * p0;
  }
  return Math.sqrt(num / den);
}

/** Per step k = 0..steps of a run, everything train() records, from the formulas in float64. */
export interface DenseHistory {
  residualSq: Float64Array;
  /** ‖ψ′(Z(k)) − ψ′(Z(0))‖_F / ‖ψ′(Z(0))‖_F (0 when nothing moved). */
  derivativeChange: Float64Array;
  /** max_r ‖w_r(k) − w_r(0)‖₂. */
  maxWeightDistance: Float64Array;
  /** The states: W(k), Z(k) (n×m), a(k). */
  states: { W: Float64Array; Z: Float64Array; a: Float64Array }[];
}

/**
 * `steps` GD steps (DESIGN §7.1) from W(0), a(0), primal in float64 (the kernel-space form gives the
 * same states in exact arithmetic: "the oracle agrees with itself" in test/dense.test.ts), with the
 * per-step records of train().
 */
export function denseHistory(p: DenseProblem, W0: Float64Array, a0: Float64Array, steps: number): DenseHistory {
  const { n, d, m } = p;
  let state: DenseState = { W: Float64Array.from(W0), Z: preactivations(p.X, n, d, W0, m), a: Float64Array.from(a0) };
  const Z0 = state.Z;
  const h: DenseHistory = {
    residualSq: new Float64Array(steps + 1), derivativeChange: new Float64Array(steps + 1),
    maxWeightDistance: new Float64Array(steps + 1), states: [],
  };
  for (let k = 0; ; k++) {
    const u = forwardFromZ(state.Z, n, m, state.a, p.model);
    h.residualSq[k] = u.reduce((s, v, i) => s + (v - p.y[i]) ** 2, 0);
    const change = derivativeChange(state.Z, Z0, p.model);
    h.derivativeChange[k] = Number.isNaN(change) ? 0 : change;
    let worst = 0;
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (state.W![r * d + j] - W0[r * d + j]) ** 2;
      worst = Math.max(worst, Math.sqrt(s));
    }
    h.maxWeightDistance[k] = worst;
    h.states.push({ W: state.W!, Z: state.Z, a: state.a });
    if (k === steps) break;
    state = denseStep(p, state, 'primal');
  }
  return h;
}

/** H of the run at a state: the first layer's part, plus the output layer's when a trains (DESIGN §7.1). */
export function runGram(p: DenseProblem, Z: Float64Array, a: Float64Array): Float64Array {
  const K = linearKernel(p.X, p.n, p.d);
  const H = denseGram(K, Z, p.n, p.m, a, p.model, 'first');
  if (p.trainOutputLayer) {
    const O = denseGram(K, Z, p.n, p.m, a, p.model, 'output');
    for (let q = 0; q < H.length; q++) H[q] += O[q];
  }
  return H;
}
