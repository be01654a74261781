// Eigenmodes of training (Arora et al. 2019, Section 4): projections, the kernel-regime decay, the
// small-initialisation residual (their Theorem 4.1) and fitted rates, against float64 references
// written from the formulas (test/reference/modes.ts), and against a wide network's training.
import { describe, it, expect, beforeAll } from 'vitest';
import {
  init, eigh, gramInfinity, sphereData, train, TwoLayerNet, spectralNormOfDifference,
  labelSpectrum, modeProjections, predictedModeDecay, fitModeRates, smallInitResidualPrediction, createModeRecorder,
} from '../src/index.js';
import { gramInfinity as refGramInfinity } from './reference/kernels.js';
import { jacobiEigenpairs, dot, residualRecursionNorms } from './reference/modes.js';

beforeAll(() => init());

/** A small problem: unit rows, Gaussian labels, H∞ from the package and from the reference. */
function problem(n: number, d: number, seed: number) {
  const { X, y } = sphereData({ n, d, seed });
  const Hinf = gramInfinity(X);
  const Href = refGramInfinity(Float64Array.from(X.data), n, d);
  return { X, y, Hinf, eigen: eigh(Hinf), ref: jacobiEigenpairs(Href, n), Href };
}

const SIZES: [number, number][] = [[1, 3], [2, 3], [7, 5], [13, 6]];

describe('labelSpectrum', () => {
  it.each(SIZES)('n = %i: (v_iᵀy)² with λ descending and the cumulative share, as the reference Jacobi eigenvectors give', (n, d) => {
    const { y, eigen, ref } = problem(n, d, 11 + n);
    const s = labelSpectrum(eigen, y);
    const total = dot(y, y);
    for (let i = 0; i < n; i++) {
      expect(s.eigenvalues[i]).toBeCloseTo(ref.values[i], 12);
      expect(Math.abs(s.energy[i] - dot(ref.vectors[i], y) ** 2)).toBeLessThan(1e-12 * total);
    }
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += dot(ref.vectors[i], y) ** 2;
      expect(Math.abs(s.cumulativeShare[i] - running / total)).toBeLessThan(1e-12);
    }
    expect(s.cumulativeShare[n - 1]).toBe(1);
    expect(Math.abs(s.total - total)).toBeLessThan(1e-12 * total);
  });

  it('gives shares of 0 for y = 0', () => {
    const { eigen } = problem(7, 5, 1);
    expect(Array.from(labelSpectrum(eigen, new Float64Array(7)).cumulativeShare)).toEqual(new Array(7).fill(0));
  });
});

describe('modeProjections', () => {
  it.each(SIZES)('n = %i: p_i = v_iᵀr (up to the eigenvector sign), Σp_i² = ‖r‖² and Σλ_i p_i² = rᵀH∞r', (n, d) => {
    const { eigen, ref, Href } = problem(n, d, 30 + n);
    const r = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * i + 1));
    const { modes, eigenvalues, projections } = modeProjections(eigen, r);
    expect(Array.from(modes)).toEqual(Array.from({ length: n }, (_, i) => i));
    let sumSq = 0, sumLambda = 0;
    for (let i = 0; i < n; i++) {
      expect(Math.abs(Math.abs(projections[i]) - Math.abs(dot(ref.vectors[i], r)))).toBeLessThan(1e-12 * Math.sqrt(dot(r, r)));
      expect(eigenvalues[i]).toBeCloseTo(ref.values[i], 12);
      sumSq += projections[i] ** 2;
      sumLambda += eigenvalues[i] * projections[i] ** 2;
    }
    let rHr = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rHr += r[i] * Href[i * n + j] * r[j];
    expect(sumSq).toBeCloseTo(dot(r, r), 12);
    expect(sumLambda).toBeCloseTo(rHr, 12);
  });

  it('selects the top and bottom K by rank (capped at n, overlaps once), with the same values as "all"', () => {
    const { eigen } = problem(7, 5, 4);
    const r = Float64Array.from({ length: 7 }, (_, i) => i - 3);
    const all = modeProjections(eigen, r);
    const some = modeProjections(eigen, r, { top: 2, bottom: 3 });
    expect(Array.from(some.modes)).toEqual([0, 1, 4, 5, 6]);
    for (let j = 0; j < some.modes.length; j++) expect(some.projections[j]).toBe(all.projections[some.modes[j]]);
    expect(Array.from(modeProjections(eigen, r, { top: 5, bottom: 5 }).modes)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(modeProjections(eigen, r, { top: 100 }).modes)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(modeProjections(eigen, r, { bottom: 1 }).modes)).toEqual([6]);
  });

  it('orders modes by decreasing λ whatever order the decomposition lists them in', () => {
    const { eigen } = problem(7, 5, 4);
    const n = 7, reversed = { values: eigen.values.slice().reverse(), vectors: { rows: n, cols: n, data: new Float64Array(n * n) } };
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) reversed.vectors.data[i * n + j] = eigen.vectors.data[i * n + (n - 1 - j)];
    const r = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    expect(Array.from(modeProjections(reversed, r).projections)).toEqual(Array.from(modeProjections(eigen, r).projections));
  });

  it('names the argument on bad shapes and selections', () => {
    const { eigen } = problem(7, 5, 4);
    expect(() => modeProjections(eigen, new Float64Array(6))).toThrow(/modeProjections: residual must have length 7/);
    expect(() => modeProjections(eigen, new Float64Array(7), { top: -1 })).toThrow(/which.top/);
    expect(() => modeProjections(eigen, new Float64Array(7), {})).toThrow(/selects no mode/);
    expect(() => modeProjections(eigen, new Float64Array(7), 'some' as never)).toThrow(/'all' or \{ top\?, bottom\? \}/);
    expect(() => modeProjections({ values: eigen.values, vectors: { rows: 6, cols: 6, data: new Float64Array(36) } }, new Float64Array(7)))
      .toThrow(/eigen.vectors must have 7 rows/);
    expect(() => labelSpectrum(eigen, Float64Array.of(1, 2, 3, 4, 5, 6, NaN))).toThrow(/y\[6\] is NaN/);
  });
});

describe('predictedModeDecay and smallInitResidualPrediction', () => {
  it.each(SIZES)('n = %i: p_i(k) = (1 − ηλ_i)^k p_i(0), and its norm is ‖(I − ηH∞)^k r(0)‖ iterated directly', (n, d) => {
    const { eigen, ref, Href } = problem(n, d, 50 + n);
    const r0 = Float64Array.from({ length: n }, (_, i) => 1 + Math.cos(2 * i));
    const eta = 1 / ref.values[0], steps = 9;
    const decay = predictedModeDecay(eigen, modeProjections(eigen, r0), eta, steps);
    expect(decay.projections.rows).toBe(steps + 1);
    expect(Array.from(decay.steps)).toEqual(Array.from({ length: steps + 1 }, (_, k) => k));
    const direct = residualRecursionNorms(Href, n, r0, eta, steps);
    for (let k = 0; k <= steps; k++) {
      let sumSq = 0;
      for (let i = 0; i < n; i++) {
        const p = decay.projections.data[k * n + i], p0 = decay.projections.data[i];
        expect(Math.abs(p - (1 - eta * ref.values[i]) ** k * p0)).toBeLessThanOrEqual(1e-12 * Math.abs(p0) + 1e-300);
        sumSq += p * p;
      }
      expect(Math.abs(Math.sqrt(sumSq) - direct[k])).toBeLessThan(1e-12 * direct[0]);
    }
  });

  it.each(SIZES)('n = %i: Theorem 4.1\'s √(Σ(1 − ηλ_i)^(2k)(v_iᵀy)²) equals ‖(I − ηH∞)^k y‖ iterated directly', (n, d) => {
    const { y, eigen, ref, Href } = problem(n, d, 70 + n);
    for (const eta of [0.3 / ref.values[0], 1.7 / ref.values[0]]) {
      const got = smallInitResidualPrediction(eigen, y, eta, 25);
      const want = residualRecursionNorms(Href, n, y, eta, 25);
      expect(got.length).toBe(26);
      for (let k = 0; k <= 25; k++) expect(Math.abs(got[k] - want[k])).toBeLessThan(1e-12 * want[0]);
    }
  });

  it('keeps the selection of p0, and takes a plain array of all n projections in rank order', () => {
    const { eigen } = problem(7, 5, 9);
    const p0 = modeProjections(eigen, Float64Array.from({ length: 7 }, (_, i) => i + 1), { top: 1, bottom: 2 });
    const some = predictedModeDecay(eigen, p0, 0.5, 3);
    expect(Array.from(some.modes)).toEqual([0, 5, 6]);
    const all = predictedModeDecay(eigen, modeProjections(eigen, Float64Array.from({ length: 7 }, (_, i) => i + 1)).projections, 0.5, 3);
    for (let k = 0; k <= 3; k++) for (let j = 0; j < 3; j++) expect(some.projections.data[k * 3 + j]).toBe(all.projections.data[k * 7 + some.modes[j]]);
    expect(() => predictedModeDecay(eigen, new Float64Array(6), 0.5, 3)).toThrow(/p0 must have length 7/);
    expect(() => predictedModeDecay(eigen, p0, 0, 3)).toThrow(/eta must be a finite number > 0/);
  });
});

describe('fitModeRates', () => {
  it('recovers 1 − ηλ_i from the kernel-regime decay, negative ones (ηλ_i > 1) included', () => {
    const { eigen } = problem(7, 5, 13);
    const eta = 1.8 / eigen.values[6]; // λ_max is values[6] (eigh: ascending)
    const decay = predictedModeDecay(eigen, modeProjections(eigen, Float64Array.from({ length: 7 }, (_, i) => 1 + i)), eta, 12);
    const rates = fitModeRates(decay, eta, { floor: 0 });
    expect(rates.map((r) => r.mode)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(rates[0].predicted).toBeLessThan(0);
    for (const rate of rates) {
      expect(rate.points).toBe(13);
      expect(Math.abs(rate.fitted - rate.predicted)).toBeLessThan(1e-9);
    }
  });

  it('fits only the leading steps above the round-off floor, and gives NaN for a mode at round-off from the start', () => {
    const modes = Int32Array.of(0, 1), eigenvalues = Float64Array.of(2, 1);
    const data = new Float64Array(2 * 6);
    const junk = [1e-7, 4e-5, -1e-8]; // at round-off from step 3 (the floor is √1e-9·‖r(0)‖ ≈ 3.2e-5), one point above it after
    for (let k = 0; k < 6; k++) { data[k * 2] = k < 3 ? 0.5 ** k : junk[k - 3]; data[k * 2 + 1] = 1e-12 * (k + 1); }
    const trajectory = { modes, eigenvalues, steps: Int32Array.of(0, 1, 2, 3, 4, 5), projections: { rows: 6, cols: 2, data }, residualNorm: new Float64Array(6).fill(1) };
    const [first, second] = fitModeRates(trajectory, 0.25);
    expect(first.points).toBe(3);
    expect(first.fitted).toBeCloseTo(0.5, 12);
    expect(first.predicted).toBe(0.5);
    expect(second.points).toBe(0);
    expect(second.fitted).toBeNaN();
  });
});

describe('createModeRecorder', () => {
  it('records v_iᵀ(y − u(k)) and ‖y − u(k)‖ at each step, as modeProjections does, past its initial capacity', () => {
    const { y, eigen } = problem(13, 6, 21);
    const recorder = createModeRecorder(eigen, { top: 3, bottom: 2 });
    expect(Array.from(recorder.modes)).toEqual([0, 1, 2, 11, 12]);
    const us: Float64Array[] = [];
    for (let k = 0; k < 40; k++) {
      const u = Float64Array.from({ length: 13 }, (_, i) => Math.sin(k + i));
      us.push(u);
      recorder.record(2 * k, y, u);
    }
    expect(recorder.length).toBe(40);
    const t = recorder.trajectory();
    expect(t.projections.rows).toBe(40);
    expect(t.steps[39]).toBe(78);
    for (let k = 0; k < 40; k++) {
      const r = Float64Array.from(y, (v, i) => v - us[k][i]);
      const want = modeProjections(eigen, r, { top: 3, bottom: 2 }).projections;
      for (let j = 0; j < 5; j++) expect(t.projections.data[k * 5 + j]).toBeCloseTo(want[j], 13);
      expect(t.residualNorm![k]).toBeCloseTo(Math.sqrt(dot(r, r)), 12);
    }
    recorder.recordResidual(100, y);
    expect(t.projections.rows).toBe(40); // the earlier trajectory is a copy
    expect(recorder.trajectory().projections.data[40 * 5]).toBeCloseTo(modeProjections(eigen, y).projections[0], 13);
    expect(() => recorder.record(100, y, y)).toThrow(/steps must increase/);
    expect(() => recorder.record(101, y, new Float64Array(12))).toThrow(/u must have length 13/);
  });
});

describe('the kernel regime against a wide network (n = 20, m = 20 000)', () => {
  it('the measured residual and the top modes follow the predictions within η·δ·Σ_{j<k}‖r∞(j)‖, δ = ‖H − H∞‖₂ (below n/√(2m))', () => {
    const n = 20, d = 10, m = 20_000;
    const { X, y } = sphereData({ n, d, seed: 5 });
    const Hinf = gramInfinity(X), eigen = eigh(Hinf);
    const lambdaMax = eigen.values[n - 1];
    const eta = 0.5 / lambdaMax, steps = 40;
    // outputInit 'symmetric': u(0) = 0 exactly, Theorem 4.1's small-initialisation limit.
    const net = TwoLayerNet.random({ d, m, seed: 8, outputInit: 'symmetric' });
    const recorder = createModeRecorder(eigen, { top: 4 });
    const measured: number[] = [];
    const H0 = net.gram(X);
    train(net, X, y, {
      eta, steps, method: 'kernel',
      onStep: ({ step, residualSq }) => { measured.push(Math.sqrt(residualSq)); recorder.record(step, y, net.predict(X)); },
    });
    const deviation = Math.max(spectralNormOfDifference(H0, Hinf), spectralNormOfDifference(net.gram(X), Hinf));
    net.dispose();
    // With m/2 independent pairs of neurons each H(0)_ij has variance ≤ (1/4)/(m/2), so
    // E‖H(0) − H∞‖₂ ≤ E‖H(0) − H∞‖_F ≤ n/√(2m): the deviation this width allows (0.1 here; ~0.012 measured).
    expect(deviation).toBeLessThan(n / Math.sqrt(2 * m));
    // r(k) − r∞(k) = Σ_{j<k} (I − ηH)^{k−1−j} η(H∞ − H)(I − ηH∞)^j y, so with ‖I − ηH‖ ≤ 1 its norm is at
    // most η·δ·Σ_{j<k}‖r∞(j)‖, δ = max_k ‖H(k) − H∞‖₂ (taken as 1.5 × the larger of k = 0 and k = K, for the
    // steps between and the second-order term of GD); the same bounds each mode's projection.
    const delta = 1.5 * deviation;
    const predicted = smallInitResidualPrediction(eigen, y, eta, steps);
    const tolerance = (k: number) => { let s = 0; for (let j = 0; j < k; j++) s += predicted[j]; return eta * delta * s; };
    expect(measured.length).toBe(steps + 1);
    for (let k = 0; k <= steps; k++) expect(Math.abs(measured[k] - predicted[k])).toBeLessThanOrEqual(tolerance(k) + 1e-6 * predicted[0]);
    expect(tolerance(10)).toBeLessThan(0.05 * predicted[0]); // not vacuous over the first steps

    const trajectory = recorder.trajectory();
    const decay = predictedModeDecay(eigen, modeProjections(eigen, y, { top: 4 }), eta, steps);
    for (let k = 0; k <= steps; k++) {
      for (let j = 0; j < 4; j++) {
        expect(Math.abs(trajectory.projections.data[k * 4 + j] - decay.projections.data[k * 4 + j])).toBeLessThanOrEqual(tolerance(k) + 1e-6 * predicted[0]);
      }
    }
    // The top mode's fitted rate over its first steps is 1 − ηλ_1 within η·δ (Weyl: |λ_1(H) − λ_1(H∞)| ≤ ‖H − H∞‖₂).
    const early = { ...trajectory, steps: trajectory.steps.slice(0, 6), projections: { rows: 6, cols: 4, data: trajectory.projections.data.slice(0, 24) } };
    const [top] = fitModeRates(early, eta);
    expect(top.points).toBe(6);
    expect(Math.abs(top.fitted - top.predicted)).toBeLessThan(eta * delta);
  });
});

