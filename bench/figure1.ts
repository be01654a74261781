// `figure1 --preset paper`'s work (widthSweep at n = d = 1000, widths 100, 1 000, 10 000, 100 steps,
// 200 test points) against bench/numpy_figure1.py doing the same work, alternated in one run, with
// a phase table: the H∞ limit, the H(0) setup, and each width's run split into its steps and the rest.
//   node --single-threaded-gc --import tsx bench/figure1.ts [--rounds N] [--no-numpy] [--relaxed-simd]
// Phases come from widthSweep's progress events: 'limit' before H∞, 'setup' after each H(0),
// 'train' after each step (a run's steps are the span of its step events, scaled by steps/(steps − 1)
// for the first one, whose start has no event). The limit alone is timed by the same calls widthSweep
// makes (crossGramInfinity, eigh, inputDiagnostics) on the same data, so setup = span − limit.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { eigh, init, inputDiagnostics, relaxedSimdActive, sphereData, threadCount, widthSweep } from '../src/index.js';
import { crossGramInfinity } from '../src/experiments/ntk.js';
import { median } from './lib/measure.js';

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] || 2) || 2;
const P = { n: 1000, d: 1000, widths: [100, 1000, 10000], steps: 100, seed: 0, testPoints: 200 };

await init({ threads: Number(process.env.OVERPARAM_THREADS ?? os.availableParallelism()), relaxedSimd: args.includes('--relaxed-simd') });

type Phases = Record<string, number>;
function ours(): Phases {
  const all = sphereData({ n: P.n + P.testPoints, d: P.d, seed: P.seed });
  const X = { rows: P.n, cols: P.d, data: all.X.data.subarray(0, P.n * P.d) };
  const T = { rows: P.testPoints, cols: P.d, data: all.X.data.subarray(P.n * P.d) };
  let t0 = performance.now();
  eigh(crossGramInfinity(X, T).train);
  inputDiagnostics(X);
  const limit = (performance.now() - t0) / 1000;

  const events: { phase: string; m: number; step: number; at: number }[] = [];
  const finished: { m: number; at: number }[] = [];
  t0 = performance.now();
  const sweep = widthSweep({
    ...P,
    onProgress: (p) => events.push({ phase: p.phase, m: p.m, step: p.step, at: performance.now() }),
    onRunFinished: (r) => finished.push({ m: r.m, at: performance.now() }),
  });
  const end = performance.now();
  if (sweep.status !== 'done') throw new Error('bench figure1: the sweep did not finish');
  const out: Phases = { total: (end - t0) / 1000, limit };
  const setups = events.filter((e) => e.phase === 'setup');
  out.setup = (setups[setups.length - 1].at - t0) / 1000 - limit;
  let previous = setups[setups.length - 1].at;
  for (const { m, at } of finished) {
    const stepsOf = events.filter((e) => e.phase === 'train' && e.m === m);
    const steps = stepsOf.length > 1
      ? (stepsOf[stepsOf.length - 1].at - stepsOf[0].at) / (stepsOf.length - 1) * P.steps / 1000 : 0;
    out[`m=${m} total`] = (at - previous) / 1000;
    out[`m=${m} steps`] = steps;
    out[`m=${m} rest`] = (at - previous) / 1000 - steps;
    previous = at;
  }
  return out;
}

const script = fileURLToPath(new URL('./numpy_figure1.py', import.meta.url));
function numpy(): Phases | undefined {
  const o = JSON.parse(execFileSync('python3', [script, '--n', String(P.n), '--d', String(P.d), '--widths', P.widths.join(','),
    '--steps', String(P.steps), '--test', String(P.testPoints)], { encoding: 'utf8' }));
  if (!o.available) return undefined;
  const s = o.seconds, out: Phases = { total: s.total, limit: s.limit, setup: s.setup };
  for (const m of P.widths) {
    out[`m=${m} total`] = s[`m=${m}`].total; out[`m=${m} steps`] = s[`m=${m}`].steps; out[`m=${m} rest`] = s[`m=${m}`].rest;
  }
  return out;
}

const mine: Phases[] = [], theirs: Phases[] = [];
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? ['numpy', 'ours'] : ['ours', 'numpy'];
  for (const who of order) {
    if (who === 'ours') mine.push(ours());
    else if (!args.includes('--no-numpy')) { const o = numpy(); if (o) theirs.push(o); }
  }
  process.stderr.write(`[figure1 bench] round ${r + 1}/${rounds} done\n`);
}
const fmt = (v: number[]) => v.length ? `${median(v).toFixed(2)} (${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)})` : '—';
console.log(`figure1 --preset paper work, ${threadCount()} thread(s), ${relaxedSimdActive() ? 'relaxed-SIMD' : 'default (plain SIMD)'} build; ` +
  `seconds, median (range) of ${rounds} alternating rounds; ratio = numpy / ours per round`);
console.log('| phase | overparam | numpy | ratio |');
console.log('|---|---:|---:|---:|');
for (const key of Object.keys(mine[0])) {
  const a = mine.map((p) => p[key]), b = theirs.map((p) => p[key]);
  const ratios = b.length === a.length ? a.map((x, i) => b[i] / x) : [];
  console.log(`| ${key} | ${fmt(a)} | ${fmt(b)} | ${ratios.length ? fmt(ratios) + '×' : '—'} |`);
}
process.exit(0);
