// The dense GD step of a smooth ψ (tanh; DESIGN §7.1, issue 12 §6) as train() takes it (the dense
// step forms of src/training/denseForm.ts, both forms), against TF.js's wasm backend (kernel space,
// the same 2n²m flops) in this process and numpy doing the same tanh step (bench/numpy_dense_step.py,
// both forms) in a child process run before and after ours, its best form and run kept. The GEMM
// ZT −= D K is also timed alone. Used by bench/run.ts (npm run bench) and bench/dense_step.ts.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sphereData, TwoLayerNet } from '../../src/index.js';
import { TrainingRun } from '../../src/training.js';
import { autoStepMethod } from '../../src/training/stepForm.js';
import { DenseStep } from '../../src/training/denseStep.js';
import { gemmSubtractNN, gemmSubtractScratchBytes } from '../../src/wasm/parallel.js';
import { WasmBuffer } from '../../src/wasm/memory.js';
import { interleaved, type Timing } from '../lib/measure.js';
import type { ResultRow } from '../lib/report.js';
import { TfjsDenseStep } from '../peers/tfjs_dense_step.js';

const ETA = 0.1;

/** What numpy_dense_step.py prints. */
export interface NumpyDense {
  available: boolean; reason?: string; numpy: string; blasThreads: string;
  primal_ms: number; kernel_ms: number; gemm_K_Z_ms: number;
}

export interface DenseStepReport {
  workload: string;
  rows: ResultRow[];
  /** Our train() step in the form method 'auto' picks, numpy's best form, TF.js (medians, ms). */
  ours: number;
  numpy?: number;
  tfjs?: number;
  /** The GEMM ZT −= D K alone (ms) and its GFLOP/s. */
  gemm: { ms: number; gflops: number };
  /** TF.js's first ΔZ against ours: ‖ΔZ_tfjs − ΔZ_ours‖/‖ΔZ_ours‖. */
  tfjsUpdateError?: number;
  numpyRuns: NumpyDense[];
}

/** Runs numpy_dense_step.py once; undefined (with the reason logged) when python3 or numpy is missing. */
function runNumpy(n: number, d: number, m: number, repeats: number, log: (s: string) => void): NumpyDense | undefined {
  try {
    const out = execFileSync('python3', [fileURLToPath(new URL('../numpy_dense_step.py', import.meta.url)),
      '--n', String(n), '--d', String(d), '--m', String(m), '--repeats', String(repeats)], { encoding: 'utf8' });
    const result = JSON.parse(out) as NumpyDense;
    if (result.available) return result;
    log(`numpy skipped: ${result.reason}`);
  } catch (error) {
    log(`numpy skipped: ${String(error)}`);
  }
  return undefined;
}

/** Times the dense tanh step at n, d, m (see the file's header). */
export async function benchDenseStep(options: {
  n: number; d: number; m: number; rounds: number; tfjs: boolean; numpy: boolean; log: (s: string) => void;
}): Promise<DenseStepReport> {
  const { n, d, m, rounds, log } = options;
  const workload = `dense tanh GD step n=${n} d=${d} m=${m}`;
  const numpyRuns: NumpyDense[] = [];
  const numpyOnce = (): void => { if (options.numpy) { const r = runNumpy(n, d, m, rounds, log); if (r) numpyRuns.push(r); } };
  log(`${workload}: numpy (before)…`);
  numpyOnce();

  const { X, y } = sphereData({ n, d, seed: 1 });
  const kernelNet = TwoLayerNet.random({ d, m, seed: 2, activation: 'tanh' });
  const primalNet = TwoLayerNet.random({ d, m, seed: 2, activation: 'tanh' });
  const { W, a } = kernelNet.weights();
  const kernelRun = new TrainingRun(kernelNet, X, y, 'kernel', ETA, false);
  const primalRun = new TrainingRun(primalNet, X, y, 'primal', ETA, false);
  const Xdata = X.data as Float32Array;
  const peer = options.tfjs ? new TfjsDenseStep(Xdata, W.data as Float32Array, a, y, n, d, m, ETA) : undefined;

  // The peer computes the same step: its first Z(1) against ours (DenseStep: the arithmetic of
  // train()'s dense form, with Z in view), float32 round-off expected.
  let tfjsUpdateError: number | undefined;
  if (peer) {
    const check = new DenseStep({ X: Xdata, y, n, d, m, W: W.data, a }, { activation: 'tanh', eta: ETA, method: 'kernel' });
    const Z0 = check.preactivations();
    const r0 = check.observe();
    check.step();
    const ours = check.preactivations();
    check.free();
    const rPeer = peer.step();
    const theirs = peer.preactivations(); // n×m
    let num = 0, den = 0;
    for (let r = 0; r < m; r++) for (let i = 0; i < n; i++) {
      const dOurs = ours[r * n + i] - Z0[r * n + i], dPeer = theirs[i * m + r] - Z0[r * n + i];
      num += (dOurs - dPeer) ** 2; den += dOurs ** 2;
    }
    tfjsUpdateError = Math.sqrt(num / den);
    const residualErr = Math.abs(rPeer - r0) / r0;
    log(`TF.js check: ‖ΔZ_tfjs − ΔZ_ours‖/‖ΔZ_ours‖ = ${tfjsUpdateError.toExponential(2)}, residual ${residualErr.toExponential(2)}`);
    if (!(tfjsUpdateError < 1e-3 && residualErr < 1e-4)) throw new Error('TF.js dense step disagrees with ours');
  }

  const D = new WasmBuffer('f32', m * n), K = new WasmBuffer('f32', n * n), C = new WasmBuffer('f32', m * n);
  const packed = new WasmBuffer('f32', Math.max(1, gemmSubtractScratchBytes(n, n) / 4));
  D.f32().fill(1e-6); K.f32().fill(0.5);
  const auto = autoStepMethod(n, d);
  const names = {
    kernel: `overparam wasm, train()'s dense step, kernel space${auto === 'kernel' ? ' (auto)' : ''}`,
    primal: `overparam wasm, train()'s dense step, primal${auto === 'primal' ? ' (auto)' : ''}`,
    gemm: 'overparam wasm, the GEMM ZT −= D K alone',
    tfjs: 'TF.js 4.22 wasm backend, kernel space (1 thread)',
  };
  try {
    const timings = await interleaved([
      { name: names.kernel, fn: () => { kernelRun.observe(); kernelRun.step(); } },
      { name: names.primal, fn: () => { primalRun.observe(); primalRun.step(); } },
      { name: names.gemm, fn: () => gemmSubtractNN(D.ptr, K.ptr, packed.ptr, C.ptr, m, n, n) },
      ...(peer ? [{ name: names.tfjs, fn: () => peer.step(), maxRounds: Math.min(rounds, 3) }] : []),
    ], rounds);
    log(`${workload}: numpy (after)…`);
    numpyOnce();
    const t = (name: string): Timing => timings.get(name)!;
    const rows: ResultRow[] = [
      { workload, implementation: names.kernel, ours: true, headline: auto === 'kernel', timing: t(names.kernel) },
      { workload, implementation: names.primal, ours: true, headline: auto === 'primal', timing: t(names.primal) },
      { workload, implementation: names.gemm, ours: true, timing: t(names.gemm), note: 'part of the kernel-space step' },
    ];
    if (peer) rows.push({ workload, implementation: names.tfjs, ours: false, timing: t(names.tfjs) });
    let numpyBest: number | undefined;
    if (numpyRuns.length) {
      for (const key of ['kernel_ms', 'primal_ms'] as const) {
        const best = Math.min(...numpyRuns.map((r) => r[key]));
        numpyBest = Math.min(numpyBest ?? Infinity, best);
        rows.push({
          workload, ours: false, external: true,
          implementation: `numpy ${numpyRuns[0].numpy} (BLAS threads ${numpyRuns[0].blasThreads}), ${key === 'kernel_ms' ? 'kernel space (Z −= K D)' : 'primal (W −= Dᵀ X)'}`,
          timing: { median: best, min: best, max: best, samples: rounds },
          note: `best of ${numpyRuns.length} child runs' medians (before and after ours)`,
        });
      }
    }
    const gemmMs = t(names.gemm).median;
    return {
      workload, rows, numpyRuns, tfjsUpdateError,
      ours: t(auto === 'kernel' ? names.kernel : names.primal).median,
      numpy: numpyBest,
      tfjs: peer ? t(names.tfjs).median : undefined,
      gemm: { ms: gemmMs, gflops: (2 * n * n * m) / (gemmMs * 1e6) },
    };
  } finally {
    kernelRun.free(); primalRun.free(); peer?.dispose();
    kernelNet.dispose(); primalNet.dispose();
    for (const b of [D, K, C, packed]) b.free();
  }
}
