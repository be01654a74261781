// net.gram(X, { part }) at the current weights to 1e-10 (issue 12 §6), for every activation, part
// ('first', 'output', 'both') and parametrisation (α, γ, outputInit 'sign' | 'gaussian' |
// 'symmetric'), against the float64 oracle
// test/reference/dense.ts (denseGram, written from DESIGN §7.1's formulas) evaluated on the net's
// float32 weights and inputs: z_ir = w_rᵀx_i, ψ, ψ′ and the sums all in float64. The error is max_ij |H_ij − H^ref_ij| / max_ij |H^ref_ij| (max-entry sense).
//
// The edge sizes: n = 1, m = 1, d = 1, m and n off the 4-blocks (and m off the 64-bit words), a
// zero row of X (z_0r = 0 for every neuron: ReLU's and leaky ReLU's ψ′ take their z ≥ 0 branch).
// The float32 path this replaced (float32 Z, ψ′ and ψ) was 2e-8 to 2e-7 off here for every
// activation but ReLU (3e-6 was its tolerance).
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation } from '../src/activations';
import { init, TwoLayerNet, type Matrix } from '../src/index';
import { denseGram, linearKernel, preactivations } from './reference/dense';
import { mulberry32, randomUnitRows } from './reference/random';

beforeAll(async () => { await init(); });

const TOLERANCE = 1e-10;

/** max |got − want| / max |want| (0 when both vanish). */
function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0, worst = 0;
  for (let k = 0; k < want.length; k++) scale = Math.max(scale, Math.abs(want[k]));
  for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]));
  return worst === 0 ? 0 : worst / scale;
}

/** Unit rows (row 0 zero if asked), as float32, and their float64 copy. */
function inputs(n: number, d: number, seed: number, zeroRow: boolean): { X: Matrix; X64: Float64Array } {
  const X64 = randomUnitRows(n, d, mulberry32(seed));
  if (zeroRow) X64.fill(0, 0, d);
  const X32 = Float32Array.from(X64);
  return { X: { rows: n, cols: d, data: X32 }, X64: Float64Array.from(X32) };
}

/** The oracle's three parts at the net's weights (DESIGN §7.1; 'both' is their sum). */
function oracle(net: TwoLayerNet, X64: Float64Array, n: number, d: number): Record<'first' | 'output' | 'both', Float64Array> {
  const { W, a } = net.weights();
  const m = net.m;
  const Z = preactivations(X64, n, d, Float64Array.from(W.data), m);
  const K = linearKernel(X64, n, d);
  const model = { act: net.activation as Activation, slope: net.negativeSlope ?? 0.01 };
  const first = denseGram(K, Z, n, m, Float64Array.from(a), model, 'first');
  const output = denseGram(K, Z, n, m, Float64Array.from(a), model, 'output');
  return { first, output, both: first.map((v, q) => v + output[q]) };
}

/** (α, γ, outputInit): the paper's, a lazy and a mean-field one, each with another a(0). */
const PARAMETRISATIONS = [
  [1, 0.5, 'sign'], [10, 0.5, 'gaussian'], [0.1, 1, 'symmetric'], [3, 0, 'gaussian'], [0.5, 1, 'sign'],
] as const;

/** [n, d, m, zero row]: the edge sizes and one of every block tail. */
const SHAPES: [number, number, number, boolean][] = [
  [1, 1, 1, false], [1, 3, 2, false], [2, 1, 5, true], [5, 4, 1, true], [6, 3, 66, true], [9, 5, 67, true], [13, 17, 130, false],
];

describe('net.gram(X, { part }) to 1e-10 of the float64 formula at the float32 weights', () => {
  for (const act of ACTIVATIONS) {
    it(`${act}: every part, parametrisation and edge size`, () => {
      for (const [n, d, m, zeroRow] of SHAPES) {
        const { X, X64 } = inputs(n, d, 31 * n + d + m, zeroRow);
        for (const [alpha, gamma, outputInit] of PARAMETRISATIONS) {
          if (outputInit === 'symmetric' && m % 2 !== 0) continue;
          // Quadratic's ψ grows fastest; scale 0.5 keeps its entries moderate (not needed for accuracy).
          const net = TwoLayerNet.random({
            d, m, seed: n + m, activation: act, outputScale: alpha, widthExponent: gamma, outputInit,
            scale: act === 'quadratic' ? 0.5 : 1,
          });
          const want = oracle(net, X64, n, d);
          for (const part of ['first', 'output', 'both'] as const) {
            const H = net.gram(X, { part });
            expect([H.rows, H.cols]).toEqual([n, n]);
            expect(relErr(H.data, want[part]), `${act} n=${n} d=${d} m=${m} α=${alpha} γ=${gamma} ${outputInit} ${part}`)
              .toBeLessThan(TOLERANCE);
          }
          net.dispose();
        }
      }
    });
  }

  it('is symmetric, and H itself does not depend on α and γ (DESIGN §7.1)', () => {
    const n = 11, d = 6, m = 41;
    const { X } = inputs(n, d, 5, true);
    for (const act of ACTIVATIONS) {
      const base = TwoLayerNet.random({ d, m, seed: 2, activation: act, outputInit: 'gaussian' });
      const { W, a } = base.weights();
      const H = base.gram(X, { part: 'both' }).data;
      base.dispose();
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(H[i * n + j]).toBe(H[j * n + i]);
      const scaled = TwoLayerNet.fromWeights(W, a, { activation: act, outputScale: 7, widthExponent: 1 });
      expect(Array.from(scaled.gram(X, { part: 'both' }).data), act).toEqual(Array.from(H));
      scaled.dispose();
    }
  });

  it("smooth ψ with pre-activations near float32's resolution: a wide input where float32 Z alone is off by ~1e-6", () => {
    // d = 400 unit-variance weights: z_ir ~ N(0, 1) sums 400 products, and float32 rounding leaves
    // each z off by ~1e-7·√d relative; the f64 dot does not.
    const n = 7, d = 400, m = 203;
    const { X, X64 } = inputs(n, d, 9, false);
    for (const act of ['tanh', 'gelu', 'softplus'] as const) {
      const net = TwoLayerNet.random({ d, m, seed: 4, activation: act, outputInit: 'gaussian' });
      const want = oracle(net, X64, n, d);
      expect(relErr(net.gram(X).data, want.first), act).toBeLessThan(TOLERANCE);
      expect(relErr(net.gram(X, { part: 'output' }).data, want.output), act).toBeLessThan(TOLERANCE);
      net.dispose();
    }
  });

  it('leaky ReLU with another slope: the slope enters in f64, not rounded to float32', () => {
    const n = 8, d = 3, m = 37;
    const { X, X64 } = inputs(n, d, 12, true);
    for (const negativeSlope of [0, 0.3, 1]) {
      const net = TwoLayerNet.random({ d, m, seed: 6, activation: 'leakyRelu', negativeSlope, outputInit: 'gaussian' });
      const want = oracle(net, X64, n, d);
      for (const part of ['first', 'output', 'both'] as const) {
        expect(relErr(net.gram(X, { part }).data, want[part]), `slope ${negativeSlope} ${part}`).toBeLessThan(TOLERANCE);
      }
      net.dispose();
    }
  });
});
