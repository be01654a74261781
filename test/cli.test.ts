// The CLI end to end: spawned as a user would run it (from the TypeScript sources through tsx),
// writing into temporary directories; every file it claims to write is read back and parsed.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DOMParser } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overparam, type Finished } from './cliRun';
import { init, sphereData } from '../src/index';
import { jacobiEigenvalues } from './reference/eigen';
import { gramInfinity as referenceGramInfinity } from './reference/kernels';




function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = text.trimEnd().split('\n');
  return { header: head.split(','), rows: lines.map((line) => line.split(',')) };
}

/**
 * These runs are too small for every claim of the checks table to hold, so the exit code is held to
 * the table they wrote: 0 when no check failed, else 3 with the failed ids named on stdout.
 */
function expectExitFromChecks(run: Finished, results: { checks: { id: string; passed: boolean | null }[] }): void {
  const failed = results.checks.filter((c) => c.passed === false).map((c) => c.id);
  expect(run.code, run.stderr).toBe(failed.length > 0 ? 3 : 0);
  if (failed.length > 0) expect(run.stdout).toContain(`check(s) failed: ${failed.join(', ')}`);
}

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'overparam-cli-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('overparam figure1 (tiny override of the quick preset)', () => {
  const widths = [20, 200, 2000], steps = 20;
  let out: string;
  let run: Finished;
  let results: any;
  beforeAll(async () => {
    out = path.join(tmp, 'figure1');
    run = await overparam(['figure1', '--n', '24', '--d', '12', '--widths', widths.join(','), '--steps', String(steps),
      '--test-points', '6', '--seed', '3', '--out', out]);
    results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
  });

  it('exits 0, or 3 when a check fails, and prints the step size with the theory’s value and the checks', () => {
    // This tiny size fails a check of the paper's claims (printed as ✗): exit 3 says so.
    expect(run.code, run.stderr).toBe(/^ {2}✗/m.test(run.stdout) ? 3 : 0);
    expect(run.stdout).toMatch(/step size η = [\d.]+ \(derived: 0\.25 × 2\/λ_max\(H\(0\)\)/);
    expect(run.stdout).toMatch(/theory's η = λ0\/n² = /);
    expect(run.stdout).toMatch(/checks: \d+ of \d+ pass/);
    // stdout is a pipe here: no progress bar, one line per finished run instead.
    expect(run.stdout.match(/^finished m = /gm)).toHaveLength(3);
    expect(run.stderr).not.toMatch(/ETA/);
  });

  it('ran on the data asked for: λ0 and λ_max(H∞) of the first n of n + test points sphere points (float64 oracle)', async () => {
    await init();
    const n = 24, d = 12;
    const { X } = sphereData({ n: n + 6, d, seed: 3 });
    const eigenvalues = jacobiEigenvalues(referenceGramInfinity(Float64Array.from(X.data.subarray(0, n * d)), n, d), n);
    expect(Math.abs(results.result.lambda0 - eigenvalues[0])).toBeLessThan(1e-9 * eigenvalues[n - 1]);
    expect(Math.abs(results.result.lambdaMaxInfinity - eigenvalues[n - 1])).toBeLessThan(1e-9 * eigenvalues[n - 1]);
    const { eta, suggestion } = results.result.stepSize;
    expect(eta).toBe(suggestion.eta);
    expect(Math.abs(suggestion.theoryEta / (eigenvalues[0] / (n * n)) - 1)).toBeLessThan(1e-8);
  });

  it('writes results.json with the settings, versions, runs and checks', () => {
    expect(results.command).toBe('figure1');
    expect(results.status).toBe('done');
    expect(results.settings).toMatchObject({ preset: 'quick', n: 24, d: 12, widths, steps, seed: 3, trials: 1, joint: false, testPoints: 6 });
    expect(results.environment.node).toBe(process.version);
    expect(results.environment.overparam).toMatch(/^\d+\.\d+\.\d+/);
    expect(results.result.runs).toHaveLength(3);
    for (const r of results.result.runs) {
      expect(r.residualSq).toHaveLength(steps + 1);
      expect(r.theory.infiniteWidthResidualSq).toHaveLength(steps + 1);
      expect(r.residualSq[steps]).toBeLessThan(r.residualSq[0]);
    }
    expect(results.checks.map((c: { id: string }) => c.id)).toEqual([
      'rate-increases-with-m', 'pattern-change-decreases-with-m', 'distance-decreases-with-m', 'distance-under-bound',
      'gram-stays-above-half-lambda0', 'gram-deviation-slope', 'initial-gram-above-three-quarters-lambda0',
      'test-predictions-approach-kernel',
    ]);
    for (const c of results.checks) expect([true, false, null]).toContain(c.passed);
    for (const file of ['results.json', 'report.html', 'training-error.csv', 'fig1a-training-error.svg', 'gram-deviation.svg']) {
      expect(results.files).toContain(file);
    }
  });

  it('writes every SVG as a standalone SVG document with drawn paths', async () => {
    const svgs = results.files.filter((f: string) => f.endsWith('.svg'));
    expect(svgs).toEqual(expect.arrayContaining(['fig1a-training-error.svg', 'fig1b-pattern-changes.svg', 'fig1c-weight-distance.svg',
      'gram-lambda-min.svg', 'gram-deviation.svg', 'kernel-prediction.svg']));
    for (const file of svgs) {
      const text = await readFile(path.join(out, file), 'utf8');
      expect(text.startsWith('<svg'), file).toBe(true);
      expect(text).toMatch(/^<svg[^>]*\sxmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(text.trimEnd().endsWith('</svg>')).toBe(true);
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement!;
      expect(root.tagName.toLowerCase()).toBe('svg');
      expect(root.querySelectorAll('path').length + root.querySelectorAll('circle').length, file).toBeGreaterThan(0);
      expect(text).not.toMatch(/NaN/);
    }
    const fig1a = await readFile(path.join(out, 'fig1a-training-error.svg'), 'utf8');
    expect(fig1a).toMatch(/stroke-dasharray/); // the theory's lines are dashed
    for (const m of widths) expect(fig1a).toContain(`m = ${m.toLocaleString('en-US')}`);
  });

  it('writes one CSV per curve, a row per width, trial and step', async () => {
    const training = parseCsv(await readFile(path.join(out, 'training-error.csv'), 'utf8'));
    expect(training.header).toEqual(['m', 'trial', 'step', 'residual_sq', 'infinite_width_residual_sq', 'theorem41_bound']);
    expect(training.rows).toHaveLength(widths.length * (steps + 1));
    for (const row of training.rows) for (const cell of row) expect(Number.isFinite(Number(cell))).toBe(true);
    const json = results.result.runs[1];
    const row = training.rows.find((r) => r[0] === String(json.m) && r[2] === '5')!;
    expect(Number(row[3])).toBe(json.residualSq[5]);
    for (const file of ['pattern-changes.csv', 'weight-distance.csv', 'gram-lambda-min.csv', 'gram-deviation.csv', 'kernel-prediction.csv']) {
      const csv = parseCsv(await readFile(path.join(out, file), 'utf8'));
      expect(csv.rows.length, file).toBeGreaterThanOrEqual(widths.length);
      expect(csv.rows.every((r) => r.length === csv.header.length), file).toBe(true);
    }
  });

  it('writes report.html with the charts inline and a row per check', async () => {
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg/g)!.length).toBe(results.files.filter((f: string) => f.endsWith('.svg')).length);
    expect(html.match(/<tr class="(pass|fail|na)">/g)).toHaveLength(results.checks.length);
  });
});

describe('overparam figure1: Ctrl-C', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s stops after the current step, keeps the finished run and exits %i (128 + signal)', async (signal, code) => {
    const out = path.join(tmp, `interrupted-${signal}`);
    let sent = false;
    // Two widths: the narrow one finishes at once, the wide one runs for many seconds unless stopped.
    const run = await overparam(['figure1', '--n', '64', '--d', '64', '--widths', '5,40000', '--steps', '400',
      '--test-points', '0', '--out', out], (soFar, child) => {
      if (!sent && /finished m = 5,/.test(soFar)) { sent = true; child.kill(signal); }
    });
    expect(sent).toBe(true);
    expect(run.code, run.stderr).toBe(code);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    expect(results.status).toBe('aborted');
    expect(results.result.runs.map((r: { m: number; status: string }) => [r.m, r.status])).toEqual([[5, 'done'], [40000, 'aborted']]);
    expect(results.result.runs[1].stepsRun).toBeLessThan(400);
    await readFile(path.join(out, 'report.html'), 'utf8');
  });
});

describe('the CLI exit status', () => {
  it('is 3 when a check fails (all runs diverged), with the files still written', async () => {
    const out = path.join(tmp, 'diverged');
    const run = await overparam(['figure1', '--n', '20', '--d', '20', '--widths', '10,100', '--steps', '30', '--eta', '50',
      '--test-points', '0', '--out', out]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/exit 3: \d+ check\(s\) failed: rate-increases-with-m/);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    expect(results.checks.find((c: { id: string }) => c.id === 'rate-increases-with-m').passed).toBe(false);
  });
});

describe('the command line, checked before anything runs', () => {
  it.each([['--n', '-5', /--n must be an integer ≥ 1, got '-5'/], ['--steps', '-1', /--steps must be an integer ≥ 0, got '-1'/],
    ['--eta', '-0.5', /--eta must be a number > 0, got '-0.5'/], ['--trials', '-2', /--trials must be an integer ≥ 1/],
    ['--test-points', '-3', /--test-points must be an integer ≥ 0/], ['--widths', '-10,20', /--widths must be an integer ≥ 1, got '-10'/]])(
    'names %s %s with its range, exit 2', async (flag, value, message) => {
      const run = await overparam(['figure1', flag, value, '--out', path.join(tmp, 'never')]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/ambiguous/);
    });

  it.each(['a file', '/dev/null'])('refuses an --out that is %s before any run', async (kind) => {
    const file = kind === 'a file' ? path.join(tmp, 'not-a-dir') : '/dev/null';
    if (kind === 'a file') await writeFile(file, 'x');
    const run = await overparam(['train', '--m', '5', '--steps', '2', '--out', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--out must be a directory/);
    expect(run.stdout).not.toMatch(/finished m = /);
  });

  it('keeps going and writes its files when stdout is closed early (| head)', async () => {
    const out = path.join(tmp, 'piped');
    const run = await overparam(['train', '--n', '20', '--d', '10', '--m', '50', '--steps', '5', '--out', out],
      (_, child) => { child.stdout!.destroy(); });
    expect(run.stderr).not.toMatch(/EPIPE|Error/);
    expect(run.code).toBe(0);
    JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
  });
});

describe('overparam figure1 --modes', () => {
  it('records the residual on the limit kernel\'s top and bottom modes beside the kernel regime, in results.json, modes.csv and modes.svg', async () => {
    const out = path.join(tmp, 'modes');
    const run = await overparam(['figure1', '--n', '30', '--d', '12', '--widths', '50,400', '--steps', '12', '--test-points', '0',
      '--modes', '2', '--out', out]);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    expectExitFromChecks(run, results);
    expect(results.result.parameters.modes).toEqual({ top: 2, bottom: 2 });
    const eta = results.result.stepSize.eta;
    for (const r of results.result.runs) {
      expect(r.modes.modes).toEqual([0, 1, 28, 29]);
      r.modes.modes.forEach((_: number, j: number) => {
        const p0 = r.modes.measured[j][0], lambda = r.modes.eigenvalues[j];
        expect(r.modes.predicted[j][0]).toBe(p0);
        // The kernel regime (Arora et al. 2019, Section 4): p_i(k) = (1 − ηλ_i)^k p_i(0).
        for (let k = 0; k <= 12; k++) expect(r.modes.predicted[j][k]).toBeCloseTo((1 - eta * lambda) ** k * p0, 12);
      });
    }
    expect(results.files).toEqual(expect.arrayContaining(['modes.csv', 'modes.svg']));
    const csv = parseCsv(await readFile(path.join(out, 'modes.csv'), 'utf8'));
    expect(csv.header).toEqual(['m', 'trial', 'mode', 'eigenvalue', 'step', 'projection', 'kernel_regime_projection']);
    expect(csv.rows.length).toBe(2 * 4 * 13);
  });

  it('refuses --modes 0, naming the flag', async () => {
    const run = await overparam(['figure1', '--modes', '0', '--out', path.join(tmp, 'never')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--modes must be an integer ≥ 1, got '0'/);
  });
});

describe('overparam figure1 --optimizer', () => {
  it('trains with heavy ball, derives η from its own limit 2(1+β)/λ_max and records the optimiser', async () => {
    const out = path.join(tmp, 'momentum');
    const run = await overparam(['figure1', '--n', '30', '--d', '12', '--widths', '50,400', '--steps', '10', '--test-points', '0',
      '--optimizer', 'momentum', '--beta', '0.5', '--out', out]);
    expect(run.stdout).toMatch(/stability limit 2\(1\+β\)\/λ_max \(β = 0\.5\)/);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    expectExitFromChecks(run, results);
    expect(results.result.parameters.optimizer).toEqual({ kind: 'momentum', beta: 0.5 });
    const s = results.result.stepSize.suggestion;
    expect(s.largestStableEta).toBeCloseTo((2 * 1.5) / s.lambdaMax, 12);   // DESIGN §7.4
  });

  it.each([
    [['--optimizer', 'sgd'], /--optimizer sgd needs --batch-size/],
    [['--optimizer', 'momentum'], /--optimizer momentum needs --beta/],
    [['--optimizer', 'momentum', '--beta', '1'], /--beta must be a number in \[0, 1\), got '1'/],
    [['--beta', '0.5'], /--beta and --batch-size need --optimizer momentum, nesterov or sgd/],
    [['--optimizer', 'adam'], /--optimizer must be one of gd, momentum, nesterov, sgd, got 'adam'/],
  ])('refuses %j with exit 2', async (flags, message) => {
    const run = await overparam(['figure1', ...flags, '--out', path.join(tmp, 'never')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('overparam train', () => {
  it('trains on a CSV and warns about parallel rows by index and by file line', async () => {
    const file = path.join(tmp, 'data.csv');
    const lines = ['x1,x2,x3,y', '1,0,0,0.5', '0,1,0,-1', '0,0,1,2', '2,0,0,0.1', '0.5,0.5,0,1', '# a comment', '0,0.6,0.8,-0.3'];
    await writeFile(file, lines.join('\n'));
    const out = path.join(tmp, 'train');
    const run = await overparam(['train', '--data', file, '--m', '300', '--steps', '15', '--eta', '0.2', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: λ0 = λ_min\(H∞\) = 0: the inputs have 1 parallel pair\(s\) \(0, 3\)/);
    // Rows 0 and 3 are the file's lines 2 and 5 (line 1 is the header).
    expect(run.stderr).toContain(`in ${file}: parallel pairs on lines (2, 5)`);
    expect(run.stdout).toMatch(/m = 300: ‖y−u‖² /);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    expect(results.command).toBe('train');
    expect(results.result.parameters).toMatchObject({ n: 6, d: 3, widths: [300], steps: 15, eta: 0.2, data: 'given' });
    expect(results.result.degenerate.parallelPairs.map((p: { i: number; j: number }) => [p.i, p.j])).toEqual([[0, 3]]);
    expect(results.files).toEqual(expect.arrayContaining(['results.json', 'training-error.csv']));
  });

  it('trains on sphere data by default', async () => {
    const out = path.join(tmp, 'train-sphere');
    const run = await overparam(['train', '--n', '10', '--d', '5', '--m', '50', '--steps', '5', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    expect(results.result.parameters).toMatchObject({ n: 10, d: 5, widths: [50], data: 'sphere' });
    expect(results.result.stepSize.source).toBe('derived');
  });
});

describe('overparam: command line errors and help', () => {
  it('prints help for each command and exits 0', async () => {
    const figure1 = await overparam(['figure1', '--help']);
    expect(figure1.code).toBe(0);
    expect(figure1.stdout).toMatch(/--preset <quick\|paper>/);
    const train = await overparam(['train', '-h']);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/--data <file\.csv>/);
  });

  it('names the offending option and exits 2', async () => {
    const badWidth = await overparam(['figure1', '--widths', '10,x']);
    expect(badWidth.code).toBe(2);
    expect(badWidth.stderr).toMatch(/--widths must be an integer ≥ 1, got 'x'/);
    const badPreset = await overparam(['figure1', '--preset', 'huge']);
    expect(badPreset.code).toBe(2);
    expect(badPreset.stderr).toMatch(/--preset must be 'quick' or 'paper'/);
    const unknown = await overparam(['figure2']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'figure2'/);
  });
});

describe('the model flags (issue 12 §5): --activation, --negative-slope, --scale, --output-scale, --width-exponent, --output-init', () => {
  it.each([
    [['--activation', 'swish'], /--activation must be one of relu, leakyRelu, softplus, sigmoid, tanh, erf, gelu, quadratic, linear, got 'swish'/],
    [['--activation', 'leakyRelu', '--negative-slope', '1.5'], /--negative-slope must be a number in \[0, 1\], got '1\.5'/],
    [['--activation', 'leakyRelu', '--negative-slope', '-0.1'], /--negative-slope must be a number in \[0, 1\], got '-0\.1'/],
    [['--activation', 'tanh', '--negative-slope', '0.1'], /--negative-slope applies to --activation leakyRelu only, got --activation tanh/],
    [['--negative-slope', '0.1'], /--negative-slope applies to --activation leakyRelu only, got --activation relu/],
    [['--output-scale', '0'], /--output-scale must be a number > 0, got '0'/],
    [['--output-scale', '-3'], /--output-scale must be a number > 0, got '-3'/],
    [['--width-exponent', '2.5'], /--width-exponent must be a number in \[0, 2\], got '2\.5'/],
    [['--width-exponent', '-1'], /--width-exponent must be a number in \[0, 2\], got '-1'/],
    [['--output-init', 'zero'], /--output-init must be one of sign, gaussian, symmetric, got 'zero'/],
    [['--output-init', 'symmetric', '--widths', '21,200'], /--output-init symmetric pairs the neurons, so --widths must be even, got 21/],
    [['--scale', 'x'], /--scale must be a number > 0, got 'x'/],
  ])('figure1 %j: a range error naming the flag, exit 2', async (flags, message) => {
    const run = await overparam(['figure1', ...flags, '--out', path.join(tmp, 'never')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/ambiguous/);
  });

  it('train checks the same flags (--m even for symmetric)', async () => {
    const odd = await overparam(['train', '--m', '51', '--output-init', 'symmetric', '--out', path.join(tmp, 'never')]);
    expect(odd.code).toBe(2);
    expect(odd.stderr).toMatch(/--output-init symmetric pairs the neurons, so --m must be even, got 51/);
    const bad = await overparam(['train', '--activation', 'Tanh', '--out', path.join(tmp, 'never')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--activation must be one of/);
  });

  it('help lists them', async () => {
    for (const command of ['figure1', 'train']) {
      const help = await overparam([command, '--help']);
      expect(help.code).toBe(0);
      for (const flag of ['--activation <name>', '--negative-slope <s>', '--scale <κ>', '--output-scale <α>', '--width-exponent <γ>', '--output-init <init>']) {
        expect(help.stdout).toContain(flag);
      }
      expect(help.stdout).toMatch(/H\* \+ K\^a/);
    }
  });

  it('figure1 --output-scale 10 --width-exponent 1 --output-init symmetric --joint: recorded, and the theory uses H∞ + K^a', async () => {
    const out = path.join(tmp, 'figure1-model');
    const run = await overparam(['figure1', '--n', '16', '--d', '8', '--widths', '20,200', '--steps', '10', '--test-points', '4',
      '--output-scale', '10', '--width-exponent', '1', '--output-init', 'symmetric', '--joint', '--out', out]);
    expect(run.stdout).toMatch(/both layers, α = 10, γ = 1, a\(0\) symmetric →/);
    expect(run.stdout).toMatch(/λ0 = λ_min\(H∞ \+ K\^a \(relu, joint\)\) = /);
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    expectExitFromChecks(run, results);
    expect(results.settings).toMatchObject({ activation: 'relu', scale: 1, outputScale: 10, widthExponent: 1, outputInit: 'symmetric', joint: true });
    expect(results.settings.negativeSlope).toBeUndefined();
    expect(results.result.parameters).toMatchObject({ activation: 'relu', outputScale: 10, widthExponent: 1, outputInit: 'symmetric', trainOutputLayer: true });
    expect(results.result.limit).toEqual({ activation: 'relu', part: 'both', scale: 1, label: 'H∞ + K^a (relu, joint)' });
    // λ0 is that of H∞ + K^a for these points (the float64 oracle of H∞ alone is smaller: K^a is PSD).
    await init();
    const all = sphereData({ n: 20, d: 8, seed: 0 });
    const X64 = Float64Array.from(all.X.data.subarray(0, 16 * 8));
    const firstOnly = Math.min(...jacobiEigenvalues(referenceGramInfinity(X64, 16, 8), 16));
    expect(results.result.lambda0).toBeGreaterThan(firstOnly * 1.2);
    const svg = await readFile(path.join(out, 'fig1a-training-error.svg'), 'utf8');
    expect(svg).toContain('(I − η(H∞ + K^a))ᵏr(0)');
    expect(svg).toContain('theory: H∞ + K^a (relu, joint)');
    const report = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(report).toContain('H∞ + K^a (relu, joint)');
    expect(report).toMatch(/α = 10, γ = 1, w_r\(0\) ~ N\(0, 1²I\), a\(0\) symmetric/);
  });

  it('train --activation tanh / leakyRelu: results.json names the activation and the kernel H*', async () => {
    for (const [flags, label] of [[['--activation', 'tanh'], 'H* (tanh)'], [['--activation', 'leakyRelu', '--negative-slope', '0.2'], 'H* (leakyRelu 0.2)']] as const) {
      const out = path.join(tmp, `train-${flags[1]}`);
      const run = await overparam(['train', '--n', '10', '--d', '5', '--m', '200', '--steps', '5', ...flags, '--out', out]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`λ0 = λ_min(${label}) = `);
      const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
      expect(results.settings.activation).toBe(flags[1]);
      expect(results.result.parameters.activation).toBe(flags[1]);
      expect(results.result.limit).toMatchObject({ activation: flags[1], part: 'first', label });
      if (flags[1] === 'leakyRelu') expect(results.result.parameters.negativeSlope).toBe(0.2);
    }
  });
});
