// The optimised Gram-matrix and activation-pattern kernels (assembly/ntk/*) against the float64
// oracle and plain-JS bit counting, called directly through kernels() on sizes that hit every
// tail: n and m not divisible by 2, 4, 32 or 64, single rows, zero rows and parallel rows.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, TwoLayerNet } from '../src/index';
import { kernels } from '../src/wasm/loader';
import { WasmBuffer, bufferFrom } from '../src/wasm/memory';
import { upperTriangleRowRanges } from '../src/wasm/parallel';
import { gram, gramInfinity as gramInfinityReference } from './reference/kernels';
import { preactivations } from './reference/network';
import { mulberry32 } from './reference/random';
import { randomCase, relativeError, type Case } from './helpers';

beforeAll(() => init());

const NS = [1, 2, 5, 63, 64, 65, 130];
const MS = [1, 63, 64, 65, 200];
const GRID = NS.flatMap((n) => MS.map((m) => [n, m] as const));

/** Word index of word w of row i in the pair-interleaved row-mask layout (assembly/ntk/patterns.ts). */
function maskWordIndex(i: number, w: number, n: number, wordsPerRow: number): number {
  const pairStart = (i & ~1) * wordsPerRow;
  return (i | 1) < n ? pairStart + 2 * w + (i & 1) : pairStart + w;
}

/** Row i's indicators decoded from a row-mask buffer: out[r] = bit r of row i. */
function maskRow(words: BigUint64Array, i: number, n: number, m: number, wordsPerRow: number): Uint8Array {
  const out = new Uint8Array(m);
  for (let r = 0; r < m; r++) {
    const word = words[maskWordIndex(i, r >> 6, n, wordsPerRow)];
    out[r] = Number((word >> BigInt(r & 63)) & 1n);
  }
  return out;
}

/** The oracle's z_ir = w_rᵀx_i (float64 over the case's float32 values), neuron-major (m×n) like the kernels' ZT. */
function neuronMajorPreactivations({ X64, W64, n, d, m }: Case): Float64Array {
  const Z = preactivations(X64, n, d, W64, m);
  const ZT = new Float64Array(m * n);
  for (let i = 0; i < n; i++) for (let r = 0; r < m; r++) ZT[r * n + i] = Z[i * m + r];
  return ZT;
}

function popcount64(x: bigint): number {
  let count = 0;
  for (; x; x &= x - 1n) count++;
  return count;
}

/**
 * Row masks with f64 signs, as net.gram makes them: float32 Z = W Xᵀ, its signs, then
 * certifyRowMasks recomputes in f64 the signs float32 could have got wrong.
 */
function certifiedRowMasks(W: WasmBuffer, X: WasmBuffer, m: number, n: number, d: number, bits: WasmBuffer, wordsPerRow: number): void {
  const k = kernels();
  const ZT = new WasmBuffer('f32', Math.max(1, m * n)), norms = new WasmBuffer('f64', m + n);
  try {
    k.gemmNT(W.ptr, X.ptr, ZT.ptr, m, n, d);
    k.rowMasksFromPreactivations(ZT.ptr, m, n, bits.ptr, wordsPerRow);
    k.certifyRowMasks(ZT.ptr, W.ptr, X.ptr, m, n, d, bits.ptr, wordsPerRow, norms.ptr);
  } finally {
    ZT.free(); norms.free();
  }
}

/** Fills a buffer with set bits, so a kernel that skips a word is caught. */
function dirty(buffer: WasmBuffer): void {
  buffer.words().fill(0xffffffffffffffffn);
}

describe('certified row masks (f64 signs) and rowMasksFromPreactivations', () => {
  it.each(GRID)('set bit r of row i iff z_ir ≥ 0, padding cleared (n=%i m=%i)', (n, m) => {
    const d = 7;
    const c = randomCase(n, d, m, 100 + n * 7 + m, { rawInputs: true });
    const Z = neuronMajorPreactivations(c);
    // One padding word beyond ⌈m/64⌉: the kernels must clear it, since the Gram kernel reads it.
    const wordsPerRow = Math.ceil(m / 64) + 1;
    const k = kernels();
    const Xb = bufferFrom('f32', c.X.data), Wb = bufferFrom('f32', c.W.data), ZT = bufferFrom('f32', Z);
    const exact = new WasmBuffer('u64', n * wordsPerRow), fromZ = new WasmBuffer('u64', n * wordsPerRow);
    try {
      dirty(exact); dirty(fromZ);
      certifiedRowMasks(Wb, Xb, m, n, d, exact, wordsPerRow);
      k.rowMasksFromPreactivations(ZT.ptr, m, n, fromZ.ptr, wordsPerRow);
      const z32 = ZT.f32();
      for (let i = 0; i < n; i++) {
        const wantExact = Array.from({ length: m }, (_, r) => (Z[r * n + i] >= 0 ? 1 : 0));
        const wantFromZ = Array.from({ length: m }, (_, r) => (z32[r * n + i] >= 0 ? 1 : 0));
        expect(Array.from(maskRow(exact.words(), i, n, m, wordsPerRow))).toEqual(wantExact);
        expect(Array.from(maskRow(fromZ.words(), i, n, m, wordsPerRow))).toEqual(wantFromZ);
        for (const buffer of [exact, fromZ]) {
          const words = buffer.words();
          const last = words[maskWordIndex(i, wordsPerRow - 2, n, wordsPerRow)];
          if (m % 64) expect(last >> BigInt(m % 64)).toBe(0n);
          expect(words[maskWordIndex(i, wordsPerRow - 1, n, wordsPerRow)]).toBe(0n);
        }
      }
    } finally {
      Xb.free(); Wb.free(); ZT.free(); exact.free(); fromZ.free();
    }
  });

  it('gets the f64 sign of pre-activations within float32 round-off of zero', () => {
    // Each w_r is a random vector with its component along one x_i removed in f64 and a tiny
    // one (±1e-9 relative) put back: float32 Z gets many of those signs wrong, f64 does not.
    const n = 37, d = 300, m = 130, wordsPerRow = Math.ceil(m / 64);
    const rand = mulberry32(4242);
    const X = Float32Array.from({ length: n * d }, () => rand() * 2 - 1);
    const W = new Float32Array(m * d);
    for (let r = 0; r < m; r++) {
      const i = r % n, x = X.subarray(i * d, (i + 1) * d);
      const v = Float64Array.from({ length: d }, () => rand() * 2 - 1);
      let vx = 0, xx = 0;
      for (let k = 0; k < d; k++) { vx += v[k] * x[k]; xx += x[k] * x[k]; }
      const tiny = (rand() < 0.5 ? -1 : 1) * 1e-9 * Math.sqrt(xx);
      for (let k = 0; k < d; k++) W[r * d + k] = v[k] - (vx / xx) * x[k] + (tiny / xx) * x[k];
    }
    const X64 = Float64Array.from(X), W64 = Float64Array.from(W);
    const Z = preactivations(X64, n, d, W64, m); // input-major, f64
    const k = kernels();
    const Xb = bufferFrom('f32', X), Wb = bufferFrom('f32', W), ZT = new WasmBuffer('f32', m * n);
    const certified = new WasmBuffer('u64', n * wordsPerRow), fromZ = new WasmBuffer('u64', n * wordsPerRow);
    try {
      certifiedRowMasks(Wb, Xb, m, n, d, certified, wordsPerRow);
      k.gemmNT(Wb.ptr, Xb.ptr, ZT.ptr, m, n, d);
      k.rowMasksFromPreactivations(ZT.ptr, m, n, fromZ.ptr, wordsPerRow);
      let float32Wrong = 0;
      for (let i = 0; i < n; i++) {
        const want = Array.from({ length: m }, (_, r) => (Z[i * m + r] >= 0 ? 1 : 0));
        expect(Array.from(maskRow(certified.words(), i, n, m, wordsPerRow))).toEqual(want);
        const plain = maskRow(fromZ.words(), i, n, m, wordsPerRow);
        for (let r = 0; r < m; r++) if (plain[r] !== want[r]) float32Wrong++;
      }
      // The case must reach the f64 recomputation: float32 alone gets some of these signs wrong.
      expect(float32Wrong).toBeGreaterThan(5);
    } finally {
      Xb.free(); Wb.free(); ZT.free(); certified.free(); fromZ.free();
    }
  });

  it('counts −0 as active and NaN as inactive, like z ≥ 0', () => {
    const n = 70, m = 130, wordsPerRow = 3; // blocks of 32 inputs and the one-at-a-time tail
    const Z = new Float32Array(m * n).map((_, q) => ((q * 2654435761) >>> 0) / 2 ** 32 - 0.5);
    for (let q = 0; q < Z.length; q += 7) Z[q] = -0;
    for (let q = 3; q < Z.length; q += 11) Z[q] = NaN;
    for (let q = 5; q < Z.length; q += 13) Z[q] = 0;
    const ZT = bufferFrom('f32', Z), bits = new WasmBuffer('u64', n * wordsPerRow);
    try {
      kernels().rowMasksFromPreactivations(ZT.ptr, m, n, bits.ptr, wordsPerRow);
      for (let i = 0; i < n; i++) {
        const want = Array.from({ length: m }, (_, r) => (Z[r * n + i] >= 0 ? 1 : 0));
        expect(Array.from(maskRow(bits.words(), i, n, m, wordsPerRow))).toEqual(want);
      }
    } finally {
      ZT.free(); bits.free();
    }
  });
});

describe('linearKernel', () => {
  it.each(NS)('K = X Xᵀ in f64 to 1e-13, exactly symmetric (n=%i)', (n) => {
    for (const d of [1, 2, 3, 8, 33]) {
      const c = randomCase(n, d, 1, 7 * n + d, { rawInputs: true });
      const Xb = bufferFrom('f32', c.X.data), K = new WasmBuffer('f64', n * n);
      try {
        K.f64().fill(NaN);
        kernels().linearKernel(Xb.ptr, n, d, K.ptr);
        const got = K.f64();
        // K_ij = x_iᵀx_j: the oracle's pre-activations with the inputs as the weights.
        expect(relativeError(got, preactivations(c.X64, n, d, c.X64, n))).toBeLessThan(1e-13);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(got[i * n + j]).toBe(got[j * n + i]);
      } finally {
        Xb.free(); K.free();
      }
    }
  });

  it.each([1, 2, 3, 5, 17, 64, 65, 130])('linearKernelRows over any split of the rows gives linearKernel bit for bit (n=%i)', (n) => {
    const d = 7;
    const c = randomCase(n, d, 1, 31 * n + 5, { rawInputs: true });
    const k = kernels();
    const Xb = bufferFrom('f32', c.X.data), whole = new WasmBuffer('f64', n * n), K = new WasmBuffer('f64', n * n);
    try {
      k.linearKernel(Xb.ptr, n, d, whole.ptr);
      const want = whole.f64();
      for (const split of rowSplits(n)) {
        K.f64().fill(NaN);
        for (const [r0, r1] of split) k.linearKernelRows(Xb.ptr, n, d, K.ptr, r0, r1);
        const got = K.f64();
        for (let e = 0; e < n * n; e++) expect(Object.is(got[e], want[e])).toBe(true);
      }
    } finally {
      Xb.free(); whole.free(); K.free();
    }
  });
});

describe('gramFromMasks', () => {
  it.each(GRID)('H_ij = K_ij·(count·(1/m)) bit for bit, and eq. (5) to 1e-13 (n=%i m=%i)', (n, m) => {
    const d = 5;
    const c = randomCase(n, d, m, 900 + n * 3 + m, { rawInputs: true });
    const X = c.X.data as Float32Array;
    const wordsPerRow = Math.ceil(m / 64);
    const k = kernels();
    const Xb = bufferFrom('f32', X), Wb = bufferFrom('f32', c.W.data);
    const K = new WasmBuffer('f64', n * n), H = new WasmBuffer('f64', n * n);
    const bits = new WasmBuffer('u64', n * wordsPerRow);
    try {
      k.linearKernel(Xb.ptr, n, d, K.ptr);
      certifiedRowMasks(Wb, Xb, m, n, d, bits, wordsPerRow);
      // Twice: a second pass over a used H must give the same matrix.
      k.gramFromMasks(bits.ptr, wordsPerRow, K.ptr, n, m, H.ptr);
      H.f64().fill(NaN);
      k.gramFromMasks(bits.ptr, wordsPerRow, K.ptr, n, m, H.ptr);
      const words = bits.words(), Kv = K.f64(), got = H.f64();
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let count = 0;
          for (let w = 0; w < wordsPerRow; w++) {
            count += popcount64(words[maskWordIndex(i, w, n, wordsPerRow)] & words[maskWordIndex(j, w, n, wordsPerRow)]);
          }
          const upper = Math.min(i, j) * n + Math.max(i, j);
          expect(Object.is(got[i * n + j], Kv[upper] * (count * (1 / m)))).toBe(true);
        }
      }
      expect(relativeError(got, gram(c.X64, n, d, c.W64, m))).toBeLessThan(1e-13);
    } finally {
      Xb.free(); Wb.free(); K.free(); H.free(); bits.free();
    }
  });

  it('gives a zero row and column for a zero input, K_ij·|M_i|/m for parallel inputs', () => {
    const n = 65, d = 4, m = 65;
    const c = randomCase(n, d, m, 4242, { rawInputs: true });
    const X = c.X.data as Float32Array;
    X.fill(0, 3 * d, 4 * d); // row 3 is zero
    for (let k = 0; k < d; k++) X[64 * d + k] = 2.5 * X[10 * d + k]; // the unpaired last row ∥ row 10
    const net = TwoLayerNet.fromWeights(c.W, c.a);
    try {
      const H = net.gram(c.X).data;
      for (let j = 0; j < n; j++) { expect(H[3 * n + j]).toBe(0); expect(H[j * n + 3]).toBe(0); }
      // Parallel with a positive factor: identical patterns, so the shared count is |M_10|.
      expect(H[10 * n + 64] / H[10 * n + 10]).toBeCloseTo(2.5, 5);
      expect(relativeError(H, gram(Float64Array.from(X), n, d, c.W64, m))).toBeLessThan(1e-13);
    } finally {
      net.dispose();
    }
  });

  it.each(GRID)('TwoLayerNet.gram matches eq. (5) to 1e-13 (n=%i m=%i)', (n, m) => {
    const d = 3;
    const c = randomCase(n, d, m, 31 * n + m, { rawInputs: true });
    const net = TwoLayerNet.fromWeights(c.W, c.a);
    try {
      expect(relativeError(net.gram(c.X).data, gram(c.X64, n, d, c.W64, m))).toBeLessThan(1e-13);
    } finally {
      net.dispose();
    }
  });
});

/** Splits of [0, n) the threads may use: balanced ones for 1–4 threads and one range per pair. */
function rowSplits(n: number): [number, number][][] {
  const everyPair = Array.from({ length: Math.ceil(n / 2) }, (_, p) => [2 * p, Math.min(n, 2 * p + 2)] as [number, number]);
  return [1, 2, 3, 4].map((parts) => upperTriangleRowRanges(n, parts)).concat([everyPair]);
}

describe('gramFromMaskRows (one thread\'s share of gramFromMasks)', () => {
  const SPLIT_NS = [1, 2, 3, 5, 17, 64, 65, 130]; // 17: one 16-row block of pairs and an odd row
  const SPLIT_GRID = SPLIT_NS.flatMap((n) => MS.map((m) => [n, m] as const));

  it.each(SPLIT_GRID)('row ranges together give gramFromMasks bit for bit, and eq. (5) to 1e-13 (n=%i m=%i)', (n, m) => {
    const d = 4;
    const c = randomCase(n, d, m, 700 + n * 5 + m, { rawInputs: true });
    const wordsPerRow = Math.ceil(m / 64);
    const k = kernels();
    const Xb = bufferFrom('f32', c.X.data), Wb = bufferFrom('f32', c.W.data);
    const K = new WasmBuffer('f64', n * n), H = new WasmBuffer('f64', n * n), whole = new WasmBuffer('f64', n * n);
    const bits = new WasmBuffer('u64', n * wordsPerRow);
    try {
      k.linearKernel(Xb.ptr, n, d, K.ptr);
      certifiedRowMasks(Wb, Xb, m, n, d, bits, wordsPerRow);
      k.gramFromMasks(bits.ptr, wordsPerRow, K.ptr, n, m, whole.ptr);
      const want = whole.toFloat64();
      expect(relativeError(want, gram(c.X64, n, d, c.W64, m))).toBeLessThan(1e-13);
      for (const split of rowSplits(n)) {
        H.f64().fill(NaN);
        // An empty range must write nothing.
        k.gramFromMaskRows(bits.ptr, wordsPerRow, K.ptr, n, m, H.ptr, 0, 0);
        expect(H.f64().every(Number.isNaN)).toBe(true);
        for (const [r0, r1] of split) k.gramFromMaskRows(bits.ptr, wordsPerRow, K.ptr, n, m, H.ptr, r0, r1);
        const got = H.f64();
        for (let q = 0; q < n * n; q++) if (!Object.is(got[q], want[q])) expect([q, got[q]]).toEqual([q, want[q]]);
      }
    } finally {
      Xb.free(); Wb.free(); K.free(); H.free(); whole.free(); bits.free();
    }
  });

  it.each([[1, 1], [2, 64], [3, 65], [7, 130], [66, 200]] as const)(
    'counts all-zero, all-one and random pattern rows exactly (n=%i m=%i)', (n, m) => {
      const wordsPerRow = Math.ceil(m / 64);
      const rand = mulberry32(n * 1000 + m);
      const k = kernels();
      const bits = new WasmBuffer('u64', n * wordsPerRow);
      const K = new WasmBuffer('f64', n * n), H = new WasmBuffer('f64', n * n);
      try {
        const words = bits.words();
        for (let i = 0; i < n; i++) {
          for (let w = 0; w < wordsPerRow; w++) {
            const valid = Math.min(64, m - 64 * w);
            const mask = valid === 64 ? 2n ** 64n - 1n : (1n << BigInt(valid)) - 1n;
            const random = (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
            // Row 0 all zero, row n − 1 all one (the unpaired row when n is odd), the rest random.
            const word = i === 0 ? 0n : i === n - 1 ? mask : random & mask;
            words[maskWordIndex(i, w, n, wordsPerRow)] = word;
          }
        }
        const Kv = K.f64();
        for (let i = 0; i < n; i++) for (let j = i; j < n; j++) Kv[i * n + j] = Kv[j * n + i] = 1 + rand();
        for (const split of rowSplits(n)) {
          H.f64().fill(NaN);
          for (const [r0, r1] of split) k.gramFromMaskRows(bits.ptr, wordsPerRow, K.ptr, n, m, H.ptr, r0, r1);
          const got = H.f64(), w64 = bits.words();
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              let count = 0;
              for (let w = 0; w < wordsPerRow; w++) {
                count += popcount64(w64[maskWordIndex(i, w, n, wordsPerRow)] & w64[maskWordIndex(j, w, n, wordsPerRow)]);
              }
              if (i === 0 || j === 0) expect(count).toBe(0);
              const upper = Math.min(i, j) * n + Math.max(i, j);
              expect(Object.is(got[i * n + j], Kv[upper] * (count * (1 / m)))).toBe(true);
            }
          }
        }
      } finally {
        bits.free(); K.free(); H.free();
      }
    });

  it('upperTriangleRowRanges covers [0, n) in order with even starts and about equal work', () => {
    for (let n = 0; n <= 70; n++) {
      for (let parts = 1; parts <= 4; parts++) {
        const ranges = upperTriangleRowRanges(n, parts);
        expect(ranges.length).toBeLessThanOrEqual(parts);
        let next = 0;
        for (const [r0, r1] of ranges) {
          expect(r0).toBe(next);
          expect(r0 % 2).toBe(0);
          expect(r1).toBeGreaterThan(r0);
          next = r1;
        }
        expect(next).toBe(n);
      }
    }
    // Work of a range = 2×2 tiles from its pairs to the end: within one pair's work of the mean.
    const n = 1000, pairs = n / 2;
    const tiles = ([r0, r1]: [number, number]): number => {
      let t = 0;
      for (let p = r0 / 2; p < r1 / 2; p++) t += pairs - p;
      return t;
    };
    for (const parts of [2, 3, 4]) {
      const mean = (pairs * (pairs + 1)) / 2 / parts;
      for (const range of upperTriangleRowRanges(n, parts)) expect(Math.abs(tiles(range) - mean)).toBeLessThanOrEqual(pairs);
    }
  });
});

describe('rowMaskWordsFromPreactivations (one thread\'s share of rowMasksFromPreactivations)', () => {
  it.each(GRID)('word ranges together give rowMasksFromPreactivations bit for bit, padding cleared (n=%i m=%i)', (n, m) => {
    const wordsPerRow = Math.ceil(m / 64) + 1; // one padding word
    const rand = mulberry32(n * 31 + m);
    const Z = new Float32Array(m * n).map(() => rand() - 0.5);
    const k = kernels();
    const ZT = bufferFrom('f32', Z);
    const whole = new WasmBuffer('u64', n * wordsPerRow), parts = new WasmBuffer('u64', n * wordsPerRow);
    try {
      dirty(whole);
      k.rowMasksFromPreactivations(ZT.ptr, m, n, whole.ptr, wordsPerRow);
      const want = Array.from(whole.words());
      const cuts = [...new Set([0, 1, wordsPerRow >> 1, wordsPerRow - 1, wordsPerRow])].sort((x, y) => x - y);
      for (const split of [[0, wordsPerRow], cuts, Array.from({ length: wordsPerRow + 1 }, (_, w) => w)]) {
        dirty(parts);
        for (let q = 0; q + 1 < split.length; q++) {
          k.rowMaskWordsFromPreactivations(ZT.ptr, m, n, parts.ptr, wordsPerRow, split[q], split[q + 1]);
        }
        expect(Array.from(parts.words())).toEqual(want);
      }
    } finally {
      ZT.free(); whole.free(); parts.free();
    }
  });
});

describe('gramInfinity kernel', () => {
  // Float64 throughout (the oracle gets the same float32 inputs), so 1e-13, not float32's 1e-6.
  it.each(NS)('matches Theorem 3.1 to 1e-13 (n=%i)', (n) => {
    const d = 6;
    const c = randomCase(n, d, 1, 5 * n, { rawInputs: true });
    const k = kernels();
    const Xb = bufferFrom('f32', c.X.data), K = new WasmBuffer('f64', n * n), H = new WasmBuffer('f64', n * n);
    try {
      k.linearKernel(Xb.ptr, n, d, K.ptr);
      k.gramInfinity(K.ptr, n, H.ptr);
      expect(relativeError(H.f64(), gramInfinityReference(c.X64, n, d))).toBeLessThan(1e-13);
    } finally {
      Xb.free(); K.free(); H.free();
    }
  });
});

describe('countChangedBits', () => {
  it('counts the set bits of a XOR b for every length 0…70 and several passes', () => {
    const rand = mulberry32(17);
    const length = 70;
    const a = new WasmBuffer('u64', length), b = new WasmBuffer('u64', length);
    try {
      for (let pass = 0; pass < 3; pass++) {
        const word = (): bigint => (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
        const wa = a.words(), wb = b.words();
        for (let w = 0; w < length; w++) { wa[w] = word(); wb[w] = pass === 2 ? wa[w] : word(); }
        let want = 0;
        for (let words = 0; words <= length; words++) {
          expect(kernels().countChangedBits(a.ptr, b.ptr, words)).toBe(want);
          if (words < length) want += popcount64(wa[words] ^ wb[words]);
        }
      }
    } finally {
      a.free(); b.free();
    }
  });
});

/**
 * peakMulAdd's checksum simulated in float32: twelve accumulators (splat over four lanes) run
 * a ← f32(f32(a·α) + β), are summed lane-wise in its f32 tree, and the four equal lanes are added
 * in f64. (f32 products are exact in f64 and f64 has more than 2·24 + 2 bits, so rounding the f64
 * results to f32 rounds each operation exactly once.)
 */
function peakMulAddChecksum(iterations: number): number {
  const f = Math.fround, alpha = f(0.999), beta = f(0.001);
  const a = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.2].map(f);
  for (let k = 0; k < iterations; k++) for (let q = 0; q < 12; q++) a[q] = f(f(a[q] * alpha) + beta);
  const add = (x: number, y: number): number => f(x + y);
  const lane = add(add(add(a[0], a[1]), add(a[2], a[3])),
    add(add(add(a[4], a[5]), add(a[6], a[7])), add(add(a[8], a[9]), add(a[10], a[11]))));
  return lane + lane + lane + lane;
}

describe('peak kernels', () => {
  it('peakMulAdd runs exactly `iterations` rounds (its checksum equals a float32 simulation)', () => {
    for (const iterations of [0, 1, 7, 1000]) expect(kernels().peakMulAdd(iterations)).toBe(peakMulAddChecksum(iterations));
  });

  it('streamRead sums exactly the first `bytes` bytes as i64 words', () => {
    const words = 64;
    const buffer = new WasmBuffer('u64', words);
    try {
      // Word q holds q + 1, the last one −1 (all bits set): the checksum is a signed i64 sum.
      buffer.words().set(Array.from({ length: words }, (_, q) => (q === words - 1 ? 2n ** 64n - 1n : BigInt(q + 1))));
      for (let blocks = 0; blocks <= words / 8; blocks++) {
        const read = 8 * blocks; // 64 bytes = 8 words a block
        const want = (read * (read + 1)) / 2 - (read === words ? words + 1 : 0);
        expect(kernels().streamRead(buffer.ptr, 64 * blocks)).toBe(want);
      }
    } finally {
      buffer.free();
    }
  });
});
