// Issue 11 §3 and §4: values at the edge of float32 and float64, shapes read once, error paths that
// free what they allocated, and the error classes and codes.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  init, sphereData, TwoLayerNet, train, gramInfinity, inputDiagnostics, lambdaMax, lambdaMin,
  spectralNormOfDifference, choleskySolve, ntkPredict, memoryInUse, setMemoryLimit,
  OverparamError, OverparamRangeError, OverparamTypeError, type Matrix,
} from '../../src/index';

await init();

function caught(fn: () => unknown): OverparamError {
  try { fn(); } catch (error) { return error as OverparamError; }
  throw new Error('expected a throw');
}

function expectCode(fn: () => unknown, code: string, message: RegExp): void {
  const error = caught(fn);
  expect(error).toBeInstanceOf(OverparamError);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
}

const { X, y } = sphereData({ n: 6, d: 4, seed: 1 });
const beyondFloat32 = (rows: number, cols: number, at = 0): Matrix => {
  const data = new Float64Array(rows * cols).fill(0.5);
  data[at] = 1e39;
  return { rows, cols, data };
};

describe('values beyond float32', () => {
  it('are refused where the network would hold them in float32, naming the entry', () => {
    const net = TwoLayerNet.random({ d: 4, m: 8, seed: 2 });
    expectCode(() => net.predict(beyondFloat32(6, 4, 5)), 'NOT_FINITE', /predict: X\(1, 1\) is 1e\+39; outside float32's range/);
    expectCode(() => net.gram(beyondFloat32(6, 4)), 'NOT_FINITE', /gram: X\(0, 0\) is 1e\+39/);
    expectCode(() => gramInfinity(beyondFloat32(6, 4)), 'NOT_FINITE', /gramInfinity: X\(0, 0\) is 1e\+39/);
    expectCode(() => inputDiagnostics(beyondFloat32(6, 4)), 'NOT_FINITE', /inputDiagnostics: X\(0, 0\)/);
    expectCode(() => train(net, beyondFloat32(6, 4), y, { eta: 0.1, steps: 1 }), 'NOT_FINITE', /train: X\(0, 0\) is 1e\+39/);
    expectCode(() => train(net, X, Float64Array.from([0, 0, 1e39, 0, 0, 0]), { eta: 0.1, steps: 1 }), 'NOT_FINITE', /train: y\[2\] is 1e\+39/);
    expectCode(() => TwoLayerNet.fromWeights(beyondFloat32(8, 4), new Float32Array(8)), 'NOT_FINITE', /fromWeights: W\(0, 0\)/);
    expectCode(() => TwoLayerNet.fromWeights({ rows: 1, cols: 1, data: new Float64Array([1]) }, new Float64Array([-1e39])), 'NOT_FINITE', /fromWeights: a\[0\] is -1e\+39/);
    expectCode(() => TwoLayerNet.random({ d: 4, m: 8, scale: 1e39 }), 'NOT_FINITE', /scale = 1e\+39 makes the weight W\(\d+, \d+\) .*Infinity/);
    net.dispose();
    // The largest float32 itself is fine: its entries are finite as the net holds them.
    const edge = TwoLayerNet.fromWeights({ rows: 1, cols: 1, data: new Float64Array([3.4028234663852886e38]) }, new Float64Array([1]));
    expect(edge.weights().W.data[0]).toBe(3.4028234663852886e38);
    edge.dispose();
  });

  it('an initial state that overflows float32 is a NOT_FINITE error, and the net is untouched', () => {
    // z = w_rᵀx = 4·1e38 overflows float32 although every entry is finite there.
    const net = TwoLayerNet.fromWeights({ rows: 8, cols: 4, data: new Float32Array(32).fill(1) }, new Float32Array(8).fill(1));
    const W0 = Array.from(net.weights().W.data);
    const huge = { rows: 6, cols: 4, data: new Float32Array(24).fill(1e38) };
    expectCode(() => train(net, huge, y, { eta: 0.1, steps: 3 }), 'NOT_FINITE', /train: the initial loss ‖y − u\(0\)‖² is (Infinity|NaN): u\(0\)\[\d\]/);
    expectCode(() => net.predict(huge), 'NOT_FINITE', /predict: u\[\d\] = f\(W, a, x_\d\) is (-?Infinity|NaN)/);
    expect(Array.from(net.weights().W.data)).toEqual(W0);
    net.dispose();
  });

  it('the divergence advice blames η only when η is above the limit it quotes', () => {
    const data = sphereData({ n: 20, d: 15, seed: 1 });
    const probe = TwoLayerNet.random({ d: 15, m: 2, seed: 11 });
    const stable = 2 / lambdaMax(probe.gram(data.X));
    probe.dispose();
    // Joint training at m = 2 diverges below the first layer's limit: the output layer's kernel adds
    // to H. The advice quotes the limit of the run's own H(0), both layers' (issue 12 §3), so η is
    // rightly blamed.
    const probeBoth = TwoLayerNet.random({ d: 15, m: 2, seed: 11 });
    const stableBoth = 2 / lambdaMax(probeBoth.gram(data.X, { part: 'both' }));
    probeBoth.dispose();
    expect(stableBoth).toBeLessThan(0.9 * stable);
    const below = TwoLayerNet.random({ d: 15, m: 2, seed: 11 });
    const r = train(below, data.X, data.y, { eta: 0.9 * stable, steps: 3000, method: 'kernel', trainOutputLayer: true });
    below.dispose();
    expect(r.status).toBe('diverged');
    // train's H(0) is built from its float32 Z(0) (the step's own numbers), net.gram's output part
    // from the f64 z: equal to float32 round-off.
    expect(Math.abs(r.divergence!.largestStableEta / stableBoth - 1)).toBeLessThan(1e-6);
    expect(r.divergence!.message).toMatch(/is too large: GD is stable for η < 2\/λ_max\(H\(0\)\)/);
    const above = TwoLayerNet.random({ d: 15, m: 2, seed: 11 });
    const s = train(above, data.X, data.y, { eta: 20 * stable, steps: 3000, method: 'kernel' });
    above.dispose();
    expect(s.divergence!.message).toMatch(/η = .* is too large: GD is stable for η < 2\/λ_max\(H\(0\)\)/);
  });

  it("the mean loss's limit is in the mean loss's units (n times the sum's)", () => {
    const data = sphereData({ n: 20, d: 15, seed: 1 });
    const probe = TwoLayerNet.random({ d: 15, m: 50, seed: 2 });
    const sumLimit = 2 / lambdaMax(probe.gram(data.X));
    const r = train(probe, data.X, data.y, { eta: 20 * 20 * sumLimit, steps: 500, loss: 'mean' });
    probe.dispose();
    expect(r.status).toBe('diverged');
    expect(r.divergence!.largestStableEta).toBeCloseTo(20 * sumLimit, 8);
    expect(r.divergence!.message).toMatch(/2\/λ_max\(H\(0\)\)·n = /);
  });
});

describe('float64 edges of the spectra and the kernel predictor', () => {
  const identity = (scale: number, n = 3): Matrix => {
    const data = new Float64Array(n * n);
    for (let i = 0; i < n; i++) data[i * n + i] = scale;
    return { rows: n, cols: n, data };
  };

  it('‖A − B‖₂ past float64 is a NOT_FINITE error, not NaN; within range it is exact', () => {
    expectCode(() => spectralNormOfDifference(identity(1e308), identity(-1e308)), 'NOT_FINITE',
      /spectralNormOfDifference: ‖A − B‖₂ is beyond float64's range .*\|a − b\| at \(0, 0\) = \|1e\+308 − -1e\+308\|/);
    expect(spectralNormOfDifference(identity(6e307), identity(-6e307))).toBe(1.2e308);
  });

  it('choleskySolve refuses a non-symmetric matrix and non-finite right-hand sides', () => {
    const A = { rows: 2, cols: 2, data: new Float64Array([4, 1, 0, 3]) };
    expectCode(() => choleskySolve(A, [1, 2]), 'NOT_SYMMETRIC', /choleskySolve: A must be symmetric: entries \(0, 1\) and \(1, 0\)/);
    expectCode(() => choleskySolve(identity(2, 2), [1, NaN]), 'NOT_FINITE', /choleskySolve: b\[1\] is NaN/);
    expect(Array.from(choleskySolve({ rows: 2, cols: 2, data: new Float64Array([4, 1, 1, 3]) }, [1, 2]))).toEqual(
      [(3 * 1 - 1 * 2) / 11, (4 * 2 - 1 * 1) / 11]);
  });

  it('ntkPredict refuses NaN labels and starts', () => {
    const test = sphereData({ n: 2, d: 4, seed: 3 });
    expectCode(() => ntkPredict(X, Float64Array.from([1, 2, NaN, 0, 0, 0]), test.X), 'NOT_FINITE', /ntkPredict: ytrain\[2\] is NaN/);
    expectCode(() => ntkPredict(X, y, test.X, { initialTest: [0, Infinity] }), 'NOT_FINITE', /ntkPredict: initialTest\[1\]/);
  });
});

describe('a Matrix is read once', () => {
  it('a rows getter that changes between reads cannot make gramInfinity read past the data', () => {
    let reads = 0;
    const tricky = { get rows() { reads++; return reads === 1 ? 6 : 1000; }, cols: 4, data: X.data };
    const H = gramInfinity(tricky as Matrix);
    expect(reads).toBe(1);
    expect(Array.from(H.data)).toEqual(Array.from(gramInfinity(X).data));
    for (const call of [(M: Matrix) => lambdaMin(M), (M: Matrix) => spectralNormOfDifference(M, gramInfinity(X))]) {
      let n = 0;
      const square = { get rows() { n++; return n === 1 ? 6 : 60; }, cols: 6, data: gramInfinity(X).data };
      expect(() => call(square as Matrix)).not.toThrow();
      expect(n).toBe(1);
    }
  });
});

describe('failing calls free what they allocated', () => {
  const net = TwoLayerNet.random({ d: 4, m: 300, seed: 2 });
  const big = sphereData({ n: 200, d: 4, seed: 4 });
  it.each([
    ['predict', () => net.predict(big.X)],
    ['net.gram', () => net.gram(big.X)],
    ['gramInfinity', () => gramInfinity(big.X)],
    ['inputDiagnostics', () => inputDiagnostics(big.X)],
    ['sphereData', () => sphereData({ n: 2200, d: 4 })],
    ['TwoLayerNet.random', () => TwoLayerNet.random({ d: 4, m: 2200 })],
  ])('%s: OUT_OF_MEMORY 50 times over, and the bytes in use do not move', (_, call) => {
    const before = memoryInUse().bytesInUse;
    // Room for the first buffers of the call but not for all of them.
    setMemoryLimit(before + 40_000);
    try {
      for (let i = 0; i < 50; i++) expect(caught(call).code).toBe('OUT_OF_MEMORY');
    } finally {
      setMemoryLimit(4 * 1024 ** 3);
    }
    expect(memoryInUse().bytesInUse).toBe(before);
  });
});

describe('error classes and codes', () => {
  it('one instanceof OverparamError catches all three classes, which keep their built-in bases', () => {
    const type = caught(() => gramInfinity({ rows: 2, cols: 2, data: new Float32Array(3) }));
    const range = caught(() => sphereData({ n: -5, d: 2 }));
    for (const error of [type, range, new OverparamError('BUSY', 'x')]) expect(error).toBeInstanceOf(OverparamError);
    expect(type).toBeInstanceOf(OverparamTypeError);
    expect(type).toBeInstanceOf(TypeError);
    expect(range).toBeInstanceOf(OverparamRangeError);
    expect(range).toBeInstanceOf(RangeError);
    expect(range).not.toBeInstanceOf(OverparamTypeError);
    expect(new Error('plain')).not.toBeInstanceOf(OverparamError);
    expect(new TypeError('plain')).not.toBeInstanceOf(OverparamError);
  });

  it('a power iteration that does not converge is NOT_CONVERGED, not BAD_VALUE', () => {
    const H = gramInfinity(sphereData({ n: 30, d: 30, seed: 5 }).X);
    expectCode(() => lambdaMin(H, { method: 'power', maxIterations: 3 }), 'NOT_CONVERGED', /lambdaMin: power iteration did not converge/);
  });

  it('before init(), every entry point reports NOT_INITIALISED', () => {
    const script = fileURLToPath(new URL('./uninitialised.ts', import.meta.url));
    const codes = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' }).trim()) as Record<string, string>;
    expect(Object.keys(codes).length).toBeGreaterThanOrEqual(12);
    for (const [fn, code] of Object.entries(codes)) expect(code, fn).toBe('NOT_INITIALISED');
  });
});
