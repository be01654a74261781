// optimizerComparison (issue 13 §2, §4): its runs against train() called here from the same W(0)
// (same numbers), its η rules against the formulas on H(0)'s spectrum (Jacobi, test/reference),
// its predictions against kernelRegimeTrajectory and a float64 recursion written here, SGD's band
// and mean residual recomputed from the seeds' runs, the checks on a wide and a narrow net, bad
// input and abort; and `overparam optimizers` end to end (exit 0, exit 3 on a failed check).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overparam } from './cliRun';
import {
  init, kernelRegimeTrajectory, optimizerComparison, optimizerComparisonChecks, OverparamRangeError, sgdKernelRegimeTrajectory, sphereData,
  train, TwoLayerNet, type Matrix, type OptimizerComparisonResult, type Optimizer,
} from '../src/index';
import { BatchSampler } from '../src/training/optimizer';
import { jacobiEigenvalues } from './reference/eigen';

beforeAll(async () => { await init(); });

/** e(k+1) = ((1 + β)I − ηH)e(k) − βe(k−1), e(−1) = e(0), in float64: ‖e(k)‖², k = 0..steps, and every e(k). */
function heavyBallRecursion(H: ArrayLike<number>, n: number, eta: number, beta: number, e0: Float64Array, steps: number): { sq: number[]; e: Float64Array[] } {
  let prev = Float64Array.from(e0), cur = Float64Array.from(e0);
  const e = [cur], sq = [cur.reduce((s, v) => s + v * v, 0)];
  for (let k = 0; k < steps; k++) {
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let He = 0;
      for (let j = 0; j < n; j++) He += H[i * n + j] * cur[j];
      next[i] = (1 + beta) * cur[i] - eta * He - beta * prev[i];
    }
    prev = cur; cur = next;
    e.push(cur); sq.push(cur.reduce((s, v) => s + v * v, 0));
  }
  return { sq, e };
}

/**
 * SGD in the kernel regime with given batches, in float64: u moves by −ηH·g with g the residual on
 * the batch scaled by n/b, plus β(u(k) − u(k−1)) with momentum; ‖e(k)‖², k = 0..steps.
 */
function sgdKernelRecursion(H: ArrayLike<number>, n: number, eta: number, beta: number, b: number, batches: Int32Array[], e0: Float64Array): number[] {
  let prev = Float64Array.from(e0), cur = Float64Array.from(e0);
  const sq = [cur.reduce((s, v) => s + v * v, 0)];
  for (const batch of batches) {
    const g = new Float64Array(n);
    for (const j of batch) g[j] = (n / b) * cur[j];
    const next = Float64Array.from(cur, (c, i) => {
      let Hg = 0;
      for (let j = 0; j < n; j++) Hg += H[i * n + j] * g[j];
      return c - eta * Hg + beta * (c - prev[i]);
    });
    prev = cur; cur = next;
    sq.push(cur.reduce((s, v) => s + v * v, 0));
  }
  return sq;
}

/** The first `steps` batches train() draws for (n, b, seed). */
function batchesOf(n: number, b: number, seed: number, steps: number): Int32Array[] {
  const sampler = new BatchSampler(n, b, seed);
  return Array.from({ length: steps }, () => Int32Array.from(sampler.next()));
}

/** H(0), e(0) and H(0)'s extreme eigenvalues (Jacobi) of TwoLayerNet.random({ d, m, seed }). */
function start(X: Matrix, y: Float32Array, m: number, seed: number): { H: Float64Array; e0: Float64Array; lo: number; hi: number } {
  const net = TwoLayerNet.random({ d: X.cols, m, seed });
  const H = Float64Array.from(net.gram(X).data);
  const e0 = Float64Array.from(net.predict(X), (u, i) => u - y[i]);
  net.dispose();
  const values = jacobiEigenvalues(H, X.rows);
  return { H, e0, lo: Math.min(...values), hi: Math.max(...values) };
}

/** train() from W(0) = TwoLayerNet.random({ d, m, seed }), with the net's residual e(k) at the given steps. */
function trainHere(X: Matrix, y: Float32Array, m: number, seed: number, eta: number, steps: number, optimizer: Optimizer, gramEvery: number, at: number[] = []) {
  const net = TwoLayerNet.random({ d: X.cols, m, seed });
  const residuals: Float64Array[] = [];
  try {
    const result = train(net, X, y, {
      eta, steps, optimizer, gramEvery,
      onStep: (info) => {
        if (!at.includes(info.step)) return;
        const e = Float64Array.from(info.output(), (u, i) => u - y[i]);
        // onStep's u(k) is the run's own: its ‖e‖² is the recorded loss, and it is the net's forward
        // pass at W(k) (net.predict) to float32 round-off.
        expect(Math.abs(e.reduce((s, v) => s + v * v, 0) / info.residualSq - 1)).toBeLessThan(1e-6);
        const predicted = net.predict(X), scale = Math.max(...Array.from(predicted, Math.abs), 1);
        predicted.forEach((u, i) => expect(Math.abs(u - y[i] - e[i])).toBeLessThanOrEqual(1e-5 * scale));
        residuals.push(e);
      },
    });
    return { result, residuals };
  } finally {
    net.dispose();
  }
}

describe('optimizerComparison on a small case (n = 13, d = 7, m = 300, 12 steps)', () => {
  const n = 13, d = 7, m = 300, steps = 12, netSeed = 4, gramEvery = 5, seeds = [3, 8, 11];
  let X: Matrix, y: Float32Array;
  let result: OptimizerComparisonResult;
  let ref: ReturnType<typeof start>;
  beforeAll(() => {
    ({ X, y } = sphereData({ n, d, seed: 2 }));
    ref = start(X, y, m, netSeed);
    result = optimizerComparison(X, y, {
      m, steps, netSeed, gramEvery, seeds,
      optimizers: [{ kind: 'gd' }, { kind: 'polyak' }, { kind: 'nesterov', beta: 0.5 }, { kind: 'momentum', beta: 0.3, eta: 0.2, label: 'mine' },
        { kind: 'sgd', batchSize: 5 }],
    });
  });

  it('takes η by the documented rule from H(0)’s spectrum', () => {
    const [gd, polyak, nesterov, given, sgd] = result.runs;
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(rel(result.initial.lambdaMin, ref.lo)).toBeLessThan(1e-6);
    expect(rel(result.initial.lambdaMax, ref.hi)).toBeLessThan(1e-6);
    expect(rel(gd.eta, 2 / (ref.hi + ref.lo))).toBeLessThan(1e-6);
    expect(rel(polyak.eta, 4 / (Math.sqrt(ref.hi) + Math.sqrt(ref.lo)) ** 2)).toBeLessThan(1e-6);
    const s = Math.sqrt(ref.hi / ref.lo);
    expect(polyak.optimizer).toEqual({ kind: 'momentum', beta: expect.closeTo(((s - 1) / (s + 1)) ** 2, 6) });
    expect(rel(nesterov.eta, 0.5 * (2 * 1.5) / (2 * ref.hi))).toBeLessThan(1e-6); // ½ · 2(1+β)/((1+2β)λ_max), β = ½
    expect(given.eta).toBe(0.2);
    expect(given.label).toBe('mine');
    expect(rel(sgd.eta, 0.5 * 2 / ref.hi)).toBeLessThan(1e-6);
    expect(result.runs.map((r) => r.etaRule)).toEqual(['gdBest', 'polyak', 'fractionOfLimit', 'given', 'fractionOfLimit']);
  });

  it('each run is train() from the same W(0), bit for bit', () => {
    for (const run of result.runs.filter((r) => r.optimizer.kind !== 'sgd')) {
      const { result: mine } = trainHere(X, y, m, netSeed, run.eta, steps, run.optimizer, gramEvery);
      expect(run.curves.residualSq).toEqual(Array.from(mine.residualSq));
      expect(run.curves.patternChangeFraction).toEqual(Array.from(mine.patternChangeFraction));
      expect(run.curves.maxWeightDistance).toEqual(Array.from(mine.maxWeightDistance));
      expect(run.curves.lambdaMinGram).toEqual(mine.lambdaMinGram);
    }
  });

  it('predicts with kernelRegimeTrajectory on H(0), which a float64 recursion written here matches', () => {
    for (const run of result.runs) {
      expect(run.predictedResidualSq).toEqual(Array.from(kernelRegimeTrajectory(ref.H, n, run.eta, ref.e0, steps, run.optimizer).residualSq));
      if (run.optimizer.kind === 'gd' || run.optimizer.kind === 'momentum' || run.optimizer.kind === 'sgd') {
        const beta = run.optimizer.kind === 'momentum' ? run.optimizer.beta : 0;
        const mine = heavyBallRecursion(ref.H, n, run.eta, beta, ref.e0, steps).sq;
        mine.forEach((v, k) => expect(Math.abs(run.predictedResidualSq[k] - v)).toBeLessThanOrEqual(1e-9 * mine[0]));
      }
    }
  });

  it('rates: the factor of ‖y − u‖ per step over the window, measured and predicted', () => {
    for (const run of result.runs) {
      const K = run.rate.window;
      expect(K).toBeGreaterThanOrEqual(1);
      expect(run.rate.measured).toBeCloseTo(Math.sqrt(run.curves.residualSq[K] / run.curves.residualSq[0]) ** (1 / K), 12);
      expect(run.rate.predicted).toBeCloseTo(Math.sqrt(run.predictedResidualSq[K] / run.predictedResidualSq[0]) ** (1 / K), 12);
    }
  });

  it('SGD: one run of train() per seed; the band, mean and sd over them; the mean residual against the mean recursion', () => {
    const run = result.runs[4];
    expect(run.sgd!.seeds).toEqual(seeds);
    const grid = [0, 5, 10, 12];
    const mine = seeds.map((seed) => trainHere(X, y, m, netSeed, run.eta, steps, { kind: 'sgd', batchSize: 5, seed }, gramEvery, grid));
    mine.forEach((r, s) => expect(run.sgd!.runs[s].residualSq).toEqual(Array.from(r.result.residualSq)));
    // Different seeds, different batches: the band is not a single line.
    expect(run.sgd!.residualSqMax[steps]).toBeGreaterThan(run.sgd!.residualSqMin[steps]);
    for (let k = 0; k <= steps; k++) {
      const values = mine.map((r) => r.result.residualSq[k]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
      expect(run.sgd!.residualSqMean[k]).toBeCloseTo(mean, 10);
      expect(run.curves.residualSq[k]).toBeCloseTo(mean, 10);
      expect(run.sgd!.residualSqSd[k]).toBeCloseTo(sd, 10);
      expect(run.sgd!.residualSqMin[k]).toBe(Math.min(...values));
      expect(run.sgd!.residualSqMax[k]).toBe(Math.max(...values));
      expect(run.sgd!.residualSqMin[k]).toBeLessThanOrEqual(run.sgd!.residualSqMean[k]);
      expect(run.sgd!.residualSqMean[k]).toBeLessThanOrEqual(run.sgd!.residualSqMax[k]);
    }
    // The kernel regime with each seed's own batches, averaged over the seeds.
    const sameBatches = seeds.map((seed) => sgdKernelRecursion(ref.H, n, run.eta, 0, 5, batchesOf(n, 5, seed, steps), ref.e0));
    for (let k = 0; k <= steps; k++) {
      const want = sameBatches.reduce((s, c) => s + c[k], 0) / seeds.length;
      expect(Math.abs(run.sgd!.sameBatchesResidualSqMean[k] - want)).toBeLessThanOrEqual(1e-9 * sameBatches[0][0]);
    }
    const expected = heavyBallRecursion(ref.H, n, run.eta, 0, ref.e0, steps).e; // SGD's mean: (I − ηH(0))ᵏ e(0)
    expect(run.sgd!.meanResidual.step).toEqual(grid);
    grid.forEach((k, g) => {
      const S = seeds.length;
      const ebar = Float64Array.from({ length: n }, (_, i) => mine.reduce((s, r) => s + r.residuals[g][i], 0) / S);
      const gap = Math.hypot(...Array.from(ebar, (v, i) => v - expected[k][i]));
      const spread = mine.reduce((s, r) => s + r.residuals[g].reduce((t, v, i) => t + (v - ebar[i]) ** 2, 0), 0);
      expect(run.sgd!.meanResidual.gap[g]).toBeCloseTo(gap, 6);
      expect(run.sgd!.meanResidual.normSq[g]).toBeCloseTo(ebar.reduce((s, v) => s + v * v, 0), 6);
      expect(run.sgd!.meanResidual.predictedNormSq[g]).toBeCloseTo(expected[k].reduce((s, v) => s + v * v, 0), 6);
      expect(run.sgd!.meanResidual.standardError[g]).toBeCloseTo(Math.sqrt(spread / (S * (S - 1))), 6);
    });
  });
});

describe('sgdKernelRegimeTrajectory', () => {
  it('is SGD in the kernel regime with the batches train() draws, with and without momentum, b ∤ n', () => {
    const n = 11, b = 3, steps = 9;
    const { X, y } = sphereData({ n, d: 5, seed: 3 });
    const { H, e0 } = start(X, y, 150, 2);
    for (const momentum of [undefined, 0.4]) {
      const got = sgdKernelRegimeTrajectory(H, n, 0.4, e0, steps, { kind: 'sgd', batchSize: b, seed: 6, ...(momentum ? { momentum } : {}) });
      const want = sgdKernelRecursion(H, n, 0.4, momentum ?? 0, b, batchesOf(n, b, 6, steps), e0);
      want.forEach((v, k) => expect(Math.abs(got[k] - v)).toBeLessThanOrEqual(1e-10 * want[0]));
    }
    // b = n: every batch is everything, and SGD is GD.
    const full = sgdKernelRegimeTrajectory(H, n, 0.4, e0, steps, { kind: 'sgd', batchSize: n, seed: 1 });
    const gd = kernelRegimeTrajectory(H, n, 0.4, e0, steps).residualSq;
    full.forEach((v, k) => expect(Math.abs(v - gd[k])).toBeLessThanOrEqual(1e-10 * gd[0]));
  });
});

describe('optimizerComparison: checks', () => {
  const optimizers = [{ kind: 'gd' as const }, { kind: 'polyak' as const }, { kind: 'sgd' as const, batchSize: 4 }];
  let X: Matrix, y: Float32Array;
  beforeAll(() => { ({ X, y } = sphereData({ n: 16, d: 16, seed: 0 })); });

  it('a wide net (m = 2000) passes every check; heavy ball at Polyak’s pair beats GD', () => {
    const result = optimizerComparison(X, y, { m: 2000, steps: 30, optimizers, seeds: [0, 1, 2] });
    const checks = optimizerComparisonChecks(result);
    expect(checks.filter((c) => c.passed !== true).map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
    expect(checks.map((c) => c.id)).toContain('polyak-faster');
    expect(checks.map((c) => c.id)).toContain('sgd-mean-sgd-b-4');
    const [gd, heavy] = result.runs;
    expect(heavy.rate.measured).toBeLessThan(gd.rate.measured);
  });

  it('a narrow net (m = 20) leaves the kernel regime: the rate checks fail', () => {
    const result = optimizerComparison(X, y, { m: 20, steps: 30, optimizers, seeds: [0, 1, 2] });
    const failed = optimizerComparisonChecks(result).filter((c) => c.passed === false).map((c) => c.id);
    expect(failed).toContain('rate-gd');
    expect(failed).toContain('rate-heavy-ball-polyak');
    expect(failed).toContain('rate-sgd-b-4');
  });

  it('without a GD run, "faster than GD" is not decided; one SGD seed: its mean check is not decided', () => {
    const result = optimizerComparison(X, y, { m: 500, steps: 10, optimizers: [{ kind: 'polyak' }, { kind: 'sgd', batchSize: 4 }], seeds: [5] });
    const checks = optimizerComparisonChecks(result);
    expect(checks.find((c) => c.id === 'polyak-faster')!.passed).toBeNull();
    expect(checks.find((c) => c.id === 'sgd-mean-sgd-b-4')!.passed).toBeNull();
  });
});

describe('optimizerComparison: edges, bad input and abort', () => {
  it('n = 1, d = 1 with m = 1 up to a width not divisible by 4, and SGD with b = 1', () => {
    const X: Matrix = { rows: 1, cols: 1, data: new Float32Array([1]) };
    const y = new Float32Array([0.7]);
    /** Whether W(0) of this seed has a neuron active at x = 1 (else H(0) = 0, which the λ_min guard refuses). */
    const active = (m: number, seed: number) => {
      const net = TwoLayerNet.random({ d: 1, m, seed });
      const on = net.weights().W.data.some((w) => w > 0);
      net.dispose();
      return on;
    };
    for (const m of [1, 7]) {
      let seed = 0;
      while (!active(m, seed)) seed++;
      const result = optimizerComparison(X, y, { m, steps: 5, netSeed: seed, optimizers: [{ kind: 'gd' }, { kind: 'sgd', batchSize: 1 }], seeds: [0, 1] });
      for (const run of result.runs) {
        expect(run.status).toBe('done');
        run.curves.residualSq.forEach((v) => expect(Number.isFinite(v)).toBe(true));
      }
      // n = 1, b = n: SGD is GD, every seed the same run.
      expect(result.runs[1].sgd!.runs[0].residualSq).toEqual(result.runs[1].sgd!.runs[1].residualSq);
    }
  });

  it('a zero row of X: a clear error, not NaN', () => {
    const { X, y } = sphereData({ n: 6, d: 5, seed: 1 });
    const data = Float32Array.from(X.data);
    data.fill(0, 10, 15); // row 2
    expect(() => optimizerComparison({ rows: 6, cols: 5, data }, y, { m: 200, steps: 3, optimizers: [{ kind: 'gd' }] }))
      .toThrow(/positive definite H\(0\).*λ_min\(H\(0\)\) = /);
  });

  it('refuses bad options, naming them', () => {
    const { X, y } = sphereData({ n: 6, d: 5, seed: 1 });
    const base = { m: 100, steps: 3, optimizers: [{ kind: 'gd' as const }] };
    const cases: [object, RegExp][] = [
      [{ ...base, m: 0 }, /optimizerComparison: m must be an integer ≥ 1, got 0/],
      [{ ...base, steps: 1.5 }, /optimizerComparison: steps/],
      [{ ...base, optimizers: [] }, /optimizers must be a non-empty array/],
      [{ ...base, optimizers: [{ kind: 'adam' }] }, /optimizer.kind must be 'gd', 'momentum', 'nesterov' or 'sgd', got adam/],
      [{ ...base, optimizers: [{ kind: 'gd', eta: -1 }] }, /optimizers\[0\].eta must be a finite number > 0, got -1/],
      [{ ...base, optimizers: [{ kind: 'sgd', batchSize: 7 }] }, /batchSize must be an integer in \[1, n = 6\], got 7/],
      [{ ...base, seeds: [] }, /seeds must be a non-empty array/],
      [{ ...base, seeds: [0, -1] }, /seeds\[1\] must be an integer ≥ 0, got -1/],
      [{ ...base, fractionOfLimit: 1 }, /fractionOfLimit must be in \(0, 1\), got 1/],
      [{ ...base, gramEvery: 0 }, /gramEvery must be an integer ≥ 1, got 0/],
    ];
    for (const [options, message] of cases) {
      expect(() => optimizerComparison(X, y, options as never)).toThrow(OverparamRangeError);
      expect(() => optimizerComparison(X, y, options as never)).toThrow(message);
    }
    expect(() => optimizerComparison(X, new Float32Array(5), base)).toThrow(/optimizerComparison: y/);
  });

  it('stops at the AbortSignal within a step and keeps the optimisers that finished', () => {
    const { X, y } = sphereData({ n: 10, d: 6, seed: 1 });
    const controller = new AbortController();
    const seen: string[] = [];
    const result = optimizerComparison(X, y, {
      m: 200, steps: 8, optimizers: [{ kind: 'gd' }, { kind: 'polyak' }, { kind: 'sgd', batchSize: 2 }], seeds: [0, 1],
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(`${p.label}:${p.step}`);
        if (p.label === 'heavy ball (Polyak)' && p.step === 3) controller.abort();
        expect(p.total).toBe(8 * 4);
      },
    });
    expect(result.status).toBe('aborted');
    expect(result.runs.map((r) => r.label)).toEqual(['GD']);
    expect(seen.some((s) => s.startsWith('SGD'))).toBe(false);
    expect(seen).not.toContain('heavy ball (Polyak):5');
  });
});

// The CLI end to end, spawned as a user runs it from the sources (tsx), on tiny sizes.


describe('overparam optimizers (tiny sizes)', () => {
  let tmp: string;
  beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'overparam-optimizers-')); });
  afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

  it('writes results.json, the CSVs, four charts and report.html; exit 0 when every check passes', async () => {
    const out = path.join(tmp, 'wide');
    const run = await overparam(['optimizers', '--n', '16', '--d', '16', '--m', '2000', '--steps', '30', '--seeds', '3', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    expect(results.command).toBe('optimizers');
    expect(results.result.runs.map((r: { label: string }) => r.label)).toEqual(['GD', 'heavy ball (Polyak)', 'Nesterov β = 0.5', 'SGD b = 4']);
    expect(results.checks.every((c: { passed: boolean | null }) => c.passed !== false)).toBe(true);
    expect(results.files).toEqual(['results.json', 'optimizers-runs.csv', 'optimizers-curves.csv', 'optimizers-lambda-min.csv',
      'optimizers-sgd-spread.csv', 'optimizers-sgd-mean-residual.csv', 'optimizers-training-error.svg', 'optimizers-pattern-changes.svg',
      'optimizers-weight-distance.svg', 'optimizers-gram-lambda-min.svg', 'report.html']);
    const curves = (await readFile(path.join(out, 'optimizers-curves.csv'), 'utf8')).trimEnd().split('\n');
    expect(curves[0]).toBe('optimizer,k,residual_sq,predicted_residual_sq,pattern_change_fraction,max_weight_distance');
    expect(curves.length).toBe(1 + 4 * 31);
    // The same numbers as results.json: GD's ‖y − u(30)‖².
    expect(Number(curves[31].split(',')[2])).toBeCloseTo(results.result.runs[0].curves.residualSq[30], 12);
    const error = await readFile(path.join(out, 'optimizers-training-error.svg'), 'utf8');
    expect(error).toMatch(/^<svg/);
    for (const label of ['GD', 'heavy ball (Polyak)', 'SGD b = 4', 'kernel regime from H(0)']) expect(error).toContain(label);
    const report = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(report).toContain('Checks: 10 of 10 pass');
    expect(report).toContain('optimizers-gram-lambda-min.svg');
  }, 120_000);

  it('exit 3 when a check fails (a net too narrow for the kernel regime)', async () => {
    const run = await overparam(['optimizers', '--n', '16', '--d', '16', '--m', '20', '--steps', '30', '--seeds', '2',
      '--optimizers', 'gd,polyak', '--out', path.join(tmp, 'narrow')]);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/exit 3: \d+ check\(s\) failed: .*rate-gd/);
  }, 120_000);

  it('--help prints the flags and the η rule; exit 0', async () => {
    const run = await overparam(['optimizers', '--help']);
    expect(run.code).toBe(0);
    for (const text of ['--optimizers <list>', '--seeds <int>', "GD's best 2/(λ_max + λ0)"]) expect(run.stdout).toContain(text);
  }, 60_000);

  it('exit 2 on a bad --optimizers list, naming the entry', async () => {
    const run = await overparam(['optimizers', '--optimizers', 'gd,momentum', '--out', path.join(tmp, 'bad')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'momentum' needs β in [0, 1)");
  }, 60_000);
});
