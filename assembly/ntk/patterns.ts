// Activation patterns as bits (DESIGN §5.2): 64 indicators 1{z ≥ 0} a u64 word.
//
// Row masks (M_i, the pattern of input i over the m neurons, wordsPerRow words each) use a
// pair-interleaved layout: rows 2p and 2p+1 alternate word by word, so word w of row i sits at
// word index (i & ~1)·wordsPerRow + 2w + (i & 1); when n is odd the last row is stored plainly at
// (n−1)·wordsPerRow + w. The buffer is n·wordsPerRow words, exactly as big as row-major. Why: the
// Gram kernel's 2×2 tiles then read both rows of a pair through one pointer with constant
// offsets, which V8 folds into the load instruction; row-major tiles need a pointer and an
// address add per row and spill (measured: 31 ms against 46–68 ms at n = 1000, m = 10 000).
// Only the kernels in this folder read or write row masks.

/** Byte offset of word `w` of row `i` in the pair-interleaved row-mask layout (see above). */
// @ts-ignore: decorator
@inline export function maskWordOffset(i: i32, w: i32, n: i32, wordsPerRow: i32): usize {
  const pairStart = <usize>(i & ~1) * <usize>wordsPerRow;
  return (i | 1) < n
    ? (pairStart + (<usize>w << 1) + <usize>(i & 1)) << 3
    : (pairStart + <usize>w) << 3;
}

/** Zeroes the words fromWord ≤ w < toWord of every row. */
export function clearMaskWords(rowBits: usize, fromWord: i32, toWord: i32, n: i32, wordsPerRow: i32): void {
  for (let i = 0; i < n; i++) {
    for (let w = fromWord; w < toWord; w++) store<u64>(rowBits + maskWordOffset(i, w, n, wordsPerRow), 0);
  }
}

/**
 * Number of set bits in a XOR b over `words` u64 words: how many indicators changed.
 * Four independent counters: one chain of adds would cap the loop at one word per add latency,
 * and this runs at cache/memory speed only when the popcounts of several words overlap.
 */
export function countChangedBits(a: usize, b: usize, words: i32): f64 {
  let c0: u64 = 0, c1: u64 = 0, c2: u64 = 0, c3: u64 = 0;
  const end = <usize>words << 3;
  const end4 = <usize>(words & ~3) << 3;
  let off: usize = 0;
  for (; off < end4; off += 32) {
    c0 += popcnt<u64>(load<u64>(a + off) ^ load<u64>(b + off));
    c1 += popcnt<u64>(load<u64>(a + off, 8) ^ load<u64>(b + off, 8));
    c2 += popcnt<u64>(load<u64>(a + off, 16) ^ load<u64>(b + off, 16));
    c3 += popcnt<u64>(load<u64>(a + off, 24) ^ load<u64>(b + off, 24));
  }
  for (; off < end; off += 8) c0 += popcnt<u64>(load<u64>(a + off) ^ load<u64>(b + off));
  return <f64>((c0 + c1) + (c2 + c3));
}

/** Shifts the compare result of 4 inputs (−1 / 0 lanes) in at bit 31 of each lane's word-half. */
// @ts-ignore: decorator
@inline function shiftIn(acc: v128, z: v128, zero: v128, top: v128): v128 {
  return v128.or(i32x4.shr_u(acc, 1), v128.and(f32x4.ge(z, zero), top));
}

/**
 * Row masks (pair-interleaved, see above) from neuron-major pre-activations ZT (m×n):
 * bit r of row i set iff z_ir ≥ 0 (so −0 counts as active and NaN as inactive, like `>=`).
 *
 * A blocked bit transpose: for one 64-neuron word and 32 inputs, eight i32x4 registers collect
 * the comparisons neuron by neuron, each shifted in at the top of its lane, for the low 32 neurons
 * and then for the high 32; the halves are zipped into u64 words and both rows of a pair stored
 * with one v128 store. Every z is read once, 128 contiguous bytes per neuron and block, in
 * ascending address order (measured: ascending runs 1.4× faster than the same loop descending,
 * and blocks of 32 inputs beat 16 and 64: 3.9 against 5.3 and 7.8 ms at n = 1000, m = 10 000).
 */
export function rowMasksFromPreactivations(ZT: usize, m: i32, n: i32, rowBits: usize, wordsPerRow: i32): void {
  rowMaskWordsFromPreactivations(ZT, m, n, rowBits, wordsPerRow, 0, wordsPerRow);
}

/**
 * Words [wordStart, wordEnd) of every row of rowMasksFromPreactivations (padding words included):
 * a range reads only its own 64-neuron blocks of ZT, contiguous, and writes only its own words,
 * so threads split the masks by word ranges (src/wasm/parallel.ts).
 */
export function rowMaskWordsFromPreactivations(ZT: usize, m: i32, n: i32, rowBits: usize, wordsPerRow: i32,
                                               wordStart: i32, wordEnd: i32): void {
  const usedWords = (m + 63) >> 6;
  const computedEnd = min(wordEnd, usedWords);
  const neuronBytes = <usize>n << 2;
  const zero = f32x4.splat(0);
  const top = i32x4.splat(0x80000000);
  // Blocks of 32 inputs start at multiples of 32, so they never contain the unpaired last row.
  const blockEnd = n & ~31;
  const pairBytes = <usize>wordsPerRow << 4;
  for (let w = wordStart; w < computedEnd; w++) {
    const r0 = w << 6;
    const lowCount = min(32, m - r0);
    const highCount = max(0, min(32, m - r0 - 32));
    // A partial half holds its neurons in the top bits: shift them down to bit 0. (A shift by 32
    // is a shift by 0 in wasm, right for an empty half, whose lanes are all zero.)
    const lowFix = <i32>(32 - lowCount), highFix = <i32>(32 - highCount);
    for (let i = 0; i < blockEnd; i += 32) {
      const column = ZT + (<usize>i << 2);
      let l0 = i32x4.splat(0), l1 = i32x4.splat(0), l2 = i32x4.splat(0), l3 = i32x4.splat(0);
      let l4 = i32x4.splat(0), l5 = i32x4.splat(0), l6 = i32x4.splat(0), l7 = i32x4.splat(0);
      let p = column + <usize>r0 * neuronBytes;
      for (let r = 0; r < lowCount; r++) {
        l0 = shiftIn(l0, v128.load(p), zero, top); l1 = shiftIn(l1, v128.load(p, 16), zero, top);
        l2 = shiftIn(l2, v128.load(p, 32), zero, top); l3 = shiftIn(l3, v128.load(p, 48), zero, top);
        l4 = shiftIn(l4, v128.load(p, 64), zero, top); l5 = shiftIn(l5, v128.load(p, 80), zero, top);
        l6 = shiftIn(l6, v128.load(p, 96), zero, top); l7 = shiftIn(l7, v128.load(p, 112), zero, top);
        p += neuronBytes;
      }
      let h0 = i32x4.splat(0), h1 = i32x4.splat(0), h2 = i32x4.splat(0), h3 = i32x4.splat(0);
      let h4 = i32x4.splat(0), h5 = i32x4.splat(0), h6 = i32x4.splat(0), h7 = i32x4.splat(0);
      for (let r = 0; r < highCount; r++) {
        h0 = shiftIn(h0, v128.load(p), zero, top); h1 = shiftIn(h1, v128.load(p, 16), zero, top);
        h2 = shiftIn(h2, v128.load(p, 32), zero, top); h3 = shiftIn(h3, v128.load(p, 48), zero, top);
        h4 = shiftIn(h4, v128.load(p, 64), zero, top); h5 = shiftIn(h5, v128.load(p, 80), zero, top);
        h6 = shiftIn(h6, v128.load(p, 96), zero, top); h7 = shiftIn(h7, v128.load(p, 112), zero, top);
        p += neuronBytes;
      }
      if (lowFix != 0) {
        l0 = i32x4.shr_u(l0, lowFix); l1 = i32x4.shr_u(l1, lowFix); l2 = i32x4.shr_u(l2, lowFix); l3 = i32x4.shr_u(l3, lowFix);
        l4 = i32x4.shr_u(l4, lowFix); l5 = i32x4.shr_u(l5, lowFix); l6 = i32x4.shr_u(l6, lowFix); l7 = i32x4.shr_u(l7, lowFix);
      }
      if (highFix != 0) {
        h0 = i32x4.shr_u(h0, highFix); h1 = i32x4.shr_u(h1, highFix); h2 = i32x4.shr_u(h2, highFix); h3 = i32x4.shr_u(h3, highFix);
        h4 = i32x4.shr_u(h4, highFix); h5 = i32x4.shr_u(h5, highFix); h6 = i32x4.shr_u(h6, highFix); h7 = i32x4.shr_u(h7, highFix);
      }
      // Word w of the pair (i + 2q, i + 2q + 1): low and high halves of both rows, 16 bytes.
      const out = rowBits + <usize>i * <usize>wordsPerRow * 8 + (<usize>w << 4);
      storePairs(out, pairBytes, l0, h0); storePairs(out + 2 * pairBytes, pairBytes, l1, h1);
      storePairs(out + 4 * pairBytes, pairBytes, l2, h2); storePairs(out + 6 * pairBytes, pairBytes, l3, h3);
      storePairs(out + 8 * pairBytes, pairBytes, l4, h4); storePairs(out + 10 * pairBytes, pairBytes, l5, h5);
      storePairs(out + 12 * pairBytes, pairBytes, l6, h6); storePairs(out + 14 * pairBytes, pairBytes, l7, h7);
    }
    // The last n mod 32 inputs, one at a time (at most 31 strided columns).
    for (let i = blockEnd; i < n; i++) {
      let word: u64 = 0;
      let p = ZT + (<usize>i << 2) + <usize>(r0 + lowCount + highCount - 1) * neuronBytes;
      for (let r = r0 + lowCount + highCount - 1; r >= r0; r--) {
        word = (word << 1) | <u64>(load<f32>(p) >= 0);
        p -= neuronBytes;
      }
      store<u64>(rowBits + maskWordOffset(i, w, n, wordsPerRow), word);
    }
  }
  clearMaskWords(rowBits, max(wordStart, usedWords), wordEnd, n, wordsPerRow);
}

/** Stores the words of 4 inputs (two pairs) from their low and high 32-bit halves. */
// @ts-ignore: decorator
@inline function storePairs(out: usize, pairBytes: usize, low: v128, high: v128): void {
  v128.store(out, i32x4.shuffle(low, high, 0, 4, 1, 5));
  v128.store(out + pairBytes, i32x4.shuffle(low, high, 2, 6, 3, 7));
}
