// α, γ and the output initialisations of TwoLayerNet (DESIGN §7.1), against the formulas in float64.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, OverparamError, TwoLayerNet } from '../src/index';
import { gradientFactor, outputFactor } from '../src/parametrisation';
import { preactivations } from './reference/network';
import { mulberry32, randomUnitRows } from './reference/random';

beforeAll(async () => { await init(); });

/** u_i = α·m^(−γ)·Σ_r a_r relu(w_rᵀx_i), straight from DESIGN §7.1. */
function forwardScaled(X: Float64Array, n: number, d: number, W: Float64Array, m: number, a: Float64Array, alpha: number, gamma: number) {
  const Z = preactivations(X, n, d, W, m);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 0; r < m; r++) s += a[r] * Math.max(Z[i * m + r], 0);
    u[i] = alpha * Math.pow(m, -gamma) * s;
  }
  return u;
}

describe('α and γ', () => {
  it('keep the paper\'s factors bit for bit at α = 1, γ = ½', () => {
    for (const m of [1, 3, 100, 10_000]) {
      expect(outputFactor({ outputScale: 1, widthExponent: 0.5 }, m)).toBe(1 / Math.sqrt(m));
      expect(gradientFactor({ outputScale: 1, widthExponent: 0.5 }, m)).toBe(1 / Math.sqrt(m));
    }
  });

  it.each([[1, 0.5], [10, 0.5], [0.01, 1], [3, 0], [0.5, 2]])('scale predict as α·m^(−γ) (α = %s, γ = %s)', (alpha, gamma) => {
    const n = 7, d = 5, m = 66;
    const rand = mulberry32(11);
    const X = randomUnitRows(n, d, rand);
    const net = TwoLayerNet.random({ d, m, seed: 4, outputScale: alpha, widthExponent: gamma });
    const { W, a } = net.weights();
    const expected = forwardScaled(X, n, d, Float64Array.from(W.data), m, Float64Array.from(a), alpha, gamma);
    const u = net.predict({ rows: n, cols: d, data: Float32Array.from(X) });
    for (let i = 0; i < n; i++) expect(u[i]).toBeCloseTo(expected[i], 4 - Math.max(0, Math.log10(Math.abs(expected[i]) + 1)));
    expect(net.outputScale).toBe(alpha);
    expect(net.widthExponent).toBe(gamma);
    net.dispose();
  });

  it('draw the same W whatever α and γ are', () => {
    const a = TwoLayerNet.random({ d: 4, m: 10, seed: 9 });
    const b = TwoLayerNet.random({ d: 4, m: 10, seed: 9, outputScale: 100, widthExponent: 1 });
    expect(b.weights()).toEqual(a.weights());
    a.dispose(); b.dispose();
  });

  it.each([
    [{ outputScale: 0 }, /outputScale \(α\) must be a finite number > 0, got 0/],
    [{ outputScale: -1 }, /outputScale \(α\) must be a finite number > 0/],
    [{ outputScale: Infinity }, /outputScale/],
    [{ widthExponent: -0.1 }, /widthExponent \(γ\) must be a number in \[0, 2\]/],
    [{ widthExponent: NaN }, /widthExponent/],
    [{ outputInit: 'uniform' }, /outputInit must be one of 'sign', 'gaussian', 'symmetric', got "uniform"/],
    [{ outputInit: 'symmetric', m: 5 }, /m must be even, got 5/],
  ])('refuse %o with a named error', (extra, message) => {
    const call = () => TwoLayerNet.random({ d: 3, m: 4, ...(extra as object) } as Parameters<typeof TwoLayerNet.random>[0]);
    expect(call).toThrow(OverparamError);
    expect(call).toThrow(message);
  });
});

describe('output initialisations', () => {
  it("'sign' is the default and draws ±1", () => {
    const net = TwoLayerNet.random({ d: 3, m: 200, seed: 1 });
    expect(net.outputInit).toBe('sign');
    expect(Array.from(net.weights().a).every((v) => v === 1 || v === -1)).toBe(true);
    net.dispose();
  });

  it("'gaussian' draws a_r ~ N(0, 1): mean and variance within 5 standard errors", () => {
    const m = 20_000;
    const net = TwoLayerNet.random({ d: 2, m, seed: 3, outputInit: 'gaussian' });
    const { a } = net.weights();
    let mean = 0, sq = 0;
    for (const v of a) { mean += v; sq += v * v; }
    mean /= m; sq /= m;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(m));          // sd of the mean: 1/√m
    expect(Math.abs(sq - 1)).toBeLessThan(5 * Math.sqrt(2 / m));     // sd of the mean of a²: √(2/m)
    net.dispose();
  });

  it("'symmetric' pairs neurons 2r and 2r + 1 (same w, opposite a), so f(W(0)) = 0 exactly", () => {
    const n = 9, d = 6, m = 130;
    const net = TwoLayerNet.random({ d, m, seed: 5, outputInit: 'symmetric', outputScale: 7 });
    const { W, a } = net.weights();
    const plain = TwoLayerNet.random({ d, m: m / 2, seed: 5 }).weights();
    for (let r = 0; r < m; r += 2) {
      expect(a[r + 1]).toBe(-a[r]);
      expect(a[r]).toBe(plain.a[r / 2]);      // the pairs' w and a are the width-m/2 net's
      expect(W.data.subarray((r + 1) * d, (r + 2) * d)).toEqual(W.data.subarray(r * d, (r + 1) * d));
      expect(W.data.subarray(r * d, (r + 1) * d)).toEqual(plain.W.data.subarray((r / 2) * d, (r / 2 + 1) * d));
    }
    const X = randomUnitRows(n, d, mulberry32(2));
    expect(Array.from(net.predict({ rows: n, cols: d, data: Float32Array.from(X) }))).toEqual(new Array(n).fill(0));
    net.dispose();
  });

  it('fromWeights takes α, γ and checks a claimed symmetric pairing', () => {
    const W = { rows: 2, cols: 2, data: new Float32Array([1, 2, 1, 2]) };
    const net = TwoLayerNet.fromWeights(W, new Float32Array([1, -1]), { outputScale: 2, widthExponent: 1, outputInit: 'symmetric' });
    expect([net.outputScale, net.widthExponent, net.outputInit]).toEqual([2, 1, 'symmetric']);
    net.dispose();
    expect(() => TwoLayerNet.fromWeights(W, new Float32Array([1, 1]), { outputInit: 'symmetric' })).toThrow(/a\[1\] = −a\[0\]/);
    expect(() => TwoLayerNet.fromWeights({ rows: 1, cols: 2, data: new Float32Array([1, 2]) }, new Float32Array([1]),
      { outputInit: 'symmetric' })).toThrow(/an even m, got 1/);
    expect(() => TwoLayerNet.fromWeights({ rows: 2, cols: 2, data: new Float32Array([1, 2, 1, 3]) }, new Float32Array([1, -1]),
      { outputInit: 'symmetric' })).toThrow(/row 1 of W equal to row 0/);
    const g = TwoLayerNet.fromWeights(W, new Float32Array([0.3, -1]));
    expect(g.outputInit).toBe('gaussian');
    g.dispose();
  });
});

describe('training with α and γ (ReLU)', () => {
  // 100 steps against DESIGN §7.1's float64 oracle; the step η·m^(2γ−1) keeps the function-space
  // dynamics the same for every α and γ, so one η fits all the cases.
  it.each([
    [1, 0.5, 'sign', false], [10, 0.5, 'gaussian', false], [0.1, 1, 'symmetric', false],
    [3, 1, 'sign', true], [0.5, 0, 'symmetric', true],
  ] as const)('α = %s, γ = %s, outputInit %s, joint %s: ‖y − u(k)‖² within 1e-3 of the oracle in both forms',
    async (alpha, gamma, outputInit, joint) => {
      const { train } = await import('../src/index');
      const { denseTrajectory } = await import('./reference/dense');
      const n = 13, d = 7, m = 66, steps = 100, eta = 0.3;
      const rand = mulberry32(21);
      const X = randomUnitRows(n, d, rand);
      const y = Float64Array.from({ length: n }, () => rand() * 2 - 1);
      for (const method of ['kernel', 'primal'] as const) {
        const net = TwoLayerNet.random({ d, m, seed: 8, outputScale: alpha, widthExponent: gamma, outputInit });
        const { W, a } = net.weights();
        const expected = denseTrajectory({ X, y, n, d, m, eta, trainOutputLayer: joint, model: { act: 'relu', alpha, gamma } },
          Float64Array.from(W.data), Float64Array.from(a), steps, method);
        const result = train(net, { rows: n, cols: d, data: Float32Array.from(X) }, Float32Array.from(y),
          { eta, steps, method, trainOutputLayer: joint });
        expect(result.status).toBe('done');
        for (let k = 0; k <= steps; k++) {
          expect(Math.abs(result.residualSq[k] - expected[k]), `${method} step ${k}`).toBeLessThanOrEqual(1e-3 * expected[k] + 1e-6);
        }
        net.dispose();
      }
    });
});
