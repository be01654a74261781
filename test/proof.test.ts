// proof.ts against float64 computations from each definition: the flow bound, Lemma 3.3's radius,
// the exact infinite-width flow against a matrix exponential (Taylor with scaling and squaring),
// flowStepSize's guarantee against a brute-force maximum, Lemma 3.2's radius and every width.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, sphereData } from '../src/index';
import {
  distanceBound, flowBound, flowRadius, flowStepSize, flowTimes, infiniteWidthFlow, lemma32Radius, widthRequirements,
} from '../src/experiments/index';
import { gramInfinity as referenceGramInfinity } from './reference/kernels';
import { mulberry32 } from './reference/random';

beforeAll(() => init());

function matMul(A: Float64Array, B: Float64Array, n: number): Float64Array {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    const a = A[i * n + k];
    for (let j = 0; j < n; j++) C[i * n + j] += a * B[k * n + j];
  }
  return C;
}

/** exp(A) by scaling and squaring: exp(A/2^s) by 30 Taylor terms, then squared s times. */
function expm(A: Float64Array, n: number): Float64Array {
  let norm = 0;
  for (let i = 0; i < n; i++) { let row = 0; for (let j = 0; j < n; j++) row += Math.abs(A[i * n + j]); norm = Math.max(norm, row); }
  const s = Math.max(0, Math.ceil(Math.log2(norm)) + 1);
  const B = A.map((v) => v / 2 ** s);
  let term: Float64Array = new Float64Array(n * n), sum: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) { term[i * n + i] = 1; sum[i * n + i] = 1; }
  for (let k = 1; k <= 30; k++) {
    term = matMul(term, B, n).map((v) => v / k);
    sum = sum.map((v, i) => v + term[i]);
  }
  for (let i = 0; i < s; i++) sum = matMul(sum, sum, n);
  return sum;
}

describe('Theorem 3.1 and Lemma 3.3', () => {
  it('flowBound is exp(−λ0 t)‖y − u(0)‖² on t = ηk', () => {
    const times = flowTimes(0.25, 8);
    expect(times).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
    const bound = flowBound(3, 0.4, times);
    times.forEach((t, k) => expect(bound[k]).toBeCloseTo(3 * Math.exp(-0.4 * 0.25 * k), 14));
  });

  it('flowRadius is 2√n‖y − u(0)‖/(√m λ0), half of gradient descent\'s Corollary 4.1 radius', () => {
    const args = { n: 50, m: 2000, initialResidualNorm: 7, lambda0: 0.2 };
    expect(flowRadius(args)).toBeCloseTo((2 * Math.sqrt(50) * 7) / (Math.sqrt(2000) * 0.2), 12);
    expect(distanceBound(args)).toBeCloseTo(2 * flowRadius(args), 12);
    expect(flowRadius({ ...args, lambda0: 0 })).toBe(Infinity);
  });
});

describe('the exact infinite-width flow', () => {
  it('matches exp(−H∞ t) r(0) from a Taylor/scaling-and-squaring matrix exponential', () => {
    const n = 7, d = 4;
    const { X } = sphereData({ n, d, seed: 3 });
    const X64 = Float64Array.from(X.data);
    const H = referenceGramInfinity(X64, n, d);
    const random = mulberry32(5);
    const r0 = Float64Array.from({ length: n }, () => random() - 0.5);
    const times = [0, 0.3, 1, 4, 25];
    const flow = infiniteWidthFlow({ rows: n, cols: n, data: H }, r0, times);
    for (const [index, t] of times.entries()) {
      const E = expm(H.map((v) => -t * v), n);
      const expected = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expected[i] += E[i * n + j] * r0[j];
      const scale = Math.max(...expected.map(Math.abs), 1e-300);
      for (let i = 0; i < n; i++) expect(Math.abs(flow.residuals[index][i] - expected[i]) / scale).toBeLessThan(1e-10);
      const sq = expected.reduce((s, v) => s + v * v, 0);
      expect(Math.abs(flow.residualSq[index] - sq) / sq).toBeLessThan(1e-10);
    }
  });

  it('refuses an r(0) of the wrong length', () => {
    const H = { rows: 2, cols: 2, data: Float64Array.from([1, 0, 0, 1]) };
    expect(() => infiniteWidthFlow(H, [1, 2, 3], [0])).toThrow(/length 2/);
  });
});

describe('flowStepSize', () => {
  /** max over λ ∈ [0, λ_max] (a fine grid plus λ_max) and k ≤ steps of |(1 − ηλ)^k − exp(−ηλk)|. */
  function bruteForceGap(lambdaMax: number, eta: number, steps: number): number {
    let worst = 0;
    const grid = 4000;
    for (let g = 0; g <= grid; g++) {
      const lambda = (lambdaMax * g) / grid;
      let gd = 1;
      for (let k = 0; k <= steps; k++) {
        if (k > 0) gd *= 1 - eta * lambda;
        worst = Math.max(worst, Math.abs(gd - Math.exp(-eta * lambda * k)));
      }
    }
    return worst;
  }

  for (const [lambdaMax, tolerance, horizon] of [[2, 1e-2, 5], [30, 1e-3, 1], [0.5, 1e-4, 3], [10, 1e-2, 0.02], [5, 0.4, 10]] as const) {
    it(`holds against a brute-force maximum (λ_max ${lambdaMax}, tolerance ${tolerance}, horizon ${horizon})`, () => {
      const s = flowStepSize(lambdaMax, tolerance, horizon);
      expect(s.eta * s.steps).toBeCloseTo(horizon, 12);
      expect(s.tolerance).toBeLessThanOrEqual(tolerance * (1 + 1e-12));
      expect(s.eta * lambdaMax).toBeLessThanOrEqual(1);
      const gap = bruteForceGap(lambdaMax, s.eta, s.steps);
      expect(gap).toBeLessThanOrEqual(s.tolerance * (1 + 1e-9));
      // and the bound is not idle: the real gap is within a factor of about e of it
      if (s.eta * lambdaMax < 1) expect(gap).toBeGreaterThan(s.tolerance / 4);
    });
  }

  it('refuses non-positive arguments, naming them', () => {
    expect(() => flowStepSize(0, 1e-3, 1)).toThrow(/lambdaMax/);
    expect(() => flowStepSize(1, -1, 1)).toThrow(/tolerance/);
    expect(() => flowStepSize(1, 1e-3, 0)).toThrow(/horizon/);
  });
});

describe('Lemma 3.2\'s radius', () => {
  it('is √(2π)δλ0/(16n²), the R at which ¾λ0 − 4n²R/(√(2π)δ) = λ0/2', () => {
    const n = 10, lambda0 = 0.3, delta = 0.1;
    const R = lemma32Radius({ n, lambda0, delta });
    expect(R).toBeCloseTo((Math.sqrt(2 * Math.PI) * 0.1 * 0.3) / 1600, 15);
    // the proof's chain: Markov bound on Σ|ΔH_ij| at this R leaves exactly λ0/2
    expect(0.75 * lambda0 - (4 * n * n * R) / (Math.sqrt(2 * Math.PI) * delta)).toBeCloseTo(lambda0 / 2, 14);
  });
});

describe('widthRequirements', () => {
  it('gives every stated width, by hand for n = 10, λ0 = 0.5, δ = 0.1, ‖y − u(0)‖ = 3, t = 2, d = 7', () => {
    const reqs = widthRequirements({ n: 10, lambda0: 0.5, delta: 0.1, initialResidualNorm: 3, t: 2, d: 7 });
    const byId = Object.fromEntries(reqs.map((r) => [r.id, r]));
    const log = Math.log(100);
    const expected: Record<string, number> = {
      theorem31: 1e6 / 0.0625,
      theorem41: 1e6 / (0.0625 * 0.001),
      lemma31: (100 * log * log) / 0.25,
      'lemma31-proof': (256 * 100 * log * log) / 0.25,
      lemma34: (1e5 * 9) / 0.0625,
      'lemma34-proof': (512 * 1e5 * 9) / (Math.PI * 0.01 * 0.0625),
      'corollary41-proof': (2048 * 1e5 * 9) / (Math.PI * 0.01 * 0.0625),
      'seed004-init': 1e4 / 0.125 ** 2,
      'seed004-dynamics': (1e6 * 4) / 0.125 ** 2,
      quadratic: 100,
      subquadratic: 10 ** 1.5,
      nd: 70,
    };
    expect(Object.keys(byId).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, value] of Object.entries(expected)) expect(byId[id].value / value, id).toBeCloseTo(1, 12);
    expect(byId.theorem41).toMatchObject({ source: 'Theorem 4.1 (seed 002)', formula: 'n⁶/(λ0⁴δ³)', constantsTakenAsOne: true });
    expect(byId['lemma34-proof'].constantsTakenAsOne).toBe(false);
    expect(byId.quadratic.source).toMatch(/Oymak & Soltanolkotabi.*Song & Yang/);
    expect(byId.subquadratic.source).toMatch(/Song, Ramezani-Kebrya, Pethick, Eftekhari & Cevher/);
  });

  it('R′ < R exactly at Lemma 3.4\'s proof width', () => {
    const n = 20, lambda0 = 0.2, delta = 0.05, norm = 4;
    const m = widthRequirements({ n, lambda0, delta, initialResidualNorm: norm }).find((r) => r.id === 'lemma34-proof')!.value;
    const R = lemma32Radius({ n, lambda0, delta });
    expect(flowRadius({ n, m: m * 1.0001, initialResidualNorm: norm, lambda0 })).toBeLessThan(R);
    expect(flowRadius({ n, m: m * 0.9999, initialResidualNorm: norm, lambda0 })).toBeGreaterThan(R);
  });

  it('defaults: ‖y − u(0)‖² = 2n/δ (Markov), ε = λ0/4, no t entry without t', () => {
    const reqs = widthRequirements({ n: 10, lambda0: 0.5, delta: 0.1 });
    const byId = Object.fromEntries(reqs.map((r) => [r.id, r]));
    expect(byId.lemma34.value).toBeCloseTo((1e5 * 200) / 0.0625, 0);
    expect(byId['seed004-init'].value).toBeCloseTo(1e4 / 0.125 ** 2, 6);
    expect(byId['seed004-dynamics']).toBeUndefined();
    expect(() => widthRequirements({ n: 10, lambda0: 0.5, delta: 1 })).toThrow(/delta/);
  });
});
