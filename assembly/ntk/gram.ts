import { maskWordOffset } from "./patterns";
import { lanes } from "../linalg/symmetric";

// Gram matrices in float64: the data kernel K = X Xᵀ, the finite-width H(k) (eq. 5) and the
// infinite-width H∞ (Theorem 3.1). All are symmetric: the upper triangle is computed and mirrored.
// Row masks use the pair-interleaved layout documented in ./patterns.ts.

// ---------------------------------------------------------------------------------------------
// f64 dot products of f32 or f64 rows (T), register-blocked: 2 rows a × 4 rows b share every loaded
// (and, for f32, promoted) operand (8 f64x2 accumulators + 3 operands fit the 16 xmm registers).
// Each dot keeps one f64x2 accumulator over (even, odd) k and adds its two lanes, then the odd k
// tail; products of f32 values are exact in f64, so for f32 rows only the additions round.

/** Two consecutive elements of T at p as an f64x2 (f32: promoted, exactly). */
// @ts-ignore: decorator
@inline function widen<T>(p: usize): v128 {
  if (sizeof<T>() == 4) return f64x2.promote_low_f32x4(v128.load64_zero(p));
  return v128.load(p);
}

/**
 * The eight dots a_sᵀ b_t (s < 2, t < 4) of rows of T a_s = a0 + s·aStride, b_t = b0 + t·bStride,
 * length d, in f64, written to out[s·outRowStride + t·outColStride] (strides in bytes).
 */
// @ts-ignore: decorator
@inline export function dots2x4<T>(a0: usize, aStride: usize, b0: usize, bStride: usize, d: i32,
                                   out: usize, outRowStride: usize, outColStride: usize): void {
  const a1 = a0 + aStride, b1 = b0 + bStride, b2 = b1 + bStride, b3 = b2 + bStride;
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c02 = f64x2.splat(0), c03 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0), c12 = f64x2.splat(0), c13 = f64x2.splat(0);
  const step = sizeof<T>() << 1;
  const pairEnd = <usize>(d & ~1) * sizeof<T>();
  for (let off: usize = 0; off < pairEnd; off += step) {
    const x0 = widen<T>(a0 + off), x1 = widen<T>(a1 + off);
    let y = widen<T>(b0 + off);
    c00 = f64x2.add(c00, f64x2.mul(x0, y)); c10 = f64x2.add(c10, f64x2.mul(x1, y));
    y = widen<T>(b1 + off);
    c01 = f64x2.add(c01, f64x2.mul(x0, y)); c11 = f64x2.add(c11, f64x2.mul(x1, y));
    y = widen<T>(b2 + off);
    c02 = f64x2.add(c02, f64x2.mul(x0, y)); c12 = f64x2.add(c12, f64x2.mul(x1, y));
    y = widen<T>(b3 + off);
    c03 = f64x2.add(c03, f64x2.mul(x0, y)); c13 = f64x2.add(c13, f64x2.mul(x1, y));
  }
  let s00 = lanes(c00), s01 = lanes(c01), s02 = lanes(c02), s03 = lanes(c03);
  let s10 = lanes(c10), s11 = lanes(c11), s12 = lanes(c12), s13 = lanes(c13);
  if (d & 1) {
    const off = pairEnd;
    const x0 = <f64>load<T>(a0 + off), x1 = <f64>load<T>(a1 + off);
    let y = <f64>load<T>(b0 + off); s00 += x0 * y; s10 += x1 * y;
    y = <f64>load<T>(b1 + off); s01 += x0 * y; s11 += x1 * y;
    y = <f64>load<T>(b2 + off); s02 += x0 * y; s12 += x1 * y;
    y = <f64>load<T>(b3 + off); s03 += x0 * y; s13 += x1 * y;
  }
  store<f64>(out, s00); store<f64>(out + outColStride, s01);
  store<f64>(out + 2 * outColStride, s02); store<f64>(out + 3 * outColStride, s03);
  const o1 = out + outRowStride;
  store<f64>(o1, s10); store<f64>(o1 + outColStride, s11);
  store<f64>(o1 + 2 * outColStride, s12); store<f64>(o1 + 3 * outColStride, s13);
}

/** Single f64 dot of rows of T with the same accumulation order as one lane pair of dots2x4. */
// @ts-ignore: decorator
@inline export function dotPairwiseF64<T>(a: usize, b: usize, d: i32): f64 {
  let c = f64x2.splat(0);
  const step = sizeof<T>() << 1;
  const pairEnd = <usize>(d & ~1) * sizeof<T>();
  for (let off: usize = 0; off < pairEnd; off += step) c = f64x2.add(c, f64x2.mul(widen<T>(a + off), widen<T>(b + off)));
  let s = lanes(c);
  if (d & 1) s += <f64>load<T>(a + pairEnd) * <f64>load<T>(b + pairEnd);
  return s;
}

/**
 * K_ij = x_iᵀx_j for X (n×d, f32), accumulated in f64. Rows are taken in pairs (i, i+1) against
 * four rows j ≥ i at a time; every upper entry is computed once and mirrored, so K is exactly
 * symmetric. (The block at j = i also yields (i+1, i), bit-equal to (i, i+1): same products,
 * same order.)
 */
export function linearKernel(X: usize, n: i32, d: i32, K: usize): void {
  linearKernelRows(X, n, d, K, 0, n);
}

/**
 * The entries K_ij and K_ji with j ≥ i for the rows i in [rowStart, rowEnd) (rowStart even; rowEnd
 * even or n): disjoint ranges write disjoint entries, each computed by the same instructions
 * whatever the range, which is how threads share K bit-identically (src/wasm/parallel.ts).
 */
export function linearKernelRows(X: usize, n: i32, d: i32, K: usize, rowStart: i32, rowEnd: i32): void {
  gramOfRows<f32>(X, n, d, K, rowStart, rowEnd);
}

/**
 * linearKernelRows for f64 rows: K_ij = x_iᵀx_j of X (n×d, f64), each product and sum rounded in
 * f64, same blocking and split rules. The dense Gram's Ψ′ᵀdiag(a²)Ψ′ from its f64 feature rows.
 */
export function linearKernelRowsF64(X: usize, n: i32, d: i32, K: usize, rowStart: i32, rowEnd: i32): void {
  gramOfRows<f64>(X, n, d, K, rowStart, rowEnd);
}

// @ts-ignore: decorator
@inline function gramOfRows<T>(X: usize, n: i32, d: i32, K: usize, rowStart: i32, rowEnd: i32): void {
  const rowBytes = <usize>d * sizeof<T>();
  const kRow = <usize>n << 3;
  const pairedEnd = min(rowEnd, n & ~1);
  for (let i = rowStart; i < pairedEnd; i += 2) {
    const a = X + <usize>i * rowBytes;
    const upper = K + <usize>i * kRow;
    let j = i;
    for (; j + 4 <= n; j += 4) {
      const block = upper + (<usize>j << 3);
      dots2x4<T>(a, rowBytes, X + <usize>j * rowBytes, rowBytes, d, block, kRow, 8);
      // Mirror the block while it is in L1: K[j+t][i+s] = K[i+s][j+t].
      const lower = K + <usize>j * kRow + (<usize>i << 3);
      for (let t = 0; t < 4; t++) {
        const col = <usize>t << 3, row = <usize>t * kRow;
        store<f64>(lower + row, load<f64>(block + col));
        store<f64>(lower + row, load<f64>(block + kRow + col), 8);
      }
    }
    for (; j < n; j++) {
      const b = X + <usize>j * rowBytes;
      const v0 = dotPairwiseF64<T>(a, b, d), v1 = dotPairwiseF64<T>(a + rowBytes, b, d);
      store<f64>(upper + (<usize>j << 3), v0);
      store<f64>(upper + kRow + (<usize>j << 3), v1);
      store<f64>(K + <usize>j * kRow + (<usize>i << 3), v0);
      store<f64>(K + <usize>j * kRow + (<usize>i << 3), v1, 8);
    }
  }
  // n odd: the unpaired row's diagonal entry, owned by the range that ends at n.
  const last = n & ~1;
  if (last < n && rowStart <= last && rowEnd == n) {
    const a = X + <usize>last * rowBytes;
    store<f64>(K + <usize>last * kRow + (<usize>last << 3), dotPairwiseF64<T>(a, a, d));
  }
}

/**
 * Makes row masks computed from float32 pre-activations (rowMasksFromPreactivations on ZT = W Xᵀ)
 * exact: the bit of every z_ir whose float32 value could have the wrong sign is recomputed from
 * w_rᵀx_i accumulated in f64 (dotPairwiseF64), so each bit agrees with that f64 evaluation.
 *
 * Why this is safe: however a float32 dot product of length d is summed, its error is at most
 * γ_d Σ_k |w_rk x_ik| ≤ γ_d ‖w_r‖‖x_i‖ (γ_d ≈ d·2⁻²⁴), plus d·2⁻¹⁴⁹ from products that underflow.
 * Outside twice that bound the float32 sign is the true sign, and so the f64 one; inside it (about
 * 0.2% of the entries for sphere data at d = 1000) the f64 dot decides. All n·m dots in f64 took
 * 1.4 s at n = d = 1000, m = 10 000; the threaded float32 GEMM and this pass take 0.31 + 0.05 s.
 * norms: scratch for m + n f64.
 */
export function certifyRowMasks(ZT: usize, W: usize, X: usize, m: i32, n: i32, d: i32, rowBits: usize,
                                wordsPerRow: i32, norms: usize): void {
  const rowBytes = <usize>d << 2;
  const wNorms = norms, xNorms = norms + (<usize>m << 3);
  for (let r = 0; r < m; r++) store<f64>(wNorms + (<usize>r << 3), Math.sqrt(dotPairwiseF64<f32>(W + <usize>r * rowBytes, W + <usize>r * rowBytes, d)));
  for (let i = 0; i < n; i++) store<f64>(xNorms + (<usize>i << 3), Math.sqrt(dotPairwiseF64<f32>(X + <usize>i * rowBytes, X + <usize>i * rowBytes, d)));
  const relative = <f64>(d + 4) * 1.1920928955078125e-7; // (d + 4)·2⁻²³: twice γ_d, with room for the norms' own rounding
  const absolute = <f64>(d + 4) * 1.401298464324817e-45; // (d + 4)·2⁻¹⁴⁹
  for (let r = 0; r < m; r++) {
    const z = ZT + (<usize>r * <usize>n << 2);
    const wr = W + <usize>r * rowBytes;
    const scale = relative * load<f64>(wNorms + (<usize>r << 3));
    const word = r >> 6;
    const bit = (<u64>1) << <u64>(r & 63);
    for (let i = 0; i < n; i++) {
      const zi = <f64>load<f32>(z + (<usize>i << 2));
      // Written so that a NaN or infinite z also counts as unsure.
      if (abs<f64>(zi) > scale * load<f64>(xNorms + (<usize>i << 3)) + absolute) continue;
      const at = rowBits + maskWordOffset(i, word, n, wordsPerRow);
      const active = dotPairwiseF64<f32>(X + <usize>i * rowBytes, wr, d) >= 0;
      store<u64>(at, active ? load<u64>(at) | bit : load<u64>(at) & ~bit);
    }
  }
}

/**
 * H_ij = K_ij · popcount(M_i AND M_j) / m (eq. 5), from pair-interleaved row masks (./patterns.ts).
 * The count is an exact integer, so H is bit-identical to the plain triple loop.
 */
export function gramFromMasks(rowBits: usize, wordsPerRow: i32, K: usize, n: i32, m: i32, H: usize): void {
  gramFromMaskRows(rowBits, wordsPerRow, K, n, m, H, 0, n);
}

/**
 * Row pairs a block: their masks (16 rows, 20 KiB at m = 10 000) stay in L1 while every later
 * pair streams past once, instead of each pair streaming the whole 1.25 MiB of masks (L3) again.
 */
// @ts-ignore: decorator
@inline const BLOCK_PAIRS = 8;

/**
 * The entries H_ij and H_ji with j ≥ i for the rows i in [rowStart, rowEnd) (rowStart even, so
 * ranges never split a pair; rowEnd even or n): disjoint ranges write disjoint entries, which is
 * how the threads share the matrix (src/wasm/parallel.ts). Every entry is computed by the same
 * instructions whatever the range, so H does not depend on how the rows were split.
 *
 * 2×2 tiles: the two rows of a pair (one pointer, offsets 0 and 8) against the two rows of
 * another pair share four loaded words per step; with the pairs blocked (BLOCK_PAIRS) the loop is
 * bound by x86's integer issue rate (and + popcnt + add per row pair and word). An odd last row
 * is handled with 2×1 tiles. Measured against this loop at n = 1000, m = 10 000 (26 ms, ~1 cycle a
 * word pair, one thread): 2 or 4 words a step, 2×4 and 1×4 tiles, one offset for both pointers,
 * i8x16.popcnt with byte counters, and a Harley–Seal carry-save tree over v128 words, 10–60%
 * slower (V8 spills the extra live values or recomputes addresses, and lowers i8x16.popcnt to a
 * pshufb sequence). Unblocked, two threads took 22 ms: both streamed the masks from L3; blocked,
 * 14–18 ms.
 */
export function gramFromMaskRows(rowBits: usize, wordsPerRow: i32, K: usize, n: i32, m: i32, H: usize,
                                 rowStart: i32, rowEnd: i32): void {
  const invM = 1.0 / <f64>m;
  const pairBytes = <usize>wordsPerRow << 4;
  const lastPaired = n & ~1;
  const lonely = rowBits + <usize>lastPaired * <usize>wordsPerRow * 8; // the unpaired row, if n is odd
  const pairedEnd = min(rowEnd, lastPaired);
  for (let blockStart = rowStart; blockStart < pairedEnd; blockStart += 2 * BLOCK_PAIRS) {
    const blockEnd = min(blockStart + 2 * BLOCK_PAIRS, pairedEnd);
    for (let j = blockStart; j < lastPaired; j += 2) {
      const b = rowBits + <usize>j * <usize>wordsPerRow * 8;
      const iEnd = min(blockEnd, j + 2); // upper triangle: pairs i ≤ j
      for (let i = blockStart; i < iEnd; i += 2) {
        const a = rowBits + <usize>i * <usize>wordsPerRow * 8;
        const aEnd = a + pairBytes;
        let pa = a, pb = b;
        let c00: u64 = 0, c01: u64 = 0, c10: u64 = 0, c11: u64 = 0;
        while (pa < aEnd) {
          const x0 = load<u64>(pa), x1 = load<u64>(pa, 8);
          const y0 = load<u64>(pb), y1 = load<u64>(pb, 8);
          c00 += popcnt<u64>(x0 & y0); c01 += popcnt<u64>(x0 & y1);
          c10 += popcnt<u64>(x1 & y0); c11 += popcnt<u64>(x1 & y1);
          pa += 16; pb += 16;
        }
        storeGram(K, H, n, invM, i, j, c00);
        storeGram(K, H, n, invM, i, j + 1, c01);
        if (j != i) storeGram(K, H, n, invM, i + 1, j, c10); // on the diagonal tile c10 = c01
        storeGram(K, H, n, invM, i + 1, j + 1, c11);
      }
    }
    if (lastPaired < n) {
      for (let i = blockStart; i < blockEnd; i += 2) {
        const a = rowBits + <usize>i * <usize>wordsPerRow * 8;
        const aEnd = a + pairBytes;
        let pa = a, pb = lonely;
        let c0: u64 = 0, c1: u64 = 0;
        while (pa < aEnd) {
          const y = load<u64>(pb);
          c0 += popcnt<u64>(load<u64>(pa) & y); c1 += popcnt<u64>(load<u64>(pa, 8) & y);
          pa += 16; pb += 8;
        }
        storeGram(K, H, n, invM, i, lastPaired, c0);
        storeGram(K, H, n, invM, i + 1, lastPaired, c1);
      }
    }
  }
  // n odd: only the unpaired row's diagonal entry is left, owned by the range that ends at n.
  if (lastPaired < n && rowStart <= lastPaired && rowEnd == n) {
    storeGram(K, H, n, invM, lastPaired, lastPaired, countBits(lonely, wordsPerRow));
  }
}

/** Set bits in `words` consecutive words. */
// @ts-ignore: decorator
@inline function countBits(a: usize, words: i32): u64 {
  let count: u64 = 0;
  for (let w = 0; w < words; w++) count += popcnt<u64>(load<u64>(a + (<usize>w << 3)));
  return count;
}

/** H_ij = H_ji = K_ij · (count · (1/m)) for i ≤ j: the expression order of eq. (5) as first written. */
// @ts-ignore: decorator
@inline function storeGram(K: usize, H: usize, n: i32, invM: f64, i: i32, j: i32, count: u64): void {
  const upper = (<usize>i * <usize>n + <usize>j) << 3;
  const v = load<f64>(K + upper) * (<f64>count * invM);
  store<f64>(H + upper, v);
  store<f64>(H + ((<usize>j * <usize>n + <usize>i) << 3), v);
}

/** H∞_ij = K_ij (π − θ_ij)/(2π), cos θ_ij = K_ij/√(K_ii K_jj) (Theorem 3.1); 0 where a row is zero. */
export function gramInfinity(K: usize, n: i32, H: usize): void {
  const INV_TWO_PI = 0.15915494309189535;
  for (let i = 0; i < n; i++) {
    const kii = load<f64>(K + ((<usize>i * <usize>n + <usize>i) << 3));
    for (let j = i; j < n; j++) {
      const kjj = load<f64>(K + ((<usize>j * <usize>n + <usize>j) << 3));
      const kij = load<f64>(K + ((<usize>i * <usize>n + <usize>j) << 3));
      let v: f64 = 0;
      if (kii > 0 && kjj > 0) {
        const cosine = min<f64>(1, max<f64>(-1, kij / Math.sqrt(kii * kjj)));
        v = kij * (Math.PI - Math.acos(cosine)) * INV_TWO_PI;
      }
      store<f64>(H + ((<usize>i * <usize>n + <usize>j) << 3), v);
      store<f64>(H + ((<usize>j * <usize>n + <usize>i) << 3), v);
    }
  }
}

/** dst[k] = f32(src[k]): the f32 copy of K the training kernels read. */
export function demoteToF32(src: usize, dst: usize, count: i32): void {
  for (let k = 0; k < count; k++) {
    store<f32>(dst + (<usize>k << 2), <f32>load<f64>(src + (<usize>k << 3)));
  }
}
