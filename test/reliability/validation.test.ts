// Issue 6, item 1: bad input gets a clear error naming the argument and the expected shape/range.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, sphereData, TwoLayerNet, train, gramInfinity, eigvalsh, lambdaMin,
  OverparamError, OverparamRangeError, OverparamTypeError, type Matrix,
} from '../../src/index';

beforeAll(() => init());

const X: Matrix = { rows: 3, cols: 2, data: new Float32Array([1, 0, 0, 1, 0.6, 0.8]) };
const y = new Float32Array([1, -1, 0.5]);

function expectError(fn: () => unknown, type: Function, code: string, message: RegExp): void {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught, 'expected a throw').toBeInstanceOf(type);
  expect((caught as { code: string }).code).toBe(code);
  expect((caught as Error).message).toMatch(message);
}

describe('validation at the API edge', () => {
  it('rejects a data length that does not match rows×cols', () => {
    expectError(() => gramInfinity({ rows: 2, cols: 3, data: new Float32Array(5) }), TypeError, 'BAD_SHAPE',
      /gramInfinity: X\.data has length 5, expected rows×cols = 2×3 = 6/);
  });

  it.each([0, -3, 2.5, NaN, '4'])('rejects size %s', (bad) => {
    expectError(() => sphereData({ n: bad as number, d: 3 }), RangeError, 'BAD_VALUE', /sphereData: n must be an integer ≥ 1/);
    expectError(() => TwoLayerNet.random({ d: 3, m: bad as number }), RangeError, 'BAD_VALUE', /TwoLayerNet\.random: m must be an integer ≥ 1/);
  });

  it('rejects a net whose d does not match X', () => {
    const net = TwoLayerNet.random({ d: 5, m: 4 });
    expectError(() => net.predict(X), TypeError, 'BAD_SHAPE', /predict: X must have 5 columns, got 2/);
    expectError(() => train(net, X, y, { eta: 0.1, steps: 1 }), TypeError, 'BAD_SHAPE', /train: X must have 5 columns, got 2/);
  });

  it('rejects y of the wrong length', () => {
    const net = TwoLayerNet.random({ d: 2, m: 4 });
    expectError(() => train(net, X, new Float32Array(4), { eta: 0.1, steps: 1 }), TypeError, 'BAD_SHAPE',
      /train: y must have length 3, got 4/);
  });

  it.each([NaN, Infinity, -Infinity])('rejects %s in X, y, W and a, naming the entry', (bad) => {
    const badX = { ...X, data: Float32Array.from(X.data) };
    badX.data[3] = bad;
    expectError(() => gramInfinity(badX), RangeError, 'NOT_FINITE', /gramInfinity: X\(1, 1\) is .* every entry must be finite/);
    const net = TwoLayerNet.random({ d: 2, m: 4 });
    const badY = Float32Array.from(y);
    badY[2] = bad;
    expectError(() => train(net, X, badY, { eta: 0.1, steps: 1 }), RangeError, 'NOT_FINITE', /train: y\[2\]/);
    const W = { rows: 2, cols: 2, data: new Float32Array([1, 2, bad, 4]) };
    expectError(() => TwoLayerNet.fromWeights(W, new Float32Array(2)), RangeError, 'NOT_FINITE', /fromWeights: W\(1, 0\)/);
    const W2 = { rows: 2, cols: 2, data: new Float32Array([1, 2, 3, 4]) };
    expectError(() => TwoLayerNet.fromWeights(W2, new Float32Array([1, bad])), RangeError, 'NOT_FINITE', /fromWeights: a\[1\]/);
  });

  it.each([0, -1, NaN, Infinity])('rejects η = %s', (eta) => {
    const net = TwoLayerNet.random({ d: 2, m: 4 });
    expectError(() => train(net, X, y, { eta, steps: 1 }), RangeError, 'BAD_VALUE', /train: eta must be a finite number > 0/);
  });

  it.each([-1, 1.5, NaN])('rejects steps = %s', (steps) => {
    const net = TwoLayerNet.random({ d: 2, m: 4 });
    expectError(() => train(net, X, y, { eta: 0.1, steps }), RangeError, 'BAD_VALUE', /train: steps must be an integer ≥ 0/);
  });

  it('rejects a disposed net everywhere', () => {
    const net = TwoLayerNet.random({ d: 2, m: 4 });
    net.dispose();
    net.dispose(); // idempotent
    expect(net.isDisposed).toBe(true);
    for (const call of [() => net.predict(X), () => net.gram(X), () => net.weights(), () => train(net, X, y, { eta: 0.1, steps: 1 })]) {
      expectError(call, OverparamError, 'DISPOSED', /this network was disposed/);
    }
  });

  it('rejects non-symmetric and non-square matrices where a symmetric one is required', () => {
    const A = { rows: 2, cols: 2, data: new Float64Array([1, 2, 3, 1]) };
    expectError(() => eigvalsh(A), RangeError, 'NOT_SYMMETRIC', /must be symmetric: entries \(0, 1\) and \(1, 0\) differ/);
    expectError(() => lambdaMin({ rows: 2, cols: 3, data: new Float64Array(6) }), RangeError, 'BAD_SHAPE', /must be square, got 2×3/);
  });

  it('uses the library error classes, which keep TypeError/RangeError instanceof', () => {
    let e: unknown;
    try { sphereData({ n: 0, d: 1 }); } catch (caught) { e = caught; }
    expect(e).toBeInstanceOf(OverparamRangeError);
    expect(e).toBeInstanceOf(RangeError);
    expect(new OverparamTypeError('BAD_SHAPE', 'x')).toBeInstanceOf(TypeError);
  });
});

describe('before init()', () => {
  it('names the missing call, with code NOT_INITIALISED', async () => {
    const { vi } = await import('vitest');
    vi.resetModules();
    const fresh = await import('../../src/index');
    expect(() => fresh.sphereData({ n: 2, d: 2 })).toThrow(/call `await init\(\)` before using the library/);
    try { fresh.sphereData({ n: 2, d: 2 }); } catch (e) { expect((e as { code: string }).code).toBe('NOT_INITIALISED'); }
  });
});
