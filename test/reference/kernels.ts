/** Float64 reference for the Gram matrices and the infinite-width (kernel) dynamics of Du et al. (ICLR 2019). */
import { gaussian } from './random';

function dot(X: Float64Array, d: number, i: number, j: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += X[i * d + k] * X[j * d + k];
  return s;
}

/** H_ij = (1/m) x_iᵀx_j Σ_r 1{z_ir ≥ 0 and z_jr ≥ 0}, z_ir = w_rᵀx_i (eq. 5); n×n. */
export function gram(X: Float64Array, n: number, d: number, W: Float64Array, m: number): Float64Array {
  const active = new Uint8Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < m; r++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += W[r * d + k] * X[i * d + k];
      active[i * m + r] = z >= 0 ? 1 : 0;
    }
  }
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let count = 0;
      for (let r = 0; r < m; r++) if (active[i * m + r] && active[j * m + r]) count++;
      H[i * n + j] = (dot(X, d, i, j) * count) / m;
    }
  }
  return H;
}

/** H∞_ij = x_iᵀx_j (π − θ_ij)/(2π), θ_ij = arccos(clamp(cos∠(x_i, x_j))); 0 if a row is zero (Theorem 3.1 / Assumption 3.1). */
export function gramInfinity(X: Float64Array, n: number, d: number): Float64Array {
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const xij = dot(X, d, i, j);
      const ni = Math.sqrt(dot(X, d, i, i));
      const nj = Math.sqrt(dot(X, d, j, j));
      if (ni === 0 || nj === 0) continue;
      const c = i === j ? 1 : Math.min(1, Math.max(-1, xij / (ni * nj)));
      const theta = Math.acos(c);
      H[i * n + j] = (xij * (Math.PI - theta)) / (2 * Math.PI);
    }
  }
  return H;
}

/** Monte Carlo H∞_ij ≈ mean over w ~ N(0, I) of x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0} (Theorem 3.1), with per-entry standard error. */
export function gramInfinityMonteCarlo(
  X: Float64Array, n: number, d: number, samples: number, rand: () => number,
): { mean: Float64Array; stderr: Float64Array } {
  const sum = new Float64Array(n * n);
  const sumSq = new Float64Array(n * n);
  const w = new Float64Array(d);
  const on = new Uint8Array(n);
  for (let s = 0; s < samples; s++) {
    for (let k = 0; k < d; k++) w[k] = gaussian(rand);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += w[k] * X[i * d + k];
      on[i] = z >= 0 ? 1 : 0;
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = on[i] && on[j] ? dot(X, d, i, j) : 0;
        sum[i * n + j] += v;
        sumSq[i * n + j] += v * v;
      }
    }
  }
  const mean = new Float64Array(n * n);
  const stderr = new Float64Array(n * n);
  for (let p = 0; p < n * n; p++) {
    mean[p] = sum[p] / samples;
    const variance = Math.max(0, (sumSq[p] - samples * mean[p] * mean[p]) / (samples - 1));
    stderr[p] = Math.sqrt(variance / samples);
  }
  return { mean, stderr };
}

/** Infinite-width residual recursion r(k+1) = (I − ηH) r(k) (Section 4 / kernel regime); returns ‖r(k)‖², k = 0..steps, and r(steps). */
export function kernelTrajectory(
  H: Float64Array, n: number, r0: Float64Array, eta: number, steps: number,
): { normSq: Float64Array; r: Float64Array } {
  const normSq = new Float64Array(steps + 1);
  let r = new Float64Array(r0);
  for (let k = 0; k <= steps; k++) {
    if (k > 0) {
      const next = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += H[i * n + j] * r[j];
        next[i] = r[i] - eta * s;
      }
      r = next;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += r[i] * r[i];
    normSq[k] = s;
  }
  return { normSq, r };
}

/** Solves A x = b (A n×n) by Gaussian elimination with partial pivoting; inputs are not mutated. */
export function solve(A: Float64Array, n: number, b: Float64Array): Float64Array {
  const M = new Float64Array(A);
  const x = new Float64Array(b);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let i = col + 1; i < n; i++) if (Math.abs(M[i * n + col]) > Math.abs(M[piv * n + col])) piv = i;
    if (M[piv * n + col] === 0) throw new Error('solve: singular matrix');
    if (piv !== col) {
      for (let k = 0; k < n; k++) {
        const t = M[col * n + k]; M[col * n + k] = M[piv * n + k]; M[piv * n + k] = t;
      }
      const t = x[col]; x[col] = x[piv]; x[piv] = t;
    }
    for (let i = col + 1; i < n; i++) {
      const f = M[i * n + col] / M[col * n + col];
      for (let k = col; k < n; k++) M[i * n + k] -= f * M[col * n + k];
      x[i] -= f * x[col];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= M[i * n + k] * x[k];
    x[i] = s / M[i * n + i];
  }
  return x;
}

/** Kernel-regression prediction f = H(test, train) H(train)⁻¹ y (NTK predictor, seeds 003/004); Htest_train is t×n, n = y.length. */
export function kernelRegression(Htest_train: Float64Array, Htrain: Float64Array, y: Float64Array): Float64Array {
  const n = y.length;
  const t = Htest_train.length / n;
  const alpha = solve(Htrain, n, y);
  const f = new Float64Array(t);
  for (let p = 0; p < t; p++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Htest_train[p * n + j] * alpha[j];
    f[p] = s;
  }
  return f;
}
