// Issue 6, item 5: an AbortSignal stops train within one step, with the partial results.
import { describe, expect, it } from 'vitest';
import { init, sphereData, TwoLayerNet, train } from '../../src/index';

await init();
const { X, y } = sphereData({ n: 20, d: 10, seed: 1 });

describe('cancellation', () => {
  it('returns at once, with the initial state only, when the signal is already aborted', () => {
    const net = TwoLayerNet.random({ d: 10, m: 30, seed: 2 });
    const W0 = Array.from(net.weights().W.data);
    const r = train(net, X, y, { eta: 0.1, steps: 100, signal: AbortSignal.abort() });
    expect(r.status).toBe('aborted');
    expect(r.stepsRun).toBe(0);
    expect(Array.from(net.weights().W.data)).toEqual(W0);
  });

  it.each(['kernel', 'primal'] as const)('stops within one step of abort() (%s), keeping a consistent state', (method) => {
    const controller = new AbortController();
    const net = TwoLayerNet.random({ d: 10, m: 30, seed: 2 });
    const r = train(net, X, y, {
      eta: 0.1, steps: 100, method, signal: controller.signal,
      onStep: ({ step }) => { if (step === 7) controller.abort(); },
    });
    expect(r.status).toBe('aborted');
    expect(r.stepsRun).toBe(7);
    // The net holds W(7): predicting from it gives the residual recorded at step 7.
    const u = net.predict(X);
    let residualSq = 0;
    for (let i = 0; i < y.length; i++) residualSq += (u[i] - y[i]) ** 2;
    expect(residualSq).toBeCloseTo(r.residualSq[7], 4);
  });
});
