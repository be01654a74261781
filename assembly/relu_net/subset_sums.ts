// The GD step's masked sum by the method of Four Russians (DESIGN §5.1's "skip the inactive half of
// D", taken one step further): out[r, :] += s_r Σ_{j ∈ bits_r} P[j, :], the same sum as
// ./masked_sum.ts, read one mask byte at a time from tables of all 256 subset sums of 8
// consecutive rows of P. The list replay adds the ~n/2 active rows of P one by one; a lookup adds
// one entry per 8 inputs, 4× fewer adds. A column block's tables cost 255 adds per 8 inputs and
// are shared by every neuron of the call, so this pays from a few hundred neurons on (the caller,
// src/wasm/parallel.ts, picks it by the total neuron count, never by a thread's share).
// Measured at n = 1000 inputs, 1000 columns, 4000 neurons, one thread: 53 ms against the list
// replay's 140 ms.
//
// Order of the arithmetic (what test/masked_sum.test.ts emulates): a table entry sums its rows in
// increasing j, starting from 0; a neuron sums its entries in increasing byte order, over all its
// input tiles (TILE_WORDS mask words each) in one running f32 sum, and adds s_r·sum into out once.
// Every number depends only on the inputs, never on which rows share a call, so splitting rows
// between threads changes no bit.

/** Inputs a table covers: one byte of a mask word. */
// @ts-ignore: decorator
@inline const TABLE_INPUTS = 8;
// @ts-ignore: decorator
@inline const TABLE_ENTRIES = 256;
/** Columns per block: four f32x4 running sums, one 64-byte table entry. */
// @ts-ignore: decorator
@inline const BLOCK_COLS = 16;
// @ts-ignore: decorator
@inline const ENTRY_BYTES = BLOCK_COLS * 4;
/**
 * Bytes from one table to the next: one entry more than a table holds, so that the same entry of
 * consecutive tables (every lookup of an all-ones or all-zero mask) does not map to one L1 set.
 */
// @ts-ignore: decorator
@inline const TABLE_BYTES = TABLE_ENTRIES * ENTRY_BYTES + ENTRY_BYTES;
/** Mask words per input tile: 256 inputs, 32 tables (0.5 MiB), which stay in a 1 MiB L2. */
// @ts-ignore: decorator
@inline const TILE_WORDS = 4;
// @ts-ignore: decorator
@inline const TABLES_PER_WORD = 64 / TABLE_INPUTS;

/**
 * Bytes of scratch one maskedRowSumByTables call needs for masks of `inputs` bits (its tables and
 * a stage); the running sums of its rows (64 bytes a row) go in a separate buffer.
 */
export function maskedRowSumByTablesScratchBytes(inputs: i32): i32 {
  const words = min(TILE_WORDS, (inputs + 63) >> 6);
  return words * TABLES_PER_WORD * TABLE_BYTES + ENTRY_BYTES;
}

/**
 * out[r, :] += globalScale · rowScale[r] · Σ_{j ∈ bits_r} P[j, :] for the rows × cols f32 out and
 * the inputs × cols f32 P; mask r is wordsPerRow u64 words at bits + 8·r·bitsRowStride, with
 * ⌈inputs/64⌉ ≤ wordsPerRow and no bit set at j ≥ inputs; rowScale may be 0 (all 1).
 * scratch: maskedRowSumByTablesScratchBytes(inputs) bytes; sums: 64·rows bytes, where a row's
 * running sums wait between input tiles, so that out takes one rounded addition per entry however
 * many tiles the inputs span. (Adding each tile's share into out rounds at out's magnitude once per
 * tile: at n = 1000 the primal step's ΔW then differed from TF.js's by 2.1e-3 instead of 4e-5.)
 */
export function maskedRowSumByTables(
  out: usize, rows: i32, cols: i32, P: usize, inputs: i32, rowScale: usize, globalScale: f32,
  bits: usize, wordsPerRow: i32, bitsRowStride: i32, scratch: usize, sums: usize,
): void {
  const rowBytes = <usize>cols << 2;
  const usedWords = (inputs + 63) >> 6;
  const tables = scratch;
  const stage = scratch + <usize>min(TILE_WORDS, usedWords) * TABLES_PER_WORD * TABLE_BYTES;
  const zero = f32x4.splat(0);
  for (let cb = 0; cb < cols; cb += BLOCK_COLS) {
    const width = min(BLOCK_COLS, cols - cb);
    for (let w0 = 0; w0 < usedWords; w0 += TILE_WORDS) {
      const tileWords = min(TILE_WORDS, usedWords - w0);
      const first = w0 == 0, last = w0 + TILE_WORDS >= usedWords;
      buildTables(tables, P, rowBytes, cb, width, w0 << 6, inputs, tileWords * TABLES_PER_WORD, stage);
      for (let r = 0; r < rows; r++) {
        const mask = bits + ((<usize>r * <usize>bitsRowStride + <usize>w0) << 3);
        const sum = sums + (<usize>r << 6);
        let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
        if (!first) {
          a0 = v128.load(sum); a1 = v128.load(sum, 16); a2 = v128.load(sum, 32); a3 = v128.load(sum, 48);
        }
        // Two mask bytes (two tables) an iteration, read straight from memory: a word shifted
        // from one iteration to the next is spilled by V8, and the store-to-load round trip then
        // bounds the loop.
        let t = tables;
        const maskEnd = mask + (<usize>tileWords << 3);
        for (let m = mask; m < maskEnd; m += 2) {
          const bytes = <u32>load<u16>(m);
          const p = t + <usize>((bytes << 6) & 0x3FC0), q = t + <usize>((bytes >> 2) & 0x3FC0);
          a0 = f32x4.add(a0, v128.load(p)); a1 = f32x4.add(a1, v128.load(p, 16));
          a2 = f32x4.add(a2, v128.load(p, 32)); a3 = f32x4.add(a3, v128.load(p, 48));
          a0 = f32x4.add(a0, v128.load(q, TABLE_BYTES)); a1 = f32x4.add(a1, v128.load(q, TABLE_BYTES + 16));
          a2 = f32x4.add(a2, v128.load(q, TABLE_BYTES + 32)); a3 = f32x4.add(a3, v128.load(q, TABLE_BYTES + 48));
          t += 2 * TABLE_BYTES;
        }
        if (!last) {
          v128.store(sum, a0); v128.store(sum, a1, 16); v128.store(sum, a2, 32); v128.store(sum, a3, 48);
          continue;
        }
        const scale = f32x4.splat(globalScale * (rowScale != 0 ? load<f32>(rowScale + (<usize>r << 2)) : <f32>1));
        const o = out + <usize>r * rowBytes + (<usize>cb << 2);
        if (width == BLOCK_COLS) {
          v128.store(o, f32x4.add(v128.load(o), f32x4.mul(scale, a0)));
          v128.store(o, f32x4.add(v128.load(o, 16), f32x4.mul(scale, a1)), 16);
          v128.store(o, f32x4.add(v128.load(o, 32), f32x4.mul(scale, a2)), 32);
          v128.store(o, f32x4.add(v128.load(o, 48), f32x4.mul(scale, a3)), 48);
        } else {
          // The last, partial block: the same lane arithmetic, stored column by column.
          v128.store(stage, f32x4.mul(scale, a0)); v128.store(stage, f32x4.mul(scale, a1), 16);
          v128.store(stage, f32x4.mul(scale, a2), 32); v128.store(stage, f32x4.mul(scale, a3), 48);
          for (let c = 0; c < width; c++) {
            const oc = o + (<usize>c << 2);
            store<f32>(oc, load<f32>(oc) + load<f32>(stage + (<usize>c << 2)));
          }
        }
      }
    }
  }
}

/**
 * Table b (b < tables) of the tile starting at input j0 holds, at entry s, Σ_{k ∈ s} P[j0 + 8b + k,
 * cb … cb+width) (zero-padded to 16 columns; rows at or past `inputs` count as zero), summed in
 * increasing k: entry 2^k + s = entry s + row k, for s < 2^k.
 */
function buildTables(tables: usize, P: usize, rowBytes: usize, cb: i32, width: i32, j0: i32, inputs: i32,
                     tableCount: i32, stage: usize): void {
  const zero = f32x4.splat(0);
  for (let b = 0; b < tableCount; b++) {
    const t = tables + <usize>b * TABLE_BYTES;
    v128.store(t, zero); v128.store(t, zero, 16); v128.store(t, zero, 32); v128.store(t, zero, 48);
    for (let k = 0; k < TABLE_INPUTS; k++) {
      const j = j0 + b * TABLE_INPUTS + k;
      let row = stage;
      memory.fill(stage, 0, ENTRY_BYTES);
      if (j < inputs) {
        const src = P + <usize>j * rowBytes + (<usize>cb << 2);
        if (width == BLOCK_COLS) row = src;
        else memory.copy(stage, src, <usize>width << 2);
      }
      const r0 = v128.load(row), r1 = v128.load(row, 16), r2 = v128.load(row, 32), r3 = v128.load(row, 48);
      const half = 1 << k;
      const upper = t + (<usize>half << 6);
      for (let s = 0; s < half; s++) {
        const src = t + (<usize>s << 6), dst = upper + (<usize>s << 6);
        v128.store(dst, f32x4.add(v128.load(src), r0));
        v128.store(dst, f32x4.add(v128.load(src, 16), r1), 16);
        v128.store(dst, f32x4.add(v128.load(src, 32), r2), 32);
        v128.store(dst, f32x4.add(v128.load(src, 48), r3), 48);
      }
    }
  }
}
