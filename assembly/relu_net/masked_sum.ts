// The hot loop of both training paths (DESIGN §5.1). A gradient row is a masked combination of
// rows of B: the primal step uses B = X (∂L/∂w_r = c_r Σ_i e_i 1{z_ir ≥ 0} x_i, eq. 4), the
// kernel-space step B = K = X Xᵀ (z_r ← z_r − η c_r Σ_j e_j 1{z_jr ≥ 0} K_j). The coefficients e
// are shared by every neuron, so scaleRows folds them into P = diag(e) B once a step and the
// masked sum only adds rows of P: P's entries are the very products e_j·B_jk the fused loop would
// round, so the result is bit-for-bit the same and the multiply leaves the hot loop.
//
// Shape of the loop (measured on Zen 4 / V8, n = 1000, m = 10 000): the activation bits of a group
// of 16 neurons are decoded once per tile of 128 inputs into lists of P-row offsets, and the lists
// are replayed for every 16-column block of P; four f32x4 running sums and two list entries per
// iteration keep V8 from spilling a sum to the stack (eight sums did, and the store-to-load
// round trip then bounded the loop). P's tile (128 rows × 64 bytes) stays in L1 across the group.

/** Inputs per tile, in 64-bit mask words. */
// @ts-ignore: decorator
@inline const WORD_TILE = 2;
/** Neurons decoded together; their running sums (16 × cols f32) stay in L2. */
// @ts-ignore: decorator
@inline const GROUP_ROWS = 16;
// @ts-ignore: decorator
@inline const LIST_ENTRIES = WORD_TILE * 64;
/** Columns per block: four f32x4 running sums. */
// @ts-ignore: decorator
@inline const BLOCK_COLS = 16;

/** P[j, :] = coef[j] · B[j, :] for the rows × cols f32 matrix B (P may not alias B). */
export function scaleRows(P: usize, B: usize, coef: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  const vecEnd = cols & ~3;
  for (let j = 0; j < rows; j++) {
    const c = load<f32>(coef + (<usize>j << 2));
    const cv = f32x4.splat(c);
    const src = B + <usize>j * rowBytes, dst = P + <usize>j * rowBytes;
    let k = 0;
    for (; k < vecEnd; k += 4) v128.store(dst + (<usize>k << 2), f32x4.mul(cv, v128.load(src + (<usize>k << 2))));
    for (; k < cols; k++) store<f32>(dst + (<usize>k << 2), c * load<f32>(src + (<usize>k << 2)));
  }
}

/** Bytes of scratch one maskedRowSum call needs for rows of `cols` columns. */
export function maskedRowSumScratchBytes(cols: i32): i32 {
  return GROUP_ROWS * ((((cols + 3) & ~3) << 2) + (LIST_ENTRIES << 2) + 4);
}

/**
 * out[r, :] += globalScale · rowScale[r] · Σ_{j ∈ bits_r} P[j, :], sums in f32 in increasing j.
 * out is rows × cols; P has one row per mask bit; mask r is wordsPerRow u64 words at
 * bits + 8·r·bitsRowStride (bitsRowStride 0: one mask for every row); rowScale may be 0 (all 1).
 * Each output row's arithmetic is the same whatever rows share its call, so splitting rows
 * between threads changes no bit. scratch: maskedRowSumScratchBytes(cols) bytes.
 */
export function maskedRowSum(
  out: usize, rows: i32, cols: i32, P: usize, rowScale: usize, globalScale: f32,
  bits: usize, wordsPerRow: i32, bitsRowStride: i32, scratch: usize,
): void {
  const rowBytes = <usize>cols << 2;
  const sumStride = <usize>((cols + 3) & ~3) << 2;
  const sums = scratch;
  const lists = sums + <usize>GROUP_ROWS * sumStride;
  const counts = lists + (<usize>(GROUP_ROWS * LIST_ENTRIES) << 2);
  const blockEnd = cols - cols % BLOCK_COLS;
  const vecEnd = cols & ~3;
  for (let g0 = 0; g0 < rows; g0 += GROUP_ROWS) {
    const groupRows = min(GROUP_ROWS, rows - g0);
    memory.fill(sums, 0, <usize>groupRows * sumStride);
    for (let w0 = 0; w0 < wordsPerRow; w0 += WORD_TILE) {
      decodeLists(bits, g0, groupRows, w0, min(w0 + WORD_TILE, wordsPerRow), bitsRowStride, rowBytes, lists, counts);
      for (let cb = 0; cb < blockEnd; cb += BLOCK_COLS) {
        const tile = P + (<usize>cb << 2);
        for (let g = 0; g < groupRows; g++) {
          const list = lists + (<usize>(g * LIST_ENTRIES) << 2);
          const listEnd = list + (<usize>load<i32>(counts + (<usize>g << 2)) << 2);
          const sum = sums + <usize>g * sumStride + (<usize>cb << 2);
          let a0 = v128.load(sum), a1 = v128.load(sum, 16), a2 = v128.load(sum, 32), a3 = v128.load(sum, 48);
          let e = list;
          for (; e + 8 <= listEnd; e += 8) {
            const p = tile + <usize>load<u32>(e), q = tile + <usize>load<u32>(e, 4);
            a0 = f32x4.add(a0, v128.load(p)); a1 = f32x4.add(a1, v128.load(p, 16));
            a2 = f32x4.add(a2, v128.load(p, 32)); a3 = f32x4.add(a3, v128.load(p, 48));
            a0 = f32x4.add(a0, v128.load(q)); a1 = f32x4.add(a1, v128.load(q, 16));
            a2 = f32x4.add(a2, v128.load(q, 32)); a3 = f32x4.add(a3, v128.load(q, 48));
          }
          if (e < listEnd) {
            const p = tile + <usize>load<u32>(e);
            a0 = f32x4.add(a0, v128.load(p)); a1 = f32x4.add(a1, v128.load(p, 16));
            a2 = f32x4.add(a2, v128.load(p, 32)); a3 = f32x4.add(a3, v128.load(p, 48));
          }
          v128.store(sum, a0); v128.store(sum, a1, 16); v128.store(sum, a2, 32); v128.store(sum, a3, 48);
        }
      }
      // Column tail (cols mod 16): one f32x4 at a time, then single columns.
      for (let c4 = blockEnd; c4 < vecEnd; c4 += 4) {
        const tile = P + (<usize>c4 << 2);
        for (let g = 0; g < groupRows; g++) {
          const list = lists + (<usize>(g * LIST_ENTRIES) << 2);
          const listEnd = list + (<usize>load<i32>(counts + (<usize>g << 2)) << 2);
          const sum = sums + <usize>g * sumStride + (<usize>c4 << 2);
          let a = v128.load(sum);
          for (let e = list; e < listEnd; e += 4) a = f32x4.add(a, v128.load(tile + <usize>load<u32>(e)));
          v128.store(sum, a);
        }
      }
      for (let c = vecEnd; c < cols; c++) {
        const tile = P + (<usize>c << 2);
        for (let g = 0; g < groupRows; g++) {
          const list = lists + (<usize>(g * LIST_ENTRIES) << 2);
          const listEnd = list + (<usize>load<i32>(counts + (<usize>g << 2)) << 2);
          const sum = sums + <usize>g * sumStride + (<usize>c << 2);
          let a = load<f32>(sum);
          for (let e = list; e < listEnd; e += 4) a += load<f32>(tile + <usize>load<u32>(e));
          store<f32>(sum, a);
        }
      }
    }
    for (let g = 0; g < groupRows; g++) {
      const r = g0 + g;
      const scale = globalScale * (rowScale != 0 ? load<f32>(rowScale + (<usize>r << 2)) : <f32>1);
      addScaledRow(out + <usize>r * rowBytes, sums + <usize>g * sumStride, scale, cols);
    }
  }
}

/**
 * For rows g0 … g0+groupRows−1, the byte offsets j·rowBytes of the set bits j of mask words
 * [w0, w1), ascending, into lists (LIST_ENTRIES u32 per row), and their number into counts.
 */
function decodeLists(bits: usize, g0: i32, groupRows: i32, w0: i32, w1: i32, bitsRowStride: i32,
                     rowBytes: usize, lists: usize, counts: usize): void {
  for (let g = 0; g < groupRows; g++) {
    const mask = bits + (<usize>(g0 + g) * <usize>bitsRowStride << 3);
    const list = lists + (<usize>(g * LIST_ENTRIES) << 2);
    let count = 0;
    for (let w = w0; w < w1; w++) {
      let word = load<u64>(mask + (<usize>w << 3));
      const base = <u32>(w << 6);
      while (word != 0) {
        store<u32>(list + (<usize>count << 2), (base + <u32>ctz<u64>(word)) * <u32>rowBytes);
        word &= word - 1;
        count++;
      }
    }
    store<i32>(counts + (<usize>g << 2), count);
  }
}

/** o[k] += scale · sum[k], k < cols. */
function addScaledRow(o: usize, sum: usize, scale: f32, cols: i32): void {
  const s = f32x4.splat(scale);
  const vecEnd = cols & ~3;
  let k = 0;
  for (; k < vecEnd; k += 4) {
    const off = <usize>k << 2;
    v128.store(o + off, f32x4.add(v128.load(o + off), f32x4.mul(s, v128.load(sum + off))));
  }
  for (; k < cols; k++) {
    const off = <usize>k << 2;
    store<f32>(o + off, load<f32>(o + off) + scale * load<f32>(sum + off));
  }
}
