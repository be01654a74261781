import { beforeAll, describe, expect, it } from 'vitest';
import { init, TwoLayerNet, gramInfinity } from '../src/index';
import { forward } from './reference/network';
import { gram, gramInfinity as gramInfinityReference, gramInfinityMonteCarlo } from './reference/kernels';
import { mulberry32 } from './reference/random';
import { randomCase, relativeError, SHAPES } from './helpers';

beforeAll(() => init());

describe('forward pass (eq. 1)', () => {
  it.each(SHAPES)('matches the float64 reference for n=%i d=%i m=%i', (n, d, m) => {
    const c = randomCase(n, d, m, 1000 + n + d + m, { rawInputs: true });
    const net = TwoLayerNet.fromWeights(c.W, c.a);
    const got = net.predict(c.X);
    const want = forward(c.X64, n, d, c.W64, m, c.a64);
    // float32 dot products of length d: error ~ d·2⁻²⁴ relative to the terms' scale.
    expect(relativeError(got, want, 1)).toBeLessThan(1e-5 * Math.sqrt(d));
    net.dispose();
  });

  it('gives 0 for a zero input row and a neuron-by-neuron sum for parallel rows', () => {
    const c = randomCase(4, 6, 9, 5);
    const X = c.X.data;
    X.fill(0, 6, 12); // row 1 is zero
    for (let k = 0; k < 6; k++) X[18 + k] = 3 * X[k]; // row 3 = 3·row 0
    const net = TwoLayerNet.fromWeights(c.W, c.a);
    const u = net.predict(c.X);
    expect(u[1]).toBe(0); // relu(0) = 0
    expect(u[3]).toBeCloseTo(3 * u[0], 5); // ReLU is positively homogeneous
  });

  it('copies its inputs in fromWeights and out in weights()', () => {
    const c = randomCase(2, 3, 4, 9);
    const net = TwoLayerNet.fromWeights(c.W, c.a);
    c.W.data[0] = 1234;
    const w = net.weights();
    expect(w.W.data[0]).not.toBe(1234);
    w.W.data[1] = 4321;
    expect(net.weights().W.data[1]).not.toBe(4321);
  });
});

describe('Gram matrices', () => {
  it.each(SHAPES)('H(W) matches eq. (5) to 1e-6 for n=%i d=%i m=%i', (n, d, m) => {
    const c = randomCase(n, d, m, 2000 + n * d * m, { rawInputs: true });
    const net = TwoLayerNet.fromWeights(c.W, c.a);
    const H = net.gram(c.X);
    expect(H.rows).toBe(n);
    expect(H.data).toBeInstanceOf(Float64Array);
    expect(relativeError(H.data, gram(c.X64, n, d, c.W64, m))).toBeLessThan(1e-6);
  });

  it.each(SHAPES)('H∞ matches the closed form to 1e-6 for n=%i d=%i', (n, d) => {
    const c = randomCase(n, d, 1, 3000 + n + d, { rawInputs: true });
    expect(relativeError(gramInfinity(c.X).data, gramInfinityReference(c.X64, n, d))).toBeLessThan(1e-6);
  });

  it('H∞ handles zero and parallel rows: zero row/column, c‖x‖²/2 for x and c·x', () => {
    const X = new Float32Array([1, 2, 2, 0, 0, 0, 2, 4, 4, -1, -2, -2]);
    const H = gramInfinity({ rows: 4, cols: 3, data: X }).data;
    for (let j = 0; j < 4; j++) { expect(H[4 + j]).toBe(0); expect(H[j * 4 + 1]).toBe(0); }
    expect(H[0]).toBeCloseTo(9 / 2, 12);
    expect(H[2]).toBeCloseTo(2 * 9 / 2, 5); // θ = 0 up to float32 rounding of the cosine
    expect(H[3]).toBeCloseTo(0, 12); // antiparallel: θ = π
  });

  it('H∞ agrees with a Monte-Carlo estimate within 5 standard errors', () => {
    const c = randomCase(6, 4, 1, 77);
    const { mean, stderr } = gramInfinityMonteCarlo(c.X64, 6, 4, 20_000, mulberry32(5));
    const H = gramInfinity(c.X).data;
    for (let k = 0; k < H.length; k++) expect(Math.abs(H[k] - mean[k])).toBeLessThanOrEqual(5 * stderr[k] + 1e-12);
  });

  it('H(W) approaches H∞ as m grows (‖H − H∞‖ shrinks like 1/√m)', () => {
    const c = randomCase(8, 5, 1, 12);
    const Hinf = gramInfinity(c.X).data;
    const gap = (m: number) => {
      const H = TwoLayerNet.random({ d: 5, m, seed: 4 }).gram(c.X).data;
      return relativeError(H, Hinf);
    };
    const small = gap(100), large = gap(40_000);
    expect(large).toBeLessThan(small);
    expect(large).toBeLessThan(5 / Math.sqrt(40_000));
  });
});
