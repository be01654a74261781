// Issue 11 §1: a net is busy while train() runs on it. From its onStep, dispose() and train() on it
// throw BUSY; weights(), predict() and gram() describe W(k) of the step reported; whatever ends the
// run, the net holds W(k), a(k) of a step of the run, and every byte the run held is returned.
import { describe, expect, it } from 'vitest';
import { init, sphereData, TwoLayerNet, train, memoryInUse, OverparamError, type StepInfo } from '../../src/index';
import { kernels } from '../../src/wasm/loader';

await init();

const { X, y } = sphereData({ n: 24, d: 20, seed: 1 });
const METHODS = ['kernel', 'primal'] as const;

function bits(a: Float32Array | Float64Array): number[] {
  return Array.from(new Uint32Array(Float32Array.from(a).buffer));
}

/** The net's W and a after `steps` steps of the same run, from a fresh twin. */
function twinAfter(steps: number, method: 'kernel' | 'primal', trainOutputLayer = false): { W: number[]; a: number[]; u: number[] } {
  const twin = TwoLayerNet.random({ d: 20, m: 90, seed: 2 });
  train(twin, X, y, { eta: 0.3, steps, method, trainOutputLayer });
  const { W, a } = twin.weights();
  const u = bits(twin.predict(X));
  twin.dispose();
  return { W: bits(W.data), a: bits(a), u };
}

function caught(fn: () => unknown): OverparamError | undefined {
  try { fn(); } catch (error) { return error as OverparamError; }
  return undefined;
}

describe.each(METHODS)('a net being trained (%s step)', (method) => {
  it.each([undefined, 2])('refuses dispose() from onStep with BUSY, and nothing is written to freed memory (gramEvery %s)', (gramEvery) => {
    const baseline = memoryInUse().bytesInUse;
    const net = TwoLayerNet.random({ d: 20, m: 90, seed: 2 });
    let bystander: TwoLayerNet | undefined;
    let bystanderWeights: number[] = [];
    let error: OverparamError | undefined;
    const r = train(net, X, y, {
      eta: 0.3, steps: 6, method, gramEvery,
      onStep: ({ step }) => {
        if (step !== 2) return;
        error = caught(() => net.dispose());
        // Were the net freed, this one would land in its memory and be overwritten by the run.
        bystander = TwoLayerNet.random({ d: 20, m: 90, seed: 9 });
        bystanderWeights = bits(bystander.weights().W.data);
      },
    });
    expect(error).toBeInstanceOf(OverparamError);
    expect(error!.code).toBe('BUSY');
    expect(error!.message).toMatch(/TwoLayerNet\.dispose: this network is being trained by a train\(\) call/);
    expect(r.status).toBe('done');
    expect(net.isDisposed).toBe(false);
    expect(bits(bystander!.weights().W.data)).toEqual(bystanderWeights);
    expect(bits(net.weights().W.data)).toEqual(twinAfter(6, method).W);
    net.dispose();
    bystander!.dispose();
    expect(memoryInUse().bytesInUse).toBe(baseline);
  });

  it('refuses a second train() on the same net from its onStep, and the first run stays right', () => {
    const net = TwoLayerNet.random({ d: 20, m: 90, seed: 2 });
    let error: OverparamError | undefined;
    const r = train(net, X, y, {
      eta: 0.3, steps: 5, method,
      onStep: ({ step }) => { if (step === 1) error = caught(() => train(net, X, y, { eta: 0.3, steps: 3, method })); },
    });
    expect(error?.code).toBe('BUSY');
    expect(error!.message).toMatch(/TwoLayerNet\.train: this network is being trained/);
    // The result's final loss is the net's afterwards.
    const u = net.predict(X);
    let residualSq = 0;
    for (let i = 0; i < y.length; i++) residualSq += (u[i] - y[i]) ** 2;
    expect(residualSq).toBeCloseTo(r.residualSq[5], 5);
    net.dispose();
  });

  it('may train another net from onStep', () => {
    const net = TwoLayerNet.random({ d: 20, m: 90, seed: 2 });
    const other = TwoLayerNet.random({ d: 20, m: 90, seed: 2 });
    let inner: number[] = [];
    train(net, X, y, { eta: 0.3, steps: 3, method, onStep: ({ step }) => { if (step === 1) inner = Array.from(train(other, X, y, { eta: 0.3, steps: 4, method }).residualSq); } });
    const fresh = TwoLayerNet.random({ d: 20, m: 90, seed: 2 });
    expect(inner).toEqual(Array.from(train(fresh, X, y, { eta: 0.3, steps: 4, method }).residualSq));
    for (const n of [net, other, fresh]) n.dispose();
  });

  it.each([false, true])('gives weights(), predict() and gram() at W(k) inside onStep (joint %s)', (joint) => {
    const net = TwoLayerNet.random({ d: 20, m: 90, seed: 2 });
    const seen = new Map<number, { W: number[]; a: number[]; u: number[]; H: number[] }>();
    train(net, X, y, {
      eta: 0.3, steps: 6, method, trainOutputLayer: joint,
      onStep: ({ step }: StepInfo) => {
        if (step !== 0 && step !== 3 && step !== 5) return;
        const { W, a } = net.weights();
        seen.set(step, { W: bits(W.data), a: bits(a), u: bits(net.predict(X)), H: Array.from(net.gram(X).data) });
      },
    });
    for (const [step, got] of seen) {
      const want = twinAfter(step, method, joint);
      expect(got.W, `W(${step})`).toEqual(want.W);
      expect(got.a, `a(${step})`).toEqual(want.a);
      expect(got.u, `u(${step})`).toEqual(want.u);
      const twin = TwoLayerNet.random({ d: 20, m: 90, seed: 2 });
      train(twin, X, y, { eta: 0.3, steps: step, method, trainOutputLayer: joint });
      expect(got.H, `H(${step})`).toEqual(Array.from(twin.gram(X).data));
      twin.dispose();
    }
    // Looking inside the run changed nothing: the net ends where an unobserved run ends.
    expect(bits(net.weights().W.data)).toEqual(twinAfter(6, method, joint).W);
    net.dispose();
  });

  it.each([false, true])('leaves the net at W(k), a(k) of the step reported when onStep throws, and frees the run (joint %s)', (joint) => {
    const baseline = memoryInUse().bytesInUse;
    const net = TwoLayerNet.random({ d: 20, m: 90, seed: 2 });
    const afterNet = memoryInUse().bytesInUse;
    expect(() => train(net, X, y, {
      eta: 0.3, steps: 10, method, trainOutputLayer: joint, gramEvery: 3,
      onStep: ({ step }) => { if (step === 5) throw new Error('stop here'); },
    })).toThrow('stop here');
    expect(memoryInUse().bytesInUse).toBe(afterNet);
    const want = twinAfter(5, method, joint);
    const { W, a } = net.weights();
    expect(bits(W.data)).toEqual(want.W);
    expect(bits(a)).toEqual(want.a);
    // The net is no longer busy.
    expect(train(net, X, y, { eta: 0.3, steps: 1, method }).status).toBe('done');
    net.dispose();
    expect(memoryInUse().bytesInUse).toBe(baseline);
  });
});

describe('after errors', () => {
  it('later valid calls give the same bits and memory returns to its baseline', () => {
    const reference = twinAfter(4, 'kernel', true);
    const baseline = memoryInUse().bytesInUse;
    const failures: (() => unknown)[] = [
      () => { const n = TwoLayerNet.random({ d: 20, m: 90, seed: 2 }); try { train(n, X, y, { eta: 0.3, steps: 3, onStep: () => n.dispose() }); } finally { n.dispose(); } },
      () => { const n = TwoLayerNet.random({ d: 20, m: 90, seed: 2 }); try { train(n, X, y, { eta: 0.3, steps: 3, onStep: () => { throw new Error('x'); } }); } finally { n.dispose(); } },
      () => TwoLayerNet.random({ d: 20, m: 90, scale: 1e39 }),
      () => { const n = TwoLayerNet.random({ d: 20, m: 90, seed: 2 }); try { n.predict({ rows: 1, cols: 20, data: new Float64Array(20).fill(1e39) }); } finally { n.dispose(); } },
      () => { const n = TwoLayerNet.random({ d: 20, m: 90, seed: 2 }); try { train(n, { rows: 24, cols: 20, data: new Float32Array(480).fill(1e38) }, y, { eta: 0.3, steps: 3 }); } finally { n.dispose(); } },
      () => { const n = TwoLayerNet.random({ d: 20, m: 90, seed: 2 }); n.dispose(); n.predict(X); },
    ];
    // A trap inside the wasm itself (a kernel handed a pointer past the end of memory).
    failures.push(() => kernels().gemmNT(0xfffffff0, 0xfffffff0, 0xfffffff0, 64, 64, 64));
    for (let round = 0; round < 20; round++) {
      for (const fail of failures) expect(fail).toThrow();
    }
    expect(memoryInUse().bytesInUse).toBe(baseline);
    expect(twinAfter(4, 'kernel', true)).toEqual(reference);
  });
});
