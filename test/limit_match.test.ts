// The theory lines use the limit that matches the run (issue 12 §3): H* of the run's activation,
// plus the output layer's K^a when the output layer trains. A wide joint-trained ReLU net follows
// the infinite-width trajectory of H∞ + K^a, and not that of H∞ alone (the kernel joint runs were
// compared with before).
import { beforeAll, describe, expect, it } from 'vitest';
import { eigvalsh, gramInfinity, init, lambdaMax, sphereData, TwoLayerNet } from '../src/index';
import { crossGramInfinity, infiniteWidthTrajectory, limitLabel, suggestStepSize, widthSweep } from '../src/experiments/index';

beforeAll(() => init());

/** max_k |a_k − b_k|/b_k over a curve. */
function worstRelative(a: number[], b: number[]): number {
  return Math.max(...a.map((v, k) => Math.abs(v - b[k]) / b[k]));
}

describe('the theory lines use the limit of the run', () => {
  it('a wide joint-trained ReLU net follows (I − η(H∞ + K^a))ᵏ r(0), not (I − ηH∞)ᵏ r(0)', () => {
    const n = 20, d = 10, m = 40_000, steps = 40;
    const { X, y } = sphereData({ n, d, seed: 3 });
    const both = gramInfinity(X, { part: 'both' });
    const eta = 0.5 / lambdaMax(both); // a quarter of the stability limit of the joint kernel
    const sweep = widthSweep({ data: { X, y }, widths: [m], steps, eta, trainOutputLayer: true, seed: 3 });
    const run = sweep.runs[0];
    expect(run.status).toBe('done');
    expect(sweep.limit).toMatchObject({ activation: 'relu', part: 'both', label: 'H∞ + K^a (relu, joint)' });
    const matched = run.theory.infiniteWidthResidualSq;
    expect(matched[0]).toBeCloseTo(run.residualSq[0], 10);
    // The same start: trial 0's net has seed 3 + 1.
    const net = TwoLayerNet.random({ d, m, seed: 4 });
    const u0 = net.predict(X);
    net.dispose();
    const start = Float64Array.from(y, (v, i) => v - u0[i]);
    const firstOnly = infiniteWidthTrajectory(gramInfinity(X), start, eta, steps).residualSq;
    const jointAgain = infiniteWidthTrajectory(both, start, eta, steps).residualSq;
    expect(worstRelative(jointAgain, matched)).toBeLessThan(1e-12);
    const matchedError = worstRelative(run.residualSq, matched);
    const firstOnlyError = worstRelative(run.residualSq, firstOnly);
    // A finite net's H(0) is H∞ + K^a up to O(1/√m) (Lemma 3.1), and H(k) stays there over the run:
    // its trajectory is within a small multiple of 1/√m of the limit's (measured 0.0027 = 0.53/√m here);
    // 2/√m = 0.01 at m = 40 000.
    const tolerance = 2 / Math.sqrt(m);
    expect(matchedError).toBeLessThan(tolerance);
    // H∞ alone is the wrong limit: its line is far slower than the net (measured 0.55 off).
    expect(firstOnlyError).toBeGreaterThan(20 * tolerance);
    expect(firstOnlyError).toBeGreaterThan(5 * matchedError);
  });

  it.each([[false, 'H* (tanh)'], [true, 'H* + K^a (tanh, joint)']] as const)(
    'a wide tanh net (joint %s) follows the trajectory of its own limit, %s, not ReLU\'s', (joint, label) => {
      const n = 20, d = 10, m = 40_000, steps = 40;
      const { X, y } = sphereData({ n, d, seed: 3 });
      const part = joint ? 'both' : 'first';
      const limit = gramInfinity(X, { activation: 'tanh', part });
      const eta = 0.5 / lambdaMax(limit);
      const sweep = widthSweep({ data: { X, y }, widths: [m], steps, eta, trainOutputLayer: joint, seed: 3, activation: 'tanh' });
      const run = sweep.runs[0];
      expect(run.status).toBe('done');
      expect(sweep.limit.label).toBe(label);
      const net = TwoLayerNet.random({ d, m, seed: 4, activation: 'tanh' });
      const u0 = net.predict(X);
      net.dispose();
      const start = Float64Array.from(y, (v, i) => v - u0[i]);
      expect(worstRelative(infiniteWidthTrajectory(limit, start, eta, steps).residualSq, run.theory.infiniteWidthResidualSq)).toBeLessThan(1e-12);
      const relu = infiniteWidthTrajectory(gramInfinity(X, { part }), start, eta, steps).residualSq;
      const tolerance = 2 / Math.sqrt(m); // as for ReLU above: O(1/√m) (Lemma 3.1 holds for smooth ψ too)
      expect(worstRelative(run.residualSq, run.theory.infiniteWidthResidualSq)).toBeLessThan(tolerance);
      expect(worstRelative(run.residualSq, relu)).toBeGreaterThan(10 * tolerance);
      // ‖H(0) − limit‖₂ is of the same part: small at this width.
      expect(run.initial.deviationFromInfinity).toBeLessThan(20 / Math.sqrt(m) * lambdaMax(limit));
    });

  it('λ0, the step size and the kernel prediction use the limit of the activation and part', () => {
    const { X, y } = sphereData({ n: 12, d: 6, seed: 5 });
    const test = sphereData({ n: 4, d: 6, seed: 6 });
    const sweep = widthSweep({ data: { X, y, test: { X: test.X } }, widths: [64], steps: 3, trainOutputLayer: true, scale: 0.8 });
    const want = gramInfinity(X, { part: 'both', scale: 0.8 });
    const eig = eigvalsh(want)[0];
    expect(sweep.lambda0).toBeCloseTo(eig, 10);
    expect(sweep.parameters).toMatchObject({ activation: 'relu', scale: 0.8, outputScale: 1, widthExponent: 0.5, outputInit: 'sign', trainOutputLayer: true });
    const blocks = crossGramInfinity(X, test.X, { part: 'both', scale: 0.8 });
    expect(Array.from(blocks.train.data)).toEqual(Array.from(want.data));
    const suggestion = suggestStepSize(X, { kernel: { part: 'both', scale: 0.8 } });
    expect(suggestion.lambda0).toBeCloseTo(eig, 8);
  });

  it('names the kernel', () => {
    expect(limitLabel({ activation: 'relu', scale: 1, trainOutputLayer: false })).toBe('H∞');
    expect(limitLabel({ activation: 'tanh', scale: 1, trainOutputLayer: false })).toBe('H* (tanh)');
    expect(limitLabel({ activation: 'tanh', scale: 1, trainOutputLayer: true })).toBe('H* + K^a (tanh, joint)');
    expect(limitLabel({ activation: 'leakyRelu', negativeSlope: 0.1, scale: 1, trainOutputLayer: false })).toBe('H* (leakyRelu 0.1)');
  });
});
