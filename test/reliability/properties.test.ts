// Issue 6, item 7: properties over random small shapes and values (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  init, TwoLayerNet, train, eigvalsh, lambdaMax, OverparamRangeError, OverparamTypeError, type Matrix,
} from '../../src/index';

await init();

// CI gates a landing, so it replays one fixed seed (a failure there is a regression, reproducible
// as is); elsewhere every run explores new cases. FC_SEED=<n> replays a seed fast-check printed.
const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : process.env.CI ? 20261123 : undefined;
if (seed !== undefined) fc.configureGlobal({ seed });

/** A random problem: shape, inputs, labels and a seed for the network. */
const problem = fc.record({
  n: fc.integer({ min: 1, max: 12 }),
  d: fc.integer({ min: 1, max: 9 }),
  m: fc.integer({ min: 1, max: 70 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
}).chain(({ n, d, m, seed }) => fc.record({
  n: fc.constant(n), d: fc.constant(d), m: fc.constant(m), seed: fc.constant(seed),
  X: fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: n * d, maxLength: n * d }),
  y: fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n }),
}));

const matrixOf = (p: { n: number; d: number; X: number[] }): Matrix => ({ rows: p.n, cols: p.d, data: Float32Array.from(p.X) });

describe('properties', () => {
  it('H(k) is symmetric and positive semi-definite', () => {
    fc.assert(fc.property(problem, (p) => {
      const net = TwoLayerNet.random({ d: p.d, m: p.m, seed: p.seed });
      const H = net.gram(matrixOf(p));
      net.dispose();
      for (let i = 0; i < p.n; i++) for (let j = 0; j < p.n; j++) expect(H.data[i * p.n + j]).toBe(H.data[j * p.n + i]);
      const lambda = eigvalsh(H);
      const top = Math.max(Math.abs(lambda[p.n - 1]), 1e-300);
      expect(lambda[0]).toBeGreaterThanOrEqual(-1e-9 * top);
    }), { numRuns: 150 });
  });

  it('0 ≤ pattern-change fraction ≤ 1 and the curves are finite for a stable step', () => {
    fc.assert(fc.property(problem, fc.constantFrom('kernel', 'primal'), (p, method) => {
      const X = matrixOf(p);
      const net = TwoLayerNet.random({ d: p.d, m: p.m, seed: p.seed });
      const eta = 1 / Math.max(lambdaMax(net.gram(X)), 1e-6);
      const r = train(net, X, Float32Array.from(p.y), { eta, steps: 8, method });
      net.dispose();
      for (const f of r.patternChangeFraction) { expect(f).toBeGreaterThanOrEqual(0); expect(f).toBeLessThanOrEqual(1); }
      expect(r.maxWeightDistance[0]).toBe(0);
      expect(r.residualSq.every(Number.isFinite)).toBe(true);
    }), { numRuns: 100 });
  });

  it('with a tiny η the loss never increases and max_r ‖w_r − w_r(0)‖ never decreases', () => {
    fc.assert(fc.property(problem, fc.constantFrom('kernel', 'primal'), (p, method) => {
      const X = matrixOf(p);
      const net = TwoLayerNet.random({ d: p.d, m: p.m, seed: p.seed });
      const eta = 1e-3 / Math.max(lambdaMax(net.gram(X)), 1e-3);
      const r = train(net, X, Float32Array.from(p.y), { eta, steps: 6, method });
      net.dispose();
      const slack = 1e-5 * r.residualSq[0] + 1e-12; // float32 rounding of u
      for (let k = 1; k < r.residualSq.length; k++) {
        expect(r.residualSq[k]).toBeLessThanOrEqual(r.residualSq[k - 1] + slack);
        expect(r.maxWeightDistance[k]).toBeGreaterThanOrEqual(r.maxWeightDistance[k - 1] * (1 - 1e-4));
      }
    }), { numRuns: 100 });
  });

  it('bad inputs always throw the documented error and never corrupt a later valid call', () => {
    const bad = fc.oneof(
      fc.record({ kind: fc.constant('length'), extra: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant('nonFinite'), value: fc.constantFrom(NaN, Infinity, -Infinity), at: fc.nat() }),
      fc.record({ kind: fc.constant('eta'), value: fc.constantFrom(0, -1, NaN, Infinity, -Infinity) }),
      fc.record({ kind: fc.constant('steps'), value: fc.constantFrom(-1, 0.5, NaN, Infinity) }),
    );
    fc.assert(fc.property(problem, bad, (p, mistake) => {
      const X = matrixOf(p);
      const y = Float32Array.from(p.y);
      const net = TwoLayerNet.random({ d: p.d, m: p.m, seed: p.seed });
      const twin = TwoLayerNet.random({ d: p.d, m: p.m, seed: p.seed });
      const expected = train(twin, X, y, { eta: 0.01, steps: 3 }).residualSq;
      twin.dispose();
      let call: () => unknown;
      let type: Function;
      if (mistake.kind === 'length') {
        call = () => train(net, X, new Float32Array(p.n + mistake.extra), { eta: 0.01, steps: 3 }); type = OverparamTypeError;
      } else if (mistake.kind === 'nonFinite') {
        const data = Float32Array.from(p.X);
        data[mistake.at % data.length] = mistake.value;
        call = () => train(net, { ...X, data }, y, { eta: 0.01, steps: 3 }); type = OverparamRangeError;
      } else if (mistake.kind === 'eta') {
        call = () => train(net, X, y, { eta: mistake.value, steps: 3 }); type = OverparamRangeError;
      } else {
        call = () => train(net, X, y, { eta: 0.01, steps: mistake.value }); type = OverparamRangeError;
      }
      expect(call).toThrow(type as new () => Error);
      const after = train(net, X, y, { eta: 0.01, steps: 3 }).residualSq;
      expect(Array.from(after)).toEqual(Array.from(expected));
      net.dispose();
    }), { numRuns: 100 });
  });
});
