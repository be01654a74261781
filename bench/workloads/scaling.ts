// How the GD step's time and memory grow with n, m and d (issue 5, target 6): the step form
// train() picks by default at every point of a small grid, and per step form and d the exponents
// of a least-squares fit time ∝ n^α m^β (a straight line on log-log axes in each direction): the
// primal step should show n¹m¹ (4nmd flops), the kernel-space step n²m¹ (2n²m).
import { sphereData, TwoLayerNet } from '../../src/index.js';
import { TrainingRun } from '../../src/training.js';
import { kernels } from '../../src/wasm/loader.js';
import { interleaved } from '../lib/measure.js';
import { bytes, ms, table } from '../lib/report.js';
import { measureRunBytes } from './step.js';
import { autoStepMethod } from '../../src/training/stepForm.js';

export interface ScalingPoint {
  n: number; m: number; d: number;
  method: 'kernel' | 'primal';
  medianMs: number;
  bytesAllocated: number;
  wasmMemoryBytes: number;
}

/** Least-squares exponents of time ∝ n^α m^β and bytes ∝ n^α m^β for one step form and d. */
export interface ScalingFit {
  method: 'kernel' | 'primal';
  d: number;
  time: { n: number; m: number };
  bytes: { n: number; m: number };
}

export interface ScalingReport {
  points: ScalingPoint[];
  fits: ScalingFit[];
}

export async function benchScaling(grid: { n: number[]; m: number[]; d: number[] }, rounds: number): Promise<ScalingReport> {
  const points: ScalingPoint[] = [];
  for (const d of grid.d) {
    for (const n of grid.n) {
      const { X, y } = sphereData({ n, d, seed: 1 });
      for (const m of grid.m) {
        const method = autoStepMethod(n, d);
        const memory = measureRunBytes(X, y, m, method);
        const net = TwoLayerNet.random({ d, m, seed: 2 });
        const run = new TrainingRun(net, X, y, method, 1e-3, false);
        try {
          const t = await interleaved([{ name: 'step', fn: () => { run.observe(); run.step(); } }], rounds);
          points.push({
            n, m, d, method, medianMs: t.get('step')!.median,
            bytesAllocated: memory.bytesAllocated, wasmMemoryBytes: kernels().memory.buffer.byteLength,
          });
        } finally {
          run.free();
          net.dispose();
        }
      }
    }
  }
  const fits: ScalingFit[] = [];
  for (const d of grid.d) {
    for (const method of ['primal', 'kernel'] as const) {
      const group = points.filter((p) => p.d === d && p.method === method);
      if (group.length < 3) continue;
      fits.push({
        method, d,
        time: fitExponents(group, (p) => p.medianMs),
        bytes: fitExponents(group, (p) => p.bytesAllocated),
      });
    }
  }
  return { points, fits };
}

/**
 * Least squares for log y = c + α log n + β log m (normal equations, 3×3, Gaussian elimination
 * with partial pivoting). A direction with a single value in the group comes out NaN.
 */
function fitExponents(points: readonly ScalingPoint[], value: (p: ScalingPoint) => number): { n: number; m: number } {
  const rows = points.map((p) => [1, Math.log(p.n), Math.log(p.m)]);
  const rhs = points.map((p) => Math.log(value(p)));
  const size = 3;
  const A = Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => rows.reduce((s, x) => s + x[r] * x[c], 0)));
  const b = Array.from({ length: size }, (_, r) => rows.reduce((s, x, k) => s + x[r] * rhs[k], 0));
  for (let c = 0; c < size; c++) {
    let p = c;
    for (let r = c + 1; r < size; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    [A[c], A[p]] = [A[p], A[c]];
    [b[c], b[p]] = [b[p], b[c]];
    for (let r = c + 1; r < size; r++) {
      const f = A[r][c] / A[c][c];
      for (let k = c; k < size; k++) A[r][k] -= f * A[c][k];
      b[r] -= f * b[c];
    }
  }
  const x = new Array<number>(size).fill(0);
  for (let r = size - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < size; k++) s -= A[r][k] * x[k];
    x[r] = s / A[r][r];
  }
  return { n: x[1], m: x[2] };
}

export function scalingTable(report: ScalingReport): string {
  const body = table(['n', 'm', 'd', 'step form', 'median ms / step', 'bytes (net + run)'],
    report.points.map((p) => [String(p.n), String(p.m), String(p.d), p.method, ms(p.medianMs), bytes(p.bytesAllocated)]),
    ['r', 'r', 'r', 'l', 'r', 'r']);
  const fits = table(['step form', 'd', 'time ∝', 'bytes ∝'],
    report.fits.map((f) => [f.method, String(f.d),
      `n^${f.time.n.toFixed(2)} · m^${f.time.m.toFixed(2)}`, `n^${f.bytes.n.toFixed(2)} · m^${f.bytes.m.toFixed(2)}`]));
  return `${body}\n\nLog-log least-squares fits over the grid:\n\n${fits}`;
}
