// Issue 11 §5: a claim on diverged runs fails, and widthSweep checks its sizes up front
// (the CLI's exit codes for these are in cli.test.ts).
import { describe, expect, it } from 'vitest';
import { init, widthSweep, figure1Checks, OverparamError } from '../src/index';

await init();
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

