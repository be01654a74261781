// Issue 6, item 6: the same seed gives bit-identical results run to run.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { init, sphereData, TwoLayerNet, train } from '../../src/index';

await init();

/** SHA-256 of everything a run produces, so any difference in any bit shows. */
function runHash(seed: number, method: 'kernel' | 'primal', trainOutputLayer: boolean): string {
  const { X, y } = sphereData({ n: 30, d: 12, seed });
  const net = TwoLayerNet.random({ d: 12, m: 100, seed: seed + 1 });
  const r = train(net, X, y, { eta: 0.2, steps: 20, method, trainOutputLayer, gramEvery: 5 });
  const { W, a } = net.weights();
  net.dispose();
  const hash = createHash('sha256');
  for (const part of [X.data, y, r.residualSq, r.patternChangeFraction, r.maxWeightDistance,
    Float64Array.from(r.lambdaMinGram!.value), W.data, a]) {
    hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  }
  return hash.digest('hex');
}

describe('determinism', () => {
  it.each([['kernel', false], ['primal', false], ['kernel', true]] as const)('repeats bit for bit (%s, joint %s)', (method, joint) => {
    const first = runHash(5, method, joint);
    expect(runHash(5, method, joint)).toBe(first);
    expect(runHash(6, method, joint)).not.toBe(first);
  });
});
