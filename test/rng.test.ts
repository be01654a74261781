import { beforeAll, describe, expect, it } from 'vitest';
import { init, sphereData, TwoLayerNet } from '../src/index';

beforeAll(() => init());

describe('seeded random numbers', () => {
  it('gives bit-identical draws for the same seed and different draws for another', () => {
    const a = TwoLayerNet.random({ d: 9, m: 31, seed: 7 }).weights();
    const b = TwoLayerNet.random({ d: 9, m: 31, seed: 7 }).weights();
    const c = TwoLayerNet.random({ d: 9, m: 31, seed: 8 }).weights();
    expect(Array.from(a.W.data)).toEqual(Array.from(b.W.data));
    expect(Array.from(a.a)).toEqual(Array.from(b.a));
    expect(Array.from(a.W.data)).not.toEqual(Array.from(c.W.data));
  });

  it('draws N(0, κ²) weights and fair ±1 signs (moments within 5 standard errors)', () => {
    const count = 200_000, scale = 2.5;
    const { W, a } = TwoLayerNet.random({ d: 100, m: count / 100, seed: 3, scale }).weights();
    let mean = 0, second = 0, fourth = 0;
    for (const v of W.data) { mean += v; second += v * v; fourth += v ** 4; }
    mean /= count; second /= count; fourth /= count;
    const s2 = scale * scale;
    expect(Math.abs(mean)).toBeLessThan(5 * scale / Math.sqrt(count));
    expect(Math.abs(second - s2)).toBeLessThan(5 * s2 * Math.sqrt(2 / count));
    expect(Math.abs(fourth / (s2 * s2) - 3)).toBeLessThan(5 * Math.sqrt(96 / count));
    const plus = a.filter((s) => s === 1).length;
    expect(a.every((s) => s === 1 || s === -1)).toBe(true);
    expect(Math.abs(plus - a.length / 2)).toBeLessThan(5 * Math.sqrt(a.length) / 2);
  });

  it('puts sphereData rows on the unit sphere with N(0,1) labels, reproducibly', () => {
    const { X, y } = sphereData({ n: 4000, d: 5, seed: 11 });
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      for (let k = 0; k < X.cols; k++) s += X.data[i * X.cols + k] ** 2;
      expect(Math.abs(Math.sqrt(s) - 1)).toBeLessThan(1e-6);
    }
    // Uniform on the sphere: each coordinate has mean 0 and variance 1/d.
    let coordVar = 0;
    for (let i = 0; i < X.rows; i++) coordVar += X.data[i * X.cols] ** 2;
    coordVar /= X.rows;
    expect(Math.abs(coordVar - 1 / 5)).toBeLessThan(5 * Math.sqrt(2 / X.rows) / 5);
    let ym = 0, yv = 0;
    for (const v of y) { ym += v; yv += v * v; }
    ym /= y.length; yv /= y.length;
    expect(Math.abs(ym)).toBeLessThan(5 / Math.sqrt(y.length));
    expect(Math.abs(yv - 1)).toBeLessThan(5 * Math.sqrt(2 / y.length));
    const again = sphereData({ n: 4000, d: 5, seed: 11 });
    expect(Array.from(again.X.data)).toEqual(Array.from(X.data));
  });
});
