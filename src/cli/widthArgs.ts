// Command-line arguments of `overparam width` and `overparam merge` (node:util's parseArgs, as in
// args.ts), and which share of the sweep a process runs: --shard i/N, or the job index a scheduler
// sets (Slurm job arrays: SLURM_ARRAY_TASK_ID/COUNT; Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HELP_FLAG, UsageError, integer, joinNegativeValues, positive } from './args.js';

/** Which share of the n values this process runs: index in [0, count). */
export interface Shard {
  index: number;
  count: number;
  /** Where it came from: the flag, or the scheduler's variables. */
  source: 'flag' | 'slurm' | 'kubernetes' | 'none';
}

/** Settings of `overparam width` that decide its results (nothing machine- or shard-dependent). */
export interface WidthGrid {
  n: number[];
  /** A fixed input dimension, or 'n' for d = n. */
  d: number | 'n';
  trials: number;
  steps: number;
  seed: number;
  delta: number;
  gramEvery: number;
  maxWidth: number;
  passFraction: number;
  relativeTolerance: number;
}

/** Settings of `overparam width`. */
export interface WidthSettings {
  grid: WidthGrid;
  shard: Shard;
  out: string;
  help: boolean;
}

/** Settings of `overparam merge`. */
export interface MergeSettings {
  dirs: string[];
  out: string;
  help: boolean;
}

/** `overparam width --help`. */
export const WIDTH_USAGE = `Usage: overparam width [options]

How wide is wide enough: for each n the smallest width m* at which, in at least 90% of the
trials, gradient descent meets Theorem 4.1's conclusions for K steps (λ_min(H(k)) ≥ λ0/2 at every
k, ‖y − u(k)‖² ≤ (1 − ηλ0/2)^k‖y − u(0)‖² at every k) at η = 1/(2λ_max(H∞)); the fit m* ∝ n^p
with a 95% interval, against every width the theory states. Writes results.json,
critical-width.csv, requirements.csv, critical-width.svg and report.html to --out (a shard
writes shard-<i>-of-<N>.json: combine shards with 'overparam merge'). Wall times go to
timing-<i>-of-<N>.json only, so that the results are the same bytes however the work was split.

Options:
  --n <list>              comma-separated sample sizes (default 25,50,100)
  --d <int>               a fixed input dimension (default: d = n)
  --d-equals-n            d = n at every n (the default)
  --trials <int>          networks per width (default 5)
  --steps <int>           gradient-descent steps K (default 50)
  --seed <int>            seed of the data; trial t's networks use seed + 1 + t (default 0)
  --delta <number>        δ in (0, 1) for the theory's widths (default 0.1)
  --gram-every <int>      check λ_min(H(k)) every this many steps (default 1: every step)
  --max-width <int>       give up beyond this width (default 1048576)
  --pass-fraction <p>     share of trials that must pass, in (0, 1] (default 0.9)
  --tolerance <number>    bisection stops at m_hi/m_lo ≤ 1 + this (default 0.05)
  --shard <i/N>           run share i of N (0 ≤ i < N): the n values at positions i, i + N, …
                          Without it: SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN) of
                          SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX of --shard-count
                          (or OVERPARAM_SHARD_COUNT); else the whole sweep
  --shard-count <int>     the number of shards when the index is JOB_COMPLETION_INDEX
  --out <dir>             output directory (default out/width)
  -h, --help              this help`;

/** `overparam merge --help`. */
export const MERGE_USAGE = `Usage: overparam merge <dir>... [--out <dir>]

Combines the shard-<i>-of-<N>.json files found in the given directories (every share of one
'overparam width' sweep, each exactly once) into the results.json, CSVs, chart and report.html
that the unsharded run writes, byte for byte; the shards' timings go to timing.json.

Options:
  --out <dir>             output directory (default out/width)
  -h, --help              this help`;


function inOpenUnit(value: string | undefined, flag: string, closedAbove: boolean): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !(parsed > 0 && (closedAbove ? parsed <= 1 : parsed < 1))) {
    throw new UsageError(`--${flag} must be a number in (0, 1${closedAbove ? ']' : ')'}, got '${value}'`);
  }
  return parsed;
}

function nList(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const ns = value.split(',').map((part) => integer(part.trim(), 'n', 2)!);
  if (new Set(ns).size !== ns.length) throw new UsageError(`--n must be distinct, got '${value}'`);
  return ns;
}

function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, positionals = false) {
  try {
    const { values, positionals: rest } = parseArgs({
      args: joinNegativeValues(argv, options), options: { ...options, ...HELP_FLAG }, strict: true, allowPositionals: positionals,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals: rest };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses `i/N` (0 ≤ i < N). */
function shardFlag(value: string): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = match ? Number(match[1]) : NaN, count = match ? Number(match[2]) : NaN;
  if (!match || !(count >= 1) || !(index < count)) {
    throw new UsageError(`--shard must be i/N with integers 0 ≤ i < N, got '${value}'`);
  }
  return { index, count };
}

function envInteger(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < min) throw new UsageError(`${name} must be an integer ≥ ${min}, got '${value}'`);
  return Number(value);
}

/**
 * The share to run: --shard i/N; else Slurm's SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of
 * SLURM_ARRAY_TASK_COUNT; else Kubernetes' JOB_COMPLETION_INDEX of --shard-count or
 * OVERPARAM_SHARD_COUNT (an Indexed Job does not export its completions count); else all (0 of 1).
 */
export function resolveShard(flag: string | undefined, shardCount: number | undefined, env: NodeJS.ProcessEnv): Shard {
  if (flag !== undefined) return { ...shardFlag(flag), source: 'flag' };
  const slurmId = envInteger(env, 'SLURM_ARRAY_TASK_ID', 0);
  if (slurmId !== undefined) {
    const count = envInteger(env, 'SLURM_ARRAY_TASK_COUNT', 1);
    if (count === undefined) throw new UsageError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (run as a job array: sbatch --array=0-<N−1>)');
    const index = slurmId - (envInteger(env, 'SLURM_ARRAY_TASK_MIN', 0) ?? 0);
    if (!(index >= 0 && index < count)) {
      throw new UsageError(`SLURM_ARRAY_TASK_ID ${slurmId} (minus SLURM_ARRAY_TASK_MIN) must be in [0, ${count}) for SLURM_ARRAY_TASK_COUNT ${count}; use a contiguous --array`);
    }
    return { index, count, source: 'slurm' };
  }
  const k8sIndex = envInteger(env, 'JOB_COMPLETION_INDEX', 0);
  if (k8sIndex !== undefined) {
    const count = shardCount ?? envInteger(env, 'OVERPARAM_SHARD_COUNT', 1);
    if (count === undefined) throw new UsageError('JOB_COMPLETION_INDEX is set: give the number of shards with --shard-count or OVERPARAM_SHARD_COUNT');
    if (!(k8sIndex < count)) throw new UsageError(`JOB_COMPLETION_INDEX ${k8sIndex} must be below the shard count ${count}`);
    return { index: k8sIndex, count, source: 'kubernetes' };
  }
  if (shardCount !== undefined) throw new UsageError('--shard-count needs JOB_COMPLETION_INDEX (or use --shard i/N)');
  return { index: 0, count: 1, source: 'none' };
}

/** Parses `width`'s arguments; the shard is read from `env` unless --shard is given. */
export function parseWidthArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): WidthSettings {
  const { values: v } = parse(argv, {
    n: { type: 'string' }, d: { type: 'string' }, 'd-equals-n': { type: 'boolean' }, trials: { type: 'string' },
    steps: { type: 'string' }, seed: { type: 'string' }, delta: { type: 'string' }, 'gram-every': { type: 'string' },
    'max-width': { type: 'string' }, 'pass-fraction': { type: 'string' }, tolerance: { type: 'string' },
    shard: { type: 'string' }, 'shard-count': { type: 'string' }, out: { type: 'string' },
  });
  const str = (key: string) => v[key] as string | undefined;
  if (str('d') !== undefined && v['d-equals-n'] === true) throw new UsageError('give --d or --d-equals-n, not both');
  const help = v.help === true;
  const grid: WidthGrid = {
    n: nList(str('n')) ?? [25, 50, 100],
    d: integer(str('d'), 'd', 1) ?? 'n',
    trials: integer(str('trials'), 'trials', 1) ?? 5,
    steps: integer(str('steps'), 'steps', 1) ?? 50,
    seed: integer(str('seed'), 'seed', 0) ?? 0,
    delta: inOpenUnit(str('delta'), 'delta', false) ?? 0.1,
    gramEvery: integer(str('gram-every'), 'gram-every', 1) ?? 1,
    maxWidth: integer(str('max-width'), 'max-width', 1) ?? 2 ** 20,
    passFraction: inOpenUnit(str('pass-fraction'), 'pass-fraction', true) ?? 0.9,
    relativeTolerance: positive(str('tolerance'), 'tolerance') ?? 0.05,
  };
  const shardCount = integer(str('shard-count'), 'shard-count', 1);
  const shard = help ? { index: 0, count: 1, source: 'none' as const } : resolveShard(str('shard'), shardCount, env);
  return { grid, shard, out: str('out') ?? 'out/width', help };
}

/** Parses `merge`'s arguments: the shard directories and --out. */
export function parseMergeArgs(argv: string[]): MergeSettings {
  const { values, positionals } = parse(argv, { out: { type: 'string' } }, true);
  const help = values.help === true;
  if (!help && positionals.length === 0) throw new UsageError('merge needs at least one directory of shard files');
  return { dirs: positionals, out: (values.out as string | undefined) ?? 'out/width', help };
}

/** The n values of share `index` of `count`: positions index, index + count, … (round robin, so large n spread out). */
export function shardValues<T>(values: readonly T[], shard: { index: number; count: number }): T[] {
  return values.filter((_, position) => position % shard.count === shard.index);
}
