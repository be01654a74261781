// Masked row combinations with a coefficient per (row, bit): out[r] += s_r Σ_{j ∈ bits_r} coef_rj B_j.
// The GD step's combinations share one coefficient vector and run in ./masked_sum.ts; this general
// form rebuilds W(k) = W(0) − S X at the end of a kernel-space run (DESIGN §5.1), where every
// neuron has its own coefficients S_r. The bits are the sparse index, walked with ctz. Columns go
// in blocks of 32 held in eight v128 accumulators, so B's block column stays in cache across all
// neurons.

/** Rows of B walked per pass, in mask words: 2·64 rows × 32 columns × 4 bytes = 16 KiB stays in L1, which halves the L2 traffic two threads share. */
// @ts-ignore: decorator
@inline const WORD_TILE = 2;

// @ts-ignore: decorator
@inline function addScaled(acc: v128, coefficient: v128, p: usize): v128 {
  return f32x4.add(acc, f32x4.mul(coefficient, v128.load(p)));
}

// @ts-ignore: decorator
@inline function storeAddScaled(o: usize, scale: v128, acc: v128): void {
  v128.store(o, f32x4.add(v128.load(o), f32x4.mul(scale, acc)));
}

/**
 * out[r, :] += globalScale · rowScale[r] · Σ_{j ∈ bits_r} coef[r·coefRowStride + j] · B[j, :].
 * out is rows×cols, B has one row per mask bit (only rows whose bit is set are read), each
 * mask is wordsPerRow u64 words. bitsRowStride and coefRowStride may be 0 (one mask / one
 * coefficient vector shared by every row); rowScale may be 0 (every row scale is 1).
 * Each output sums its terms in increasing j, whatever block or tile it falls in, so the result
 * does not depend on how rows are split between threads. `scratch` holds 32 f32 per row (128·rows
 * bytes, 16-byte aligned): the running sums while B is walked one L1-sized tile at a time.
 */
export function rowCombine(
  out: usize, rows: i32, cols: i32, B: usize,
  coef: usize, coefRowStride: i32, rowScale: usize, globalScale: f32,
  bits: usize, wordsPerRow: i32, bitsRowStride: i32, scratch: usize,
): void {
  const rowBytes = <usize>cols << 2;
  const blockEnd = cols & ~31;
  const vecEnd = cols & ~3;
  for (let cb = 0; cb < blockEnd; cb += 32) {
    const colOff = <usize>cb << 2;
    for (let w0 = 0; w0 < wordsPerRow; w0 += WORD_TILE) {
      const w1 = min(w0 + WORD_TILE, wordsPerRow);
      for (let r = 0; r < rows; r++) {
        const mask = bits + (<usize>r * <usize>bitsRowStride << 3);
        const coefRow = coef + (<usize>r * <usize>coefRowStride << 2);
        // The accumulators travel between tiles through scratch, so every lane performs exactly
        // the untiled sequence of operations: tiling changes the speed, never a bit of the result.
        const carry = scratch + (<usize>r << 7);
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
        if (w0 > 0) {
          a0 = v128.load(carry); a1 = v128.load(carry, 16); a2 = v128.load(carry, 32); a3 = v128.load(carry, 48);
          a4 = v128.load(carry, 64); a5 = v128.load(carry, 80); a6 = v128.load(carry, 96); a7 = v128.load(carry, 112);
        }
        for (let w = w0; w < w1; w++) {
          let word = load<u64>(mask + (<usize>w << 3));
          while (word != 0) {
            const j = (w << 6) + <i32>ctz<u64>(word);
            word &= word - 1;
            const c = f32x4.splat(load<f32>(coefRow + (<usize>j << 2)));
            const p = B + <usize>j * rowBytes + colOff;
            a0 = addScaled(a0, c, p); a1 = addScaled(a1, c, p + 16);
            a2 = addScaled(a2, c, p + 32); a3 = addScaled(a3, c, p + 48);
            a4 = addScaled(a4, c, p + 64); a5 = addScaled(a5, c, p + 80);
            a6 = addScaled(a6, c, p + 96); a7 = addScaled(a7, c, p + 112);
          }
        }
        if (w1 < wordsPerRow) {
          v128.store(carry, a0); v128.store(carry, a1, 16); v128.store(carry, a2, 32); v128.store(carry, a3, 48);
          v128.store(carry, a4, 64); v128.store(carry, a5, 80); v128.store(carry, a6, 96); v128.store(carry, a7, 112);
          continue;
        }
        const s = f32x4.splat(globalScale * (rowScale != 0 ? load<f32>(rowScale + (<usize>r << 2)) : <f32>1));
        const o = out + <usize>r * rowBytes + colOff;
        storeAddScaled(o, s, a0); storeAddScaled(o + 16, s, a1);
        storeAddScaled(o + 32, s, a2); storeAddScaled(o + 48, s, a3);
        storeAddScaled(o + 64, s, a4); storeAddScaled(o + 80, s, a5);
        storeAddScaled(o + 96, s, a6); storeAddScaled(o + 112, s, a7);
      }
    }
  }
  // Column tail (cols mod 32): one v128 per 4 columns, then scalars.
  for (let r = 0; r < rows; r++) {
    const mask = bits + (<usize>r * <usize>bitsRowStride << 3);
    const coefRow = coef + (<usize>r * <usize>coefRowStride << 2);
    const scale = globalScale * (rowScale != 0 ? load<f32>(rowScale + (<usize>r << 2)) : <f32>1);
    for (let c4 = blockEnd; c4 < vecEnd; c4 += 4) {
      let acc = f32x4.splat(0);
      for (let w = 0; w < wordsPerRow; w++) {
        let word = load<u64>(mask + (<usize>w << 3));
        while (word != 0) {
          const j = (w << 6) + <i32>ctz<u64>(word);
          word &= word - 1;
          acc = addScaled(acc, f32x4.splat(load<f32>(coefRow + (<usize>j << 2))), B + <usize>j * rowBytes + (<usize>c4 << 2));
        }
      }
      storeAddScaled(out + <usize>r * rowBytes + (<usize>c4 << 2), f32x4.splat(scale), acc);
    }
    for (let c = vecEnd; c < cols; c++) {
      let acc: f32 = 0;
      for (let w = 0; w < wordsPerRow; w++) {
        let word = load<u64>(mask + (<usize>w << 3));
        while (word != 0) {
          const j = (w << 6) + <i32>ctz<u64>(word);
          word &= word - 1;
          acc += load<f32>(coefRow + (<usize>j << 2)) * load<f32>(B + <usize>j * rowBytes + (<usize>c << 2));
        }
      }
      const o = out + <usize>r * rowBytes + (<usize>c << 2);
      store<f32>(o, load<f32>(o) + scale * acc);
    }
  }
}
