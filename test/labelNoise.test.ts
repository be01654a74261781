// labelNoiseSweep (issue 15 §3): the nested label noise, the bound and distances against float64
// references on the labels each run used, the measured distance and test error against the
// library's own pieces, and the checks on hand-made runs.
import { describe, it, expect, beforeAll } from 'vitest';
import {
  init, loadDigits, labelNoiseSweep, labelNoiseChecks, nestedLabelNoise, withLabelNoise, ORDERING_TAU, type LabelNoiseRun,
} from '../src/index.js';
import { gramInfinity as refGramInfinity } from './reference/kernels.js';
import { dot, jacobiEigenpairs, quadraticFormWithInverse } from './reference/modes.js';

beforeAll(() => init());

describe('nestedLabelNoise', () => {
  it("replaces withLabelNoise's rows for each p, nested in p, with one set of random values", () => {
    const y = Float32Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? 1 : -1));
    const sets = nestedLabelNoise(y, [0, 0.3, 0.6, 1], 4);
    const all = withLabelNoise(y, 1, 4).y;
    for (const set of sets) {
      expect(Array.from(set.replaced)).toEqual(Array.from(withLabelNoise(y, set.p, 4).replaced));
      expect(set.replaced.length).toBe(Math.round(set.p * 50));
      for (let i = 0; i < 50; i++) expect(set.y[i]).toBe(set.replaced.includes(i) ? all[i] : y[i]);
      expect(set.changed).toBe(set.y.filter((v, i) => v !== y[i]).length);
    }
    for (let k = 1; k < sets.length; k++) {
      for (const i of sets[k - 1].replaced) expect(sets[k].replaced.includes(i)).toBe(true);
    }
    expect(Array.from(sets[3].y)).toEqual(Array.from(all));
  });
});

describe('labelNoiseSweep on a small digits problem (n = 30, m = 400)', () => {
  const noise = [0, 0.5, 1];
  let data: Awaited<ReturnType<typeof loadDigits>>;
  let result: ReturnType<typeof labelNoiseSweep>;
  beforeAll(async () => {
    data = await loadDigits({ task: [3, 8], n: 30, nTest: 60, seed: 2 });
    result = labelNoiseSweep({ data, noise, m: 400, steps: 40, seed: 2, every: 10 });
  });

  it('bound, Lemma 5.3 distance and label spectrum on the labels each run used, against float64 Jacobi and Gauss–Jordan', () => {
    const n = 30;
    const H = refGramInfinity(Float64Array.from(data.X.data), n, 64);
    const ref = jacobiEigenpairs(H, n);
    result.eigenvalues.forEach((v, i) => expect(v).toBeCloseTo(ref.values[i], 9));
    const sets = nestedLabelNoise(data.y, noise, 2);
    result.runs.forEach((run, k) => {
      const y = sets[k].y;
      const q = quadraticFormWithInverse(H, n, y);
      expect(run.bound / Math.sqrt(2 * q / n) - 1).toBeCloseTo(0, 6);
      expect(run.distance / Math.sqrt(q) - 1).toBeCloseTo(0, 6);
      expect(run.replaced).toBe(sets[k].replaced.length);
      let total = 0;
      for (let i = 0; i < n; i++) {
        total += dot(ref.vectors[i], y) ** 2;
        expect(Math.abs(run.spectrum.cumulativeShare[i] - total / dot(y, y))).toBeLessThan(1e-9);
      }
    });
  });

  it('records the curves, the test error every 10 steps, the distances and the selected modes', () => {
    expect(result.status).toBe('done');
    expect(result.eta).toBeCloseTo(1 / result.lambdaMax, 12);
    for (const run of result.runs) {
      expect(run.residualSq).toHaveLength(41);
      // a(0) 'symmetric': u(0) = 0, so ‖y − u(0)‖² = ‖y‖² = n and Theorem 4.1's curve starts there too.
      expect(run.residualSq[0]).toBeCloseTo(30, 4);
      expect(run.predictedResidualSq[0]).toBeCloseTo(30, 9);
      expect(run.testError.step).toEqual([0, 10, 20, 30, 40]);
      expect(run.testError.value[0]).toBe(1); // f = 0: every sign is wrong
      expect(run.measuredDistance).toBeGreaterThan(0);
      // The kernel regime's distance after K steps is below its limit √(yᵀ(H∞)⁻¹y).
      expect(run.distanceAtK).toBeLessThan(run.distance);
      expect(run.modes.modes).toEqual([0, 1, 2, 27, 28, 29]);
      expect(run.modes.steps).toEqual([0, 10, 20, 30, 40]);
      expect(run.rates).toHaveLength(30);
    }
    expect(result.checks.map((c) => c.id)).toEqual(['true-labels-faster', 'bound-increases', 'distance-increases', 'bound-orders-test-error']);
  });

  it('rejects bad noise lists', () => {
    expect(() => labelNoiseSweep({ data, noise: [0, 1.5] })).toThrow(/noise must be a non-empty list of fractions/);
    expect(() => labelNoiseSweep({ data, noise: [] })).toThrow(/noise/);
  });
});

describe('labelNoiseChecks', () => {
  const run = (p: number, relativeResidual: number, bound: number, measuredDistance: number, test: number) =>
    ({ p, relativeResidual, bound, measuredDistance, distance: bound * 10, distanceAtK: bound * 5, testError: { step: [10], value: [test] } }) as unknown as LabelNoiseRun;

  it('passes the paper\'s picture and fails each claim on its own counter-example, with the numbers', () => {
    const good = [run(0, 0.1, 2, 10, 0.05), run(0.5, 0.3, 4, 12, 0.2), run(1, 0.5, 5, 13, 0.45)];
    expect(labelNoiseChecks(good).map((c) => c.passed)).toEqual([true, true, true, true]);
    const bad = [run(0, 0.6, 3, 14, 0.4), run(0.5, 0.3, 2, 12, 0.2), run(1, 0.5, 5, 13, 0.05)];
    const checks = labelNoiseChecks(bad);
    expect(checks.map((c) => c.passed)).toEqual([false, false, false, false]);
    expect(checks[3].detail).toMatch(/τ = -0\.333.*discordant pairs: \(p=0, p=1\)/);
    expect(ORDERING_TAU).toBe(0.6);
  });

  it('is undecided (null) with too few runs or without test data', () => {
    const checks = labelNoiseChecks([run(0, 0.1, 2, 10, 0.05)]);
    expect(checks.map((c) => c.passed)).toEqual([null, null, null, null]);
  });
});
