/** Float64 reference for the two-layer ReLU network of Du et al. (ICLR 2019), straight from the formulas. */

export type LossKind = 'sum' | 'mean';

/** Network parameters: W (m×d row-major, rows w_r) and output weights a (m). */
export interface NetState {
  W: Float64Array;
  a: Float64Array;
  m: number;
}

/** Z (n×m), z_ir = w_rᵀ x_i (pre-activations, Section 1). */
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

/** u_i = (1/√m) Σ_r a_r max(w_rᵀx_i, 0) (eq. 1). */
export function forward(X: Float64Array, n: number, d: number, W: Float64Array, m: number, a: Float64Array): Float64Array {
  const Z = preactivations(X, n, d, W, m);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 0; r < m; r++) s += a[r] * Math.max(Z[i * m + r], 0);
    u[i] = s / Math.sqrt(m);
  }
  return u;
}

/** L = ½ Σ_i (u_i − y_i)² for 'sum' (eq. 2); the same divided by n for 'mean'. */
export function loss(u: Float64Array, y: Float64Array, kind: LossKind = 'sum'): number {
  const n = u.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += (u[i] - y[i]) * (u[i] - y[i]);
  return kind === 'mean' ? (0.5 * s) / n : 0.5 * s;
}

/** ∂L/∂w_r = (1/√m) Σ_i (u_i − y_i) a_r x_i 1{z_ir ≥ 0} (eq. 4), divided by n for 'mean'; m×d. */
export function gradientW(
  X: Float64Array, n: number, d: number, W: Float64Array, m: number, a: Float64Array, y: Float64Array,
  kind: LossKind = 'sum',
): Float64Array {
  const Z = preactivations(X, n, d, W, m);
  const u = forward(X, n, d, W, m, a);
  const scale = kind === 'mean' ? 1 / (n * Math.sqrt(m)) : 1 / Math.sqrt(m);
  const G = new Float64Array(m * d);
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < n; i++) {
      if (Z[i * m + r] >= 0) {
        const c = scale * (u[i] - y[i]) * a[r];
        for (let k = 0; k < d; k++) G[r * d + k] += c * X[i * d + k];
      }
    }
  }
  return G;
}

/** ∂L/∂a_r = (1/√m) Σ_i (u_i − y_i) max(z_ir, 0) (Section 1, joint training), divided by n for 'mean'; length m. */
export function gradientA(
  X: Float64Array, n: number, d: number, W: Float64Array, m: number, a: Float64Array, y: Float64Array,
  kind: LossKind = 'sum',
): Float64Array {
  const Z = preactivations(X, n, d, W, m);
  const u = forward(X, n, d, W, m, a);
  const scale = kind === 'mean' ? 1 / (n * Math.sqrt(m)) : 1 / Math.sqrt(m);
  const g = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += (u[i] - y[i]) * Math.max(Z[i * m + r], 0);
    g[r] = scale * s;
  }
  return g;
}

export interface StepOptions {
  trainOutputLayer?: boolean;
  loss?: LossKind;
}

/** One GD step W ← W − η ∂L/∂W (eq. 3), and a ← a − η ∂L/∂a if trainOutputLayer; both gradients at the current point. Returns a new state. */
export function gdStep(
  state: NetState, X: Float64Array, n: number, d: number, y: Float64Array, eta: number, opts: StepOptions = {},
): NetState {
  const { W, a, m } = state;
  const kind = opts.loss ?? 'sum';
  const gW = gradientW(X, n, d, W, m, a, y, kind);
  const gA = opts.trainOutputLayer ? gradientA(X, n, d, W, m, a, y, kind) : null;
  const W1 = new Float64Array(m * d);
  for (let k = 0; k < m * d; k++) W1[k] = W[k] - eta * gW[k];
  const a1 = new Float64Array(a);
  if (gA) for (let r = 0; r < m; r++) a1[r] = a[r] - eta * gA[r];
  return { W: W1, a: a1, m };
}

export interface TrainInput {
  X: Float64Array; n: number; d: number; y: Float64Array;
  W0: Float64Array; a0: Float64Array; m: number;
  eta: number; steps: number;
  trainOutputLayer?: boolean; loss?: LossKind;
}

export interface TrainResult {
  /** ‖y − u(k)‖², k = 0..steps (Theorem 4.1, Figure 1a). */
  residualSq: Float64Array;
  /** #{(i,r): 1{z_ir(k) ≥ 0} ≠ 1{z_ir(0) ≥ 0}}/(nm), k = 0..steps (Figure 1b). */
  patternChangeFraction: Float64Array;
  /** max_r ‖w_r(k) − w_r(0)‖₂, k = 0..steps (Lemma 3.2, Figure 1c). */
  maxWeightDistance: Float64Array;
  W: Float64Array;
  a: Float64Array;
  u: Float64Array;
}

/** Runs `steps` GD steps (eq. 3) and records ‖y − u(k)‖², pattern-change fraction and max_r ‖w_r(k) − w_r(0)‖ for k = 0..steps. */
export function trainReference(input: TrainInput): TrainResult {
  const { X, n, d, y, W0, a0, m, eta, steps } = input;
  const opts: StepOptions = { trainOutputLayer: input.trainOutputLayer ?? false, loss: input.loss ?? 'sum' };
  const residualSq = new Float64Array(steps + 1);
  const patternChangeFraction = new Float64Array(steps + 1);
  const maxWeightDistance = new Float64Array(steps + 1);
  const Z0 = preactivations(X, n, d, W0, m);
  let state: NetState = { W: new Float64Array(W0), a: new Float64Array(a0), m };
  let u = forward(X, n, d, state.W, m, state.a);
  for (let k = 0; k <= steps; k++) {
    if (k > 0) {
      state = gdStep(state, X, n, d, y, eta, opts);
      u = forward(X, n, d, state.W, m, state.a);
    }
    let res = 0;
    for (let i = 0; i < n; i++) res += (y[i] - u[i]) * (y[i] - u[i]);
    residualSq[k] = res;
    const Z = preactivations(X, n, d, state.W, m);
    let changed = 0;
    for (let p = 0; p < n * m; p++) if ((Z[p] >= 0) !== (Z0[p] >= 0)) changed++;
    patternChangeFraction[k] = changed / (n * m);
    let maxDist = 0;
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (state.W[r * d + j] - W0[r * d + j]) ** 2;
      maxDist = Math.max(maxDist, Math.sqrt(s));
    }
    maxWeightDistance[k] = maxDist;
  }
  return { residualSq, patternChangeFraction, maxWeightDistance, W: state.W, a: state.a, u };
}
