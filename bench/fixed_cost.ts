// What train() costs beyond its steps at the paper's size (n = d = 1000, m = 10 000, kernel
// space), against one numpy GD step at the same size measured in the same run: train({ steps: 0 }),
// train({ steps: 3 }) and three bare steps (forward pass + update, what the loop repeats) are
// interleaved round by round; the fixed cost is train(3) − 3 steps. The rebuild W(k) = W(0) − S X
// alone is timed too, as the GEMM train() runs and as the per-neuron combine it replaced.
//   node --single-threaded-gc --import tsx bench/fixed_cost.ts [--rounds N] [--no-numpy]
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { init, sphereData, train, TwoLayerNet } from '../src/index.js';
import { TrainingRun } from '../src/training.js';
import { threadCount } from '../src/wasm/loader.js';
import { WasmBuffer, freeAll } from '../src/wasm/memory.js';
import * as parallel from '../src/wasm/parallel.js';
import { interleaved, median } from './lib/measure.js';

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] || 5) || 5;
const n = 1000, d = 1000, m = 10_000, ETA = 1e-3, STEPS = 3;

await init({ threads: Number(process.env.OVERPARAM_THREADS ?? os.availableParallelism()) });
const { X, y } = sphereData({ n, d, seed: 1 });
const net = TwoLayerNet.random({ d, m, seed: 2 });
// One net for every train() call: a run moves it on a few steps, which changes no size or cost.
const trainOn = (steps: number) => () => train(net, X, y, { steps, eta: ETA, method: 'kernel' });
const stepNet = TwoLayerNet.random({ d, m, seed: 2 });
const run = new TrainingRun(stepNet, X, y, 'kernel', ETA, false);
// Rebuild operands: S from a real run's coefficients are dense f32 like these.
const S = new WasmBuffer('f32', m * n), Xb = new WasmBuffer('f32', n * d), W = new WasmBuffer('f32', m * d);
for (const b of [S, Xb, W]) { const a = b.f32(); for (let i = 0; i < a.length; i++) a[i] = Math.sin(i) * 1e-3; }
const packed = new WasmBuffer('f32', parallel.gemmSubtractScratchBytes(n, d) / 4);

const numpyStep: number[] = [];
const numpyScript = fileURLToPath(new URL('./numpy_step.py', import.meta.url));
const timings = await interleaved([
  { name: 'train steps: 0', fn: trainOn(0) },
  { name: `train steps: ${STEPS}`, fn: trainOn(STEPS) },
  { name: `${STEPS} bare steps`, fn: () => { for (let s = 0; s < STEPS; s++) { run.observe(); run.step(); } } },
  { name: 'rebuild (GEMM)', fn: () => parallel.gemmSubtractNN(S.ptr, Xb.ptr, packed.ptr, W.ptr, m, d, n) },
  ...(args.includes('--no-numpy') ? [] : [{
    name: 'numpy step (child)', warmup: false,
    fn: () => {
      const out = JSON.parse(execFileSync('python3', [numpyScript, '--n', String(n), '--d', String(d), '--step-m', String(m), '--gram-m', '64', '--repeats', '3'], { encoding: 'utf8' }));
      numpyStep.push(out.step[String(m)]);
    },
  }]),
], rounds);
run.free(); stepNet.dispose(); net.dispose(); freeAll(S, Xb, W, packed);

const ms = (name: string) => timings.get(name)!;
const row = (name: string) => { const t = ms(name); return `${t.median.toFixed(0)} ms (${t.min.toFixed(0)}–${t.max.toFixed(0)})`; };
console.log(`n = d = ${n}, m = ${m}, kernel space, ${threadCount()} thread(s), ${rounds} interleaved rounds; median (range)`);
for (const name of timings.keys()) if (name !== 'numpy step (child)') console.log(`${name}: ${row(name)}`);
const fixed = ms(`train steps: ${STEPS}`).median - ms(`${STEPS} bare steps`).median;
console.log(`train() beyond its steps (train ${STEPS} − ${STEPS} bare steps, medians): ${fixed.toFixed(0)} ms`);
if (numpyStep.length) console.log(`numpy step (median of each round's 3-repeat median): ${median(numpyStep).toFixed(0)} ms (${Math.min(...numpyStep).toFixed(0)}–${Math.max(...numpyStep).toFixed(0)})`);
process.exit(0);
