// The single-thread build's memory is not shared: an allocation that grows it detaches every view
// taken before. Two paths once read such a view after allocating (review of issue 12's kernels):
// the a²-weighted ReLU Gram (Gaussian a, or a after joint training) and the quadrature's error.
import { beforeAll, describe, expect, it } from 'vitest';
import { gramInfinity, init, OverparamError, sphereData, threadCount, train, TwoLayerNet } from '../../src/index';

beforeAll(async () => { await init({ threads: 1 }); });

describe('views across memory growth (one thread, unshared memory)', () => {
  it('net.gram with Gaussian a(0) grows memory without reading a detached view, and gives the same H again', () => {
    expect(threadCount()).toBe(1);
    const { X } = sphereData({ n: 50, d: 10, seed: 1 });
    const net = TwoLayerNet.random({ d: 10, m: 9000, seed: 2, outputInit: 'gaussian' });
    const first = net.gram(X);                    // the first large allocation grows memory
    const again = net.gram(X);                    // memory is large enough now: no growth
    expect(Array.from(first.data)).toEqual(Array.from(again.data));
    net.dispose();
  });

  it("train's certificates allocate their wasm buffers mid-run (Z(k), masks, H(k)) and read no detached view", () => {
    const { X, y } = sphereData({ n: 40, d: 10, seed: 3 });
    const go = () => {
      const net = TwoLayerNet.random({ d: 10, m: 12000, seed: 4 });
      const r = train(net, X, y, { eta: 0.5, steps: 4, gramEvery: 2, certificates: true });
      net.dispose();
      return r;
    };
    const first = go(), again = go(); // the first grows memory, the second finds it large enough
    const c = first.certificates!;
    expect(Math.max(...c.splitResidual!)).toBeLessThan(1e-5);
    expect(c.sPerpTotal![3]).toBeGreaterThan(0);
    expect(Array.from(c.sPerpTotal!)).toEqual(Array.from(again.certificates!.sPerpTotal!));
    expect(Array.from(c.i2Norm!)).toEqual(Array.from(again.certificates!.i2Norm!));
    expect(c.gram!.perturbation).toEqual(again.certificates!.gram!.perturbation);
    expect(first.lambdaMinGram!.value).toEqual(again.lambdaMinGram!.value);
  });

  it('the quadrature names the row it could not converge (NOT_CONVERGED), after allocations that grew memory', () => {
    const n = 20, d = 4;
    const X = { rows: n, cols: d, data: Float32Array.from({ length: n * d }, (_, q) => 3 * Math.cos(q + 1)) };
    const call = () => gramInfinity(X, { activation: 'tanh' });
    expect(call).toThrow(OverparamError);
    expect(call).toThrow(/did not converge with \d+ nodes for row \d+, where κ‖x‖ = \d/);
  });
});
