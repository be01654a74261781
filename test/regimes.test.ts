// regimeSweep (issue 13 §3) against float64 computations from the definitions (DESIGN §7.3), the
// lazy limit α → ∞, and the checks' 'not applicable' verdicts.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, sphereData, train, TwoLayerNet } from '../src/index';
import { regimeChecks, regimeSweep, type RegimeSweepResult } from '../src/experiments/index';
import { gram as referenceGram } from './reference/kernels';
import { jacobiEigenvalues, symmetricSpectralNorm } from './reference/eigen';

beforeAll(() => init());

describe('regimeSweep: the recorded quantities against their definitions (float64)', () => {
  const n = 12, d = 6, t = 4, steps = 15, seed = 5;
  let result: RegimeSweepResult;
  beforeAll(() => {
    result = regimeSweep({ n, d, testPoints: t, widths: [20, 40], alphas: [0.3, 1, 10], gammas: [0.5, 1], steps, seed });
  });

  it('runs the whole grid, sorted, with one η', () => {
    expect(result.status).toBe('done');
    expect(result.runs).toHaveLength(2 * 3 * 2);
    expect(result.runs.every((r) => r.status === 'done' && r.stepsRun === steps)).toBe(true);
    expect(result.referenceAlpha).toBe(1);
  });

  it('matches ‖W(K) − W(0)‖_F/‖W(0)‖_F, ‖H(K) − H(0)‖₂/‖H(0)‖₂, the pattern changes and the held-out gap computed from the weights', () => {
    const all = sphereData({ n: n + t, d, seed });
    const X = { rows: n, cols: d, data: all.X.data.slice(0, n * d) }, y = all.y.slice(0, n);
    const T = { rows: t, cols: d, data: all.X.data.slice(n * d) };
    const X64 = Float64Array.from(X.data), T64 = Float64Array.from(T.data);
    const eta = result.parameters.eta;
    for (const run of result.runs) {
      const net = TwoLayerNet.random({ d, m: run.m, seed: seed + 1, outputInit: 'symmetric', outputScale: run.alpha, widthExponent: run.gamma });
      const W0 = Float64Array.from(net.weights().W.data);
      train(net, X, y, { eta, steps });
      const WK = Float64Array.from(net.weights().W.data);
      const fNet = net.predict(T);
      net.dispose();
      const m = run.m;
      // Relative movement.
      let diff = 0, base = 0;
      for (let i = 0; i < W0.length; i++) { diff += (WK[i] - W0[i]) ** 2; base += W0[i] ** 2; }
      expect(run.weightMovement).toBeCloseTo(Math.sqrt(diff / base), 12);
      // Relative kernel change: eq. (5) in float64, spectral norms by Jacobi.
      const H0 = referenceGram(X64, n, d, W0, m), HK = referenceGram(X64, n, d, WK, m);
      const norm0 = jacobiEigenvalues(H0, n)[n - 1];
      expect(Math.abs(run.kernelChange - symmetricSpectralNorm(HK, H0, n) / norm0)).toBeLessThan(1e-9);
      // Pattern changes: sign z_ir(K) ≠ sign z_ir(0), z = w_rᵀx_i.
      let flipped = 0;
      for (let i = 0; i < n; i++) {
        for (let r = 0; r < m; r++) {
          let z0 = 0, zK = 0;
          for (let j = 0; j < d; j++) { z0 += X64[i * d + j] * W0[r * d + j]; zK += X64[i * d + j] * WK[r * d + j]; }
          if ((z0 >= 0) !== (zK >= 0)) flipped++;
        }
      }
      expect(run.patternChangeFraction).toBeCloseTo(flipped / (n * m), 12);
      // The linearised model with H(0) of this W(0): r(k+1) = (I − ηH(0)) r(k), f_lin = H(0)(T, X)·η Σ_k r(k).
      const stacked = new Float64Array((t + n) * d);
      stacked.set(T64); stacked.set(X64, t * d);
      const Hs = referenceGram(stacked, t + n, d, W0, m);
      let r = Float64Array.from(y);
      const sum = new Float64Array(n);
      for (let k = 0; k < steps; k++) {
        const next = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          sum[i] += eta * r[i];
          let Hr = 0;
          for (let j = 0; j < n; j++) Hr += Hs[(t + i) * (t + n) + t + j] * r[j];
          next[i] = r[i] - eta * Hr;
        }
        r = next;
      }
      let gapSq = 0;
      for (let p = 0; p < t; p++) {
        let fLin = 0;
        for (let j = 0; j < n; j++) fLin += Hs[p * (t + n) + t + j] * sum[j];
        gapSq += (fNet[p] - fLin) ** 2;
      }
      // f_net is float32 (≈ 1e-7 relative to f ~ 1); the linearised model is float64 in both.
      expect(Math.abs(run.testGap - Math.sqrt(gapSq / t))).toBeLessThan(1e-5);
    }
  });

  it('trains (α, γ, m) exactly as (α·m^(½−γ), ½, m): the recorded numbers agree', () => {
    // Forward α·m^(−γ) and step m^(γ−1)/α are both unchanged (DESIGN §7.1); floats differ by rounding only.
    const m = 40, alpha = 10;
    const meanField = result.runs.find((r) => r.m === m && r.gamma === 1 && r.alpha === alpha)!;
    const twin = regimeSweep({ n, d, testPoints: t, widths: [m], alphas: [alpha / Math.sqrt(m)], gammas: [0.5], steps, seed, eta: result.parameters.eta }).runs[0];
    expect(twin.weightMovement).toBeCloseTo(meanField.weightMovement, 5);
    expect(twin.patternChangeFraction).toBe(meanField.patternChangeFraction);
  });
});

describe('the lazy limit α → ∞ (γ = ½)', () => {
  let result: RegimeSweepResult;
  beforeAll(() => {
    result = regimeSweep({ n: 20, d: 10, testPoints: 10, widths: [400], alphas: [1, 10, 100], gammas: [0.5], steps: 40, seed: 2 });
  });

  it('the net’s held-out predictions approach the linearised model’s', () => {
    const gaps = result.runs.map((r) => r.testGapRelative);
    // Tolerance: the linearisation error comes from the flipped patterns; their contributions
    // (±, paired by the symmetric start) add like a random walk, so the gap falls at least like α^(−½):
    // a factor √100 = 10 from α = 1 to 100, of which we ask 5. The float32 floor (≈ 1e-6 relative) is far below.
    expect(gaps[1]).toBeLessThan(gaps[0]);
    expect(gaps[2]).toBeLessThan(gaps[1]);
    expect(gaps[2]).toBeLessThan(gaps[0] / 5);
    expect(gaps[2]).toBeLessThan(0.01);
  });

  it('movement·α approaches a constant, and the kernel stays put', () => {
    const [a, b, c] = result.movementTimesAlpha[0].values;
    // Lazy: movement = c/α + O(1/α²); the correction shrinks with α.
    expect(Math.abs(c / b - 1)).toBeLessThan(Math.abs(b / a - 1) + 1e-4);
    expect(Math.abs(c / b - 1)).toBeLessThan(0.01);
    expect(result.runs[2].kernelChange).toBeLessThan(0.02);
  });
});

describe('regimeChecks', () => {
  it('says "not applicable" where the grid cannot decide, and passes at the defaults’ shape on a small case', () => {
    const narrow = regimeSweep({ n: 10, d: 5, testPoints: 3, widths: [20], alphas: [1], gammas: [0.5], steps: 5 });
    const checks = regimeChecks(narrow);
    const verdict = (id: string) => checks.find((c) => c.id === id)!.passed;
    for (const id of ['lazy-at-large-alpha', 'movement-times-alpha-constant', 'feature-learning-small-alpha', 'movement-width-slope', 'kernel-change-width-slope', 'feature-learning-mean-field']) {
      expect(verdict(id), id).toBeNull();
    }
    expect(verdict('one-step-size')).toBe(true);
  });

  it('fails one-step-size when η is past 2/λ_max, naming the numbers', () => {
    const r = regimeSweep({ n: 10, d: 5, testPoints: 3, widths: [20], alphas: [1], gammas: [0.5], steps: 5, eta: 50 });
    const check = regimeChecks(r).find((c) => c.id === 'one-step-size')!;
    expect(check.passed).toBe(false);
    expect(check.detail).toMatch(/η = 50/);
  });

  it('refuses odd widths and empty lists', () => {
    expect(() => regimeSweep({ widths: [21] })).toThrow(/even/);
    expect(() => regimeSweep({ alphas: [] })).toThrow(/non-empty/);
  });
});
