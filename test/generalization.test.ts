// Arora et al. 2019: the leading term of the generalisation bound (Theorem 5.1), √(2 yᵀ(H∞)⁻¹y / n),
// and the weight distance (Lemma 5.3), √(yᵀ(H∞)⁻¹y), against yᵀA⁻¹y with an explicit inverse.
import { describe, it, expect, beforeAll } from 'vitest';
import {
  init, eigh, gramInfinity, sphereData, loadDigits, withLabelNoise, labelSpectrum, classificationError, generalizationBound, distancePrediction, generalizationTerms, generalizationTermsFromEigen, OverparamRangeError,
} from '../src/index.js';
import { gramInfinity as refGramInfinity } from './reference/kernels.js';
import { quadraticFormWithInverse } from './reference/modes.js';

beforeAll(() => init());

describe('generalizationBound and distancePrediction', () => {
  it.each([[1, 3], [2, 3], [7, 5], [13, 6], [30, 8]])('n = %i: equal the formulas with an explicit inverse of the reference H∞', (n, d) => {
    const { X, y } = sphereData({ n, d, seed: 100 + n });
    const signs = Float32Array.from(y, (v) => (v >= 0 ? 1 : -1));
    const Href = refGramInfinity(Float64Array.from(X.data), n, d);
    const Hinf = gramInfinity(X);
    for (const labels of [y, signs]) {
      const q = quadraticFormWithInverse(Href, n, labels);
      const terms = generalizationTerms(Hinf, labels);
      expect(terms.n).toBe(n);
      expect(Math.abs(terms.quadraticForm - q)).toBeLessThan(1e-10 * q);
      expect(Math.abs(generalizationBound(Hinf, labels) - Math.sqrt(2 * q / n))).toBeLessThan(1e-10 * Math.sqrt(q));
      expect(Math.abs(distancePrediction(Hinf, labels) - Math.sqrt(q))).toBeLessThan(1e-10 * Math.sqrt(q));
      expect(terms.bound).toBe(generalizationBound(Hinf, labels));
      expect(terms.distance).toBe(distancePrediction(Hinf, labels));
      const fromEigen = generalizationTermsFromEigen(eigh(Hinf), labels);
      expect(Math.abs(fromEigen.quadraticForm - q)).toBeLessThan(1e-9 * q);
      expect(Math.abs(fromEigen.bound - Math.sqrt(2 * q / n))).toBeLessThan(1e-9 * Math.sqrt(q));
      expect(Math.abs(fromEigen.distance - Math.sqrt(q))).toBeLessThan(1e-9 * Math.sqrt(q));
    }
  });

  it('n = 1: H∞ = [½] for a unit row, so yᵀ(H∞)⁻¹y = 2y², the bound 2|y| and the distance √2|y|', () => {
    const Hinf = gramInfinity({ rows: 1, cols: 2, data: Float32Array.of(0.6, 0.8) });
    expect(Hinf.data[0]).toBeCloseTo(0.5, 7);
    const t = generalizationTerms(Hinf, Float64Array.of(-3));
    expect(t.quadraticForm).toBeCloseTo(18 / (2 * Hinf.data[0]), 12);
    expect(t.bound).toBeCloseTo(Math.sqrt(2 * 9 / Hinf.data[0]), 12);
    expect(t.distance).toBeCloseTo(3 / Math.sqrt(Hinf.data[0]), 12);
    expect(generalizationTerms(Hinf, Float64Array.of(0)).bound).toBe(0);
  });

  it('orders labels as the theory says: labels along H∞\'s top eigenvector give a smaller bound than random signs', () => {
    const n = 40, d = 10;
    const { X } = sphereData({ n, d, seed: 3 });
    const Hinf = gramInfinity(X);
    // y = sign of the first input coordinate, a smooth function of x, against seeded random signs.
    const smooth = Float64Array.from({ length: n }, (_, i) => (X.data[i * d] >= 0 ? 1 : -1));
    const random = Float64Array.from({ length: n }, (_, i) => (Math.sin(1000 * (i + 1)) >= 0 ? 1 : -1));
    expect(generalizationBound(Hinf, smooth)).toBeLessThan(generalizationBound(Hinf, random));
  });

  it('says λ0 ≈ 0 and names inputDiagnostics when H∞ is singular (two equal inputs)', () => {
    const X = { rows: 3, cols: 2, data: Float32Array.of(1, 0, 0, 1, 1, 0) };
    const Hinf = gramInfinity(X);
    const run = () => generalizationBound(Hinf, Float64Array.of(1, -1, 1));
    expect(run).toThrow(OverparamRangeError);
    expect(run).toThrow(/generalizationBound: H∞ is not positive definite.*λ0 = λ_min\(H∞\) ≈ 0.*inputDiagnostics/);
    try { run(); } catch (error) { expect((error as OverparamRangeError).code).toBe('BAD_VALUE'); }
    expect(() => generalizationTermsFromEigen(eigh(Hinf), Float64Array.of(1, -1, 1))).toThrow(/λ0 = λ_min\(H∞\) = .* ≈ 0.*inputDiagnostics/);
  });

  it('checks shapes, symmetry and finiteness, naming the function and the argument', () => {
    const Hinf = gramInfinity(sphereData({ n: 7, d: 5, seed: 1 }).X);
    expect(() => distancePrediction(Hinf, new Float64Array(6))).toThrow(/distancePrediction: y must have length 7/);
    expect(() => generalizationBound(Hinf, [1, 2, 3, 4, 5, 6, 7] as never)).toThrow(/generalizationBound: y must be a Float32Array or Float64Array/);
    expect(() => generalizationBound({ rows: 2, cols: 3, data: new Float64Array(6) }, new Float64Array(2))).toThrow(/generalizationBound: Hinf must be square/);
    const asymmetric = { rows: 2, cols: 2, data: Float64Array.of(1, 0.5, 0.4, 1) };
    expect(() => generalizationTerms(asymmetric, new Float64Array(2))).toThrow(/generalizationTerms: Hinf must be symmetric/);
    expect(() => generalizationBound(Hinf, Float64Array.of(1, 1, 1, NaN, 1, 1, 1))).toThrow(/generalizationBound: y\[3\] is NaN/);
  });
});

describe('on the digits data with label noise (Arora et al. 2019, Section 6)', () => {
  it('the bound and the distance grow with the fraction p of random labels, and the labels\' energy leaves the top modes', async () => {
    const { X, y } = await loadDigits({ task: 'evenOdd', n: 300, seed: 1 });
    const Hinf = gramInfinity(X), eigen = eigh(Hinf);
    const runs = [0, 0.4, 1].map((p) => {
      const noisy = withLabelNoise(y, p, 2).y;
      return { p, ...generalizationTerms(Hinf, noisy), topShare: labelSpectrum(eigen, noisy).cumulativeShare[9] };
    });
    // Measured (p = 0, 0.4, 1): bound 2.26, 4.72, 5.83; distance 27.7, 57.8, 71.4; top-10 share 0.649, 0.331, 0.042.
    for (let k = 1; k < runs.length; k++) {
      expect(runs[k].bound).toBeGreaterThan(1.1 * runs[k - 1].bound);
      expect(runs[k].distance).toBeGreaterThan(1.1 * runs[k - 1].distance);
      expect(runs[k].topShare).toBeLessThan(0.8 * runs[k - 1].topShare);
    }
  });
});

describe('classificationError', () => {
  it('counts sign(f) ≠ y, a zero output as an error', () => {
    expect(classificationError([0.5, -2, 0, 3], [1, 1, -1, 1])).toBe(0.5);
    expect(classificationError(Float32Array.of(-1), Float32Array.of(-1))).toBe(0);
    expect(() => classificationError([1, 2], [1])).toThrow(/differ in length \(2 ≠ 1\)/);
    expect(() => classificationError([], [])).toThrow(/at least one point/);
  });
});
