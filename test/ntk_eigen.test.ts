// widthSweep's kernel predictions through H∞'s eigendecomposition (kernelPredictFromEigen) against
// kernelPredict's direct forms: the kernel-regime GD iteration and the Cholesky solve at convergence.
import { describe, it, expect, beforeAll } from 'vitest';
import { eigh, init, memoryInUse, sphereData, widthSweep } from '../src/index.js';
import { crossGramInfinity, kernelPredict, kernelPredictFromEigen } from '../src/experiments/ntk.js';

beforeAll(() => init());

describe('kernelPredictFromEigen', () => {
  it('equals the kernel-regime iteration and the Cholesky solve to float64 round-off', () => {
    const n = 60, t = 7, d = 20;
    const all = sphereData({ n: n + t, d, seed: 3 });
    const X = { rows: n, cols: d, data: all.X.data.subarray(0, n * d) };
    const T = { rows: t, cols: d, data: all.X.data.subarray(n * d) };
    const y = all.y.subarray(0, n);
    const blocks = crossGramInfinity(X, T);
    const eigen = eigh(blocks.train);
    const u0 = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const f0 = Float64Array.from({ length: t }, (_, i) => Math.cos(i));
    const eta = 0.5 / eigen.values[n - 1];
    for (const options of [{}, { eta, steps: 0 }, { eta, steps: 1 }, { eta, steps: 37, initialTrain: u0, initialTest: f0 }, { eta: 1.9 / eigen.values[n - 1], steps: 20 }]) {
      const want = kernelPredict(blocks, y, options), got = kernelPredictFromEigen(eigen, blocks.cross, y, options);
      const scale = Math.max(...Array.from(want, Math.abs));
      for (let p = 0; p < t; p++) expect(Math.abs(got[p] - want[p])).toBeLessThanOrEqual(1e-9 * scale);
    }
  });
});

describe('widthSweep keeps the widest net from its setup for its run', () => {
  it('frees it when the sweep stops before that run (abort, or a throw from a callback)', () => {
    const before = memoryInUse().bytesInUse;
    const controller = new AbortController();
    const result = widthSweep({ n: 30, d: 10, widths: [5, 50], steps: 3, signal: controller.signal, onRunFinished: () => controller.abort() });
    expect(result.runs.map((r) => r.m)).toEqual([5]);
    expect(memoryInUse().bytesInUse).toBe(before);
    expect(() => widthSweep({ n: 30, d: 10, widths: [5, 50], steps: 3, onRunFinished: () => { throw new Error('stop'); } })).toThrow('stop');
    expect(memoryInUse().bytesInUse).toBe(before);
  });
});
