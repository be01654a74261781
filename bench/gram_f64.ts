// `npx tsx bench/gram_f64.ts [n d m rounds activation]` (issue 12 §6, H to 1e-10): net.gram(X) of a
// smooth-ψ net, built in f64 throughout (z_ir an f64 dot, ψ′ in f64, the sum over r in f64), against
// the float32 path it replaced (float32 Z = W Xᵀ by gemmNT, float32 |a|ψ′(Z), their products summed
// in f64), both in this process on the same net and inputs, alternating, `rounds` times each. Prints
// the medians, their ratio and how far the float32 path's H is from the f64 one.
import os from 'node:os';
import { init, sphereData, threadCount, TwoLayerNet, type Activation } from '../src/index.js';
import { ACTIVATION_IDS } from '../src/activations.js';
import * as parallel from '../src/wasm/parallel.js';
import { withBuffers } from '../src/wasm/memory.js';

const args = process.argv.slice(2);
const [n = 1000, d = 1000, m = 10_000, rounds = 3] = args.slice(0, 4).map(Number);
const activation = (args[4] ?? 'tanh') as Activation;
await init({ threads: Number(process.env.OVERPARAM_THREADS ?? os.availableParallelism()) });
const { X } = sphereData({ n, d, seed: 0 });
const net = TwoLayerNet.random({ d, m, seed: 1, activation });

/** H (first part) the way net.gram built it before: every factor a float32 value. */
function float32Gram(): Float64Array {
  return withBuffers((scope) => {
    const Xb = scope.from('f32', X.data);
    const ZT = scope.buffer('f32', m * n), BT = scope.buffer('f32', n * m);
    const K = scope.buffer('f64', n * n), H = scope.buffer('f64', n * n);
    parallel.linearKernel(Xb.ptr, n, d, K.ptr);
    parallel.gemmNT(net._W.ptr, Xb.ptr, ZT.ptr, m, n, d);
    parallel.denseFeatureRows(ZT.ptr, m, n, net._a.ptr, ACTIVATION_IDS[activation], 0.01, 1, BT.ptr);
    parallel.linearKernel(BT.ptr, n, m, H.ptr);
    parallel.denseGramCombine(K.ptr, H.ptr, n, m, H.ptr);
    return H.toFloat64();
  });
}

const median = (v: number[]): number => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
const times = { f32: [] as number[], f64: [] as number[] };
let H32: ArrayLike<number> = [], H64: ArrayLike<number> = [];
for (let round = 0; round < rounds; round++) {
  let t = performance.now();
  H32 = float32Gram();
  times.f32.push(performance.now() - t);
  t = performance.now();
  H64 = net.gram(X).data;
  times.f64.push(performance.now() - t);
}
net.dispose();
let scale = 0, worst = 0;
for (let q = 0; q < H64.length; q++) { scale = Math.max(scale, Math.abs(H64[q])); worst = Math.max(worst, Math.abs(H32[q] - H64[q])); }
const f32 = median(times.f32), f64 = median(times.f64);
console.log(`net.gram(X), ${activation}, n = ${n}, d = ${d}, m = ${m}, ${threadCount()} thread(s), median of ${rounds}`);
console.log(`float32 path (old): ${f32.toFixed(0)} ms   f64 path (net.gram now): ${f64.toFixed(0)} ms   ratio new/old ${(f64 / f32).toFixed(2)}`);
console.log(`max |H_f32 − H_f64| / max |H_f64| = ${(worst / scale).toExponential(2)}`);
