// The GD step's hot loop in its two forms against plain float32 emulations of their sums
// (Math.fround after every operation): the list replay (assembly/relu_net/masked_sum.ts) adds the
// active rows j ascending; the subset-sum tables (assembly/relu_net/subset_sums.ts) add one entry
// per mask byte, each entry the sum of its rows j ascending. Each kernel's promise is bit-equality
// with its order, whatever its tiling (the tables' 256-input tiles included), grouping and column
// blocking.
import { describe, it, expect, beforeAll } from 'vitest';
import { loadKernels, kernels } from '../src/wasm/loader.js';
import { WasmBuffer, bufferFrom, freeAll } from '../src/wasm/memory.js';
import { maskedRowSumScratchBytes } from '../src/wasm/parallel.js';
import { mulberry32 } from './reference/random.js';

beforeAll(async () => {
  await loadKernels();
});

const f = Math.fround;

interface Case {
  rows: number; cols: number; bitCount: number; shared: boolean; withRowScale: boolean; density: number;
  /** Run maskedRowSumByTables instead of the list replay. */
  tables?: boolean;
}


/** out_r += s_r Σ_{j ∈ bits_r} f32(coef_j B_j), in f32, j ascending; s_r = f32(f32(global) · rowScale_r). */
function emulate(out: Float32Array, c: Case, B: Float32Array, coef: Float32Array, rowScale: Float32Array | undefined,
  globalScale: number, masks: boolean[][]): Float32Array {
  const result = Float32Array.from(out);
  for (let r = 0; r < c.rows; r++) {
    const mask = masks[c.shared ? 0 : r];
    const scale = f(f(globalScale) * (rowScale ? rowScale[r] : 1));
    for (let k = 0; k < c.cols; k++) {
      let sum = 0;
      for (let j = 0; j < c.bitCount; j++) if (mask[j]) sum = f(sum + f(coef[j] * B[j * c.cols + k]));
      result[r * c.cols + k] = f(result[r * c.cols + k] + f(scale * sum));
    }
  }
  return result;
}

/**
 * The tables' order: sum = Σ over the mask bytes (ascending, the mask padded to whole words) of
 * entry(byte) = Σ_{j in the byte, active} f32(coef_j B_j) (j ascending, from 0), one running sum
 * across the 256-input tiles; out_r += s_r · sum once.
 */
function emulateTables(out: Float32Array, c: Case, B: Float32Array, coef: Float32Array, rowScale: Float32Array | undefined,
  globalScale: number, masks: boolean[][]): Float32Array {
  const result = Float32Array.from(out);
  const paddedInputs = Math.ceil(c.bitCount / 64) * 64;
  for (let r = 0; r < c.rows; r++) {
    const mask = masks[c.shared ? 0 : r];
    const scale = f(f(globalScale) * (rowScale ? rowScale[r] : 1));
    for (let k = 0; k < c.cols; k++) {
      let sum = 0;
      for (let byte = 0; byte < paddedInputs; byte += 8) {
        let entry = 0;
        for (let j = byte; j < byte + 8 && j < c.bitCount; j++) if (mask[j]) entry = f(entry + f(coef[j] * B[j * c.cols + k]));
        sum = f(sum + entry);
      }
      result[r * c.cols + k] = f(result[r * c.cols + k] + f(scale * sum));
    }
  }
  return result;
}

function packMasks(masks: boolean[][], wordsPerRow: number): BigUint64Array {
  const words = new BigUint64Array(masks.length * wordsPerRow);
  masks.forEach((mask, r) => mask.forEach((on, j) => {
    if (on) words[r * wordsPerRow + (j >> 6)] |= 1n << BigInt(j & 63);
  }));
  return words;
}

function run(c: Case, seed: number): void {
  const rand = mulberry32(seed);
  const k = kernels();
  const wordsPerRow = Math.ceil(c.bitCount / 64);
  const B = Float32Array.from({ length: c.bitCount * c.cols }, () => rand() * 2 - 1);
  const coef = Float32Array.from({ length: c.bitCount }, () => rand() * 4 - 2);
  const rowScale = c.withRowScale ? Float32Array.from({ length: c.rows }, () => rand() - 0.5) : undefined;
  const out0 = Float32Array.from({ length: c.rows * c.cols }, () => rand() - 0.5);
  const masks = Array.from({ length: c.shared ? 1 : c.rows }, () => Array.from({ length: c.bitCount }, () => rand() < c.density));
  const globalScale = -0.37;
  const want = (c.tables ? emulateTables : emulate)(out0, c, B, coef, rowScale, globalScale, masks);

  const Bb = bufferFrom('f32', B), coefB = bufferFrom('f32', coef), out = bufferFrom('f32', out0);
  const P = new WasmBuffer('f32', Math.max(1, B.length));
  const bits = new WasmBuffer('u64', Math.max(1, masks.length * wordsPerRow));
  const scale = rowScale ? bufferFrom('f32', rowScale) : undefined;
  const scratch = new WasmBuffer('f32', maskedRowSumScratchBytes(c.cols, c.bitCount, c.rows, 1) / 4);
  try {
    bits.words().set(packMasks(masks, wordsPerRow));
    k.scaleRows(P.ptr, Bb.ptr, coefB.ptr, c.bitCount, c.cols);
    if (c.tables) {
      k.maskedRowSumByTables(out.ptr, c.rows, c.cols, P.ptr, c.bitCount, scale?.ptr ?? 0, globalScale, bits.ptr, wordsPerRow,
        c.shared ? 0 : wordsPerRow, scratch.ptr, scratch.ptr + k.maskedRowSumByTablesScratchBytes(c.bitCount));
    } else {
      k.maskedRowSum(out.ptr, c.rows, c.cols, P.ptr, scale?.ptr ?? 0, globalScale, bits.ptr, wordsPerRow,
        c.shared ? 0 : wordsPerRow, scratch.ptr);
    }
    const got = out.f32();
    for (let i = 0; i < want.length; i++) {
      if (!Object.is(got[i], want[i])) {
        throw new Error(`${JSON.stringify(c)}: entry ${i} (row ${Math.floor(i / c.cols)}, column ${i % c.cols}) is ${got[i]}, want ${want[i]}`);
      }
    }
  } finally {
    freeAll(Bb, coefB, out, P, bits, scratch, ...(scale ? [scale] : []));
  }
}

describe('scaleRows + maskedRowSum', () => {
  // Row counts around the 16-row group, columns around the 16-column block and the f32x4 tail,
  // mask lengths around a word and the two-word tile.
  const rowsList = [1, 15, 16, 17, 40];
  const colsList = [1, 3, 4, 5, 15, 16, 17, 33, 70];
  const bitCounts = [1, 63, 64, 65, 128, 129, 200];

  for (const rows of rowsList) {
    it(`equals the float32 emulation bit for bit, ${rows} row(s), every column count and mask length`, () => {
      let seed = rows * 1000;
      for (const cols of colsList) {
        for (const bitCount of bitCounts) {
          run({ rows, cols, bitCount, shared: false, withRowScale: true, density: 0.5 }, seed++);
        }
      }
    });
  }

  it('handles a shared mask, no row scales, empty and full masks', () => {
    let seed = 1;
    for (const density of [0, 1, 0.03, 0.97]) {
      for (const shared of [true, false]) {
        run({ rows: 19, cols: 21, bitCount: 131, shared, withRowScale: false, density }, seed++);
      }
    }
  });

  it('stays inside the scratch its ...ScratchBytes asks for, either kernel', () => {
    // parallel.ts sizes every thread's slice from these two functions of the core; a kernel that
    // wrote past what its function says would overwrite the guard after its region.
    const GUARD = 1024, SENTINEL = 0x7fc0dead;
    const k = kernels();
    for (const [rows, cols, inputs] of [[19, 21, 300], [300, 37, 300], [256, 1000, 65], [40, 5, 1000], [3, 16, 64]]) {
      const wordsPerRow = Math.ceil(inputs / 64);
      const rand = mulberry32(rows * 7 + cols);
      const P = bufferFrom('f32', Float32Array.from({ length: inputs * cols }, () => rand() - 0.5));
      const bits = new WasmBuffer('u64', rows * wordsPerRow);
      bits.words().set(packMasks(Array.from({ length: rows }, () => Array.from({ length: inputs }, () => rand() < 0.5)), wordsPerRow));
      const out = new WasmBuffer('f32', rows * cols);
      const listBytes = k.maskedRowSumScratchBytes(cols), tableBytes = k.maskedRowSumByTablesScratchBytes(inputs);
      const lists = new WasmBuffer('f32', listBytes / 4 + GUARD), tables = new WasmBuffer('f32', tableBytes / 4 + GUARD);
      const sums = new WasmBuffer('f32', 16 * rows + GUARD);
      const guards = () => [[lists, listBytes], [tables, tableBytes], [sums, 64 * rows]] as const;
      try {
        for (const [b, bytes] of guards()) new Int32Array(b.f32().buffer, b.ptr + bytes, GUARD).fill(SENTINEL);
        k.maskedRowSum(out.ptr, rows, cols, P.ptr, 0, 1, bits.ptr, wordsPerRow, wordsPerRow, lists.ptr);
        k.maskedRowSumByTables(out.ptr, rows, cols, P.ptr, inputs, 0, 1, bits.ptr, wordsPerRow, wordsPerRow, tables.ptr, sums.ptr);
        for (const [b, bytes] of guards()) {
          expect(new Int32Array(b.f32().buffer, b.ptr + bytes, GUARD).every((v) => v === SENTINEL),
            `rows ${rows}, cols ${cols}, inputs ${inputs}, region of ${bytes} bytes`).toBe(true);
        }
      } finally {
        freeAll(P, bits, out, lists, tables, sums);
      }
    }
  });

  it('lays out a slice a thread plus the tables\' row sums', () => {
    const k = kernels();
    for (const [cols, inputs] of [[1, 0], [16, 65], [1000, 5000]]) {
      const perThread = Math.max(k.maskedRowSumScratchBytes(cols), k.maskedRowSumByTablesScratchBytes(inputs));
      expect(maskedRowSumScratchBytes(cols, inputs, 300, 3)).toBe(3 * perThread + 64 * 300);
    }
  });
});

describe('scaleRows + maskedRowSumByTables (subset sums)', () => {
  // Mask lengths around a table (8 inputs), a word (64) and a tile (256); columns around the
  // 16-column block, whose last partial block is stored column by column.
  const colsList = [1, 4, 15, 16, 17, 33];
  const bitCounts = [1, 7, 8, 9, 63, 64, 65, 255, 256, 257, 600];

  for (const rows of [1, 3, 20]) {
    it(`equals the float32 emulation of its order bit for bit, ${rows} row(s), every column count and mask length`, () => {
      let seed = 50_000 + rows * 1000;
      for (const cols of colsList) {
        for (const bitCount of bitCounts) {
          run({ rows, cols, bitCount, shared: false, withRowScale: true, density: 0.5, tables: true }, seed++);
        }
      }
    });
  }

  it('handles a shared mask, no row scales, empty and full masks', () => {
    let seed = 60_000;
    for (const density of [0, 1, 0.03, 0.97]) {
      for (const shared of [true, false]) {
        run({ rows: 19, cols: 21, bitCount: 300, shared, withRowScale: false, density, tables: true }, seed++);
      }
    }
  });

  it('agrees with the list replay to float32 round-off', () => {
    const k = kernels();
    const rows = 40, cols = 50, inputs = 700, wordsPerRow = Math.ceil(inputs / 64);
    const rand = mulberry32(91);
    const P = bufferFrom('f32', Float32Array.from({ length: inputs * cols }, () => rand() - 0.5));
    const masks = Array.from({ length: rows }, () => Array.from({ length: inputs }, () => rand() < 0.5));
    const bits = new WasmBuffer('u64', rows * wordsPerRow);
    bits.words().set(packMasks(masks, wordsPerRow));
    const lists = new WasmBuffer('f32', rows * cols), tables = new WasmBuffer('f32', rows * cols);
    const scratch = new WasmBuffer('f32', maskedRowSumScratchBytes(cols, inputs, rows, 1) / 4);
    try {
      k.maskedRowSum(lists.ptr, rows, cols, P.ptr, 0, 1, bits.ptr, wordsPerRow, wordsPerRow, scratch.ptr);
      k.maskedRowSumByTables(tables.ptr, rows, cols, P.ptr, inputs, 0, 1, bits.ptr, wordsPerRow, wordsPerRow, scratch.ptr,
        scratch.ptr + k.maskedRowSumByTablesScratchBytes(inputs));
      const a = lists.f32(), b = tables.f32();
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      // ~350 terms of size ≤ 0.5: sums of order 10, round-off of order 350 · 2⁻²⁴ · 10.
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThan(1e-3);
    } finally {
      freeAll(P, bits, lists, tables, scratch);
    }
  });
});
