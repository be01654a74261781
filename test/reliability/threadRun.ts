// Run by threads.test.ts in a child process (init() sets the thread count once per process):
// prints the thread count and a SHA-256 of everything a run produces.
import { createHash } from 'node:crypto';
import { init, sphereData, TwoLayerNet, train, threadCount, gramInfinity, eigvalsh, eigh } from '../../src/index';
import { kernels } from '../../src/wasm/loader';
import { WasmBuffer, bufferFrom } from '../../src/wasm/memory';
import * as parallel from '../../src/wasm/parallel';

const threads = Number(process.argv[2]);
await init({ threads });
const hash = createHash('sha256');
// The first two runs are too small to split the step's streaming passes (forward, distances,
// coefficient updates: 2^18 values a thread); the last two split them over 2 and 3 threads.
const runs = [['kernel', 70, 90, 301], ['primal', 90, 20, 257], ['kernel', 200, 120, 2700], ['primal', 300, 300, 1800]] as const;
for (const [method, n, d, m] of runs) {
  const { X, y } = sphereData({ n, d, seed: 3 });
  const net = TwoLayerNet.random({ d, m, seed: 4 });
  const r = train(net, X, y, { eta: 0.2, steps: 15, method, trainOutputLayer: method === 'primal', gramEvery: 5 });
  const { W, a } = net.weights();
  for (const part of [r.residualSq, r.patternChangeFraction, r.maxWeightDistance, W.data, a, net.predict(X)]) {
    hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  }
  net.dispose();
}
// The dense forms (issue 12 §2) at sizes where their light passes (forward + ψ′, coefficients, output
// gradient, feature rows, ψ′ change) split over 2 and 3 threads; n and m with tails mod 4 and 64.
for (const [activation, method, n, d, m] of [['tanh', 'kernel', 203, 120, 2701], ['gelu', 'primal', 301, 50, 1799], ['erf', 'kernel', 9, 5, 67]] as const) {
  const { X, y } = sphereData({ n, d, seed: 8 });
  const net = TwoLayerNet.random({ d, m, seed: 9, activation, outputInit: 'gaussian' });
  const r = train(net, X, y, { eta: 0.2, steps: 12, method, trainOutputLayer: true, gramEvery: 4 });
  const { W, a } = net.weights();
  for (const part of [r.residualSq, r.patternChangeFraction, r.maxWeightDistance, Float64Array.from(r.lambdaMinGram!.value), W.data, a,
    net.predict(X), net.gram(X).data as Float64Array, net.gram(X, { part: 'output' }).data as Float64Array]) {
    hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  }
  net.dispose();
}
// The optimisers (issue 13 §1) in every form, at sizes whose step passes split over 2 and 3 threads.
for (const [activation, method, optimizer] of [
  ['relu', 'kernel', { kind: 'momentum', beta: 0.9 }], ['relu', 'primal', { kind: 'nesterov', beta: 0.8 }],
  ['relu', 'kernel', { kind: 'sgd', batchSize: 50, momentum: 0.5, seed: 3 }], ['tanh', 'kernel', { kind: 'nesterov', beta: 0.7 }],
  ['tanh', 'primal', { kind: 'sgd', batchSize: 64, seed: 1 }],
  // b·m = 540 200 batch bits: gatherMaskBits splits over 2 threads too.
  ['relu', 'kernel', { kind: 'sgd', batchSize: 200, seed: 2 }],
] as const) {
  const { X, y } = sphereData({ n: 203, d: 120, seed: 8 });
  const net = TwoLayerNet.random({ d: 120, m: 2701, seed: 9, activation });
  const r = train(net, X, y, { eta: 0.1, steps: 12, method, optimizer });
  const { W } = net.weights();
  for (const part of [r.residualSq, r.patternChangeFraction, r.maxWeightDistance, W.data]) {
    hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  }
  net.dispose();
}
// H(k) straight from pre-activations, big enough that the row masks and the Gram matrix are split
// over 2 and 3 threads (the runs above are below the split thresholds); n odd, m not a multiple of 64.
{
  const n = 301, d = 16, m = 2700, wordsPerRow = Math.ceil(m / 64), k = kernels();
  const { X } = sphereData({ n, d, seed: 5 });
  const net = TwoLayerNet.random({ d, m, seed: 6 });
  const Xb = bufferFrom('f32', X.data), ZT = new WasmBuffer('f32', m * n);
  const K = new WasmBuffer('f64', n * n), H = new WasmBuffer('f64', n * n), rowBits = new WasmBuffer('u64', n * wordsPerRow);
  parallel.gemmNT(net._W.ptr, Xb.ptr, ZT.ptr, m, n, d);
  k.linearKernel(Xb.ptr, n, d, K.ptr);
  parallel.rowMasksFromPreactivations(ZT.ptr, m, n, rowBits.ptr, wordsPerRow);
  parallel.gramFromMasks(rowBits.ptr, wordsPerRow, K.ptr, n, m, H.ptr);
  for (const part of [rowBits.words(), H.f64()]) hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  for (const buffer of [Xb, ZT, K, H, rowBits]) buffer.free();
  net.dispose();
}
// Dense eigenvalues and eigenvectors at a size whose Householder passes split (from 192 rows on),
// so that on 2 and 3 threads a worker runs part of each pass.
{
  const { X } = sphereData({ n: 301, d: 40, seed: 7 });
  const H = gramInfinity(X);
  const { values, vectors } = eigh(H);
  for (const part of [eigvalsh(H), values, vectors.data as Float64Array]) {
    hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  }
}
console.log(JSON.stringify({ threads: threadCount(), hash: hash.digest('hex') }));
