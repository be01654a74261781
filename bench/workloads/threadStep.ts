// One GD step (kernel-space form, DESIGN §5.1) on a given number of kernel threads, run in a child
// process by bench/run.ts because init() fixes the thread count once per process. Prints JSON:
// the median step time and a hash of the state after the timed steps (the same for any count).
import { createHash } from 'node:crypto';
import { init, sphereData, TwoLayerNet, threadCount } from '../../src/index.js';
import { TrainingRun } from '../../src/training.js';
import { median } from '../lib/measure.js';

const [threads, n, d, m, rounds] = process.argv.slice(2).map(Number);
await init({ threads });
const { X, y } = sphereData({ n, d, seed: 1 });
const net = TwoLayerNet.random({ d, m, seed: 2 });
const run = new TrainingRun(net, X, y, 'kernel', 1e-3, false);
// Warm-up: V8 compiles a long-running wasm function with its fast tier only for later calls,
// on every thread, so the first steps would time the baseline tier.
for (let i = 0; i < 4; i++) { run.observe(); run.step(); }
const times: number[] = [];
for (let i = 0; i < rounds; i++) {
  const start = performance.now();
  run.observe();
  run.step();
  times.push(performance.now() - start);
}
const residualSq = run.observe();
const hash = createHash('sha256').update(String(residualSq)).digest('hex').slice(0, 16);
run.free();
console.log(JSON.stringify({ threads: threadCount(), medianMs: median(times), hash }));
