// Issue 6, item 4: sizes are checked before allocating, dispose() really frees, views never go stale.
import { describe, expect, it } from 'vitest';
import {
  init, sphereData, TwoLayerNet, train, memoryInUse, setMemoryLimit, estimateTrainingBytes, OverparamError,
} from '../../src/index';
import { WasmBuffer } from '../../src/wasm/memory';
import { warmUp } from '../../src/warm_up';

await init();

describe('memory', () => {
  it('returns to its baseline after creating, training and disposing 1 000 nets', () => {
    const { X, y } = sphereData({ n: 12, d: 6, seed: 1 });
    const baseline = memoryInUse().bytesInUse;
    const warm = TwoLayerNet.random({ d: 6, m: 40, seed: 0 });
    train(warm, X, y, { eta: 0.1, steps: 3 });
    warm.dispose();
    const pagesAfterWarmup = memoryInUse().wasmMemoryBytes;
    for (let seed = 0; seed < 1000; seed++) {
      const net = TwoLayerNet.random({ d: 6, m: 40, seed });
      train(net, X, y, { eta: 0.1, steps: 3, method: seed % 2 ? 'kernel' : 'primal', gramEvery: seed % 3 ? undefined : 2 });
      net.dispose();
    }
    expect(memoryInUse().bytesInUse).toBe(baseline);
    // TLSF reuses the freed blocks: the wasm memory did not grow over the 1 000 cycles.
    expect(memoryInUse().wasmMemoryBytes).toBe(pagesAfterWarmup);
  });

  it("init()'s warm-up frees everything it allocates", () => {
    const baseline = memoryInUse().bytesInUse;
    warmUp();
    expect(memoryInUse().bytesInUse).toBe(baseline);
  });

  it('keeps results right when memory grows between calls (views are never reused)', () => {
    const { X, y } = sphereData({ n: 30, d: 8, seed: 2 });
    const net = TwoLayerNet.random({ d: 8, m: 64, seed: 3 });
    const before = net.predict(X);
    const grownFrom = memoryInUse().wasmMemoryBytes;
    const ballast = new WasmBuffer('f32', 16 * 1024 * 1024); // 64 MiB: forces memory.grow
    expect(memoryInUse().wasmMemoryBytes).toBeGreaterThan(grownFrom);
    expect(Array.from(net.predict(X))).toEqual(Array.from(before));
    const r = train(net, X, y, { eta: 0.05, steps: 2 });
    expect(r.residualSq.every(Number.isFinite)).toBe(true);
    ballast.free();
    net.dispose();
  });

  it('refuses a call whose estimate passes the limit, before allocating anything', () => {
    const { X, y } = sphereData({ n: 200, d: 10, seed: 4 });
    const net = TwoLayerNet.random({ d: 10, m: 500, seed: 5 });
    const before = memoryInUse().bytesInUse;
    const need = estimateTrainingBytes({ n: 200, d: 10, m: 500, method: 'primal' });
    setMemoryLimit(before + need - 1);
    try {
      let caught: unknown;
      try { train(net, X, y, { eta: 0.1, steps: 1 }); } catch (e) { caught = e; }
      expect((caught as OverparamError).code).toBe('OUT_OF_MEMORY');
      expect((caught as Error).message).toMatch(/train \(n = 200, d = 10, m = 500, primal step\) needs .* over the limit of .*reduce m, n or d/);
      expect(memoryInUse().bytesInUse).toBe(before);
    } finally {
      setMemoryLimit(4 * 1024 ** 3);
    }
    expect(train(net, X, y, { eta: 0.1, steps: 1 }).status).toBe('done'); // nothing was corrupted
    net.dispose();
  });

  it('names the figure and the 4 GiB wasm32 limit for an impossible size', () => {
    expect(() => TwoLayerNet.random({ d: 100_000, m: 20_000 })).toThrow(/needs 7\.45 GiB .* over the limit of 4\.00 GiB \(wasm32 addresses 4 GiB\)/);
  });

  it('estimates what a run really allocates', () => {
    for (const method of ['kernel', 'primal'] as const) {
      const { X, y } = sphereData({ n: 40, d: 30, seed: 6 });
      const net = TwoLayerNet.random({ d: 30, m: 100, seed: 7 });
      const before = memoryInUse().bytesInUse;
      let peak = 0;
      train(net, X, y, {
        eta: 0.1, steps: 3, method, gramEvery: 1,
        onStep: () => { peak = Math.max(peak, memoryInUse().bytesInUse - before); },
      });
      const estimate = estimateTrainingBytes({ n: 40, d: 30, m: 100, method, gramEvery: 1 });
      expect(peak).toBeGreaterThan(0.5 * estimate);
      expect(peak).toBeLessThanOrEqual(estimate);
      net.dispose();
    }
  });
});

describe('nets dropped without dispose()', () => {
  it('are freed by the FinalizationRegistry backstop after garbage collection', async () => {
    const { execFileSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const script = fileURLToPath(new URL('./forgottenNets.ts', import.meta.url));
    const { held, after } = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], { encoding: 'utf8' }).trim());
    expect(held).toBe(200 * 4 * (50 * 100 + 100)); // W and a of 200 nets
    expect(after).toBe(0);
  });
});
