import { beforeAll, describe, expect, it } from 'vitest';
import { init, lambdaMax, sphereData, train, TwoLayerNet, type Matrix } from '../src/index';
import { eigh } from '../src/spectra';
import {
  choleskySolve, convergenceBound, convergenceRate, crossGramInfinity, distanceBound,
  figure1Checks, fitPowerLaw, infiniteWidthTrajectory, ntkPredict, suggestStepSize,
  theoryStepSize, widthSweep, type WidthSweepResult,
} from '../src/experiments/index';
import {
  gram as referenceGram, gramInfinity as referenceGramInfinity, kernelRegression, kernelTrajectory, solve,
} from './reference/kernels';
import { jacobiEigenvalues } from './reference/eigen';
import { mulberry32, randomMatrix, randomUnitRows } from './reference/random';
import { relativeError } from './helpers';

beforeAll(() => init());

/** H∞ of the stacked rows [X; T] in float64, split into H∞(X, X) (n×n) and H∞(T, X) (t×n). */
function referenceBlocks(X64: Float64Array, T64: Float64Array, n: number, t: number, d: number): { Htrain: Float64Array; Hcross: Float64Array } {
  const stacked = new Float64Array((n + t) * d);
  stacked.set(X64);
  stacked.set(T64, n * d);
  const H = referenceGramInfinity(stacked, n + t, d);
  const total = n + t;
  const Htrain = new Float64Array(n * n), Hcross = new Float64Array(t * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Htrain[i * n + j] = H[i * total + j];
  for (let p = 0; p < t; p++) for (let j = 0; j < n; j++) Hcross[p * n + j] = H[(n + p) * total + j];
  return { Htrain, Hcross };
}

/**
 * The kernel-regime network after `steps` GD steps, step by step in float64: r(j+1) = (I − ηH∞) r(j)
 * from r(0) = y − u(0) on the training set, and f(T) = f₀(T) + H∞(T, X) η Σ_{j<steps} r(j).
 */
function referenceKernelGD(
  { Htrain, Hcross }: { Htrain: Float64Array; Hcross: Float64Array }, y: ArrayLike<number>, u0: ArrayLike<number>,
  f0: ArrayLike<number>, eta: number, steps: number,
): Float64Array {
  const n = y.length, t = f0.length;
  const sum = new Float64Array(n);
  let r: Float64Array = Float64Array.from(y, (v, i) => v - u0[i]);
  for (let k = 0; k < steps; k++) {
    for (let i = 0; i < n; i++) sum[i] += r[i];
    r = kernelTrajectory(Htrain, n, r, eta, 1).r;
  }
  return Float64Array.from({ length: t }, (_, p) => {
    let f = f0[p];
    for (let j = 0; j < n; j++) f += Hcross[p * n + j] * eta * sum[j];
    return f;
  });
}

function rms(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum / a.length);
}

/** Random unit rows as float32 (what the package computes with) and the same numbers in float64. */
function unitRows(n: number, d: number, seed: number): { X: Matrix; X64: Float64Array } {
  const data = Float32Array.from(randomUnitRows(n, d, mulberry32(seed)));
  return { X: { rows: n, cols: d, data }, X64: Float64Array.from(data) };
}

describe('infiniteWidthTrajectory: (I − ηH∞)^k r(0) through eigh against the step-by-step recursion', () => {
  const n = 14, d = 6;
  const { X, X64 } = unitRows(n, d, 11);
  const H = referenceGramInfinity(X64, n, d);
  const Hmatrix: Matrix = { rows: n, cols: n, data: H };
  const eigenvalues = jacobiEigenvalues(H, n);
  const top = eigenvalues[n - 1];
  const r0 = randomMatrix(n, 1, mulberry32(12));

  // Well inside the stable range, near its edge (fast modes flip sign every step), and beyond it (growth).
  it.each([['η = 1/λ_max', 1.0], ['η = 1.9/λ_max', 1.9], ['η = 2.3/λ_max (unstable)', 2.3]])('%s', (_label, factor) => {
    const eta = factor / top;
    const steps = 40;
    const got = infiniteWidthTrajectory(Hmatrix, r0, eta, steps);
    const want = kernelTrajectory(H, n, r0, eta, steps);
    expect(got.residualSq).toHaveLength(steps + 1);
    for (let k = 0; k <= steps; k++) {
      expect(Math.abs(got.residualSq[k] - want.normSq[k])).toBeLessThanOrEqual(1e-9 * Math.max(want.normSq[k], want.normSq[0] * 1e-6));
    }
    expect(relativeError(got.finalResidual, want.r)).toBeLessThan(1e-9);
  });

  it('accepts a precomputed eigendecomposition and gives the same numbers', () => {
    const direct = infiniteWidthTrajectory(Hmatrix, r0, 0.5 / top, 10);
    const reused = infiniteWidthTrajectory(eigh(Hmatrix), r0, 0.5 / top, 10);
    expect(reused.residualSq).toEqual(direct.residualSq);
    // And from the package's own H∞ of the float32 inputs.
    const fromPackage = infiniteWidthTrajectory(crossGramInfinity(X, X).train, r0, 0.5 / top, 10);
    expect(relativeError(fromPackage.residualSq, direct.residualSq)).toBeLessThan(1e-9);
  });

  it('rejects an r(0) of the wrong length', () => {
    expect(() => infiniteWidthTrajectory(Hmatrix, new Float64Array(n - 1), 0.1, 3)).toThrow(/length 14/);
  });
});

describe('theory formulas', () => {
  it('Theorem 4.1 bound is ‖r(0)‖²(1 − ηλ0/2)^k', () => {
    const bound = convergenceBound(10, 0.4, 0.25, 5);
    expect(bound).toHaveLength(6);
    expect(bound[0]).toBe(10);
    for (let k = 1; k <= 5; k++) expect(bound[k] / bound[k - 1]).toBeCloseTo(1 - 0.05, 14);
  });

  it("Corollary 4.1's R' = 4√n‖y − u(0)‖/(√m λ0), unbounded when λ0 ≤ 0", () => {
    expect(distanceBound({ n: 100, m: 400, initialResidualNorm: 3, lambda0: 0.5 })).toBeCloseTo((4 * 10 * 3) / (20 * 0.5), 12);
    expect(distanceBound({ n: 4, m: 1, initialResidualNorm: 1, lambda0: 0 })).toBe(Infinity);
    expect(theoryStepSize(0.2, 10)).toBeCloseTo(0.002, 15);
  });

  it('fitPowerLaw recovers an exact power law and reports a worse R² with noise', () => {
    const x = [100, 1000, 10000, 100000];
    const exact = fitPowerLaw(x, x.map((m) => 3 / Math.sqrt(m)));
    expect(exact.slope).toBeCloseTo(-0.5, 12);
    expect(exact.prefactor).toBeCloseTo(3, 10);
    expect(exact.rSquared).toBeCloseTo(1, 12);
    const noisy = fitPowerLaw(x, x.map((m, i) => (3 / Math.sqrt(m)) * (i % 2 ? 1.3 : 0.8)));
    expect(noisy.rSquared).toBeLessThan(0.999);
    expect(() => fitPowerLaw([1, 1], [2, 3])).toThrow(/two distinct/);
    expect(() => fitPowerLaw([1, 2], [0, 3])).toThrow(/> 0/);
  });

  it('convergenceRate is the mean per-step log decrease', () => {
    const curve = Array.from({ length: 11 }, (_, k) => 5 * Math.exp(-0.3 * k));
    expect(convergenceRate(curve)).toBeCloseTo(0.3, 12);
    expect(convergenceRate(curve, 4)).toBeCloseTo(0.3, 12);
    expect(() => convergenceRate(curve, 0)).toThrow();
  });
});

describe('kernel predictions', () => {
  const n = 16, t = 5, d = 7;
  const train64 = unitRows(n, d, 21), test64 = unitRows(t, d, 22);
  const y = Float64Array.from(randomMatrix(n, 1, mulberry32(23)));

  const blocks = referenceBlocks(train64.X64, test64.X64, n, t, d);

  it('crossGramInfinity matches the float64 formula block by block', () => {
    const { Htrain, Hcross } = blocks;
    const got = crossGramInfinity(train64.X, test64.X);
    expect(got.train.rows).toBe(n);
    expect(got.cross.rows).toBe(t);
    expect(got.cross.cols).toBe(n);
    expect(relativeError(got.train.data, Htrain)).toBeLessThan(1e-6);
    expect(relativeError(got.cross.data, Hcross)).toBeLessThan(1e-6);
  });

  it('ntkPredict = H∞(Xtest, X) H∞⁻¹ y, like the reference kernel regression', () => {
    const { Htrain, Hcross } = blocks;
    const want = kernelRegression(Hcross, Htrain, y);
    const got = ntkPredict(train64.X, y, test64.X);
    expect(relativeError(got, want)).toBeLessThan(1e-5);
  });

  it('interpolates the training labels, and the finite-step predictor tends to the converged one', () => {
    const onTrain = ntkPredict(train64.X, y, train64.X);
    expect(relativeError(onTrain, y)).toBeLessThan(1e-6);
    const u0 = Float64Array.from(randomMatrix(n, 1, mulberry32(24)), (v) => 0.3 * v);
    const f0 = Float64Array.from(randomMatrix(t, 1, mulberry32(25)), (v) => 0.3 * v);
    const converged = ntkPredict(train64.X, y, test64.X, { initialTrain: u0, initialTest: f0 });
    const eta = 1 / lambdaMax(crossGramInfinity(train64.X, test64.X).train);
    expect(ntkPredict(train64.X, y, test64.X, { eta, steps: 0, initialTrain: u0, initialTest: f0 })).toEqual(f0);
    const early = ntkPredict(train64.X, y, test64.X, { eta, steps: 5, initialTrain: u0, initialTest: f0 });
    const late = ntkPredict(train64.X, y, test64.X, { eta, steps: 20000, initialTrain: u0, initialTest: f0 });
    expect(relativeError(late, converged)).toBeLessThan(1e-6);
    expect(relativeError(early, converged)).toBeGreaterThan(1e-3);
    // After a finite number of steps: the float64 step-by-step recursion, on test points and on the training set,
    // where the kernel-regime net's outputs are y − r(k) exactly.
    expect(relativeError(early, referenceKernelGD(blocks, y, u0, f0, eta, 5))).toBeLessThan(1e-5);
    const onTrainAfter7 = ntkPredict(train64.X, y, train64.X, { eta, steps: 7, initialTrain: u0, initialTest: u0 });
    const r7 = kernelTrajectory(blocks.Htrain, n, Float64Array.from(y, (v, i) => v - u0[i]), eta, 7).r;
    expect(relativeError(onTrainAfter7, Float64Array.from(y, (v, i) => v - r7[i]))).toBeLessThan(1e-5);
    expect(() => ntkPredict(train64.X, y, test64.X, { eta })).toThrow(/both eta and steps/);
    expect(() => ntkPredict(train64.X, y, test64.X, { eta: -1, steps: 3 })).toThrow(/eta/);
    expect(() => ntkPredict(train64.X, y, test64.X, { eta, steps: 1.5 })).toThrow(/steps/);
    expect(() => crossGramInfinity(train64.X, unitRows(2, d + 1, 1).X)).toThrow(/Xtest must have 7 columns/);
  });

  it('choleskySolve agrees with Gaussian elimination and refuses a singular matrix', () => {
    const { Htrain } = blocks;
    const x = choleskySolve({ rows: n, cols: n, data: Htrain }, y);
    expect(relativeError(x, solve(Htrain, n, y))).toBeLessThan(1e-9);
    const singular = { rows: 2, cols: 2, data: Float64Array.from([1, 1, 1, 1]) };
    expect(() => choleskySolve(singular, [1, 2])).toThrow(/not positive definite/);
  });
});

describe('suggestStepSize', () => {
  it('is a quarter of 2/λ_max(H∞) and reports the theory’s λ0/n²', () => {
    const { X, X64 } = unitRows(12, 5, 31);
    const eigenvalues = jacobiEigenvalues(referenceGramInfinity(X64, 12, 5), 12);
    const s = suggestStepSize(X);
    expect(s.source).toBe('gramInfinity');
    expect(s.lambdaMax).toBeCloseTo(eigenvalues[11], 6);
    expect(s.largestStableEta).toBeCloseTo(2 / eigenvalues[11], 6);
    expect(s.eta).toBeCloseTo(0.5 / eigenvalues[11], 6);
    expect(s.lambda0!).toBeCloseTo(eigenvalues[0], 6);
    expect(s.theoryEta!).toBeCloseTo(eigenvalues[0] / 144, 8);
  });

  it('with networks, uses the largest λ_max(H(0)) over them', () => {
    const { X } = unitRows(12, 5, 32);
    const nets = [TwoLayerNet.random({ d: 5, m: 3, seed: 1 }), TwoLayerNet.random({ d: 5, m: 300, seed: 2 })];
    const tops = nets.map((net) => lambdaMax(net.gram(X)));
    const s = suggestStepSize(X, { nets, fractionOfLimit: 0.5 });
    expect(s.source).toBe('gram');
    expect(s.lambdaMax).toBe(Math.max(...tops));
    expect(s.eta).toBeCloseTo(1 / Math.max(...tops), 12);
    nets.forEach((net) => net.dispose());
    expect(() => suggestStepSize(X, { fractionOfLimit: 1.5 })).toThrow(/fractionOfLimit/);
  });
});

describe('widthSweep on tiny sizes', () => {
  const n = 20, d = 10, steps = 30, testPoints = 8;
  let sweep: WidthSweepResult;
  /** The sweep's data (the first n of n + testPoints sphere points are the training set) in float32 and float64. */
  let data: { X: Matrix; y: Float32Array; Xtest: Matrix; X64: Float64Array; T64: Float64Array };
  beforeAll(() => {
    sweep = widthSweep({ n, d, widths: [2000, 20, 200], steps, seed: 5, trials: 2, testPoints, gramEvery: 10 });
    const all = sphereData({ n: n + testPoints, d, seed: 5 });
    const X = { rows: n, cols: d, data: all.X.data.slice(0, n * d) };
    const Xtest = { rows: testPoints, cols: d, data: all.X.data.slice(n * d) };
    data = { X, y: all.y.slice(0, n), Xtest, X64: Float64Array.from(X.data), T64: Float64Array.from(Xtest.data) };
  });

  it('runs every width and trial, sorted by m, with full curves', () => {
    expect(sweep.status).toBe('done');
    expect(sweep.parameters.widths).toEqual([20, 200, 2000]);
    expect(sweep.runs.map((r) => `${r.m}/${r.trial}/${r.seed}`)).toEqual(['20/0/6', '20/1/7', '200/0/6', '200/1/7', '2000/0/6', '2000/1/7']);
    for (const run of sweep.runs) {
      expect(run.status).toBe('done');
      for (const curve of [run.residualSq, run.patternChangeFraction, run.maxWeightDistance,
        run.theory.infiniteWidthResidualSq, run.theory.convergenceBound]) expect(curve).toHaveLength(steps + 1);
      expect(run.lambdaMinGram.step).toEqual([0, 10, 20, 30]);
      expect(run.lambdaMinFinal).toBe(run.lambdaMinGram.value[3]);
      expect(run.patternChangeFraction[0]).toBe(0);
      expect(run.maxWeightDistance[0]).toBe(0);
    }
    expect(sweep.summaries.map((s) => s.m)).toEqual([20, 200, 2000]);
  });

  it('derives η as a quarter of 2/λ_max(H(0)), the largest over every network and H∞ (float64 oracle)', () => {
    const limit = jacobiEigenvalues(referenceGramInfinity(data.X64, n, d), n);
    expect(Math.abs(sweep.lambda0 - limit[0])).toBeLessThan(1e-9 * limit[n - 1]);
    expect(Math.abs(sweep.lambdaMaxInfinity - limit[n - 1])).toBeLessThan(1e-9 * limit[n - 1]);
    let top = limit[n - 1];
    for (const seed of [6, 7]) for (const m of [20, 200, 2000]) {
      const net = TwoLayerNet.random({ d, m, seed });
      const W64 = Float64Array.from(net.weights().W.data);
      net.dispose();
      const eigenvalues = jacobiEigenvalues(referenceGram(data.X64, n, d, W64, m), n);
      top = Math.max(top, eigenvalues[n - 1]);
      const run = sweep.runs.find((r) => r.m === m && r.seed === seed)!;
      expect(Math.abs(run.initial.lambdaMin - eigenvalues[0])).toBeLessThan(1e-9 * eigenvalues[n - 1]);
      expect(Math.abs(run.initial.lambdaMax - eigenvalues[n - 1])).toBeLessThan(1e-9 * eigenvalues[n - 1]);
    }
    expect(sweep.stepSize.source).toBe('derived');
    expect(Math.abs(sweep.parameters.eta * top / 0.5 - 1)).toBeLessThan(1e-9);
    expect(Math.abs(sweep.stepSize.suggestion.theoryEta! / (limit[0] / (n * n)) - 1)).toBeLessThan(1e-8);
  });

  it('each run is exactly train() on the same data and seed; the theory starts at the measured r(0)', () => {
    const { X, y } = sphereData({ n, d, seed: 5 });
    expect(X.data).toEqual(data.X.data); // the training set does not depend on testPoints
    const net = TwoLayerNet.random({ d, m: 200, seed: 7 });
    const direct = train(net, X, y, { eta: sweep.parameters.eta, steps });
    net.dispose();
    const run = sweep.runs.find((r) => r.m === 200 && r.trial === 1)!;
    expect(run.residualSq).toEqual(Array.from(direct.residualSq));
    expect(run.maxWeightDistance).toEqual(Array.from(direct.maxWeightDistance));
    expect(Math.abs(run.theory.infiniteWidthResidualSq[0] - run.residualSq[0])).toBeLessThan(1e-5 * run.residualSq[0]);
    expect(run.theory.convergenceBound[0]).toBe(run.residualSq[0]);
    expect(run.theory.distanceBound).toBeCloseTo(4 * Math.sqrt(n) * Math.sqrt(run.residualSq[0]) / (Math.sqrt(200) * sweep.lambda0), 8);
  });

  it('compares each trained net on the test points with the float64 kernel-regime network from its start', () => {
    const blocks = referenceBlocks(data.X64, data.T64, n, testPoints, d);
    const converged = kernelRegression(blocks.Hcross, blocks.Htrain, Float64Array.from(data.y));
    for (const run of sweep.runs.filter((r) => r.trial === 0)) {
      const net = TwoLayerNet.random({ d, m: run.m, seed: run.seed });
      const u0 = net.predict(data.X), f0 = net.predict(data.Xtest);
      train(net, data.X, data.y, { eta: sweep.parameters.eta, steps });
      const trained = net.predict(data.Xtest);
      net.dispose();
      const kernel = referenceKernelGD(blocks, data.y, u0, f0, sweep.parameters.eta, steps);
      const within = (got: number, want: number) => expect(Math.abs(got - want), `m = ${run.m}`).toBeLessThan(1e-4 * want);
      within(run.test!.deviationFromKernel, rms(trained, kernel));
      within(run.test!.kernelMovement, rms(kernel, f0));
      within(run.test!.deviationFromNtkPredictor, rms(trained, converged));
    }
  });

  it('summaries are means over trials', () => {
    const s = sweep.summaries[1];
    const [a, b] = sweep.runs.filter((r) => r.m === 200);
    expect(s.trials).toBe(2);
    expect(s.residualSq[steps]).toBeCloseTo((a.residualSq[steps] + b.residualSq[steps]) / 2, 12);
    expect(s.deviationFromInfinity).toBeCloseTo((a.initial.deviationFromInfinity + b.initial.deviationFromInfinity) / 2, 12);
  });

  it('‖H(0) − H∞‖₂ falls like 1/√m and the measured distances respect R\'', () => {
    expect(sweep.gramDeviationFit!.slope).toBeGreaterThan(-0.7);
    expect(sweep.gramDeviationFit!.slope).toBeLessThan(-0.3);
    const checks = figure1Checks(sweep);
    expect(checks.map((c) => c.id)).toEqual([
      'rate-increases-with-m', 'pattern-change-decreases-with-m', 'distance-decreases-with-m', 'distance-under-bound',
      'gram-stays-above-half-lambda0', 'gram-deviation-slope', 'initial-gram-above-three-quarters-lambda0',
      'test-predictions-approach-kernel',
    ]);
    expect(checks.find((c) => c.id === 'distance-under-bound')!.passed).toBe(true);
    expect(checks.find((c) => c.id === 'gram-deviation-slope')!.passed).toBe(true);
    for (const run of sweep.runs) expect(run.test!.kernelMovement).toBeGreaterThan(0);
  });

  it('stops on abort and keeps what finished', () => {
    const controller = new AbortController();
    const result = widthSweep({
      n, d, widths: [20, 200], steps: 50, seed: 1, signal: controller.signal,
      onProgress: (p) => { if (p.phase === 'train' && p.m === 200 && p.step === 7) controller.abort(); },
    });
    expect(result.status).toBe('aborted');
    expect(result.runs.map((r) => [r.m, r.status])).toEqual([[20, 'done'], [200, 'aborted']]);
    expect(result.runs[1].stepsRun).toBe(7);
    expect(result.runs[1].residualSq).toHaveLength(8);
    expect(result.runs[1].theory.infiniteWidthResidualSq).toHaveLength(8);
  });

  it('reports a diverging step size with the largest stable η', () => {
    const result = widthSweep({ n, d, widths: [50], steps: 200, seed: 2, eta: 40 });
    const run = result.runs[0];
    expect(run.status).toBe('diverged');
    expect(run.divergence!.largestStableEta).toBeCloseTo(2 / run.initial.lambdaMax, 8);
    expect(run.divergence!.message).toMatch(/too large/);
    expect(result.stepSize.source).toBe('given');
  });

  it('runs on given data and warns about degenerate rows', () => {
    const base = sphereData({ n: 8, d: 4, seed: 3 });
    const data = Float32Array.from(base.X.data);
    data.set(data.subarray(0, 4), 5 * 4); // row 5 = row 0
    const result = widthSweep({ data: { X: { rows: 8, cols: 4, data }, y: base.y }, widths: [100], steps: 5, eta: 0.1 });
    expect(result.parameters).toMatchObject({ n: 8, d: 4, data: 'given' });
    expect(result.degenerate.parallelPairs.map((p) => [p.i, p.j])).toEqual([[0, 5]]);
    expect(result.warning).toMatch(/\(0, 5\)/);
    expect(Math.abs(result.lambda0)).toBeLessThan(1e-6);
  });

  it('rejects bad options', () => {
    expect(() => widthSweep({ n, d, widths: [], steps: 1 })).toThrow(/widths/);
    expect(() => widthSweep({ n, d, widths: [10, 10], steps: 1 })).toThrow(/distinct/);
    expect(() => widthSweep({ widths: [10], steps: 1 })).toThrow(/n and d/);
    expect(() => widthSweep({ n, d, widths: [10], steps: 1, eta: -1 })).toThrow(/eta/);
    expect(() => widthSweep({ n, d, widths: [10, 2.5], steps: 1 })).toThrow(/widths\[1\]/);
    expect(() => widthSweep({ n, d, widths: [10], steps: 1, trials: 0 })).toThrow(/trials/);
    expect(() => widthSweep({ data: { X: data.X, y: data.y.subarray(1) }, widths: [10], steps: 1 })).toThrow(/data\.y must have length 20/);
  });
});

describe('figure1Checks decides from the numbers', () => {
  /** A minimal sweep result whose per-width numbers are given. */
  function fake(perWidth: { m: number; residualEnd: number; pattern: number; distance: number; deviation: number; lowest: number }[]): WidthSweepResult {
    const runs = perWidth.map((w) => ({
      m: w.m, trial: 0, seed: 1, status: 'done' as const, stepsRun: 2, method: 'kernel' as const,
      residualSq: [1, 0.5, w.residualEnd], patternChangeFraction: [0, w.pattern / 2, w.pattern], maxWeightDistance: [0, w.distance / 2, w.distance],
      lambdaMinGram: { step: [0, 2], value: [0.2, w.lowest] },
      initial: { lambdaMin: 0.2, lambdaMax: 1, deviationFromInfinity: w.deviation }, lambdaMinFinal: w.lowest,
      theory: { convergenceBound: [1, 1, 1], infiniteWidthResidualSq: [1, 1, 1], distanceBound: 1 },
    }));
    const summaries = runs.map((r) => ({
      m: r.m, trials: 1, residualSq: r.residualSq, patternChangeFraction: r.patternChangeFraction, maxWeightDistance: r.maxWeightDistance,
      infiniteWidthResidualSq: r.theory.infiniteWidthResidualSq, convergenceBound: r.theory.convergenceBound, lambdaMinGram: r.lambdaMinGram,
      lambdaMinInitial: 0.2, lambdaMinFinal: r.lambdaMinFinal, lambdaMinLowest: Math.min(...r.lambdaMinGram.value),
      deviationFromInfinity: r.initial.deviationFromInfinity, distanceBound: 1, largestWeightDistance: Math.max(...r.maxWeightDistance),
      convergenceRate: convergenceRate(r.residualSq),
    }));
    return {
      status: 'done', parameters: { n: 4, d: 4, widths: perWidth.map((w) => w.m), steps: 2, eta: 0.1, seed: 0, trials: 1, trainOutputLayer: false, gramEvery: 2, testPoints: 0, data: 'sphere',
        activation: 'relu', scale: 1, outputScale: 1, widthExponent: 0.5, outputInit: 'sign' },
      limit: { activation: 'relu', part: 'first', scale: 1, label: 'H∞' },
      stepSize: { eta: 0.1, source: 'given', suggestion: { eta: 0.5, lambdaMax: 1, largestStableEta: 2, fractionOfLimit: 0.25, source: 'gram' } },
      lambda0: 0.2, lambdaMaxInfinity: 1, degenerate: { degenerate: false, zeroRows: [], parallelPairs: [], parallelPairCount: 0, message: '' },
      runs, summaries, rateWindow: 2,
      ...(runs.length > 1 ? { gramDeviationFit: fitPowerLaw(runs.map((r) => r.m), runs.map((r) => r.initial.deviationFromInfinity)) } : {}),
    };
  }
  const verdicts = (r: WidthSweepResult) => Object.fromEntries(figure1Checks(r).map((c) => [c.id, c.passed]));

  // Two widths two decades apart. As the paper says: faster, fewer flips, less movement, within R' = 1, λ_min ≥ λ0/2 = 0.1,
  // ‖H(0) − H∞‖₂ falling by 10 over 100× in m (slope −½). The wrong way: each of those reversed or broken
  // (the deviation halves over 100×: slope −0.15, outside −½ ± 0.15).
  it.each([
    ['passes when the numbers behave as the paper says', true,
      { m: 100, residualEnd: 0.1, pattern: 0.1, distance: 0.5, deviation: 0.1, lowest: 0.15 },
      { m: 10000, residualEnd: 0.01, pattern: 0.01, distance: 0.05, deviation: 0.01, lowest: 0.19 }],
    ['fails each check when its numbers go the wrong way', false,
      { m: 100, residualEnd: 0.01, pattern: 0.01, distance: 0.5, deviation: 0.1, lowest: 0.15 },
      { m: 10000, residualEnd: 0.1, pattern: 0.1, distance: 2, deviation: 0.05, lowest: 0.09 }],
  ] as const)('%s', (_label, verdict, narrow, wide) => {
    const v = verdicts(fake([narrow, wide]));
    for (const id of ['rate-increases-with-m', 'pattern-change-decreases-with-m', 'distance-decreases-with-m',
      'distance-under-bound', 'gram-stays-above-half-lambda0', 'gram-deviation-slope']) expect(v[id], id).toBe(verdict);
    expect(v['test-predictions-approach-kernel']).toBeUndefined();
  });

  it('marks width comparisons n/a for a single width', () => {
    const v = verdicts(fake([{ m: 100, residualEnd: 0.1, pattern: 0.1, distance: 0.5, deviation: 0.1, lowest: 0.15 }]));
    expect(v['rate-increases-with-m']).toBeNull();
    expect(v['gram-deviation-slope']).toBeNull();
    expect(v['distance-under-bound']).toBe(true);
  });
});
