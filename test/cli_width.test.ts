// `overparam width` and `overparam merge` end to end: argument and shard parsing, and the sharded
// sweep (shards as separate processes: spawned directly, and by GNU parallel, CI's engine) merged
// into the same bytes as the unsharded run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMergeArgs, parseWidthArgs, resolveShard, shardValues } from '../src/cli/widthArgs';

const MAIN = path.resolve('src/cli/main.ts');

interface Finished { code: number | null; stdout: string; stderr: string }

function overparam(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Tiny: three n values, seconds in all.
const GRID = ['--n', '6,10,14', '--d', '5', '--trials', '2', '--steps', '6'];
const OUTPUTS = ['results.json', 'critical-width.csv', 'evaluations.csv', 'requirements.csv', 'critical-width.svg', 'report.html'];

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'overparam-width-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('width arguments', () => {
  it('parses the grid and the defaults', () => {
    const s = parseWidthArgs(['--n', '25,50', '--d-equals-n', '--trials', '3'], {});
    expect(s.grid).toMatchObject({ n: [25, 50], d: 'n', trials: 3, steps: 50, seed: 0, delta: 0.1, gramEvery: 1, passFraction: 0.9 });
    expect(s.shard).toEqual({ index: 0, count: 1, source: 'none' });
    expect(parseWidthArgs(['--d', '50'], {}).grid.d).toBe(50);
  });

  it('names the flag in range errors', () => {
    expect(() => parseWidthArgs(['--trials', '0'], {})).toThrow(/--trials must be an integer ≥ 1, got '0'/);
    expect(() => parseWidthArgs(['--n', '10,-3'], {})).toThrow(/--n must be an integer ≥ 2/);
    expect(() => parseWidthArgs(['--n', '10,10'], {})).toThrow(/--n must be distinct/);
    expect(() => parseWidthArgs(['--delta', '1'], {})).toThrow(/--delta must be a number in \(0, 1\)/);
    expect(() => parseWidthArgs(['--d', '5', '--d-equals-n'], {})).toThrow(/--d or --d-equals-n/);
    expect(() => parseWidthArgs(['--shard', '2/2'], {})).toThrow(/--shard must be i\/N with integers 0 ≤ i < N, got '2\/2'/);
    expect(() => parseWidthArgs(['--shard', 'x'], {})).toThrow(/--shard/);
    expect(() => parseMergeArgs([])).toThrow(/at least one directory/);
  });

  it('reads the shard from Slurm job arrays and Kubernetes Indexed Jobs', () => {
    expect(resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 3, count: 4, source: 'slurm' });
    expect(resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '5' }))
      .toEqual({ index: 4, count: 5, source: 'slurm' });
    expect(() => resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '3' })).toThrow(/SLURM_ARRAY_TASK_COUNT/);
    expect(resolveShard(undefined, 3, { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 2, count: 3, source: 'kubernetes' });
    expect(resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '0', OVERPARAM_SHARD_COUNT: '2' })).toEqual({ index: 0, count: 2, source: 'kubernetes' });
    expect(() => resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '0' })).toThrow(/--shard-count or OVERPARAM_SHARD_COUNT/);
    expect(() => resolveShard(undefined, 2, { JOB_COMPLETION_INDEX: '2' })).toThrow(/below the shard count 2/);
    // the flag wins over the environment
    expect(resolveShard('1/2', undefined, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 1, count: 2, source: 'flag' });
  });

  it('deals the n values round robin', () => {
    expect(shardValues([25, 50, 100, 200, 400], { index: 0, count: 2 })).toEqual([25, 100, 400]);
    expect(shardValues([25, 50, 100, 200, 400], { index: 1, count: 2 })).toEqual([50, 200]);
    expect(shardValues([25], { index: 1, count: 2 })).toEqual([]);
  });
});

async function expectSameOutputs(a: string, b: string): Promise<void> {
  for (const file of OUTPUTS) {
    const [x, y] = await Promise.all([readFile(path.join(a, file)), readFile(path.join(b, file))]);
    expect(x.equals(y), `${file} differs between ${a} and ${b}`).toBe(true);
  }
}

describe('overparam width, sharded and merged', () => {
  let whole: string;
  beforeAll(async () => {
    whole = path.join(tmp, 'whole');
    const r = await overparam(['width', ...GRID, '--out', whole]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('writes the results, the chart and the report, with no wall time in them', async () => {
    const names = await readdir(whole);
    for (const file of [...OUTPUTS, 'shard-0-of-1.json', 'timing-0-of-1.json']) expect(names).toContain(file);
    const results = JSON.parse(await readFile(path.join(whole, 'results.json'), 'utf8'));
    expect(results.points.map((p: { n: number }) => p.n)).toEqual([6, 10, 14]);
    expect(results.fit.slopeInterval).toHaveLength(2);
    expect(JSON.stringify(results)).not.toMatch(/wallSeconds|startedAt|hostname|"node"/);
    const timing = JSON.parse(await readFile(path.join(whole, 'timing-0-of-1.json'), 'utf8'));
    expect(timing.wallSeconds).toBeGreaterThan(0);
    const svg = await readFile(path.join(whole, 'critical-width.svg'), 'utf8');
    expect(svg).toMatch(/Thm 4\.1/);
  });

  it('three shards as separate processes, merged, give the same bytes', async () => {
    const dirs = [0, 1, 2].map((i) => path.join(tmp, `spawned-${i}`));
    const runs = await Promise.all(dirs.map((dir, i) => overparam(['width', ...GRID, '--shard', `${i}/3`, '--out', dir])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const merged = path.join(tmp, 'spawned-merged');
    const m = await overparam(['merge', ...dirs, '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    await expectSameOutputs(whole, merged);
  });

  it('a Slurm array task and Kubernetes indices pick their shard from the environment', async () => {
    const slurm = path.join(tmp, 'slurm');
    const r0 = await overparam(['width', ...GRID, '--out', slurm], { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' });
    const r1 = await overparam(['width', ...GRID, '--out', slurm, '--shard-count', '2'], { JOB_COMPLETION_INDEX: '1' });
    expect(r0.code, r0.stderr).toBe(0);
    expect(r1.code, r1.stderr).toBe(0);
    expect((await readdir(slurm)).filter((f) => f.startsWith('shard-')).sort()).toEqual(['shard-0-of-2.json', 'shard-1-of-2.json']);
    const merged = path.join(tmp, 'slurm-merged');
    expect((await overparam(['merge', slurm, '--out', merged])).code).toBe(0);
    await expectSameOutputs(whole, merged);
  });

  it('merge refuses an incomplete or mixed set of shards', async () => {
    const incomplete = await overparam(['merge', path.join(tmp, 'spawned-0'), path.join(tmp, 'spawned-2'), '--out', path.join(tmp, 'bad')]);
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toMatch(/missing shard 1 of 3/);
    const mixed = await overparam(['merge', path.join(tmp, 'spawned-0'), path.join(tmp, 'slurm'), '--out', path.join(tmp, 'bad')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/shards/);
  });

  const hasParallel = spawnSync('parallel', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!hasParallel) {
    console.warn('test/cli_width.test.ts: GNU parallel is not installed, so its test is skipped (CI installs it: apt-get install -y parallel)');
  }
  it.skipIf(!hasParallel)('GNU parallel runs the shards as separate processes; merged, they give the same bytes', async () => {
    const base = path.join(tmp, 'parallel');
    const command = [process.execPath, '--import', 'tsx', MAIN, 'width', ...GRID, '--shard', '{}/3', '--out', `${base}/shard-{}`].join(' ');
    const result = spawnSync('parallel', ['--will-cite', '--halt', 'now,fail=1', '-j', '3', command, ':::', '0', '1', '2'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const merged = path.join(tmp, 'parallel-merged');
    const m = await overparam(['merge', `${base}/shard-0`, `${base}/shard-1`, `${base}/shard-2`, '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    await expectSameOutputs(whole, merged);
  });
});

describe('the critical-width chart', () => {
  it("y-axis: log decades from below the smallest m* to above the largest requirement, so no mark sits on an edge", async () => {
    const { criticalWidthChart, decadeDomain } = await import('../src/cli/widthOutputs');
    expect(decadeDomain([31, 50, 48, 1.2e21])).toEqual([10, 1e22]);
    expect(decadeDomain([100, 1e4])).toEqual([10, 1e5]); // powers of ten themselves are not edges
    expect(decadeDomain([0, NaN, 5])).toEqual([1, 10]);
    // m* = 31 … 50 and requirements up to ~10²¹, as in docs/width: the axis must reach below 31.
    const points = [25, 50, 100].map((n, i) => ({
      n, criticalWidth: [31, 50, 44][i],
      requirements: [{ id: 'theorem41', value: n ** 6 * 1e9, constantsTakenAsOne: true }, { id: 'lemma31', value: 400 * n * n, constantsTakenAsOne: true }],
    }));
    const grid = { n: [25, 50, 100], d: 'n', steps: 50, trials: 5, delta: 0.1 };
    const svg = criticalWidthChart(grid as never, points as never, undefined).svg;
    const ticks = [...svg.matchAll(/aria-label="y-axis tick label"(.*?)<\/g>/g)][0][1];
    const labels = [...ticks.matchAll(/>([^<]+)<\/text>/g)].map((t) => Number(t[1]));
    expect(Math.min(...labels)).toBeLessThan(31);
    expect(Math.max(...labels)).toBeGreaterThanOrEqual(100 ** 6 * 1e9);
  });
});
