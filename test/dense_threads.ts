// Run by test/dense.test.ts in a child process (init() sets the thread count once per process):
// prints the thread count and a SHA-256 of five dense steps in both forms (their GEMMs split over
// the threads by src/wasm/parallel.ts), the rebuilt W and the Gram matrices.
import { createHash } from 'node:crypto';
import { init, sphereData, threadCount, TwoLayerNet } from '../src/index';
import { DenseStep } from '../src/training/denseStep';

await init({ threads: Number(process.argv[2]) });
const n = 130, d = 70, m = 517;
const { X, y } = sphereData({ n, d, seed: 1 });
const net = TwoLayerNet.random({ d, m, seed: 2 });
const { W, a } = net.weights();
net.dispose();
const hash = createHash('sha256');
const add = (v: Float32Array | Float64Array): void => { hash.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)); };
for (const method of ['kernel', 'primal'] as const) {
  const run = new DenseStep({ X: X.data as Float32Array, y, n, d, m, W: W.data, a },
    { activation: 'gelu', eta: 0.3, method, trainOutputLayer: true });
  const residuals = new Float64Array(6);
  for (let k = 0; k < 6; k++) { residuals[k] = run.observe(); if (k < 5) run.step(); }
  add(residuals); add(run.preactivations()); add(run.weights()); add(run.outputWeights());
  add(run.gram('first')); add(run.gram('output')); add(Float64Array.of(run.derivativeChange()));
  run.free();
}
console.log(JSON.stringify({ threads: threadCount(), hash: hash.digest('hex') }));
process.exit(0);
