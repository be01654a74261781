// Issue 11 §10: tests for two mutations no test caught. Each fails when its guard is broken:
// the forward pass's activation bit at exactly z = 0 (1{z ≥ 0}, eq. 4) and the float64 sign
// certification of net.gram (H is eq. 5 with the signs of w_rᵀx_i as float64 gives them).
import { describe, expect, it } from 'vitest';
import { init, TwoLayerNet, train } from '../../src/index';
import { forward, gdStep, loss } from '../reference/network';
import { gram as referenceGram } from '../reference/kernels';
import { mulberry32, randomMatrix, randomSigns, randomUnitRows } from '../reference/random';
import { relativeError } from '../helpers';

await init();

describe('the activation at exactly z = 0', () => {
  it.each(['kernel', 'primal'] as const)('counts a zero row of W as active, as eq. (4) does (%s step)', (method) => {
    const n = 7, d = 5, m = 6, rand = mulberry32(11);
    const X = Float32Array.from(randomUnitRows(n, d, rand));
    const y = Float32Array.from(randomMatrix(n, 1, rand));
    const W = Float32Array.from(randomMatrix(m, d, rand));
    W.fill(0, 2 * d, 3 * d); // w_2 = 0: z_i2 = 0 for every input
    const a = Float32Array.from(randomSigns(m, rand));
    const net = TwoLayerNet.fromWeights({ rows: m, cols: d, data: W }, a);
    // Two steps: the kernel-space step moves Z by the forward pass's bits, and its rebuilt W shows
    // that only through the second step's coefficients.
    const r = train(net, { rows: n, cols: d, data: X }, y, { eta: 0.4, steps: 2, method });
    const X64 = Float64Array.from(X), y64 = Float64Array.from(y);
    const one = gdStep({ W: Float64Array.from(W), a: Float64Array.from(a), m }, X64, n, d, y64, 0.4);
    const want = gdStep(one, X64, n, d, y64, 0.4);
    const got = net.weights().W.data;
    // The zero row moves by −η c_2 Σ_i e_i x_i because 1{0 ≥ 0} = 1; with 1{z > 0} it would stay 0.
    expect(Math.max(...Array.from(one.W.subarray(2 * d, 3 * d), Math.abs))).toBeGreaterThan(1e-3);
    expect(relativeError(got, want.W)).toBeLessThan(1e-5);
    expect(r.residualSq[2]).toBeCloseTo(2 * loss(forward(X64, n, d, want.W, m, want.a), y64), 5);
    // At step 0 nothing has flipped; the zero row's bits are set like the reference's.
    expect(r.patternChangeFraction[0]).toBe(0);
    net.dispose();
  });
});

describe('net.gram takes its signs from float64', () => {
  it('equals eq. (5) exactly where float32 gets the sign of w_rᵀx_i wrong', () => {
    // Each neuron is made nearly orthogonal to one input (|z| ≈ 1e-9 ≪ float32's error ≈ 1e-7), so
    // the float32 GEMM gets many of those signs wrong; float64 gets them right.
    const n = 40, d = 16, m = 200, rand = mulberry32(5);
    const X = Float32Array.from(randomUnitRows(n, d, rand));
    const W64 = randomMatrix(m, d, rand);
    for (let r = 0; r < m; r++) {
      const i = r % n, w = W64.subarray(r * d, (r + 1) * d), x = X.subarray(i * d, (i + 1) * d);
      let along = 0;
      for (let k = 0; k < d; k++) along += w[k] * x[k];
      const nudge = (r % 2 ? 1 : -1) * 1e-9;
      for (let k = 0; k < d; k++) w[k] += (nudge - along) * x[k];
    }
    const W = Float32Array.from(W64);
    const a = Float32Array.from(randomSigns(m, rand));
    const net = TwoLayerNet.fromWeights({ rows: m, cols: d, data: W }, a);
    const H = net.gram({ rows: n, cols: d, data: X }).data;
    const want = referenceGram(Float64Array.from(X), n, d, Float64Array.from(W), m);
    expect(relativeError(H, want)).toBeLessThan(1e-13);
    net.dispose();
  });
});
