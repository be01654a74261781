// `overparam regimes` end to end: spawned as a user would run it (tsx on the sources), on a tiny
// grid; results.json, the CSVs, the SVGs and report.html are read back.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DOMParser } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overparam, type Finished } from './cliRun';




let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'overparam-regimes-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('overparam regimes (tiny grid)', () => {
  const alphas = [0.1, 1, 10, 100], widths = [20, 200], gammas = [0.5, 1], steps = 20;
  let out: string;
  let run: Finished;
  let results: any;
  beforeAll(async () => {
    out = path.join(tmp, 'regimes');
    run = await overparam(['regimes', '--n', '20', '--d', '10', '--test-points', '5', '--alphas', alphas.join(','),
      '--widths', widths.join(','), '--gammas', gammas.join(','), '--steps', String(steps), '--seed', '1', '--out', out]);
    results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
  });

  it('exits 0, or 3 exactly when a check printed ✗, and prints a line per run and the checks', () => {
    expect(run.code, run.stderr).toBe(/^ {2}✗/m.test(run.stdout) ? 3 : 0);
    expect(run.stdout.match(/^finished α = /gm)).toHaveLength(alphas.length * widths.length * gammas.length);
    expect(run.stdout).toMatch(/checks: \d+ of \d+ pass/);
    expect(results.checks.some((c: any) => c.passed === false)).toBe(run.code === 3);
  });

  it('writes results.json with the settings, every run and the fits', () => {
    expect(results.command).toBe('regimes');
    expect(results.status).toBe('done');
    expect(results.settings).toMatchObject({ alphas, widths, gammas, n: 20, d: 10, testPoints: 5, steps, seed: 1 });
    const runs = results.result.runs;
    expect(runs).toHaveLength(16);
    for (const r of runs) {
      expect(r.status).toBe('done');
      for (const key of ['kernelChange', 'weightMovement', 'patternChangeFraction', 'testGap', 'testGapRelative']) {
        expect(r[key], key).toBeGreaterThanOrEqual(0);
      }
    }
    // Weights move ∝ 1/α when lazy: movement·α at α = 10 and 100 agree for the NTK scaling.
    for (const row of results.result.movementTimesAlpha.filter((x: any) => x.gamma === 0.5)) {
      expect(Math.abs(row.values[3] / row.values[2] - 1)).toBeLessThan(0.05);
    }
    expect(results.result.widthFits.length).toBeGreaterThan(0);
    expect(results.checks.map((c: any) => c.id)).toContain('movement-times-alpha-constant');
    expect(results.files).toContain('report.html');
  });

  it('writes every file it lists: CSVs with a row per run, SVGs that parse, the report with the checks table', async () => {
    for (const file of results.files as string[]) {
      const text = await readFile(path.join(out, file), 'utf8');
      expect(text.length, file).toBeGreaterThan(0);
      if (file.endsWith('.svg')) {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        expect(doc.documentElement.tagName.toLowerCase(), file).toBe('svg');
        expect(text).toMatch(/<path|<circle/);
      }
    }
    const csv = (await readFile(path.join(out, 'regimes-runs.csv'), 'utf8')).trimEnd().split('\n');
    expect(csv[0]).toMatch(/^alpha,gamma,m,status,steps_run,kernel_change,weight_movement,pattern_change_fraction/);
    expect(csv).toHaveLength(17);
    const movement = await readFile(path.join(out, 'regimes-movement-vs-alpha.svg'), 'utf8');
    expect(movement).toMatch(/lazy: c\/α/);
    const report = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(report).toMatch(/Checks: \d+ of \d+ pass/);
    for (const c of results.checks) expect(report).toContain(c.claim.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  it('exits 3 when a check fails: η far past 2/λ_max fails one-step-size', async () => {
    const bad = path.join(tmp, 'diverged');
    const r = await overparam(['regimes', '--n', '10', '--d', '5', '--test-points', '3', '--alphas', '1', '--widths', '20',
      '--gammas', '0.5', '--steps', '5', '--eta', '50', '--out', bad]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/exit 3: .*one-step-size/);
    const written = JSON.parse(await readFile(path.join(bad, 'results.json'), 'utf8'));
    expect(written.checks.find((c: any) => c.id === 'one-step-size').passed).toBe(false);
  });

  it('refuses bad flags with exit 2, naming the flag and its range', async () => {
    for (const [args, message] of [
      [['--widths', '21'], /--widths must be even integers ≥ 2/],
      [['--alphas', '-1'], /--alphas must be numbers > 0/],
      [['--gammas', '3'], /--gammas must be numbers in \[0, 2\]/],
      [['--steps', '0'], /--steps must be an integer ≥ 1/],
      [['--bogus'], /Unknown option/],
    ] as const) {
      const r = await overparam(['regimes', ...args, '--out', path.join(tmp, 'bad')]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
