// train()'s optimisers (issue 13 §1, DESIGN §7.4) against the float64 oracle
// test/reference/optimizers.ts (the update rules on W, from the formulas): heavy ball, Nesterov (at
// its look-ahead point, PyTorch's form) and mini-batch SGD (with and without momentum) over 100
// steps, 1e-3 relative, in both ReLU step forms (kernel space's masked sums, SGD's over the batch's
// rows of K, both masked-sum kernels; primal) and the dense forms of a smooth ψ (tanh); the net
// afterwards holds the state whose loss the result ends with; GD with the default option is the
// same bits as before; SGD's batches are a seeded permutation per epoch, and the batch's mask bits
// (gatherMaskBits) against a plain gather.
import { beforeAll, describe, expect, it } from 'vitest';
import { estimateTrainingBytes, init, memoryInUse, TwoLayerNet, train, type Matrix, type Optimizer } from '../src/index';
import { BatchSampler } from '../src/training/optimizer';
import { WasmBuffer } from '../src/wasm/memory';
import * as parallel from '../src/wasm/parallel';
import { optimizerHistory, type ReferenceOptimizer } from './reference/optimizers';
import { mulberry32, randomUnitRows } from './reference/random';

beforeAll(async () => { await init(); });

function inputs(n: number, d: number, seed: number): { X: Matrix; X64: Float64Array; y: Float32Array; y64: Float64Array } {
  const rand = mulberry32(seed);
  const X32 = Float32Array.from(randomUnitRows(n, d, rand));
  const y = Float32Array.from({ length: n }, () => rand() * 2 - 1);
  return { X: { rows: n, cols: d, data: X32 }, X64: Float64Array.from(X32), y, y64: Float64Array.from(y) };
}

const OPTIMIZERS: Optimizer[] = [
  { kind: 'momentum', beta: 0.9 }, { kind: 'nesterov', beta: 0.8 },
  { kind: 'sgd', batchSize: 4, seed: 3 }, { kind: 'sgd', batchSize: 5, momentum: 0.5, seed: 7 },
];

/** The oracle's form of an optimiser: SGD's batches from the same sampler train() uses. */
function reference(opt: Optimizer, n: number): ReferenceOptimizer {
  if (opt.kind !== 'sgd') return opt;
  const sampler = new BatchSampler(n, opt.batchSize, opt.seed), batches: Int32Array[] = [];
  return { kind: 'sgd', batchSize: opt.batchSize, momentum: opt.momentum, batches: (k) => (batches[k] ??= sampler.next().slice()) };
}

describe('optimisers against the float64 oracle (100 steps, 1e-3 relative)', () => {
  // m = 66 takes the masked sum's list replay, m = 300 its subset-sum tables (from 256 neurons on);
  // SGD's b = 4, 5 are below one table's 8 inputs and not a multiple of 4.
  const cases = [
    ...(['relu', 'tanh'] as const).flatMap((act) => OPTIMIZERS.map((opt) => ({ act, m: 66, opt }))),
    ...OPTIMIZERS.map((opt) => ({ act: 'relu' as const, m: 300, opt })),
  ];
  it.each(cases.map((c) => [`${c.act}, m = ${c.m}: ${JSON.stringify(c.opt)}`, c] as const))('%s, both forms', (_, { act, m, opt }) => {
    const n = 13, d = 7, steps = 100, eta = m === 66 ? 0.05 : 0.03;
    const { X, X64, y, y64 } = inputs(n, d, 21);
    let oracle: ReturnType<typeof optimizerHistory> | undefined;
    for (const method of ['kernel', 'primal'] as const) {
      const net = TwoLayerNet.random({ d, m, seed: 8, activation: act });
      const { W, a } = net.weights();
      oracle ??= optimizerHistory({ X: X64, y: y64, n, d, m, eta, model: { act } }, Float64Array.from(W.data), Float64Array.from(a), steps, reference(opt, n));
      const r = train(net, X, y, { eta, steps, method, optimizer: opt });
      expect(r.status).toBe('done');
      for (let k = 0; k <= steps; k++) {
        const want = oracle.residualSq[k];
        expect(Math.abs(r.residualSq[k] - want), `${method} ‖y − u(${k})‖²`).toBeLessThanOrEqual(1e-3 * want + 1e-6);
      }
      const Wk = net.weights().W.data;
      let worst = 0, scale = 0;
      for (let i = 0; i < Wk.length; i++) { worst = Math.max(worst, Math.abs(Wk[i] - oracle.W[i])); scale = Math.max(scale, Math.abs(oracle.W[i])); }
      expect(worst / scale, `${method} W(${steps})`).toBeLessThan(1e-3);
      // The result ends with the loss of the net it leaves (Nesterov: the look-ahead point).
      const u = net.predict(X);
      const lossOfNet = u.reduce((sum, v, i) => sum + (v - y[i]) ** 2, 0);
      expect(Math.abs(lossOfNet - r.residualSq[steps]), `${method} final loss against the net's`).toBeLessThanOrEqual(1e-4 * lossOfNet + 1e-7);
      net.dispose();
    }
  });

  it('momentum is not GD: the oracle tells them apart (the test can fail)', () => {
    const n = 13, d = 7, m = 66;
    const { X, X64, y, y64 } = inputs(n, d, 21);
    const net = TwoLayerNet.random({ d, m, seed: 8 });
    const { W, a } = net.weights();
    const hb = optimizerHistory({ X: X64, y: y64, n, d, m, eta: 0.05, model: { act: 'relu' } }, Float64Array.from(W.data), Float64Array.from(a), 30, { kind: 'momentum', beta: 0.9 });
    const gd = train(net, X, y, { eta: 0.05, steps: 30 });
    expect(Math.abs(gd.residualSq[30] - hb.residualSq[30])).toBeGreaterThan(1e-2 * hb.residualSq[30]);
    net.dispose();
  });
});

describe('GD by default, and the edge cases of each optimiser', () => {
  const n = 20, d = 30, m = 200;
  const { X, y } = inputs(n, d, 5);
  const run = (optimizer: Optimizer | undefined, method: 'kernel' | 'primal', steps = 40): { r: Float64Array; W: Float32Array } => {
    const net = TwoLayerNet.random({ d, m, seed: 2 });
    const res = train(net, X, y, { eta: 0.1, steps, method, ...(optimizer ? { optimizer } : {}) });
    const W = Float32Array.from(net.weights().W.data);
    net.dispose();
    return { r: res.residualSq, W };
  };
  it.each(['kernel', 'primal'] as const)("%s: { kind: 'gd' }, β = 0 and SGD with b = n are GD bit for bit", (method) => {
    const base = run(undefined, method);
    for (const opt of [{ kind: 'gd' }, { kind: 'momentum', beta: 0 }, { kind: 'nesterov', beta: 0 }, { kind: 'sgd', batchSize: n }] as Optimizer[]) {
      const got = run(opt, method);
      expect(got.r, JSON.stringify(opt)).toEqual(base.r);
      expect(got.W, JSON.stringify(opt)).toEqual(base.W);
    }
  });

  it.each(['kernel', 'primal'] as const)("%s: estimateTrainingBytes counts each optimiser's buffers (SGD's batch bits too) exactly", (method) => {
    const peakOf = (optimizer: Optimizer): number => {
      const net = TwoLayerNet.random({ d, m, seed: 2 });
      const before = memoryInUse().bytesInUse;
      let peak = 0;
      train(net, X, y, { eta: 0.1, steps: 3, method, optimizer, onStep: () => { peak = Math.max(peak, memoryInUse().bytesInUse - before); } });
      net.dispose();
      return peak;
    };
    const gd = peakOf({ kind: 'gd' }), gdEstimate = estimateTrainingBytes({ n, d, m, method });
    expect(gd).toBeLessThanOrEqual(gdEstimate);
    for (const optimizer of [...OPTIMIZERS, { kind: 'sgd', batchSize: 3 }] as Optimizer[]) {
      // What the optimiser adds to a GD run, against what the estimate adds (the previous state,
      // its snapshot, Z's previous value; in kernel space SGD's batch indices and bits).
      expect(peakOf(optimizer) - gd, JSON.stringify(optimizer)).toBe(estimateTrainingBytes({ n, d, m, method, optimizer }) - gdEstimate);
    }
  });

  it("train's seed is SGD's batch seed, the same as optimizer.seed; refused beside GD or a different optimizer.seed", () => {
    const runWith = (options: { seed?: number; optimizerSeed?: number }): number[] => {
      const net = TwoLayerNet.random({ d, m, seed: 2 });
      const sgd: Optimizer = { kind: 'sgd', batchSize: 3, ...(options.optimizerSeed !== undefined ? { seed: options.optimizerSeed } : {}) };
      const r = train(net, X, y, { eta: 0.1, steps: 6, optimizer: sgd, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
      net.dispose();
      return Array.from(r.residualSq);
    };
    expect(runWith({ seed: 7 })).toEqual(runWith({ optimizerSeed: 7 }));
    expect(runWith({ seed: 7, optimizerSeed: 7 })).toEqual(runWith({ optimizerSeed: 7 }));
    expect(runWith({ seed: 7 })).not.toEqual(runWith({ seed: 8 }));
    const net = TwoLayerNet.random({ d, m, seed: 2 });
    expect(() => train(net, X, y, { eta: 0.1, steps: 1, seed: 7 })).toThrow(/seed seeds SGD's batch shuffle/);
    expect(() => train(net, X, y, { eta: 0.1, steps: 1, seed: 7, optimizer: { kind: 'sgd', batchSize: 3, seed: 8 } })).toThrow(/disagrees with optimizer\.seed/);
    net.dispose();
  });

  it('rejects bad options', () => {
    const net = TwoLayerNet.random({ d, m, seed: 2 });
    for (const optimizer of [{ kind: 'adam' }, { kind: 'momentum', beta: 1 }, { kind: 'momentum' }, { kind: 'sgd', batchSize: 0 }, { kind: 'sgd', batchSize: n + 1 }, { kind: 'sgd', batchSize: 2, seed: -1 }, 'gd']) {
      expect(() => train(net, X, y, { eta: 0.1, steps: 1, optimizer: optimizer as Optimizer }), JSON.stringify(optimizer)).toThrow(/optimizer/);
    }
    net.dispose();
  });

  it('joint training with heavy ball and Nesterov runs and lowers the loss', () => {
    for (const optimizer of [{ kind: 'momentum', beta: 0.5 }, { kind: 'nesterov', beta: 0.5 }] as Optimizer[]) {
      const net = TwoLayerNet.random({ d, m, seed: 2 });
      const r = train(net, X, y, { eta: 0.05, steps: 50, optimizer, trainOutputLayer: true });
      expect(r.status).toBe('done');
      expect(r.residualSq[50]).toBeLessThan(0.5 * r.residualSq[0]);
      // W and a are left at the state the last loss was measured at (Nesterov: both look-ahead).
      const lossOfNet = net.predict(X).reduce((sum, v, i) => sum + (v - y[i]) ** 2, 0);
      expect(Math.abs(lossOfNet - r.residualSq[50]), JSON.stringify(optimizer)).toBeLessThanOrEqual(1e-4 * lossOfNet + 1e-7);
      net.dispose();
    }
  });
});

describe("SGD's batch bits (gatherMaskBits) against a plain gather", () => {
  // Bit j of row r of the result is bit batch[j] of row r; the last word's padding bits cleared.
  it.each([[1, 1, 1], [3, 64, 64], [5, 65, 130], [17, 70, 128], [300, 125, 1000], [2, 7, 7]])(
    'rows = %i, count = %i of %i inputs', (rows, count, inputs) => {
      const words = Math.ceil(inputs / 64), outWords = Math.ceil(count / 64);
      const rand = mulberry32(rows * 1000 + count);
      const bits = new WasmBuffer('u64', rows * words), batch = new WasmBuffer('f32', count), out = new WasmBuffer('u64', rows * outWords);
      try {
        const want: boolean[][] = [];
        const source: boolean[][] = Array.from({ length: rows }, () => Array.from({ length: inputs }, () => rand() < 0.5));
        const w = bits.words();
        source.forEach((row, r) => row.forEach((on, i) => { if (on) w[r * words + (i >> 6)] |= 1n << BigInt(i & 63); }));
        const index = new Int32Array(count);
        for (let j = 0; j < count; j++) index[j] = Math.floor(rand() * inputs);
        new Int32Array(batch.f32().buffer, batch.ptr, count).set(index);
        out.words().fill(0xffffffffffffffffn); // padding must be cleared, not left
        for (let r = 0; r < rows; r++) want.push(Array.from(index, (i) => source[r][i]));
        parallel.gatherMaskBits(bits.ptr, words, rows, batch.ptr, count, out.ptr, outWords);
        const o = out.words();
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < outWords * 64; j++) {
            const got = ((o[r * outWords + (j >> 6)] >> BigInt(j & 63)) & 1n) === 1n;
            expect(got, `row ${r} bit ${j}`).toBe(j < count ? want[r][j] : false);
          }
        }
      } finally {
        bits.free(); batch.free(); out.free();
      }
    });
});

describe('SGD batches', () => {
  it('each epoch is a permutation of 0..n−1 cut into ⌊n/b⌋ batches, reproducible from the seed', () => {
    const n = 23, b = 5, per = Math.floor(n / b);
    const a = new BatchSampler(n, b, 11), again = new BatchSampler(n, b, 11), other = new BatchSampler(n, b, 12);
    const epochs: number[][] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      const seen: number[] = [];
      for (let j = 0; j < per; j++) {
        const batch = Array.from(a.next());
        expect(batch).toEqual(Array.from(again.next()));
        expect(batch).toHaveLength(b);
        seen.push(...batch);
      }
      expect(new Set(seen).size).toBe(per * b); // without replacement within the epoch
      seen.forEach((i) => { expect(i).toBeGreaterThanOrEqual(0); expect(i).toBeLessThan(n); });
      epochs.push(seen);
    }
    expect(epochs[1]).not.toEqual(epochs[0]); // a fresh shuffle each epoch
    const firstOther = Array.from(other.next());
    expect(firstOther).not.toEqual(epochs[0].slice(0, b));
  });

  it('every index is equally likely in a batch (the n/b scaling is unbiased)', () => {
    const n = 10, b = 3, sampler = new BatchSampler(n, b, 1), counts = new Array(n).fill(0);
    const draws = 30000;
    for (let t = 0; t < draws; t++) for (const i of sampler.next()) counts[i]++;
    for (const c of counts) expect(Math.abs(c / draws - b / n)).toBeLessThan(0.01);
  });
});
