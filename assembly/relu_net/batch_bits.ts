// Mini-batch SGD's kernel-space step (src/training/kernelStep.ts, DESIGN §7.4): the residual is zero
// outside the batch, so z_r ← z_r − η c_r Σ_{j ∈ batch} e_j 1{z_jr ≥ 0} K_j needs only the batch's b
// rows of P = diag(e) K and, per neuron, the batch's b activation bits, gathered here so that the
// masked sum (masked_sum.ts, subset_sums.ts) runs over b inputs instead of n.

/**
 * out row r, bit j = bits row r, bit batch[j], for j < count and rows r < rows (i32 indices into
 * the rows' bits); a row of bits is wordsPerRow u64 words, of out outWords = ⌈count/64⌉ words, the
 * padding bits of its last word cleared. Each row is gathered alone: any split of the rows between
 * threads gives the same words.
 */
export function gatherMaskBits(bits: usize, wordsPerRow: i32, rows: i32, batch: usize, count: i32, out: usize, outWords: i32): void {
  for (let r = 0; r < rows; r++) {
    const src = bits + (<usize>r * <usize>wordsPerRow << 3);
    const dst = out + (<usize>r * <usize>outWords << 3);
    let word: u64 = 0;
    for (let j = 0; j < count; j++) {
      const i = load<i32>(batch + (<usize>j << 2));
      word |= ((load<u64>(src + (<usize>(i >> 6) << 3)) >> <u64>(i & 63)) & 1) << <u64>(j & 63);
      if ((j & 63) == 63) {
        store<u64>(dst + (<usize>(j >> 6) << 3), word);
        word = 0;
      }
    }
    if ((count & 63) != 0) store<u64>(dst + (<usize>(count >> 6) << 3), word);
  }
}
