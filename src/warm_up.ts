// First calls at full speed. V8 runs a wasm function first in its baseline compiler (Liftoff) and
// swaps in optimised code only for later calls once the function has run for a while; a big first
// call runs entirely on the baseline code, up to ten times slower (the first float32 GEMM of a
// 4000×1000×1000 step took 1.1 s instead of 0.12 s). init() therefore runs every hot kernel on a
// small problem, through the same paths a user's call takes, so that the user's first big call
// already gets the optimised code (compiled once, shared by the kernel threads).
import { sphereData } from './data.js';
import { TwoLayerNet } from './network.js';
import { train } from './training.js';
import { eigvalsh, lambdaMin, eigh } from './spectra.js';
import { gramInfinity } from './kernels.js';

/** Runs the kernels of training, H(W), H∞ and the eigen solvers once on small problems. */
export function warmUp(): void {
  // n ≤ 2d picks the kernel-space step; m ≥ 256 takes the masked sum's subset-sum tables.
  const { X, y } = sphereData({ n: 48, d: 40, seed: 1 });
  const nets = [TwoLayerNet.random({ d: 40, m: 320, seed: 1 }), TwoLayerNet.random({ d: 40, m: 100, seed: 2 })];
  try {
    for (const method of ['kernel', 'primal'] as const) {
      for (const net of nets) train(net, X, y, { eta: 0.05, steps: 3, method, gramEvery: 1, trainOutputLayer: method === 'primal' });
    }
    nets[0].gram(X);
    nets[0].predict(X);
    const H = gramInfinity(X);
    eigvalsh(H);
    eigh(H);
    lambdaMin(H);
  } finally {
    for (const net of nets) net.dispose();
  }
}
