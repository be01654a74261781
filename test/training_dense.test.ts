// train() and TwoLayerNet for every activation (issue 12 §2–§4, DESIGN §7.1) against the float64
// oracle test/reference/dense.ts, written from DESIGN §7.1's formulas (not from the kernels):
// trajectories, the ψ′ change, the weight distance and λ_min(H(k)) over 100 steps for every
// activation × (α, γ, outputInit, joint) in both step forms; the edge sizes; net.gram's parts at the
// current weights; and H(0) → gramInfinity as m grows.
//
// Tolerances: trajectories 1e-3 relative (float32 steps against float64). net.gram: 1e-12 relative
// for ReLU's first part (its signs certified in f64), 1e-10 for every part of every other
// activation (Z, ψ, ψ′ and the sums in f64; test/network_gram.test.ts covers every
// parametrisation and edge size), and float32 round-off (3e-6) for ReLU's output part (float32 z).
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation } from '../src/activations';
import { gramInfinity, init, OverparamError, TwoLayerNet, train, type Matrix } from '../src/index';
import {
  denseGram, denseHistory, forwardFromZ, denseTrajectory, linearKernel, preactivations, runGram, type DenseProblem,
} from './reference/dense';
import { jacobiEigenvalues } from './reference/eigen';
import { mulberry32, randomUnitRows } from './reference/random';

beforeAll(async () => { await init(); });

const SLOPE = 0.01;

/** X as a Matrix, and its float64 copy. */
function inputs(n: number, d: number, seed: number, zeroRow = false): { X: Matrix; X64: Float64Array; y: Float32Array; y64: Float64Array } {
  const rand = mulberry32(seed);
  const X64 = randomUnitRows(n, d, rand);
  if (zeroRow) X64.fill(0, 0, d); // x_0 = 0: z_0r = 0 exactly for every neuron
  const X32 = Float32Array.from(X64);
  const y = Float32Array.from({ length: n }, () => rand() * 2 - 1);
  return { X: { rows: n, cols: d, data: X32 }, X64: Float64Array.from(X32), y, y64: Float64Array.from(y) };
}

/** max |got − want| / max |want|. */
function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 1e-300, worst = 0;
  for (let k = 0; k < want.length; k++) scale = Math.max(scale, Math.abs(want[k]));
  for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]));
  return worst / scale;
}

/** Per-activation settings that keep 100 steps of η·m^(2γ−1) in every case stable (quadratic's ψ grows fastest). */
const settings = (act: Activation): { eta: number; scale: number } =>
  act === 'quadratic' ? { eta: 0.02, scale: 0.5 } : { eta: 0.3, scale: 1 };

const CASES = [
  [1, 0.5, 'sign', false, 'sum'], [10, 0.5, 'gaussian', false, 'sum'], [0.1, 1, 'symmetric', false, 'mean'],
  [3, 1, 'sign', true, 'sum'], [0.5, 0, 'symmetric', true, 'sum'], [1, 0.5, 'gaussian', true, 'mean'],
] as const;

describe('train for every activation against the float64 oracle (100 steps)', () => {
  for (const act of ACTIVATIONS) {
    it.each(CASES)(`${act}: α = %s, γ = %s, outputInit %s, joint %s, loss %s, both forms`, (alpha, gamma, outputInit, joint, loss) => {
      const n = 13, d = 7, m = 66, steps = 100;
      const { eta: eta0, scale } = settings(act);
      const { X, X64, y, y64 } = inputs(n, d, 21);
      const eta = loss === 'mean' ? eta0 * n : eta0;
      const p: DenseProblem = { X: X64, y: y64, n, d, m, eta, loss, trainOutputLayer: joint, model: { act, slope: SLOPE, alpha, gamma } };
      let oracle: ReturnType<typeof denseHistory> | undefined;
      for (const method of ['kernel', 'primal'] as const) {
        const net = TwoLayerNet.random({ d, m, seed: 8, scale, activation: act, outputScale: alpha, widthExponent: gamma, outputInit });
        const { W, a } = net.weights();
        oracle ??= denseHistory(p, Float64Array.from(W.data), Float64Array.from(a), steps);
        const r = train(net, X, y, { eta, steps, method, trainOutputLayer: joint, loss, gramEvery: 50 });
        expect(r.status).toBe('done');
        expect(r.method).toBe(method);
        for (let k = 0; k <= steps; k++) {
          const want = oracle.residualSq[k];
          expect(Math.abs(r.residualSq[k] - want), `${method} ‖y − u(${k})‖²`).toBeLessThanOrEqual(1e-3 * want + 1e-6);
          const dist = oracle.maxWeightDistance[k];
          expect(Math.abs(r.maxWeightDistance[k] - dist), `${method} distance at ${k}`).toBeLessThanOrEqual(1e-3 * dist + 1e-6);
          if (act !== 'relu') {
            const change = oracle.derivativeChange[k];
            // Leaky ReLU's ψ′ jumps at 0: a z within float32 round-off of 0 may take the other
            // side, moving the squared ratio by (1 − s)²/‖ψ′(Z(0))‖²_F ≈ 2/(nm) per entry; allow two.
            const slack = act === 'leakyRelu' ? 2 * 2 / (n * m) : 0;
            expect(Math.abs(r.patternChangeFraction[k] ** 2 - change ** 2), `${method} ψ′ change at ${k}`)
              .toBeLessThanOrEqual(2e-3 * change ** 2 + 4e-5 * change + 1e-10 + slack);
          }
        }
        // λ_min of the run's H(k): the first layer's part, plus the output layer's when a trains.
        expect(r.lambdaMinGram!.step).toEqual([0, 50, 100]);
        r.lambdaMinGram!.step.forEach((k, j) => {
          const s = oracle!.states[k];
          const ev = jacobiEigenvalues(runGram(p, s.Z, s.a), n);
          const lo = Math.min(...ev), hi = Math.max(...ev);
          expect(Math.abs(r.lambdaMinGram!.value[j] - lo), `${method} λ_min(H(${k}))`).toBeLessThanOrEqual(1e-3 * lo + 1e-6 * hi);
        });
        const after = net.weights();
        expect(relErr(after.W.data, oracle.states[steps].W), `${method} W(${steps})`).toBeLessThan(1e-3);
        expect(relErr(after.a, oracle.states[steps].a), `${method} a(${steps})`).toBeLessThan(1e-3);
        net.dispose();
      }
    });
  }
});

describe('edge sizes, zero rows and z exactly 0', () => {
  // n = 1, m = 1, d = 1, sizes off the 4- and 64-blocks; x_0 = 0 (z_0r = 0 for every r) and one
  // neuron with w_r = 0 (z_ir = 0 for every i).
  const shapes: [number, number, number][] = [[1, 1, 1], [1, 4, 3], [5, 1, 2], [6, 3, 1], [5, 7, 67], [70, 20, 129]];
  for (const [n, d, m] of shapes) {
    it(`n = ${n}, d = ${d}, m = ${m}: every activation, both forms, joint, 30 steps within 1e-3 of the oracle`, () => {
      const { X, X64, y, y64 } = inputs(n, d, n + 7 * d + m, n > 2);
      for (const act of ACTIVATIONS) {
        const eta = (act === 'quadratic' ? 0.02 : 0.1) / Math.max(1, n / 10);
        const base = TwoLayerNet.random({ d, m, seed: 3, scale: act === 'quadratic' ? 0.5 : 1 });
        const { W, a } = base.weights();
        base.dispose();
        if (m > 1) W.data.fill(0, 0, d); // w_0 = 0
        const p: DenseProblem = { X: X64, y: y64, n, d, m, eta, trainOutputLayer: true, model: { act, slope: SLOPE } };
        const want = denseTrajectory(p, Float64Array.from(W.data), Float64Array.from(a), 30, 'primal');
        for (const method of ['kernel', 'primal'] as const) {
          const net = TwoLayerNet.fromWeights(W, a, { activation: act });
          const r = train(net, X, y, { eta, steps: 30, method, trainOutputLayer: true });
          expect(r.status, `${act} ${method}`).toBe('done');
          for (let k = 0; k <= 30; k++) {
            expect(Math.abs(r.residualSq[k] - want[k]), `${act} ${method} step ${k}`).toBeLessThanOrEqual(1e-3 * want[k] + 1e-6);
          }
          net.dispose();
        }
      }
    });
  }
});

describe('net.gram(X, { part }) at the current weights', () => {
  const n = 9, d = 5, m = 67;

  for (const act of ACTIVATIONS) {
    it(`${act}: 'first', 'output' and 'both' against the oracle (Gaussian a, a zero row)`, () => {
      const { X, X64 } = inputs(n, d, 4, true);
      for (const outputInit of ['sign', 'gaussian'] as const) {
        const net = TwoLayerNet.random({ d, m, seed: 5, activation: act, outputInit });
        const { W, a } = net.weights();
        const Z = preactivations(X64, n, d, Float64Array.from(W.data), m);
        const K = linearKernel(X64, n, d);
        const model = { act, slope: SLOPE };
        const first = denseGram(K, Z, n, m, Float64Array.from(a), model, 'first');
        const output = denseGram(K, Z, n, m, Float64Array.from(a), model, 'output');
        const exactFirst = act === 'relu' ? 1e-12 : 1e-10;
        const got = net.gram(X), gotOut = net.gram(X, { part: 'output' }), gotBoth = net.gram(X, { part: 'both' });
        expect(relErr(got.data, first), `${act} ${outputInit} first`).toBeLessThan(exactFirst);
        expect(relErr(gotOut.data, output), `${act} ${outputInit} output`).toBeLessThan(act === 'relu' ? 3e-6 : 1e-10);
        expect(Array.from(gotBoth.data)).toEqual(Array.from(got.data, (v, q) => v + gotOut.data[q]));
        expect(net.gram(X, { part: 'first' }).data).toEqual(got.data);
        net.dispose();
      }
    });
  }

  it("linear: H = XXᵀ exactly (inputs on a dyadic grid, so XXᵀ itself is exact in f64)", () => {
    const rand = mulberry32(3);
    const nn = 11, dd = 6;
    const X: Matrix = { rows: nn, cols: dd, data: Float32Array.from({ length: nn * dd }, () => Math.round((rand() * 2 - 1) * 16) / 16) };
    const K = linearKernel(Float64Array.from(X.data), nn, dd);
    for (const mm of [1, 7, 130]) {
      const net = TwoLayerNet.random({ d: dd, m: mm, seed: 2, activation: 'linear' });
      expect(Array.from(net.gram(X).data)).toEqual(Array.from(K));
      net.dispose();
    }
  });

  it('ReLU after joint training weighs the masks by a_r² (today\'s mask Gram ignored a), in onStep too', () => {
    const { X, X64, y } = inputs(n, d, 6);
    const net = TwoLayerNet.random({ d, m, seed: 7 });
    let checked = 0;
    train(net, X, y, {
      eta: 0.5, steps: 20, trainOutputLayer: true, method: 'kernel',
      onStep: ({ step }) => {
        if (step % 10 !== 0) return;
        const { W, a } = net.weights();
        const Z = preactivations(X64, n, d, Float64Array.from(W.data), m);
        const want = denseGram(linearKernel(X64, n, d), Z, n, m, Float64Array.from(a), { act: 'relu' }, 'first');
        expect(relErr(net.gram(X).data, want), `step ${step}`).toBeLessThan(1e-12);
        if (step > 0) expect(Array.from(a).some((v) => Math.abs(v) !== 1)).toBe(true);
        checked++;
      },
    });
    expect(checked).toBe(3);
    net.dispose();
  });

  it('inside onStep, weights(), predict() and gram() of a dense kernel-space run are those of W(k), a(k)', () => {
    const { X, X64, y, y64 } = inputs(n, d, 8);
    const net = TwoLayerNet.random({ d, m, seed: 9, activation: 'tanh', outputInit: 'gaussian' });
    const { W, a } = net.weights();
    const p: DenseProblem = { X: X64, y: y64, n, d, m, eta: 0.4, trainOutputLayer: true, model: { act: 'tanh' } };
    const oracle = denseHistory(p, Float64Array.from(W.data), Float64Array.from(a), 12);
    train(net, X, y, {
      eta: 0.4, steps: 12, trainOutputLayer: true, method: 'kernel',
      onStep: ({ step, residualSq }) => {
        const s = oracle.states[step];
        expect(relErr(net.weights().W.data, s.W), `W(${step})`).toBeLessThan(1e-5);
        const u = net.predict(X);
        expect(u.reduce((acc, v, i) => acc + (v - y[i]) ** 2, 0)).toBeCloseTo(residualSq, 4);
        expect(relErr(net.gram(X, { part: 'both' }).data, runGram(p, s.Z, s.a)), `H(${step})`).toBeLessThan(1e-5);
      },
    });
    net.dispose();
  });
});

describe('H(0) → gramInfinity({ activation, part }) as m grows', () => {
  for (const act of ACTIVATIONS) {
    it(`${act}: every part's finite-width H(0) approaches the limit like 1/√m`, () => {
      const { X } = inputs(6, 4, 12);
      for (const part of ['first', 'output', 'both'] as const) {
        const limit = gramInfinity(X, { activation: act, part }).data;
        const errors = [500, 8000, 128_000].map((m) => {
          const net = TwoLayerNet.random({ d: 4, m, seed: 1, activation: act, outputInit: 'gaussian' });
          const e = relErr(net.gram(X, { part }).data, limit);
          net.dispose();
          return e;
        });
        if (act === 'linear' && part === 'first') {
          // H = K·(1/m)Σ a_r²: only a's sample mean moves.
          expect(errors[2]).toBeLessThan(0.02);
          continue;
        }
        // The Monte-Carlo error of an average of m draws: about c/√m, c of order 1.
        expect(errors[2], `${part} at m = 128000: ${errors}`).toBeLessThan(10 / Math.sqrt(128_000));
        expect(errors[2], `${part}: ${errors}`).toBeLessThan(errors[0] / 4);
      }
    });
  }
});

describe('the dense path in the loop: guard, abort, options', () => {
  const { X, y } = inputs(20, 6, 14);

  it('a step size far past 2/λ_max diverges with the advice of the matching H(0)', () => {
    for (const trainOutputLayer of [false, true]) {
      const net = TwoLayerNet.random({ d: 6, m: 200, seed: 1, activation: 'gelu' });
      const r = train(net, X, y, { eta: 500, steps: 50, trainOutputLayer });
      expect(r.status).toBe('diverged');
      const H = net.gram(X); // a diverged run holds a finite state; compare with H(0) instead
      net.dispose();
      const fresh = TwoLayerNet.random({ d: 6, m: 200, seed: 1, activation: 'gelu' });
      const H0 = fresh.gram(X, { part: trainOutputLayer ? 'both' : 'first' });
      fresh.dispose();
      const lmax = Math.max(...jacobiEigenvalues(Float64Array.from(H0.data), 20));
      expect(r.divergence!.largestStableEta).toBeCloseTo(2 / lmax, 6);
      expect(r.divergence!.message).toMatch(/too large/);
      expect(H.rows).toBe(20);
    }
  });

  it('abort stops a dense run within a step', () => {
    const controller = new AbortController();
    const net = TwoLayerNet.random({ d: 6, m: 50, seed: 1, activation: 'gelu' });
    const r = train(net, X, y, { eta: 0.1, steps: 100, signal: controller.signal, onStep: ({ step }) => { if (step === 3) controller.abort(); } });
    expect(r.status).toBe('aborted');
    expect(r.stepsRun).toBe(3);
    net.dispose();
  });

  it("method 'auto' picks kernel space when n ≤ 2d, else primal, for dense nets too", () => {
    const net = TwoLayerNet.random({ d: 6, m: 10, seed: 1, activation: 'softplus' });
    expect(train(net, X, y, { eta: 0.1, steps: 1 }).method).toBe('primal'); // n = 20 > 12
    net.dispose();
    const { X: X2, y: y2 } = inputs(5, 6, 1);
    const net2 = TwoLayerNet.random({ d: 6, m: 10, seed: 1, activation: 'softplus' });
    expect(train(net2, X2, y2, { eta: 0.1, steps: 1 }).method).toBe('kernel');
    net2.dispose();
  });
});

describe('TwoLayerNet activation options', () => {
  it('default relu; store activation and negativeSlope (leaky ReLU only, default 0.01)', () => {
    const relu = TwoLayerNet.random({ d: 2, m: 4 });
    expect([relu.activation, relu.negativeSlope]).toEqual(['relu', undefined]);
    const leaky = TwoLayerNet.random({ d: 2, m: 4, activation: 'leakyRelu' });
    expect([leaky.activation, leaky.negativeSlope]).toEqual(['leakyRelu', 0.01]);
    const W = relu.weights();
    const from = TwoLayerNet.fromWeights(W.W, W.a, { activation: 'leakyRelu', negativeSlope: 0.2 });
    expect([from.activation, from.negativeSlope]).toEqual(['leakyRelu', 0.2]);
    for (const net of [relu, leaky, from]) net.dispose();
  });

  it('predict uses ψ: α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) for every activation, ReLU with its old bits', () => {
    const { X, X64 } = inputs(7, 5, 2, true);
    for (const act of ACTIVATIONS) {
      const net = TwoLayerNet.random({ d: 5, m: 33, seed: 4, activation: act, outputScale: 2, widthExponent: 1, outputInit: 'gaussian' });
      const { W, a } = net.weights();
      const Z = preactivations(X64, 7, 5, Float64Array.from(W.data), 33);
      // Each u_i against DESIGN §7.1's forward pass in float64 (not only Σu², which hides signs and order).
      const want = forwardFromZ(Z, 7, 33, Float64Array.from(a), { act, slope: SLOPE, alpha: 2, gamma: 1 });
      const u = net.predict(X);
      const scale = Math.max(...want.map(Math.abs));
      for (let i = 0; i < 7; i++) expect(Math.abs(u[i] - want[i]), `${act} u[${i}]`).toBeLessThanOrEqual(1e-5 * scale + 1e-9);
      net.dispose();
    }
  });

  it.each([
    [{ activation: 'swish' }, /options.activation must be one of 'relu', 'leakyRelu'/],
    [{ activation: 'tanh', negativeSlope: 0.1 }, /negativeSlope applies to activation 'leakyRelu' only/],
    [{ activation: 'leakyRelu', negativeSlope: 2 }, /negativeSlope must be a number in \[0, 1\]/],
  ])('refuse %o', (extra, message) => {
    const call = () => TwoLayerNet.random({ d: 3, m: 4, ...(extra as object) } as Parameters<typeof TwoLayerNet.random>[0]);
    expect(call).toThrow(OverparamError);
    expect(call).toThrow(message);
    const w = { rows: 1, cols: 1, data: new Float32Array([1]) };
    expect(() => TwoLayerNet.fromWeights(w, new Float32Array([1]), extra as object)).toThrow(message);
  });

  it("gram refuses an unknown part", () => {
    const net = TwoLayerNet.random({ d: 2, m: 3 });
    expect(() => net.gram({ rows: 1, cols: 2, data: new Float32Array([1, 0]) }, { part: 'second' as 'first' })).toThrow(/options.part must be/);
    net.dispose();
  });
});
