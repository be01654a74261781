// The numpy yardstick (optional): runs bench/numpy_step.py in a child process and returns its
// medians. Absent python3 or numpy is not an error: the bench says "skipped" and goes on.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What bench/numpy_step.py prints (milliseconds), or why it was skipped. */
export type NumpyResult =
  | {
    available: true;
    numpy: string; python: string; blas: string; blasThreads: string;
    n: number; d: number;
    /** GD step median by m. */
    step: Record<string, number>;
    gram: { m: number; H_from_Z_ms: number; K_f64_ms: number; pattern_change_ms: number };
    eig: { n?: number; eigvalsh_ms?: number; lambda_min?: number; lambda_max?: number };
  }
  | { available: false; reason: string };

/** Runs the numpy script; `gramFile` is a raw float64 n×n matrix for eigvalsh (optional). */
export function runNumpy(options: {
  n: number; d: number; stepM: number[]; gramM: number; gramFile?: string; gramN?: number; repeats?: number;
}): NumpyResult {
  const script = fileURLToPath(new URL('../numpy_step.py', import.meta.url));
  const args = [script];
  args.push('--n', String(options.n), '--d', String(options.d), '--step-m', options.stepM.join(','), '--gram-m', String(options.gramM));
  if (options.gramFile && options.gramN) args.push('--gram', options.gramFile, '--gram-n', String(options.gramN));
  if (options.repeats) args.push('--repeats', String(options.repeats));
  const run = spawnSync('python3', args, { encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 1 << 20 });
  if (run.error) return { available: false, reason: `python3 could not run (${(run.error as NodeJS.ErrnoException).code ?? run.error.message})` };
  if (run.status !== 0) return { available: false, reason: `numpy_step.py exited with ${run.status}: ${run.stderr.trim().split('\n').pop() ?? ''}` };
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as NumpyResult;
  } catch {
    return { available: false, reason: 'numpy_step.py printed no JSON' };
  }
}
