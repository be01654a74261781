// criticalWidth on a tiny grid, held against the theorem's conclusions recomputed here in float64
// from their definitions: the run at m* passes, the failing width below it fails for the reason
// it names, the bracket is within 5%, and the fit's interval is the regression's.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, lambdaMin, sphereData, train, TwoLayerNet, gramInfinity } from '../src/index';
import { criticalWidth, fitPowerLawWithInterval, studentT975, type CriticalWidthResult } from '../src/experiments/index';
import { jacobiEigenvalues } from './reference/eigen';
import { gramInfinity as referenceGramInfinity } from './reference/kernels';

beforeAll(() => init());

/** Runs `trials` nets at width m and judges each from the definitions: λ_min(H(k)) ≥ λ0/2 at every k, ‖y − u(k)‖² ≤ (1 − ηλ0/2)^k‖y − u(0)‖². */
function judge(n: number, d: number, m: number, trials: number, steps: number, eta: number, lambda0: number, seed = 0) {
  const { X, y } = sphereData({ n, d, seed });
  let passed = 0, gramFailures = 0, rateFailures = 0;
  for (let trial = 0; trial < trials; trial++) {
    const net = TwoLayerNet.random({ d, m, seed: seed + 1 + trial });
    try {
      const r = train(net, X, y, { eta, steps, gramEvery: 1 });
      const gramOk = r.lambdaMinGram!.value.every((v) => v >= lambda0 / 2);
      const rateOk = r.status === 'done' && Array.from(r.residualSq).every((v, k) => v <= (1 - (eta * lambda0) / 2) ** k * r.residualSq[0] * (1 + 1e-12));
      if (!gramOk) gramFailures++;
      if (!rateOk) rateFailures++;
      if (gramOk && rateOk) passed++;
    } finally {
      net.dispose();
    }
  }
  return { passed, gramFailures, rateFailures };
}

describe('criticalWidth on a tiny grid', () => {
  const trials = 4, steps = 12, d = 6;
  let result: CriticalWidthResult;
  const progress: number[] = [];
  beforeAll(() => {
    result = criticalWidth({ n: [6, 12, 20], d, trials, steps, onProgress: (p) => progress.push(p.m) });
  });

  it('reports λ0 and η from H∞ (λ0 against a float64 Jacobi eigensolver; η = 1/(2λ_max(H∞)))', () => {
    for (const p of result.points) {
      const { X } = sphereData({ n: p.n, d, seed: 0 });
      const values = jacobiEigenvalues(referenceGramInfinity(Float64Array.from(X.data), p.n, d), p.n);
      expect(p.lambda0 / values[0]).toBeCloseTo(1, 8);
      expect(p.eta * 2 * p.lambdaMaxInfinity).toBeCloseTo(1, 12);
      expect(p.lambda0).toBeCloseTo(lambdaMin(gramInfinity(X)), 10);
    }
  });

  it('finds an m* where the runs pass, and fails just below it for the reason it names', () => {
    expect(result.status).toBe('done');
    expect(progress.length).toBeGreaterThan(0);
    for (const p of result.points) {
      expect(p.criticalWidth).not.toBeNull();
      const star = judge(p.n, d, p.criticalWidth!, trials, steps, p.eta, p.lambda0);
      expect(star.passed, `n = ${p.n}, m* = ${p.criticalWidth}`).toBeGreaterThanOrEqual(Math.ceil(0.9 * trials));
      if (p.failingWidth !== null) {
        // bisection in log m to 5% (or adjacent integers)
        expect(p.criticalWidth! / p.failingWidth <= 1.05 || p.criticalWidth! - p.failingWidth === 1).toBe(true);
        const below = judge(p.n, d, p.failingWidth, trials, steps, p.eta, p.lambda0);
        expect(below.passed).toBeLessThan(Math.ceil(0.9 * trials));
        const recorded = p.evaluations.find((e) => e.m === p.failingWidth)!;
        expect({ gram: recorded.gramFailures, rate: recorded.rateFailures }).toEqual({ gram: below.gramFailures, rate: below.rateFailures });
        const expectedBinds = below.gramFailures > below.rateFailures ? 'gram' : below.rateFailures > below.gramFailures ? 'rate' : 'both';
        expect(p.binds).toBe(expectedBinds);
      }
      // m* is the smallest passing width tried above the largest failing one: no passing width between
      for (const e of p.evaluations) {
        if (e.passes) expect(e.m).toBeGreaterThanOrEqual(p.criticalWidth!);
        if (e.m === p.criticalWidth) expect(e.passes).toBe(true);
      }
      expect(p.requirements.map((r) => r.id)).toContain('theorem41');
    }
  });

  it('fits m* ∝ n^p with the regression\'s interval', () => {
    const ns = result.points.map((p) => p.n), ms = result.points.map((p) => p.criticalWidth!);
    expect(result.fit).toBeDefined();
    const direct = fitPowerLawWithInterval(ns, ms);
    expect(result.fit!.slope).toBeCloseTo(direct.slope, 12);
    expect(result.fit!.slopeInterval).toEqual(direct.slopeInterval);
  });

  it('counts each conclusion\'s failures at every width tried (from m = 1, where the rate fails too)', () => {
    const long = 80; // long enough that (1 − ηλ0/2)^k overtakes what a few neurons can fit
    const r = criticalWidth({ n: [12], d, trials: 3, steps: long, initialWidth: () => 1 });
    const p = r.points[0];
    expect(p.evaluations[0].m).toBe(1);
    expect(p.evaluations.some((e) => e.rateFailures > 0)).toBe(true);
    for (const e of p.evaluations) {
      const again = judge(12, d, e.m, 3, long, p.eta, p.lambda0);
      expect({ m: e.m, passed: e.passed, gram: e.gramFailures, rate: e.rateFailures })
        .toEqual({ m: e.m, passed: again.passed, gram: again.gramFailures, rate: again.rateFailures });
    }
  });

  it('stops on an aborted signal', () => {
    const controller = new AbortController();
    controller.abort();
    const r = criticalWidth({ n: [6], d, trials: 1, steps: 2, signal: controller.signal });
    expect(r.status).toBe('aborted');
    expect(r.points).toEqual([]);
  });

  it('names bad arguments', () => {
    expect(() => criticalWidth({ n: [], d, trials: 1, steps: 2 })).toThrow(/n must be a non-empty array/);
    expect(() => criticalWidth({ n: [6], d, trials: 0, steps: 2 })).toThrow(/trials/);
    expect(() => criticalWidth({ n: [6], d, trials: 1, steps: 2, passFraction: 1.5 })).toThrow(/passFraction/);
  });
});

describe('fitPowerLawWithInterval', () => {
  it('is the ordinary least-squares slope, its standard error and the t interval, from the definitions', () => {
    const x = [10, 20, 40, 80, 160], y = [3, 7.5, 13, 31, 58];
    const lx = x.map(Math.log), ly = y.map(Math.log);
    const N = x.length, mx = lx.reduce((a, b) => a + b) / N, my = ly.reduce((a, b) => a + b) / N;
    const sxx = lx.reduce((s, v) => s + (v - mx) ** 2, 0);
    const slope = lx.reduce((s, v, i) => s + (v - mx) * (ly[i] - my), 0) / sxx;
    const residuals = ly.map((v, i) => v - (my + slope * (lx[i] - mx)));
    const se = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / (N - 2) / sxx);
    const fit = fitPowerLawWithInterval(x, y);
    expect(fit.slope).toBeCloseTo(slope, 12);
    expect(fit.slopeStandardError).toBeCloseTo(se, 12);
    expect(fit.slopeInterval[0]).toBeCloseTo(slope - 3.182 * se, 12);
    expect(fit.slopeInterval[1]).toBeCloseTo(slope + 3.182 * se, 12);
    expect(studentT975(1)).toBe(12.706);
    expect(studentT975(1000)).toBeCloseTo(1.962, 3);
    const exact = fitPowerLawWithInterval([1, 2, 4], [5, 20, 80]);
    expect(exact.slope).toBeCloseTo(2, 12);
    expect(exact.slopeStandardError).toBeCloseTo(0, 10);
  });
});
