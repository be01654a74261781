// Run by threads.test.ts in a child process (init() sets the thread count once per process):
// prints the thread count and a SHA-256 of everything a run produces.
import { createHash } from 'node:crypto';
import { init, sphereData, TwoLayerNet, train, threadCount } from '../../src/index';

const threads = Number(process.argv[2]);
await init({ threads });
const hash = createHash('sha256');
for (const [method, n, d, m] of [['kernel', 70, 90, 301], ['primal', 90, 20, 257]] as const) {
  const { X, y } = sphereData({ n, d, seed: 3 });
  const net = TwoLayerNet.random({ d, m, seed: 4 });
  const r = train(net, X, y, { eta: 0.2, steps: 15, method, trainOutputLayer: method === 'primal', gramEvery: 5 });
  const { W, a } = net.weights();
  for (const part of [r.residualSq, r.patternChangeFraction, r.maxWeightDistance, W.data, a, net.predict(X)]) {
    hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  }
  net.dispose();
}
console.log(JSON.stringify({ threads: threadCount(), hash: hash.digest('hex') }));
