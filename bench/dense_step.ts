// The dense GD step for a smooth ψ (tanh; DESIGN §7.1, issue 12 §6) at the paper's size: ours (both
// forms) against TF.js's wasm backend (kernel space, the same 2n²m flops) in one process, and numpy
// doing the same tanh step (bench/numpy_dense_step.py, its faster form) in a child process run
// before and after ours. The GEMM ZT −= D K is also timed alone and held against the f32x4 peak.
//
//   node --single-threaded-gc --import tsx bench/dense_step.ts [--quick] [--rounds N] [--no-tfjs] [--no-numpy] [--relaxed-simd]
//   (npm run bench:dense)
//
// OVERPARAM_THREADS sets the kernel threads (default: every core, as the library's default).
import os from 'node:os';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { init, relaxedSimdActive, sphereData, threadCount, TwoLayerNet } from '../src/index.js';
import { DenseStep } from '../src/training/denseStep.js';
import { kernels } from '../src/wasm/loader.js';
import { gemmSubtractNN, gemmSubtractScratchBytes } from '../src/wasm/parallel.js';
import { WasmBuffer } from '../src/wasm/memory.js';
import { interleaved, gigaPerSecond } from './lib/measure.js';
import { initTfjsWasm } from './peers/tfjs_step.js';
import { TfjsDenseStep } from './peers/tfjs_dense_step.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    'no-tfjs': { type: 'boolean', default: false },
    'no-numpy': { type: 'boolean', default: false },
    // The relaxed-SIMD build (f32x4.relaxed_madd in the GEMMs; Node 20: run node with --experimental-wasm-relaxed-simd).
    'relaxed-simd': { type: 'boolean', default: false },
  },
});
const { n, d, m } = flags.quick ? { n: 96, d: 80, m: 500 } : { n: 1000, d: 1000, m: 10_000 };
const ROUNDS = flags.rounds ? Number(flags.rounds) : flags.quick ? 3 : 5;
const ETA = 0.1;
const log = (line: string): void => { process.stderr.write(`[dense bench] ${line}\n`); };

await init({ threads: Number(process.env.OVERPARAM_THREADS ?? os.availableParallelism()), relaxedSimd: flags['relaxed-simd'] });
if (flags['relaxed-simd'] && !relaxedSimdActive()) log('relaxed SIMD is not supported here (Node 20: --experimental-wasm-relaxed-simd): the default build runs');
const tfjs = flags['no-tfjs'] ? undefined : await initTfjsWasm();

interface NumpyDense { available: boolean; reason?: string; numpy: string; blasThreads: string; primal_ms: number; kernel_ms: number; gemm_K_Z_ms: number; kernel_all: number[]; primal_all: number[] }
const numpyRuns: NumpyDense[] = [];
function runNumpy(): void {
  if (flags['no-numpy']) return;
  try {
    const out = execFileSync('python3', [fileURLToPath(new URL('./numpy_dense_step.py', import.meta.url)),
      '--n', String(n), '--d', String(d), '--m', String(m), '--repeats', String(ROUNDS)], { encoding: 'utf8' });
    const result = JSON.parse(out) as NumpyDense;
    if (result.available) numpyRuns.push(result);
    else log(`numpy skipped: ${result.reason}`);
  } catch (error) {
    log(`numpy skipped: ${String(error)}`);
  }
}

log(`n=${n} d=${d} m=${m}, ${threadCount()} kernel thread(s), TF.js ${tfjs ?? 'skipped'}`);
log('numpy (before)…');
runNumpy();

const { X, y } = sphereData({ n, d, seed: 1 });
const net = TwoLayerNet.random({ d, m, seed: 2 });
const { W, a } = net.weights();
net.dispose();
const input = { X: X.data as Float32Array, y, n, d, m, W: W.data, a };
const kernelRun = new DenseStep(input, { activation: 'tanh', eta: ETA, method: 'kernel' });
const primalRun = new DenseStep(input, { activation: 'tanh', eta: ETA, method: 'primal' });
const peer = tfjs ? new TfjsDenseStep(input.X, W.data as Float32Array, a, y, n, d, m, ETA) : undefined;

// The peer computes the same step: its first Z(1) against ours (float32 round-off expected).
if (peer) {
  const check = new DenseStep(input, { activation: 'tanh', eta: ETA, method: 'kernel' });
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
  const updateErr = Math.sqrt(num / den), residualErr = Math.abs(rPeer - r0) / r0;
  log(`TF.js check: ‖ΔZ_tfjs − ΔZ_ours‖/‖ΔZ_ours‖ = ${updateErr.toExponential(2)}, residual ${residualErr.toExponential(2)}`);
  if (!(updateErr < 1e-3 && residualErr < 1e-4)) throw new Error('TF.js step disagrees with ours');
}

// The GEMM of the kernel-space step alone: ZT (m×n) −= D (m×n) · K (n×n).
const D = new WasmBuffer('f32', m * n), K = new WasmBuffer('f32', n * n), C = new WasmBuffer('f32', m * n);
const packed = new WasmBuffer('f32', gemmSubtractScratchBytes(n, n) / 4);
D.f32().fill(1e-6); K.f32().fill(0.5);

const names = {
  kernel: 'overparam wasm, dense tanh step, kernel space (ZT −= D K)',
  primal: 'overparam wasm, dense tanh step, primal (W −= D X, ZT = W Xᵀ)',
  gemm: 'overparam wasm, the GEMM ZT −= D K alone',
  tfjs: 'TF.js 4.22 wasm backend, kernel space (1 thread)',
  peak: 'f32x4 mul+add peak loop (one thread)',
};
const PEAK_ITERATIONS = flags.quick ? 200_000 : 4_000_000;
const tasks = [
  { name: names.kernel, fn: () => { kernelRun.observe(); kernelRun.step(); } },
  { name: names.primal, fn: () => { primalRun.observe(); primalRun.step(); } },
  { name: names.gemm, fn: () => gemmSubtractNN(D.ptr, K.ptr, packed.ptr, C.ptr, m, n, n) },
  // The f32x4 mul+add peak of this build on one thread, interleaved so it sees the same load.
  { name: names.peak, fn: () => kernels().peakMulAdd(PEAK_ITERATIONS) },
  ...(peer ? [{ name: names.tfjs, fn: () => peer.step(), maxRounds: Math.min(ROUNDS, 3) }] : []),
];
log('timing (interleaved rounds)…');
const timings = await interleaved(tasks, ROUNDS);
log('numpy (after)…');
runNumpy();
const peak = { gflops: gigaPerSecond(96 * PEAK_ITERATIONS, timings.get(names.peak)!.median) };

const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const row = (name: string, t: { median: number; min: number; max: number; samples: number }): string =>
  `| ${name} | ${fmt(t.median)} | ${fmt(t.min)}–${fmt(t.max)} | ${t.samples} |`;
const lines: string[] = [];
lines.push(`# Dense tanh GD step, n = ${n}, d = ${d}, m = ${m}`, '');
lines.push(`${os.cpus()[0]?.model ?? '?'}, ${os.availableParallelism()} cores, Node ${process.versions.node}; ` +
  `${threadCount()} kernel thread(s), ${relaxedSimdActive() ? 'relaxed-SIMD build' : 'default SIMD build'}; load average ${os.loadavg()[0].toFixed(2)}.`, '');
lines.push('| implementation | median ms | min–max | samples |', '|---|---:|---:|---:|');
for (const t of tasks) if (t.name !== names.peak) lines.push(row(t.name, timings.get(t.name)!));
const best = (key: 'kernel_ms' | 'primal_ms'): number => Math.min(...numpyRuns.map((r) => r[key]));
if (numpyRuns.length) {
  for (const key of ['kernel_ms', 'primal_ms'] as const) {
    const all = numpyRuns.map((r) => r[key]);
    lines.push(`| numpy ${numpyRuns[0].numpy} (OpenBLAS, BLAS threads ${numpyRuns[0].blasThreads}), ${key === 'kernel_ms' ? 'kernel space (Z −= K D)' : 'primal (W −= Dᵀ X)'}: medians of ${numpyRuns.length} runs | ${all.map(fmt).join(', ')} | — | ${ROUNDS}/run |`);
  }
  lines.push(`| numpy K @ Z alone | ${numpyRuns.map((r) => fmt(r.gemm_K_Z_ms)).join(', ')} | — | — |`);
}
lines.push('');
const ours = timings.get(names.kernel)!.median, oursPrimal = timings.get(names.primal)!.median;
const gemm = timings.get(names.gemm)!.median;
const gemmRate = gigaPerSecond(2 * n * n * m, gemm);
lines.push(`GEMM ZT −= D K: ${(2 * n * n * m / 1e9).toFixed(1)} GFLOP in ${fmt(gemm)} ms = ${gemmRate.toFixed(1)} GFLOP/s on ${threadCount()} thread(s); ` +
  `f32x4 mul+add peak ${peak.gflops.toFixed(1)} GFLOP/s per thread → ${(100 * gemmRate / (peak.gflops * threadCount())).toFixed(0)}% of ${threadCount()}× peak. ` +
  `The GEMM is ${(100 * gemm / ours).toFixed(0)}% of our kernel-space step.`);
if (numpyRuns.length) {
  const npBest = Math.min(best('kernel_ms'), best('primal_ms'));
  lines.push(`ours (kernel space) / numpy (its faster form, best of the runs' medians ${fmt(npBest)} ms) = ${(ours / npBest).toFixed(2)} (target ≤ 1.0); ` +
    `ours / numpy's median of both runs' kernel-space medians = ${(ours / (numpyRuns.reduce((s, r) => s + r.kernel_ms, 0) / numpyRuns.length)).toFixed(2)}.`);
}
if (peer) {
  const t = timings.get(names.tfjs)!.median;
  lines.push(`TF.js / ours (kernel space) = ${(t / ours).toFixed(2)}× (target ≥ 5); TF.js / ours primal = ${(t / oursPrimal).toFixed(2)}×.`);
}
console.log(lines.join('\n'));

kernelRun.free(); primalRun.free(); peer?.dispose();
for (const b of [D, K, C, packed]) b.free();
