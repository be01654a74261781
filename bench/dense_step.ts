// The dense GD step for a smooth ψ (tanh; DESIGN §7.1, issue 12 §6) at the paper's size on its own:
// bench/workloads/denseStep.ts (train()'s dense step forms against TF.js's wasm backend in this
// process and numpy's same tanh step in a child run before and after ours). npm run bench runs the
// same workload among the others.
//
//   node --single-threaded-gc --import tsx bench/dense_step.ts [--quick] [--rounds N] [--no-tfjs] [--no-numpy] [--relaxed-simd]
//   (npm run bench:dense)
//
// OVERPARAM_THREADS sets the kernel threads (default: every core, as the library's default).
import os from 'node:os';
import { parseArgs } from 'node:util';
import { init, relaxedSimdActive, threadCount } from '../src/index.js';
import { initTfjsWasm } from './peers/tfjs_step.js';
import { benchDenseStep } from './workloads/denseStep.js';
import { resultsTable } from './lib/report.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    'no-tfjs': { type: 'boolean', default: false },
    'no-numpy': { type: 'boolean', default: false },
    'relaxed-simd': { type: 'boolean', default: false },
  },
});
const size = flags.quick ? { n: 96, d: 80, m: 500 } : { n: 1000, d: 1000, m: 10_000 };
const rounds = flags.rounds ? Number(flags.rounds) : flags.quick ? 3 : 5;
const log = (line: string): void => { process.stderr.write(`[dense bench] ${line}\n`); };

await init({ threads: Number(process.env.OVERPARAM_THREADS ?? os.availableParallelism()), relaxedSimd: flags['relaxed-simd'] });
if (flags['relaxed-simd'] && !relaxedSimdActive()) log('relaxed SIMD is not supported here (Node 20: --experimental-wasm-relaxed-simd): the default build runs');
const tfjs = flags['no-tfjs'] ? undefined : await initTfjsWasm();
const report = await benchDenseStep({ ...size, rounds, tfjs: !!tfjs, numpy: !flags['no-numpy'], log });
const lines = [
  `# Dense tanh GD step, n = ${size.n}, d = ${size.d}, m = ${size.m}`, '',
  `${os.cpus()[0]?.model ?? '?'}, ${os.availableParallelism()} cores, Node ${process.versions.node}; ` +
    `${threadCount()} kernel thread(s), ${relaxedSimdActive() ? 'relaxed-SIMD build' : 'default SIMD build'}; load average ${os.loadavg()[0].toFixed(2)}.`, '',
  resultsTable(report.rows), '',
  `GEMM ZT −= D K: ${report.gemm.gflops.toFixed(1)} GFLOP/s, ${(100 * report.gemm.ms / report.ours).toFixed(0)}% of our step.`,
];
if (report.numpy !== undefined) lines.push(`ours / numpy (its faster form) = ${(report.ours / report.numpy).toFixed(2)} (target ≤ 1.0).`);
if (report.tfjs !== undefined) lines.push(`TF.js / ours = ${(report.tfjs / report.ours).toFixed(2)}× (target ≥ 5).`);
console.log(lines.join('\n'));
