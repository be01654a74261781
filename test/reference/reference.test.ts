import { describe, it, expect } from 'vitest';
import { mulberry32, gaussian, randomMatrix, randomSigns, randomUnitRows } from './random';
import { preactivations, forward, loss, gradientW, gradientA, gdStep, trainReference, type LossKind } from './network';
import { gram, gramInfinity, gramInfinityMonteCarlo, kernelTrajectory, kernelRegression, solve } from './kernels';
import { jacobiEigenvalues, symmetricSpectralNorm, isSymmetric } from './eigen';

/** A small random problem whose pre-activations all satisfy |z_ir| > margin (so finite differences never cross a kink). */
function smallProblem(seed: number, n = 5, d = 4, m = 7, margin = 0.05) {
  const rand = mulberry32(seed);
  for (;;) {
    const X = randomUnitRows(n, d, rand);
    const W = randomMatrix(m, d, rand);
    const a = randomSigns(m, rand);
    const y = randomMatrix(n, 1, rand);
    const Z = preactivations(X, n, d, W, m);
    if (Z.every((z) => Math.abs(z) > margin)) return { X, W, a, y, n, d, m, rand };
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let best = 0;
  for (let k = 0; k < a.length; k++) best = Math.max(best, Math.abs(a[k] - b[k]));
  return best;
}

function matVec(A: Float64Array, n: number, x: Float64Array): Float64Array {
  const out = new Float64Array(A.length / n);
  for (let i = 0; i < out.length; i++) for (let j = 0; j < n; j++) out[i] += A[i * n + j] * x[j];
  return out;
}

/** Householder reflection Q = I − 2vvᵀ/(vᵀv): symmetric and orthogonal. */
function householder(v: Float64Array): Float64Array {
  const n = v.length;
  let vv = 0;
  for (const x of v) vv += x * x;
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Q[i * n + j] = (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv;
  return Q;
}

/** Q diag(D) Qᵀ. */
function rotatedDiagonal(Q: Float64Array, D: number[]): Float64Array {
  const n = D.length;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) A[i * n + j] += Q[i * n + k] * D[k] * Q[j * n + k];
  return A;
}

describe('random helpers', () => {
  it('mulberry32 is deterministic and in [0, 1); gaussian has mean ≈ 0, variance ≈ 1', () => {
    const r1 = mulberry32(7), r2 = mulberry32(7);
    for (let k = 0; k < 100; k++) { const u = r1(); expect(u).toBe(r2()); expect(u).toBeGreaterThanOrEqual(0); expect(u).toBeLessThan(1); }
    const rand = mulberry32(1);
    const N = 100000;
    let s = 0, s2 = 0;
    for (let k = 0; k < N; k++) { const g = gaussian(rand); s += g; s2 += g * g; }
    expect(Math.abs(s / N)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(s2 / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
  });
  it('randomUnitRows gives unit rows; randomSigns gives ±1', () => {
    const rand = mulberry32(2);
    const X = randomUnitRows(10, 6, rand);
    for (let i = 0; i < 10; i++) { let s = 0; for (let k = 0; k < 6; k++) s += X[i * 6 + k] ** 2; expect(s).toBeCloseTo(1, 14); }
    for (const a of randomSigns(50, rand)) expect(Math.abs(a)).toBe(1);
  });
});

describe('network (eqs. 1–4)', () => {
  it('forward matches eq. 1 written out by hand', () => {
    const X = new Float64Array([1, 2, -1, 0.5]); // x_0 = (1, 2), x_1 = (−1, 0.5)
    const W = new Float64Array([1, 0, 0, 1]); // w_1 = e_1, w_2 = e_2 (m = 2)
    const u = forward(X, 2, 2, W, 2, new Float64Array([1, -1]));
    expect(u[0]).toBeCloseTo((1 - 2) / Math.SQRT2, 15); // z = (1, 2): both active
    expect(u[1]).toBeCloseTo(-0.5 / Math.SQRT2, 15); // z = (−1, 0.5): only neuron 2
  });

  for (const kind of ['sum', 'mean'] as LossKind[]) {
    it(`gradientW and gradientA match central finite differences of the ${kind} loss`, () => {
      const { X, W, a, y, n, d, m } = smallProblem(11);
      const L = (W_: Float64Array, a_: Float64Array) => loss(forward(X, n, d, W_, m, a_), y, kind);
      const gW = gradientW(X, n, d, W, m, a, y, kind);
      const gA = gradientA(X, n, d, W, m, a, y, kind);
      const h = 1e-6;
      for (let k = 0; k < m * d; k++) {
        const Wp = new Float64Array(W), Wm = new Float64Array(W);
        Wp[k] += h; Wm[k] -= h;
        expect(Math.abs(gW[k] - (L(Wp, a) - L(Wm, a)) / (2 * h))).toBeLessThan(1e-8);
      }
      for (let r = 0; r < m; r++) {
        const ap = new Float64Array(a), am = new Float64Array(a);
        ap[r] += h; am[r] -= h;
        expect(Math.abs(gA[r] - (L(W, ap) - L(W, am)) / (2 * h))).toBeLessThan(1e-8);
      }
    });

    it(`gdStep with a tiny step decreases the ${kind} loss; a moves only with trainOutputLayer`, () => {
      const { X, W, a, y, n, d, m } = smallProblem(12);
      const L0 = loss(forward(X, n, d, W, m, a), y, kind);
      for (const trainOutputLayer of [false, true]) {
        const s = gdStep({ W, a, m }, X, n, d, y, 1e-3, { trainOutputLayer, loss: kind });
        expect(loss(forward(X, n, d, s.W, m, s.a), y, kind)).toBeLessThan(L0);
        expect(maxAbsDiff(s.a, a) > 0).toBe(trainOutputLayer);
      }
    });
  }

  it('loss: mean = sum / n, sum = ½‖u − y‖²', () => {
    const u = new Float64Array([1, 2, 3]), y = new Float64Array([0, 0, 1]);
    expect(loss(u, y, 'sum')).toBe(4.5);
    expect(loss(u, y, 'mean')).toBe(1.5);
  });

  it('one GD step without pattern flips moves u exactly by −η H(k)(u − y) (the identity behind eq. 6)', () => {
    const { X, W, a, y, n, d, m } = smallProblem(13, 6, 5, 40, 0.02);
    for (const kind of ['sum', 'mean'] as LossKind[]) {
      const eta = 1e-3;
      const run = trainReference({ X, n, d, y, W0: W, a0: a, m, eta, steps: 1, loss: kind });
      expect(run.patternChangeFraction[1]).toBe(0);
      const u0 = forward(X, n, d, W, m, a);
      const e = new Float64Array(n);
      for (let i = 0; i < n; i++) e[i] = u0[i] - y[i];
      const He = matVec(gram(X, n, d, W, m), n, e);
      const scale = kind === 'mean' ? eta / n : eta;
      for (let i = 0; i < n; i++) expect(run.u[i] - u0[i]).toBeCloseTo(-scale * He[i], 13);
    }
  });

  it('trainReference: k = 0 entries, agreement with repeated gdStep, and no mutation of inputs', () => {
    const { X, W, a, y, n, d, m } = smallProblem(14, 8, 3, 30, 0);
    const Xc = new Float64Array(X), Wc = new Float64Array(W), ac = new Float64Array(a), yc = new Float64Array(y);
    const steps = 15, eta = 0.2;
    for (const trainOutputLayer of [false, true]) {
      const run = trainReference({ X, n, d, y, W0: W, a0: a, m, eta, steps, trainOutputLayer });
      expect(run.residualSq.length).toBe(steps + 1);
      expect(run.residualSq[0]).toBeCloseTo(2 * loss(forward(X, n, d, W, m, a), y), 12);
      expect(run.patternChangeFraction[0]).toBe(0);
      expect(run.maxWeightDistance[0]).toBe(0);
      let s = { W, a, m };
      for (let k = 0; k < steps; k++) s = gdStep(s, X, n, d, y, eta, { trainOutputLayer });
      expect(maxAbsDiff(run.W, s.W)).toBe(0);
      expect(maxAbsDiff(run.a, s.a)).toBe(0);
      expect(maxAbsDiff(run.u, forward(X, n, d, s.W, m, s.a))).toBe(0);
      let dist = 0;
      for (let r = 0; r < m; r++) { let q = 0; for (let k = 0; k < d; k++) q += (s.W[r * d + k] - W[r * d + k]) ** 2; dist = Math.max(dist, Math.sqrt(q)); }
      expect(run.maxWeightDistance[steps]).toBe(dist);
      expect(run.residualSq[steps]).toBeLessThan(run.residualSq[0]);
    }
    expect([maxAbsDiff(X, Xc), maxAbsDiff(W, Wc), maxAbsDiff(a, ac), maxAbsDiff(y, yc)]).toEqual([0, 0, 0, 0]);
  });

  it('pattern-change fraction counts sign flips of z_ir against k = 0', () => {
    // n = 1, d = 1, m = 2: x = 1, w = (0.1, −0.1), a = (1, 1), y = −10. Sum loss gradient on w_1 only (z_2 < 0).
    const run = trainReference({
      X: new Float64Array([1]), n: 1, d: 1, y: new Float64Array([-10]),
      W0: new Float64Array([0.1, -0.1]), a0: new Float64Array([1, 1]), m: 2, eta: 1, steps: 1,
    });
    // u(0) = 0.1/√2; w_1 ← 0.1 − (u − y)/√2 < 0 flips; w_2 unchanged.
    expect(run.patternChangeFraction[1]).toBe(0.5);
    expect(run.maxWeightDistance[1]).toBeCloseTo((0.1 / Math.SQRT2 + 10) / Math.SQRT2, 14);
  });
});

describe('eigen', () => {
  it('handles n = 0 and n = 1, diagonal matrices', () => {
    expect(jacobiEigenvalues(new Float64Array(0), 0).length).toBe(0);
    expect(Array.from(jacobiEigenvalues(new Float64Array([-3.5]), 1))).toEqual([-3.5]);
    const D = new Float64Array([3, 0, 0, 0, -1, 0, 0, 0, 2]);
    expect(Array.from(jacobiEigenvalues(D, 3))).toEqual([-1, 2, 3]);
  });

  it('2×2 closed form λ = (a+c)/2 ± √(((a−c)/2)² + b²)', () => {
    const rand = mulberry32(3);
    for (let t = 0; t < 20; t++) {
      const a = gaussian(rand), b = gaussian(rand), c = gaussian(rand);
      const mid = (a + c) / 2, rad = Math.hypot((a - c) / 2, b);
      const eig = jacobiEigenvalues(new Float64Array([a, b, b, c]), 2);
      expect(eig[0]).toBeCloseTo(mid - rad, 14);
      expect(eig[1]).toBeCloseTo(mid + rad, 14);
    }
  });

  it('recovers D from Q D Qᵀ with Q a Householder reflection, including repeated and tiny eigenvalues', () => {
    const rand = mulberry32(4);
    const D = [5, -2, 1e-9, 1e-9, 3, 0.5, -7, 2];
    const A = rotatedDiagonal(householder(randomMatrix(8, 1, rand)), D);
    expect(isSymmetric(A, 8, 1e-14)).toBe(true);
    const eig = jacobiEigenvalues(A, 8);
    const sorted = [...D].sort((p, q) => p - q);
    for (let i = 0; i < 8; i++) expect(Math.abs(eig[i] - sorted[i])).toBeLessThan(1e-13);
  });

  it('random symmetric matrices: trace = Σλ and ‖A‖_F² = Σλ²', () => {
    const rand = mulberry32(5);
    for (const n of [3, 10, 30]) {
      const G = randomMatrix(n, n, rand);
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = G[i * n + j] + G[j * n + i];
      const eig = jacobiEigenvalues(A, n);
      let tr = 0, fro = 0, s1 = 0, s2 = 0;
      for (let i = 0; i < n; i++) tr += A[i * n + i];
      for (const v of A) fro += v * v;
      for (const l of eig) { s1 += l; s2 += l * l; }
      expect(Math.abs(tr - s1)).toBeLessThan(1e-12 * n);
      expect(Math.abs(fro - s2) / fro).toBeLessThan(1e-13);
      for (let i = 1; i < n; i++) expect(eig[i]).toBeGreaterThanOrEqual(eig[i - 1]);
    }
  });

  it('symmetricSpectralNorm = max |λ(A − B)|; isSymmetric', () => {
    const rand = mulberry32(6);
    const Q = householder(randomMatrix(4, 1, rand));
    const B = rotatedDiagonal(Q, [1, 2, 3, 4]);
    const A = rotatedDiagonal(Q, [1.5, 2, -3, 4.25]); // A − B = Q diag(0.5, 0, −6, 0.25) Qᵀ
    expect(symmetricSpectralNorm(A, B, 4)).toBeCloseTo(6, 13);
    expect(isSymmetric(new Float64Array([1, 2, 2, 1]), 2)).toBe(true);
    expect(isSymmetric(new Float64Array([1, 2, 2.1, 1]), 2, 0.05)).toBe(false);
  });
});

describe('kernels (eq. 5, Theorem 3.1)', () => {
  it('gramInfinity special cases: diagonal ‖x‖²/2, orthogonal 0, parallel c‖x‖²/2, antiparallel 0, zero row 0', () => {
    // rows: x, 3x, −2x, orthogonal to x, zero
    const X = new Float64Array([1, 2, 2, 3, 6, 6, -2, -4, -4, 2, -1, 0, 0, 0, 0]);
    const H = gramInfinity(X, 5, 3);
    const nx2 = 9;
    expect(H[0 * 5 + 0]).toBeCloseTo(nx2 / 2, 14);
    expect(H[1 * 5 + 1]).toBeCloseTo((9 * nx2) / 2, 12);
    expect(H[0 * 5 + 1]).toBeCloseTo((3 * nx2) / 2, 12);
    expect(H[0 * 5 + 2]).toBeCloseTo(0, 14);
    expect(H[0 * 5 + 3]).toBe(0);
    for (let j = 0; j < 5; j++) { expect(H[4 * 5 + j]).toBe(0); expect(H[j * 5 + 4]).toBe(0); }
    // 60° between unit vectors: cos = ½, θ = π/3 → ½ (π − π/3)/(2π) = 1/6
    const Y = new Float64Array([1, 0, 0.5, Math.sqrt(3) / 2]);
    expect(gramInfinity(Y, 2, 2)[1]).toBeCloseTo(1 / 6, 14);
  });

  it('gramInfinity is symmetric positive definite for non-parallel rows (λ0 > 0)', () => {
    const rand = mulberry32(7);
    const n = 12, d = 5;
    const H = gramInfinity(randomUnitRows(n, d, rand), n, d);
    expect(isSymmetric(H, n, 0)).toBe(true);
    expect(jacobiEigenvalues(H, n)[0]).toBeGreaterThan(0);
  });

  it('gramInfinity agrees with Monte Carlo within 5 standard errors', () => {
    const rand = mulberry32(8);
    const n = 6, d = 3;
    const X = randomMatrix(n, d, rand);
    const H = gramInfinity(X, n, d);
    const { mean, stderr } = gramInfinityMonteCarlo(X, n, d, 40000, rand);
    for (let p = 0; p < n * n; p++) {
      expect(stderr[p]).toBeGreaterThan(0);
      expect(Math.abs(mean[p] - H[p])).toBeLessThan(5 * stderr[p]);
    }
  });

  it('gram(W) with m = 1 is x_iᵀx_j on co-active pairs; gram with huge m approaches gramInfinity like 1/√m', () => {
    const rand = mulberry32(9);
    const n = 4, d = 3;
    const X = randomUnitRows(n, d, rand);
    const w = randomMatrix(1, d, rand);
    const G1 = gram(X, n, d, w, 1);
    const Z = preactivations(X, n, d, w, 1);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let xx = 0; for (let k = 0; k < d; k++) xx += X[i * d + k] * X[j * d + k];
        expect(G1[i * n + j]).toBe(Z[i] >= 0 && Z[j] >= 0 ? xx : 0);
      }
    const Hinf = gramInfinity(X, n, d);
    const m = 200000;
    const Hm = gram(X, n, d, randomMatrix(m, d, rand), m);
    // each entry is a mean of m bounded terms |x_iᵀx_j| ≤ 1: standard deviation ≤ ½/√m
    expect(maxAbsDiff(Hm, Hinf)).toBeLessThan(5 * 0.5 / Math.sqrt(m));
    expect(symmetricSpectralNorm(Hm, Hinf, n)).toBeLessThan(symmetricSpectralNorm(gram(X, n, d, randomMatrix(50, d, rand), 50), Hinf, n));
  });

  it('kernelTrajectory for diagonal H is r_i(k) = (1 − η h_i)^k r_i(0)', () => {
    const h = [0.5, 2, 0.01], r0 = new Float64Array([1, -2, 3]), eta = 0.3, steps = 25;
    const H = new Float64Array(9);
    h.forEach((v, i) => { H[i * 3 + i] = v; });
    const { normSq, r } = kernelTrajectory(H, 3, r0, eta, steps);
    expect(normSq.length).toBe(steps + 1);
    for (let k = 0; k <= steps; k++) {
      let s = 0;
      for (let i = 0; i < 3; i++) s += ((1 - eta * h[i]) ** k * r0[i]) ** 2;
      expect(normSq[k]).toBeCloseTo(s, 12);
    }
    for (let i = 0; i < 3; i++) expect(r[i]).toBeCloseTo((1 - eta * h[i]) ** steps * r0[i], 13);
  });

  it('a wide network trained by GD follows the kernel trajectory with H∞', () => {
    const rand = mulberry32(10);
    const n = 4, d = 3, m = 20000, eta = 0.2, steps = 20;
    const X = randomUnitRows(n, d, rand), y = randomMatrix(n, 1, rand);
    const W0 = randomMatrix(m, d, rand), a0 = randomSigns(m, rand);
    const run = trainReference({ X, n, d, y, W0, a0, m, eta, steps });
    const u0 = forward(X, n, d, W0, m, a0);
    const r0 = new Float64Array(n);
    for (let i = 0; i < n; i++) r0[i] = u0[i] - y[i];
    const { normSq } = kernelTrajectory(gramInfinity(X, n, d), n, r0, eta, steps);
    for (let k = 0; k <= steps; k++) expect(Math.abs(run.residualSq[k] - normSq[k]) / normSq[k]).toBeLessThan(0.05);
    expect(run.residualSq[steps]).toBeLessThan(run.residualSq[0]);
  });

  it('solve: random system with pivoting, A x = b', () => {
    const rand = mulberry32(11);
    const n = 20;
    const A = randomMatrix(n, n, rand);
    A[0] = 0; // forces a row exchange at the first column
    const xTrue = randomMatrix(n, 1, rand);
    const b = matVec(A, n, xTrue);
    const Ac = new Float64Array(A), bc = new Float64Array(b);
    const x = solve(A, n, b);
    expect(maxAbsDiff(matVec(A, n, x), b)).toBeLessThan(1e-12);
    expect(maxAbsDiff(x, xTrue)).toBeLessThan(1e-10);
    expect(maxAbsDiff(A, Ac) + maxAbsDiff(b, bc)).toBe(0);
    expect(Array.from(solve(new Float64Array([0, 1, 1, 0]), 2, new Float64Array([2, 3])))).toEqual([3, 2]);
  });

  it('kernelRegression interpolates the training labels and is linear in y', () => {
    const rand = mulberry32(12);
    const n = 6, d = 4, t = 3;
    const Xall = randomUnitRows(n + t, d, rand);
    const Hall = gramInfinity(Xall, n + t, d);
    const Htrain = new Float64Array(n * n), Hts = new Float64Array(t * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Htrain[i * n + j] = Hall[i * (n + t) + j];
    for (let p = 0; p < t; p++) for (let j = 0; j < n; j++) Hts[p * n + j] = Hall[(n + p) * (n + t) + j];
    const y = randomMatrix(n, 1, rand);
    expect(maxAbsDiff(kernelRegression(Htrain, Htrain, y), y)).toBeLessThan(1e-10);
    const f = kernelRegression(Hts, Htrain, y);
    expect(f.length).toBe(t);
    const f2 = kernelRegression(Hts, Htrain, y.map((v) => 2 * v));
    expect(maxAbsDiff(f2, f.map((v) => 2 * v))).toBeLessThan(1e-10);
  });
});
