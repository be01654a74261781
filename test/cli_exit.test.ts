// Issue 11 §5 and §6: a claim on diverged runs fails, sizes are checked up front, and the CLI's exit status says so; SIGTERM exits 143.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, widthSweep, figure1Checks, OverparamError } from '../src/index';

await init();
const MAIN = path.resolve('src/cli/main.ts');

function overparam(args: string[], onStdout?: (soFar: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); onStdout?.(stdout, child); });
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'overparam-exit-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('widthSweep at the edges', () => {
  it('fails the training claims on runs that diverged instead of passing them', () => {
    const sweep = widthSweep({ n: 20, d: 20, widths: [10, 100], steps: 30, seed: 1, eta: 50 });
    expect(sweep.runs.every((r) => r.status === 'diverged')).toBe(true);
    const checks = figure1Checks(sweep);
    for (const id of ['rate-increases-with-m', 'pattern-change-decreases-with-m', 'distance-decreases-with-m', 'distance-under-bound']) {
      const check = checks.find((c) => c.id === id)!;
      expect(check.passed, id).toBe(false);
      expect(check.detail, id).toMatch(/diverged at m = 10, 100/);
    }
  });

  it.each([['n', -5], ['d', 0], ['n', 2.5]])('names a bad %s (%s) before anything runs', (key, value) => {
    let error: unknown;
    try { widthSweep({ n: 10, d: 10, widths: [5], steps: 1, [key]: value }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(OverparamError);
    expect((error as Error).message).toMatch(new RegExp(`widthSweep: ${key} must be an integer ≥ 1, got ${value}`));
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

  it('is 143 for SIGTERM (128 + 15), after writing what finished', async () => {
    const out = path.join(tmp, 'terminated');
    let sent = false;
    const run = await overparam(['figure1', '--n', '64', '--d', '64', '--widths', '5,40000', '--steps', '400',
      '--test-points', '0', '--out', out], (soFar, child) => {
      if (!sent && /finished m = 5,/.test(soFar)) { sent = true; child.kill('SIGTERM'); }
    });
    expect(sent).toBe(true);
    expect(run.code, run.stderr).toBe(143);
    expect(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')).status).toBe('aborted');
  });
});
