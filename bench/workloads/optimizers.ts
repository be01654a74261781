// Issue 13 §5: a heavy-ball, Nesterov or SGD step (b = n/8 and b = 10) against a GD step (the
// forward pass and the step, train()'s loop without its recording), ReLU in train()'s auto form,
// interleaved rounds, the order turned each round. In kernel space an SGD step sums the batch's b rows of K (about b/n of GD's
// masked sum); Nesterov's state is its look-ahead point, so it takes one forward pass like GD.
import { sphereData, TwoLayerNet } from '../../src/index.js';
import { TrainingRun } from '../../src/training/run.js';
import { autoStepMethod } from '../../src/training/stepForm.js';
import type { Optimizer } from '../../src/training/optimizer.js';
import { interleaved, summarise } from '../lib/measure.js';
import type { ResultRow } from '../lib/report.js';

export async function benchOptimizers({ n, d, m, rounds, log }: { n: number; d: number; m: number; rounds: number; log: (s: string) => void }):
  Promise<{ rows: ResultRow[]; ratios: { name: string; ratio: number }[] }> {
  const { X, y } = sphereData({ n, d, seed: 1 });
  const method = autoStepMethod(n, d);
  const optimizers: [string, Optimizer][] = [
    ['GD', { kind: 'gd' }], ['heavy ball β = 0.9', { kind: 'momentum', beta: 0.9 }],
    ['Nesterov β = 0.9', { kind: 'nesterov', beta: 0.9 }], [`SGD b = ${Math.max(1, n >> 3)}`, { kind: 'sgd', batchSize: Math.max(1, n >> 3) }],
    [`SGD b = ${Math.min(10, n)}`, { kind: 'sgd', batchSize: Math.min(10, n) }],
  ];
  const workload = `ReLU step with an optimiser, ${method} n=${n} d=${d} m=${m}`;
  const nets: TwoLayerNet[] = [], runs: TrainingRun[] = [];
  try {
    for (const [, optimizer] of optimizers) {
      const net = TwoLayerNet.random({ d, m, seed: 2 });
      nets.push(net);
      // A tiny η keeps the state near W(0) over the rounds: the cost, not the trajectory, is measured.
      runs.push(new TrainingRun(net, X, y, method, 1e-6, false, optimizer));
    }
    log(`${workload}…`);
    // The order of the tasks turns by one each round: on this machine the task that follows another
    // in a round ran up to 1.3× slower or faster by its place alone (Nesterov last of GD, heavy ball,
    // Nesterov: 1.22× heavy ball; first: 0.92×), so every task takes every place equally often.
    const tasks = optimizers.map(([name], i) => ({ name, fn: () => { runs[i].observe(); runs[i].step(); } }));
    const samples = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = tasks.map((_, i) => ({ ...tasks[(i + round) % tasks.length], warmup: round === 0 }));
      for (const [name, timing] of await interleaved(order, 1)) samples.get(name)!.push(timing.median);
    }
    const timings = new Map([...samples].map(([name, s]) => [name, summarise(s)]));
    const gd = timings.get('GD')!.median;
    const rows: ResultRow[] = optimizers.map(([name], i) => ({
      workload, implementation: `overparam wasm, train()'s ${name} step`, ours: true, headline: i === 0, timing: timings.get(name)!,
      ...(i === 0 ? {} : { note: `${(timings.get(name)!.median / gd).toFixed(3)}× GD` }),
    }));
    return { rows, ratios: optimizers.slice(1).map(([name]) => ({ name, ratio: timings.get(name)!.median / gd })) };
  } finally {
    for (const r of runs) r.free();
    for (const net of nets) net.dispose();
  }
}
