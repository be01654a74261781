// overparam train/figure1 --flow T [--flow-tolerance ε] (issue 14 §1), spawned as a user runs them
// (from the TypeScript sources through tsx); the numbers in results.json and the CSV are checked
// against float64 references computed here (H∞, H(0) and their eigenvalues by Jacobi).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overparam, type Finished } from './cliRun';
import { init, sphereData, TwoLayerNet } from '../src/index';
import { parseFigure1Args, parseTrainArgs, UsageError } from '../src/cli/args';
import { jacobiEigenvalues } from './reference/eigen';
import { gram as referenceGram, gramInfinity as referenceGramInfinity } from './reference/kernels';




/** max over k ≤ steps of |(1 − ηλ)^k − exp(−ηλk)| on a grid of λ ∈ [0, λ_max]: the flow rule's gap. */
function worstGap(lambdaMax: number, eta: number, steps: number): number {
  let worst = 0;
  for (let g = 0; g <= 400; g++) {
    const lambda = (lambdaMax * g) / 400;
    let gd = 1;
    for (let k = 0; k <= steps; k++) {
      if (k > 0) gd *= 1 - eta * lambda;
      worst = Math.max(worst, Math.abs(gd - Math.exp(-eta * lambda * k)));
    }
  }
  return worst;
}

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'overparam-cli-flow-')); await init(); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('overparam train --flow', () => {
  const n = 9, d = 5, m = 300, seed = 5, horizon = 2, tolerance = 0.02;
  let run: Finished;
  let results: any;
  let csv: string[][];
  beforeAll(async () => {
    const out = path.join(tmp, 'train');
    run = await overparam(['train', '--n', String(n), '--d', String(d), '--m', String(m), '--seed', String(seed),
      '--flow', String(horizon), '--flow-tolerance', String(tolerance), '--out', out]);
    results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    csv = (await readFile(path.join(out, 'training-error.csv'), 'utf8')).trimEnd().split('\n').map((line) => line.split(','));
  }, 120_000);

  it('exits 0 and prints η, the steps and the tolerance reached', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/gradient flow to t = 2 \(tolerance 0\.02\)/);
    expect(run.stdout).toMatch(/step size η = [\d.e-]+ \(flow rule: \d+ steps of η to t = 2/);
    expect(run.stdout).toMatch(/time axis t = ηk, k = 0\.\.\d+, up to t = 2.*within [\d.e-]+·‖y − u\(0\)‖ of the flow \(tolerance asked 0\.02/);
  });

  it('records the flow block: η·steps = T, t_k = ηk, λ_max of H∞ and H(0) (float64 Jacobi), a gap within the tolerance', () => {
    const flow = results.result.flow;
    expect(results.settings.flow).toEqual({ horizon, tolerance });
    expect(results.settings.steps).toBeUndefined();
    expect(Math.abs(flow.eta * flow.steps - horizon)).toBeLessThan(1e-12);
    expect(results.result.parameters.steps).toBe(flow.steps);
    expect(results.result.parameters.eta).toBe(flow.eta);
    expect(results.result.stepSize.source).toBe('flow');
    expect(flow.times).toHaveLength(flow.steps + 1);
    flow.times.forEach((t: number, k: number) => expect(t).toBeCloseTo(flow.eta * k, 12));
    // λ_max: the larger of H∞'s and the net's H(0)'s, recomputed from the data and W(0).
    const { X } = sphereData({ n, d, seed });
    const X64 = Float64Array.from(X.data);
    const infinity = jacobiEigenvalues(referenceGramInfinity(X64, n, d), n);
    const net = TwoLayerNet.random({ d, m, seed: seed + 1 });
    const W0 = Float64Array.from(net.weights().W.data);
    net.dispose();
    const initial = jacobiEigenvalues(referenceGram(X64, n, d, W0, m), n);
    // Here H(0)'s λ_max is the larger (1.264 against H∞'s 1.210): the rule must look at the net.
    expect(initial[n - 1]).toBeGreaterThan(infinity[n - 1]);
    const lambdaMax = Math.max(infinity[n - 1], initial[n - 1]);
    expect(Math.abs(flow.lambdaMax - lambdaMax)).toBeLessThan(1e-6 * lambdaMax);
    expect(flow.tolerance).toBeLessThanOrEqual(tolerance);
    expect(worstGap(lambdaMax, flow.eta, flow.steps)).toBeLessThanOrEqual(flow.tolerance * (1 + 1e-6));
    // Theorem 3.1's bound per run, with λ0 = λ_min(H∞)
    const r0 = results.result.runs[0].residualSq[0];
    const bound = results.result.runs[0].flowBound;
    expect(bound).toHaveLength(flow.steps + 1);
    bound.forEach((b: number, k: number) => expect(b / (Math.exp(-infinity[0] * flow.times[k]) * r0)).toBeCloseTo(1, 8));
  });

  it('writes the flow time and Theorem 3.1\'s bound into training-error.csv', () => {
    const [header, ...rows] = csv;
    expect(header).toEqual(['m', 'trial', 'step', 'flow_time', 'residual_sq', 'infinite_width_residual_sq', 'theorem41_bound', 'theorem31_flow_bound']);
    const flow = results.result.flow;
    expect(rows).toHaveLength(flow.steps + 1);
    rows.forEach((row, k) => {
      expect(Number(row[2])).toBe(k);
      expect(Number(row[3])).toBeCloseTo(flow.eta * k, 10);
      expect(Number(row[7])).toBeCloseTo(results.result.runs[0].flowBound[k], 8);
    });
  });
});

describe('overparam figure1 --flow', () => {
  let run: Finished;
  let results: any;
  let out: string;
  beforeAll(async () => {
    out = path.join(tmp, 'figure1');
    run = await overparam(['figure1', '--n', '10', '--d', '6', '--widths', '40,400', '--flow', '1', '--test-points', '0', '--out', out]);
    results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
  }, 120_000);

  it('runs every width on one time grid and shows t = ηk on the charts and in the report', async () => {
    // exit 3 exactly when a check of the table it wrote failed (this tiny size may fail one)
    expect(run.code, run.stderr).toBe(results.checks.some((c: { passed: boolean | null }) => c.passed === false) ? 3 : 0);
    const flow = results.result.flow;
    expect(flow.requestedTolerance).toBe(0.01); // train's default
    for (const r of results.result.runs) expect(r.stepsRun).toBe(flow.steps);
    const svg = await readFile(path.join(out, 'fig1a-training-error.svg'), 'utf8');
    expect(svg).toMatch(/iteration k \(gradient flow time t = ηk, η = /);
    const report = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(report).toMatch(/gradient flow<\/th><td>t = ηk up to t = 1/);
  });
});

describe('--flow on the command line', () => {
  it('parses T and ε and leaves the steps to the flow rule', () => {
    const train = parseTrainArgs(['--flow', '3', '--flow-tolerance', '0.001']);
    expect(train.flow).toEqual({ horizon: 3, tolerance: 0.001 });
    expect(train.steps).toBeUndefined();
    const fig = parseFigure1Args(['--flow', '0.5']);
    expect(fig.flow).toEqual({ horizon: 0.5 });
    expect(fig.steps).toBeUndefined();
    expect(parseTrainArgs([]).steps).toBe(100);
  });

  it.each([
    [['--flow', '1', '--eta', '0.1'], /--eta and --flow exclude each other/],
    [['--flow', '1', '--steps', '5'], /--steps and --flow exclude each other/],
    [['--flow-tolerance', '0.1'], /--flow-tolerance needs --flow/],
    [['--flow', '0'], /--flow must be a number > 0/],
    [['--flow', '1', '--flow-tolerance', '0.6'], /--flow-tolerance must be a number in \(0, 0\.5\)/],
    [['--flow', '1', '--optimizer', 'momentum', '--beta', '0.5'], /--flow follows gradient flow.*--optimizer momentum/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseTrainArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseTrainArgs(argv as string[])).toThrow(message as RegExp);
    expect(() => parseFigure1Args(argv as string[])).toThrow(message as RegExp);
  });

  it('exits 2 with the message on a conflicting command line', async () => {
    const finished = await overparam(['train', '--flow', '1', '--eta', '0.1', '--out', path.join(tmp, 'never')]);
    expect(finished.code).toBe(2);
    expect(finished.stderr + finished.stdout).toMatch(/--eta and --flow exclude each other/);
  }, 60_000);
});
