// Issue 6, item 2: zero rows and parallel inputs make λ0 = 0; the diagnostic names them.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, inputDiagnostics, gramInfinity, lambdaMin, sphereData } from '../../src/index';

beforeAll(() => init());

describe('degenerate data', () => {
  it('names zero rows and parallel pairs, and λ_min(H∞) is 0 there', () => {
    const X = { rows: 5, cols: 3, data: new Float32Array([1, 2, 2, 0, 0, 0, 0, 1, 0, 2, 4, 4, -1, -2, -2]) };
    const diagnostics = inputDiagnostics(X);
    expect(diagnostics.degenerate).toBe(true);
    expect(diagnostics.zeroRows).toEqual([1]);
    expect(diagnostics.parallelPairs.map(({ i, j }) => [i, j])).toEqual([[0, 3]]); // (0, 4) is antiparallel: fine
    expect(diagnostics.message).toMatch(/zero rows 1 and 1 parallel pair\(s\) \(0, 3\)/);
    expect(Math.abs(lambdaMin(gramInfinity(X)))).toBeLessThan(1e-6);
  });

  it('finds near-parallel pairs within the tolerance only', () => {
    const X = { rows: 2, cols: 2, data: new Float32Array([1, 0, 1, 1e-4]) };
    expect(inputDiagnostics(X).parallelPairCount).toBe(1); // cos θ ≈ 1 − 5e-9
    expect(inputDiagnostics(X, { tolerance: 1e-12 }).parallelPairCount).toBe(0);
  });

  it('passes the paper data, whose λ0 is positive', () => {
    const { X } = sphereData({ n: 50, d: 10, seed: 3 });
    const diagnostics = inputDiagnostics(X);
    expect(diagnostics.degenerate).toBe(false);
    expect(diagnostics.message).toBe('');
    expect(lambdaMin(gramInfinity(X))).toBeGreaterThan(1e-3);
  });
});
