// The relaxed-SIMD build against the default build, each in its own child process (a process
// loads one build), alternated round by round: the GEMM-class kernels at the paper's size
// (Z = W Xᵀ and the rebuild W −= S X, m = 10 000, n = d = 1000) and the kernel-space GD step.
//   node --import tsx bench/relaxed_simd.ts [--rounds N]
// The child runs with --experimental-wasm-relaxed-simd (Node 20 needs it; later Nodes ignore it).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { init, sphereData, TwoLayerNet } from '../src/index.js';
import { TrainingRun } from '../src/training.js';
import { relaxedSimdActive } from '../src/wasm/loader.js';
import { WasmBuffer, freeAll } from '../src/wasm/memory.js';
import * as parallel from '../src/wasm/parallel.js';
import { median } from './lib/measure.js';

const args = process.argv.slice(2);
const m = 10_000, n = 1000, d = 1000;

async function child(relaxed: boolean): Promise<void> {
  await init({ threads: Number(process.env.OVERPARAM_THREADS ?? os.availableParallelism()), relaxedSimd: relaxed });
  const S = new WasmBuffer('f32', m * n), X = new WasmBuffer('f32', n * d), W = new WasmBuffer('f32', m * d);
  for (const b of [S, X, W]) { const a = b.f32(); for (let i = 0; i < a.length; i++) a[i] = Math.sin(i) * 1e-3; }
  const Z = new WasmBuffer('f32', m * n), packed = new WasmBuffer('f32', parallel.gemmSubtractScratchBytes(n, d) / 4);
  const data = sphereData({ n, d, seed: 1 });
  const net = TwoLayerNet.random({ d, m, seed: 2 });
  const run = new TrainingRun(net, data.X, data.y, 'kernel', 1e-3, false);
  const time = (fn: () => void, reps: number): number => {
    fn();
    const t: number[] = [];
    for (let r = 0; r < reps; r++) { const t0 = performance.now(); fn(); t.push(performance.now() - t0); }
    return median(t);
  };
  const out = {
    build: relaxedSimdActive() ? 'relaxed-simd' : 'simd',
    gemmNT: time(() => parallel.gemmNT(W.ptr, X.ptr, Z.ptr, m, n, d), 3),
    gemmSubtractNN: time(() => parallel.gemmSubtractNN(S.ptr, X.ptr, packed.ptr, W.ptr, m, d, n), 3),
    step: time(() => { run.observe(); run.step(); }, 5),
  };
  run.free(); net.dispose(); freeAll(S, X, W, Z, packed);
  console.log(JSON.stringify(out));
  process.exit(0);
}

if (args[0] === '--child') {
  await child(args[1] === 'relaxed');
} else {
  const rounds = Number(args[args.indexOf('--rounds') + 1] || 3) || 3;
  const script = fileURLToPath(import.meta.url);
  const runChild = (relaxed: boolean) => JSON.parse(execFileSync(process.execPath,
    ['--experimental-wasm-relaxed-simd', '--single-threaded-gc', '--import', 'tsx', script, '--child', relaxed ? 'relaxed' : 'default'],
    { encoding: 'utf8' }).trim().split('\n').pop()!);
  const results: Record<string, Record<string, number[]>> = {};
  for (let r = 0; r < rounds; r++) {
    for (const relaxed of r % 2 ? [true, false] : [false, true]) {
      const o = runChild(relaxed);
      results[o.build] ??= {};
      for (const k of ['gemmNT', 'gemmSubtractNN', 'step']) (results[o.build][k] ??= []).push(o[k]);
    }
  }
  const fmt = (v: number[]) => `${median(v).toFixed(1)} ms (${Math.min(...v).toFixed(1)}–${Math.max(...v).toFixed(1)})`;
  console.log(`m = ${m}, n = d = ${n}; medians of ${rounds} alternating child runs (each the median of 3–5 calls)`);
  for (const k of ['gemmNT', 'gemmSubtractNN', 'step']) {
    const a = results.simd?.[k], b = results['relaxed-simd']?.[k];
    const ratios = a && b ? a.map((x, i) => x / b[i]) : [];
    console.log(`${k}: simd ${a ? fmt(a) : '—'}, relaxed-simd ${b ? fmt(b) : '— (not supported here)'}` +
      (ratios.length ? `, ratio ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : ''));
  }
}
