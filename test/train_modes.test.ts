// train(…, { modes, weightDistanceFrobenius }) (issue 15 §1–2): the projections train records
// against v_iᵀ(y − u(k)) computed in float64 from reference Jacobi eigenvectors and the net's own
// outputs, the kernel-regime prediction (1 − ηλ_i)^k p_i(0) against the reference eigenvalues, η/n
// for loss 'mean', the fitted rates, and ‖W − W(0)‖_F against the weights.
import { describe, it, expect, beforeAll } from 'vitest';
import { init, eigh, fitModeRates, gramInfinity, sphereData, train, TwoLayerNet } from '../src/index.js';
import { gramInfinity as refGramInfinity } from './reference/kernels.js';
import { dot, jacobiEigenpairs, quadraticFormWithInverse } from './reference/modes.js';

beforeAll(() => init());

function problem(n: number, d: number, seed: number) {
  const { X, y } = sphereData({ n, d, seed });
  const Href = refGramInfinity(Float64Array.from(X.data), n, d);
  return { X, y, eigen: eigh(gramInfinity(X)), ref: jacobiEigenpairs(Href, n), Href };
}

describe('train with modes', () => {
  it.each([['kernel', 'sum'], ['primal', 'sum'], ['kernel', 'mean']] as const)(
    '%s step, loss %s: p_i(k) = v_iᵀ(y − u(k)) at every recorded step, the prediction from p_i(0) with η (÷ n for mean)', (method, loss) => {
      const n = 9, d = 6, m = 4000;
      const { X, y, eigen, ref } = problem(n, d, 21);
      const net = TwoLayerNet.random({ d, m, seed: 3 });
      const eta = (loss === 'mean' ? n : 1) * 0.4 / ref.values[0], steps = 25, every = 5;
      const outputs: Float32Array[] = [];
      const result = train(net, X, y, {
        eta, steps, method, loss, modes: { eigen, which: { top: 2, bottom: 2 }, every },
        onStep: ({ step }) => { if (step % every === 0) outputs.push(net.predict(X)); },
      });
      net.dispose();
      const modes = result.modes!;
      expect(modes.eta).toBe(loss === 'mean' ? eta / n : eta);
      const { measured, predicted, rates } = modes;
      expect(Array.from(measured.modes)).toEqual([0, 1, n - 2, n - 1]);
      expect(Array.from(measured.steps)).toEqual([0, 5, 10, 15, 20, 25]);
      const scale = Math.sqrt(dot(y, y));
      for (let s = 0; s < measured.steps.length; s++) {
        const r = Array.from(y, (v, i) => v - outputs[s][i]);
        expect(Math.abs(measured.residualNorm![s] - Math.sqrt(dot(r, r)))).toBeLessThan(1e-5 * scale);
        measured.modes.forEach((mode, j) => {
          // Eigenvectors are defined up to sign: compare the sign-fixed projection.
          const v = ref.vectors[mode];
          const sign = Math.sign(dot(v, eigen.vectors.data.filter((_, k) => k % n === n - 1 - mode)));
          expect(Math.abs(measured.projections.data[s * 4 + j] - sign * dot(v, r))).toBeLessThan(1e-5 * scale);
        });
      }
      expect(predicted.steps.length).toBe(steps + 1);
      measured.modes.forEach((mode, j) => {
        expect(predicted.eigenvalues[j]).toBeCloseTo(ref.values[mode], 10);
        const p0 = measured.projections.data[j];
        for (const k of [0, 7, 25]) {
          expect(predicted.projections.data[k * 4 + j]).toBeCloseTo((1 - modes.eta * ref.values[mode]) ** k * p0, 10);
        }
      });
      // The rates are fitModeRates' on the measured trajectory at the run's η (its physics: test/modes.test.ts).
      expect(rates).toEqual(fitModeRates(measured, modes.eta));
      rates.forEach((r, j) => expect(r.predicted).toBeCloseTo(1 - modes.eta * ref.values[measured.modes[j]], 10));
    });

  it("records 'all' modes by default and the last step off the grid; rejects an eigen of the wrong size", () => {
    const n = 5, d = 4;
    const { X, y, eigen } = problem(n, d, 2);
    const net = TwoLayerNet.random({ d, m: 200, seed: 1 });
    const { modes } = train(net, X, y, { eta: 0.1, steps: 7, modes: { eigen, every: 3 } });
    expect(Array.from(modes!.measured.modes)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(modes!.measured.steps)).toEqual([0, 3, 6, 7]);
    const other = problem(n + 1, d, 2).eigen;
    expect(() => train(net, X, y, { eta: 0.1, steps: 1, modes: { eigen: other } })).toThrow(/modes\.eigen.*5×5/);
    net.dispose();
  });

  it('has no modes or weightDistanceFrobenius unless asked', () => {
    const { X, y } = problem(4, 3, 1);
    const net = TwoLayerNet.random({ d: 3, m: 50, seed: 1 });
    const result = train(net, X, y, { eta: 0.1, steps: 2 });
    net.dispose();
    expect(result.modes).toBeUndefined();
    expect(result.weightDistanceFrobenius).toBeUndefined();
  });
});

describe('train with weightDistanceFrobenius', () => {
  it.each(['kernel', 'primal'] as const)('%s step: ‖W(K) − W(0)‖_F from the weights before and after, in float64', (method) => {
    const n = 8, d = 5, m = 300;
    const { X, y } = problem(n, d, 4);
    const net = TwoLayerNet.random({ d, m, seed: 6 });
    const W0 = net.weights().W.data.slice();
    const result = train(net, X, y, { eta: 0.05, steps: 30, method, weightDistanceFrobenius: true });
    const W = net.weights().W.data;
    net.dispose();
    let sum = 0;
    for (let i = 0; i < W.length; i++) sum += (W[i] - W0[i]) ** 2;
    expect(result.weightDistanceFrobenius).toBeCloseTo(Math.sqrt(sum), 12);
    expect(result.weightDistanceFrobenius).toBeGreaterThan(0);
  });

  it("trained to convergence from u(0) = 0 on a wide net, it is √(yᵀ(H∞)⁻¹y) (Arora et al.'s Lemma 5.3) within a few per cent", () => {
    const n = 6, d = 8, m = 20_000;
    const { X, y, ref, Href } = problem(n, d, 9);
    // outputInit 'symmetric': u(0) = 0 exactly, the lemma's small-initialisation setting.
    const net = TwoLayerNet.random({ d, m, seed: 2, outputInit: 'symmetric' });
    const eta = 1 / ref.values[0];
    const steps = Math.ceil(12 * ref.values[0] / ref.values[n - 1]); // the smallest mode decays by e^−12
    const result = train(net, X, y, { eta, steps, method: 'kernel', weightDistanceFrobenius: true });
    net.dispose();
    const predicted = Math.sqrt(quadraticFormWithInverse(Href, n, y));
    expect(result.residualSq[result.stepsRun]).toBeLessThan(1e-6 * result.residualSq[0]);
    expect(Math.abs(result.weightDistanceFrobenius! / predicted - 1)).toBeLessThan(0.05);
  });
});
