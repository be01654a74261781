/**
 * Float64 reference for the limit kernels of DESIGN §7.2, written from its formulas (not from the
 * package's kernels): closed forms where DESIGN gives them, a two-dimensional trapezoidal rule
 * (a different quadrature from the package's Gauss–Hermite/Mehler one) otherwise, Monte Carlo and
 * finite-width H(0) for every activation.
 */
import { gaussian } from './random';

export type RefActivation = 'relu' | 'leakyRelu' | 'softplus' | 'sigmoid' | 'tanh' | 'erf' | 'gelu' | 'quadratic' | 'linear';
export type RefPart = 'first' | 'output' | 'both';

/** erf by its Maclaurin series (|x| < 3) or the continued fraction of erfc (|x| ≥ 3). */
export function refErf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = x, sum = x;
    for (let n = 1; n < 200; n++) {
      term *= -x * x / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-18) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(ax) = e^(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))) evaluated bottom-up.
  let f = ax;
  for (let k = 120; k >= 1; k--) f = ax + (k / 2) / f;
  const erfc = Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
  return Math.sign(x) * (1 - erfc);
}

/** ψ (DESIGN §7.1 activations). */
export function psi(a: RefActivation, z: number, s = 0.01): number {
  switch (a) {
    case 'relu': return Math.max(z, 0);
    case 'leakyRelu': return z >= 0 ? z : s * z;
    case 'softplus': return z > 40 ? z : Math.log(1 + Math.exp(z));
    case 'sigmoid': return 1 / (1 + Math.exp(-z));
    case 'tanh': return Math.tanh(z);
    case 'erf': return refErf(z);
    case 'gelu': return z * 0.5 * (1 + refErf(z / Math.SQRT2));
    case 'quadratic': return z * z;
    case 'linear': return z;
  }
}

/** ψ′. */
export function dpsi(a: RefActivation, z: number, s = 0.01): number {
  switch (a) {
    case 'relu': return z >= 0 ? 1 : 0;
    case 'leakyRelu': return z >= 0 ? 1 : s;
    case 'softplus': return 1 / (1 + Math.exp(-z));
    case 'sigmoid': { const q = 1 / (1 + Math.exp(-z)); return q * (1 - q); }
    case 'tanh': { const t = Math.tanh(z); return 1 - t * t; }
    case 'erf': return (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z);
    case 'gelu': return 0.5 * (1 + refErf(z / Math.SQRT2)) + z * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    case 'quadratic': return 2 * z;
    case 'linear': return 1;
  }
}

function dot(X: Float64Array, d: number, i: number, j: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += X[i * d + k] * X[j * d + k];
  return s;
}

/** E[f(u)g(v)], (u, v) Gaussian with variances s11, s22 and covariance s12, by the 2-D trapezoidal rule (step h on [−L, L]²). */
function trapezoid2(f: (u: number) => number, g: (v: number) => number, s11: number, s22: number, s12: number, h = 0.1, L = 10): number {
  const a = Math.sqrt(s11), b = Math.sqrt(s22);
  const rho = a > 0 && b > 0 ? Math.max(-1, Math.min(1, s12 / (a * b))) : 0;
  const c = Math.sqrt(Math.max(0, 1 - rho * rho));
  const nodes: number[] = [], weights: number[] = [];
  for (let t = -L; t <= L + 1e-9; t += h) { nodes.push(t); weights.push(h * Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI)); }
  let sum = 0;
  for (let p = 0; p < nodes.length; p++) {
    const fu = f(a * nodes[p]);
    let inner = 0;
    // §7.2: u = √Σ11·g1, v = √Σ22·(ρ g1 + √(1 − ρ²) g2).
    for (let q = 0; q < nodes.length; q++) inner += weights[q] * g(b * (rho * nodes[p] + c * nodes[q]));
    sum += weights[p] * fu * inner;
  }
  return sum;
}

/** E[ψ′(u)ψ′(v)] and E[ψ(u)ψ(v)] from DESIGN §7.2 (closed forms, or trapezoid for the rest). */
export function pairExpectations(a: RefActivation, s11: number, s22: number, s12: number, s = 0.01): { dd: number; vv: number } {
  const norm = Math.sqrt(s11 * s22);
  const cos = norm > 0 ? Math.max(-1, Math.min(1, s12 / norm)) : 0;
  const theta = Math.acos(cos);
  const J = (t: number) => (Math.sin(t) + (Math.PI - t) * Math.cos(t)) / (2 * Math.PI); // arc-cosine kernel of degree 1
  switch (a) {
    case 'relu': return { dd: (Math.PI - theta) / (2 * Math.PI), vv: norm * J(theta) };
    case 'leakyRelu':
      // ψ = relu(u) − s relu(−u): E = E[r(u)r(v)] − s E[r(u)r(−v)] − s E[r(−u)r(v)] + s² E[r(−u)r(−v)], (u, −v) at angle π − θ.
      return { dd: ((1 + s * s) * (Math.PI - theta) + 2 * s * theta) / (2 * Math.PI), vv: norm * ((1 + s * s) * J(theta) - 2 * s * J(Math.PI - theta)) };
    case 'erf':
      return {
        dd: (4 / Math.PI) / Math.sqrt((1 + 2 * s11) * (1 + 2 * s22) - 4 * s12 * s12),
        vv: (2 / Math.PI) * Math.asin(Math.max(-1, Math.min(1, 2 * s12 / Math.sqrt((1 + 2 * s11) * (1 + 2 * s22))))),
      };
    case 'quadratic': return { dd: 4 * s12, vv: s11 * s22 + 2 * s12 * s12 };
    case 'linear': return { dd: 1, vv: s12 };
    default:
      return {
        dd: trapezoid2((z) => dpsi(a, z), (z) => dpsi(a, z), s11, s22, s12),
        vv: trapezoid2((z) => psi(a, z), (z) => psi(a, z), s11, s22, s12),
      };
  }
}

/** The limit kernel of DESIGN §7.2: first H* = xᵀx′E[ψ′ψ′], output K^a = E[ψψ], both = the sum; w ~ N(0, κ²I). */
export function limitKernelReference(X: Float64Array, n: number, d: number, a: RefActivation, part: RefPart,
                                     { kappa = 1, slope = 0.01 } = {}): Float64Array {
  const H = new Float64Array(n * n);
  const k2 = kappa * kappa;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const kij = dot(X, d, i, j);
      const s11 = k2 * dot(X, d, i, i), s22 = k2 * dot(X, d, j, j);
      // On the diagonal ρ = 1 exactly (the float sum may round the cosine just below 1).
      const s12 = i === j ? s11 : k2 * kij;
      const { dd, vv } = pairExpectations(a, s11, s22, s12, slope);
      const v = (part === 'output' ? 0 : kij * dd) + (part === 'first' ? 0 : vv);
      H[i * n + j] = v; H[j * n + i] = v;
    }
  }
  return H;
}

/**
 * Finite-width kernel from m sampled neurons w_r ~ N(0, κ²I), a_r² = 1 (DESIGN §7.1):
 * H_ij = x_iᵀx_j (1/m)Σ_r ψ′(z_ir)ψ′(z_jr) (+ (1/m)Σ_r ψ(z_ir)ψ(z_jr)); with the per-entry
 * standard error of the mean over neurons, so it doubles as the Monte-Carlo estimate.
 */
export function finiteWidthKernel(X: Float64Array, n: number, d: number, a: RefActivation, part: RefPart, m: number,
                                  rand: () => number, { kappa = 1, slope = 0.01 } = {}): { mean: Float64Array; stderr: Float64Array } {
  const sum = new Float64Array(n * n), sumSq = new Float64Array(n * n);
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * n + j] = dot(X, d, i, j);
  const w = new Float64Array(d), dv = new Float64Array(n), vv = new Float64Array(n);
  for (let r = 0; r < m; r++) {
    for (let k = 0; k < d; k++) w[k] = kappa * gaussian(rand);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += w[k] * X[i * d + k];
      dv[i] = dpsi(a, z, slope); vv[i] = psi(a, z, slope);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = (part === 'output' ? 0 : K[i * n + j] * dv[i] * dv[j]) + (part === 'first' ? 0 : vv[i] * vv[j]);
        sum[i * n + j] += v; sumSq[i * n + j] += v * v;
      }
    }
  }
  const mean = new Float64Array(n * n), stderr = new Float64Array(n * n);
  for (let p = 0; p < n * n; p++) {
    mean[p] = sum[p] / m;
    stderr[p] = Math.sqrt(Math.max(0, (sumSq[p] - m * mean[p] * mean[p]) / (m - 1)) / m);
  }
  return { mean, stderr };
}
