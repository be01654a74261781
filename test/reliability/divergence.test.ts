// Issue 6, item 3: a wild step size stops with status 'diverged', keeps the last finite state
// and suggests η < 2/λ_max(H).
import { describe, expect, it } from 'vitest';
import { init, sphereData, TwoLayerNet, train, lambdaMax } from '../../src/index';

await init();

describe.each(['kernel', 'primal'] as const)('divergence (%s step)', (method) => {
  const { X, y } = sphereData({ n: 20, d: 15, seed: 1 });

  it('stops when the loss grows past the factor, with the stable-η advice', () => {
    const net = TwoLayerNet.random({ d: 15, m: 50, seed: 2 });
    const stable = 2 / lambdaMax(net.gram(X));
    const r = train(net, X, y, { eta: 20 * stable, steps: 500, method });
    expect(r.status).toBe('diverged');
    expect(r.divergence!.largestStableEta).toBeCloseTo(stable, 10);
    expect(r.divergence!.message).toMatch(/stable for η < 2\/λ_max\(H\(0\)\)/);
    expect(r.residualSq.length).toBe(r.stepsRun + 1);
    expect(r.residualSq[r.stepsRun]).toBeGreaterThan(1e6 * r.residualSq[0]);
    expect(net.weights().W.data.every(Number.isFinite)).toBe(true);
  });

  it('keeps the last finite state when the loss overflows, and reports only finite numbers', () => {
    const net = TwoLayerNet.random({ d: 15, m: 50, seed: 2 });
    const r = train(net, X, y, { eta: 1e30, steps: 10, method, divergenceFactor: 1e300 });
    expect(r.status).toBe('diverged');
    expect(Number.isFinite(r.divergence!.residualSq)).toBe(false);
    expect(r.divergence!.step).toBe(r.stepsRun + 1);
    expect(r.divergence!.message).toMatch(new RegExp(`the net holds the last finite state, W\\(${r.stepsRun}\\)`));
    for (const curve of [r.residualSq, r.patternChangeFraction, r.maxWeightDistance]) expect(curve.every(Number.isFinite)).toBe(true);
    // The net holds exactly W(stepsRun): the same run stopped there by `steps` gives the same bits.
    const twin = TwoLayerNet.random({ d: 15, m: 50, seed: 2 });
    train(twin, X, y, { eta: 1e30, steps: r.stepsRun, method, divergenceFactor: 1e300 });
    expect(Array.from(net.weights().W.data)).toEqual(Array.from(twin.weights().W.data));
    expect(net.weights().W.data.every(Number.isFinite)).toBe(true);
  });

  it.each([{ kind: 'momentum', beta: 0.9 }, { kind: 'nesterov', beta: 0.9 }, { kind: 'sgd', batchSize: 5, momentum: 0.9 }] as const)(
    'with %o: the last finite state, the same bits as the run stopped there', (optimizer) => {
      const net = TwoLayerNet.random({ d: 15, m: 50, seed: 2 });
      const r = train(net, X, y, { eta: 1e15, steps: 30, method, divergenceFactor: 1e300, optimizer });
      expect(r.status).toBe('diverged');
      const twin = TwoLayerNet.random({ d: 15, m: 50, seed: 2 });
      train(twin, X, y, { eta: 1e15, steps: r.stepsRun, method, divergenceFactor: 1e300, optimizer });
      expect(Array.from(net.weights().W.data)).toEqual(Array.from(twin.weights().W.data));
      expect(net.weights().W.data.every(Number.isFinite)).toBe(true);
    });

  it('does not flag a stable run', () => {
    const net = TwoLayerNet.random({ d: 15, m: 50, seed: 2 });
    const r = train(net, X, y, { eta: 0.5 / lambdaMax(net.gram(X)), steps: 50, method });
    expect(r.status).toBe('done');
    expect(r.divergence).toBeUndefined();
  });
});
