// `overparam labels` end to end, spawned as a user runs it (from the sources through tsx, as
// test/cli.test.ts does), on a small setting: results.json, every file it lists, the report's
// checks, the exit code, and the numbers against float64 references on the same data.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DOMParser } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overparam, type Finished } from './cliRun';
import { init, loadDigits, nestedLabelNoise } from '../src/index';
import { gramInfinity as referenceGramInfinity } from './reference/kernels';
import { quadraticFormWithInverse } from './reference/modes';




let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'overparam-labels-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('overparam labels (n = 40, m = 400, 60 steps, p = 0, 0.5, 1)', () => {
  let out: string, run: Finished, results: any;
  beforeAll(async () => {
    out = path.join(tmp, 'labels');
    run = await overparam(['labels', '--n', '40', '--n-test', '200', '--m', '400', '--steps', '60', '--noise', '0,0.5,1', '--seed', '1', '--out', out]);
    results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
  }, 120_000);

  it('exits 0, or 3 when a check fails (printed ✗), and prints one line per p and the checks', () => {
    expect(run.code, run.stderr).toBe(/^ {2}✗/m.test(run.stdout) ? 3 : 0);
    expect(run.stdout.match(/^p = [\d.]+: ‖y−u‖² /gm)).toHaveLength(3);
    expect(run.stdout).toMatch(/checks: \d of 4 pass/);
    expect(results.checks.some((c: { passed: boolean | null }) => c.passed === false)).toBe(run.code === 3);
  });

  it('writes results.json with the settings, the runs and the checks, each with its numbers', () => {
    expect(results.command).toBe('labels');
    expect(results.settings).toMatchObject({ data: 'digits', noise: [0, 0.5, 1], n: 40, nTest: 200, task: 'evenOdd', m: 400, steps: 60, seed: 1 });
    expect(results.result.runs.map((r: { p: number }) => r.p)).toEqual([0, 0.5, 1]);
    expect(results.result.nTest).toBe(200);
    for (const c of results.checks) expect(c.detail).toMatch(/p=0: .*p=1: /);
  });

  it('the bound and the distance of each run are √(2yᵀ(H∞)⁻¹y/n) and √(yᵀ(H∞)⁻¹y) of its labels (float64 Gauss–Jordan)', async () => {
    await init();
    const data = await loadDigits({ task: 'evenOdd', n: 40, nTest: 200, seed: 1 });
    const H = referenceGramInfinity(Float64Array.from(data.X.data), 40, 64);
    nestedLabelNoise(data.y, [0, 0.5, 1], 1).forEach((set, k) => {
      const q = quadraticFormWithInverse(H, 40, set.y);
      expect(results.result.runs[k].bound / Math.sqrt(2 * q / 40) - 1).toBeCloseTo(0, 6);
      expect(results.result.runs[k].distance / Math.sqrt(q) - 1).toBeCloseTo(0, 6);
    });
  });

  it('writes every file it lists: CSVs with their headers, standalone SVGs, and a report with the checks and the per-p table', async () => {
    expect(results.files).toEqual(['results.json', 'summary.csv', 'training-error.csv', 'test-error.csv', 'label-spectrum.csv', 'modes.csv',
      'mode-rates.csv', 'labels-training-error.svg', 'labels-bound.svg', 'labels-distance.svg', 'labels-spectrum.svg', 'labels-test-error.svg', 'report.html']);
    const summary = (await readFile(path.join(out, 'summary.csv'), 'utf8')).trimEnd().split('\n');
    expect(summary[0]).toBe('p,replaced,changed,bound,distance_lemma53,distance_kernel_at_K,measured_distance,relative_residual_at_K,train_error,test_error,top10pct_share,steps_run,status');
    expect(summary).toHaveLength(4);
    expect(Number(summary[3].split(',')[3])).toBeCloseTo(results.result.runs[2].bound, 12);
    const training = (await readFile(path.join(out, 'training-error.csv'), 'utf8')).trimEnd().split('\n');
    expect(training).toHaveLength(1 + 3 * 61);
    for (const file of results.files.filter((f: string) => f.endsWith('.svg'))) {
      const svg = await readFile(path.join(out, file), 'utf8');
      expect(svg.startsWith('<svg'), file).toBe(true);
      const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      expect(doc.querySelectorAll('path, circle, line').length, file).toBeGreaterThan(3);
    }
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const verdicts = [...doc.querySelectorAll('tr.pass, tr.fail, tr.na')];
    expect(verdicts).toHaveLength(4);
    expect(html).toMatch(/Checks: \d of 4 pass/);
    expect(html).toContain('bound √(2yᵀH⁻¹y/n)');
    expect(doc.querySelectorAll('figure svg')).toHaveLength(5);
  });

  it('rejects bad arguments with exit 2 and the usage hint', async () => {
    const bad = await overparam(['labels', '--noise', '0,2', '--out', path.join(tmp, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--noise must list fractions in \[0, 1\], got '2'/);
    expect(bad.stderr).toMatch(/overparam labels --help/);
    const task = await overparam(['labels', '--task', '3,3']);
    expect(task.code).toBe(2);
    const help = await overparam(['labels', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--noise <list>/);
  });
});
