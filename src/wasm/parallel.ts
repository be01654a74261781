// Split wrappers of the kernels that dominate a GD step, H(k), K and the Cholesky factorisation.
// Each thread gets a contiguous range of outputs: rows (neurons, inputs or row pairs), 64-neuron
// words for the row masks, 64-input words for the forward pass; a max is taken over the ranges'
// results. An entry's numbers do not depend on which range holds it, so the results are
// bit-identical for any thread count (tested in test/reliability/determinism.test.ts and
// threads.test.ts).
import { kernels, threadPool } from './loader.js';
import type { ThreadKernel } from './threads.js';

/** Below this many output rows per thread the fork/join costs more than it saves. */
const MIN_ROWS_PER_THREAD = 16;

/** Splits [0, rows) into at most `parts` ranges, starts rounded to `align` (the kernels' row blocks). */
function ranges(rows: number, parts: number, align: number): [number, number][] {
  const count = Math.max(1, Math.min(parts, Math.floor(rows / MIN_ROWS_PER_THREAD)));
  const out: [number, number][] = [];
  let start = 0;
  for (let t = 0; t < count; t++) {
    const end = t === count - 1 ? rows : Math.min(rows, Math.round((rows * (t + 1)) / count / align) * align);
    if (end > start) out.push([start, end]);
    start = end;
  }
  return out;
}

/**
 * From this many neurons (output rows) on, the masked sum reads subset-sum tables
 * (assembly/relu_net/subset_sums.ts) instead of replaying active-row lists: building a column
 * block's tables costs about as much as ~100 neurons' replay saves. The choice depends on the total
 * row count only, so a thread's share never changes which arithmetic a row gets.
 */
const SUBSET_TABLE_MIN_ROWS = 256;

/** Bytes of scratch either masked-sum kernel needs on one thread (the tables' row sums aside). */
function maskedRowSumThreadBytes(cols: number, inputs: number): number {
  const lists = 16 * (4 * (Math.ceil(cols / 4) * 4) + 4 * 128 + 4);
  const tables = Math.min(4, Math.ceil(inputs / 64)) * 8 * 257 * 64 + 64;
  return Math.max(lists, tables);
}

/**
 * Bytes of scratch the masked sum of `rows` output rows needs on `threads` threads: per thread,
 * enough for either kernel (mirroring maskedRowSumScratchBytes, 16 rows of running sums, 16 offset
 * lists of 128 entries and 16 counts; and maskedRowSumByTablesScratchBytes, up to 32 tables of 257
 * 64-byte entries and a 64-byte stage, in assembly/relu_net; a test holds them equal), plus the
 * tables' running sums, 64 bytes a row. Known before init(), so memory can be estimated.
 */
export function maskedRowSumScratchBytes(cols: number, inputs: number, rows: number, threads: number): number {
  return threads * maskedRowSumThreadBytes(cols, inputs) + 64 * rows;
}

/**
 * out[r, :] += globalScale · rowScale[r] · Σ_{j ∈ bits_r} P[j, :] (the GD step's masked sum, see
 * assembly/relu_net/masked_sum.ts) over all threads, split by rows; P has `inputs` rows. `scratch`
 * holds maskedRowSumScratchBytes(cols, inputs, rows, threadCount()) bytes.
 */
export function maskedRowSum(
  out: number, rows: number, cols: number, P: number, inputs: number, rowScale: number, globalScale: number,
  bits: number, wordsPerRow: number, bitsRowStride: number, scratch: number,
): void {
  const k = kernels(), pool = threadPool();
  const slice = maskedRowSumThreadBytes(cols, inputs);
  const rowSums = scratch + (pool?.size ?? 1) * slice;
  const shares = pool ? ranges(rows, pool.size, 1) : [[0, rows]];
  if (rows >= SUBSET_TABLE_MIN_ROWS) {
    runShares('maskedRowSumByTables', (a) => k.maskedRowSumByTables(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]),
      shares.map(([r0, r1], t) => [
        out + 4 * r0 * cols, r1 - r0, cols, P, inputs, rowScale === 0 ? 0 : rowScale + 4 * r0, globalScale,
        bits + 8 * r0 * bitsRowStride, wordsPerRow, bitsRowStride, scratch + t * slice, rowSums + 64 * r0,
      ]));
  } else {
    runShares('maskedRowSum', (a) => k.maskedRowSum(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]),
      shares.map(([r0, r1], t) => [
        out + 4 * r0 * cols, r1 - r0, cols, P, rowScale === 0 ? 0 : rowScale + 4 * r0, globalScale,
        bits + 8 * r0 * bitsRowStride, wordsPerRow, bitsRowStride, scratch + t * slice,
      ]));
  }
}

/** gemmNT (C = A Bᵀ, see assembly/linalg/gemm.ts) over all threads, split by rows of A. */
export function gemmNT(A: number, B: number, C: number, rows: number, cols: number, inner: number): void {
  const k = kernels(), pool = threadPool();
  if (!pool) {
    k.gemmNT(A, B, C, rows, cols, inner);
    return;
  }
  const jobs = ranges(rows, pool.size, 4).map(([r0, r1]) => [A + 4 * r0 * inner, B, C + 4 * r0 * cols, r1 - r0, cols, inner]);
  pool.run((a) => k.gemmNT(a[0], a[1], a[2], a[3], a[4], a[5]), 'gemmNT', jobs);
}

/** Bytes of the packed copy of X gemmSubtractNN needs (X is inner×cols; its full 8-column panels). */
export function gemmSubtractScratchBytes(inner: number, cols: number): number {
  return 4 * inner * (cols - (cols % 8));
}

/**
 * gemmSubtractNN (W −= S X, see assembly/linalg/gemm.ts) over all threads, split by rows of W and S
 * (starts on its 4-row blocks; an output's value does not depend on its block, only the speed does).
 * `packed` holds gemmSubtractScratchBytes(inner, cols) bytes; X is packed into it here, once.
 */
export function gemmSubtractNN(S: number, X: number, packed: number, W: number, rows: number, cols: number, inner: number): void {
  const k = kernels(), pool = threadPool();
  k.packColumnPanels(X, packed, inner, cols);
  if (!pool) {
    k.gemmSubtractNN(S, X, packed, W, rows, cols, inner);
    return;
  }
  const jobs = ranges(rows, pool.size, 4).map(([r0, r1]) => [S + 4 * r0 * inner, X, packed, W + 4 * r0 * cols, r1 - r0, cols, inner]);
  pool.run((a) => k.gemmSubtractNN(a[0], a[1], a[2], a[3], a[4], a[5], a[6]), 'gemmSubtractNN', jobs);
}

/**
 * The host side of a split Householder pass (assembly/linalg/householder.ts, fusedPass): part 0
 * (rows [0, split) into p) on this thread, part 1 (rows [split, m) into other) on a worker. Wasm
 * passes pointers as i32, hence `>>> 0`.
 */
export function householderParallelPass(B: number, rowBytes: number, u: number, q: number, v: number, p: number,
  other: number, update: number, split: number, m: number): void {
  const k = kernels(), pool = threadPool();
  const at = (x: number): number => x >>> 0;
  pool!.run((a) => k.householderPassRows(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]), 'householderPassRows', [
    [at(B), rowBytes, at(u), at(q), at(v), at(p), update, 0, split],
    [at(B), rowBytes, at(u), at(q), at(v), at(other), update, split, m],
  ]);
}

/**
 * Below this many and+popcount word pairs (or pre-activations read) per thread, the fork/join
 * (2 µs with the workers watching, about 60 µs to wake a sleeping one) costs more than it saves.
 */
const MIN_GRAM_WORD_PAIRS_PER_THREAD = 1 << 18;
const MIN_MASK_VALUES_PER_THREAD = 1 << 18;

/**
 * Splits the row pairs of the upper triangle into at most `parts` ranges of about equal work: pair
 * p (rows 2p, 2p+1) meets every pair from p on, so rows near the top cost more than rows near the
 * bottom, and equal row counts would leave the last thread idle for most of the time.
 * Returns row ranges [start, end) with even starts, as gramFromMaskRows and linearKernelRows require.
 */
export function upperTriangleRowRanges(n: number, parts: number): [number, number][] {
  const pairs = Math.ceil(n / 2);
  const total = (pairs * (pairs + 1)) / 2;
  const out: [number, number][] = [];
  let start = 0, done = 0, p = 0;
  for (let t = 1; t <= parts && start < n; t++) {
    const target = (total * t) / parts;
    while (p < pairs && done + (pairs - p) / 2 <= target) done += pairs - p++;
    const end = t === parts ? n : Math.min(n, 2 * p);
    if (end > start) out.push([start, end]);
    start = end;
  }
  return out;
}

/** gramFromMasks (H(k) from row masks, assembly/ntk/gram.ts) over all threads, split by upperTriangleRowRanges. */
export function gramFromMasks(rowBits: number, wordsPerRow: number, K: number, n: number, m: number, H: number): void {
  const k = kernels(), pool = threadPool();
  const wordPairs = (n * n * wordsPerRow) / 2;
  const parts = pool ? Math.min(pool.size, Math.floor(wordPairs / MIN_GRAM_WORD_PAIRS_PER_THREAD)) : 1;
  if (!pool || parts < 2) {
    k.gramFromMasks(rowBits, wordsPerRow, K, n, m, H);
    return;
  }
  const jobs = upperTriangleRowRanges(n, parts).map(([r0, r1]) => [rowBits, wordsPerRow, K, n, m, H, r0, r1]);
  pool.run((a) => k.gramFromMaskRows(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]), 'gramFromMaskRows', jobs);
}

/** Below this many f64 multiply–adds per thread, K = X Xᵀ runs on the calling thread alone. */
const MIN_KERNEL_PRODUCTS_PER_THREAD = 1 << 20;

/** linearKernel (K = X Xᵀ in f64, assembly/ntk/gram.ts) over all threads, split by upperTriangleRowRanges. */
export function linearKernel(X: number, n: number, d: number, K: number): void {
  const k = kernels(), pool = threadPool();
  const parts = pool ? Math.min(pool.size, Math.floor((n * n * d) / 2 / MIN_KERNEL_PRODUCTS_PER_THREAD)) : 1;
  if (!pool || parts < 2) {
    k.linearKernel(X, n, d, K);
    return;
  }
  const jobs = upperTriangleRowRanges(n, parts).map(([r0, r1]) => [X, n, d, K, r0, r1]);
  pool.run((a) => k.linearKernelRows(a[0], a[1], a[2], a[3], a[4], a[5]), 'linearKernelRows', jobs);
}

/** rowMasksFromPreactivations (assembly/ntk/patterns.ts) over all threads, split by 64-neuron words. */
export function rowMasksFromPreactivations(ZT: number, m: number, n: number, rowBits: number, wordsPerRow: number): void {
  const k = kernels(), pool = threadPool();
  const usedWords = Math.ceil(m / 64);
  const parts = pool ? Math.min(pool.size, usedWords, Math.floor((m * n) / MIN_MASK_VALUES_PER_THREAD)) : 1;
  if (!pool || parts < 2) {
    k.rowMasksFromPreactivations(ZT, m, n, rowBits, wordsPerRow);
    return;
  }
  const jobs: number[][] = [];
  for (let t = 0; t < parts; t++) {
    const w0 = Math.round((usedWords * t) / parts);
    const w1 = t === parts - 1 ? wordsPerRow : Math.round((usedWords * (t + 1)) / parts); // the last clears the padding
    jobs.push([ZT, m, n, rowBits, wordsPerRow, w0, w1]);
  }
  pool.run((a) => k.rowMaskWordsFromPreactivations(a[0], a[1], a[2], a[3], a[4], a[5], a[6]), 'rowMaskWordsFromPreactivations', jobs);
}

/** Below this many multiply–adds a Cholesky panel update runs on the calling thread alone. */
const MIN_PANEL_UPDATE_WORK = 1 << 18;

/** choleskyPanelUpdate (assembly/linalg/cholesky.ts) over all threads, split by rows of L. */
export function choleskyPanelUpdate(L: number, n: number, r0: number, r1: number, j0: number, j1: number,
  kStart: number, kEnd: number): void {
  const k = kernels(), pool = threadPool();
  if (!pool || (r1 - r0) * (j1 - j0) * (kEnd - kStart) < MIN_PANEL_UPDATE_WORK) {
    k.choleskyPanelUpdate(L, n, r0, r1, j0, j1, kStart, kEnd);
    return;
  }
  const jobs = ranges(r1 - r0, pool.size, 4).map(([a, b]) => [L, n, r0 + a, r0 + b, j0, j1, kStart, kEnd]);
  pool.run((a) => k.choleskyPanelUpdate(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]), 'choleskyPanelUpdate', jobs);
}

/**
 * Below this many values streamed per thread (the step's O(nm) passes: forward, distances,
 * coefficient updates), waking a worker costs more than the pass saves.
 */
const MIN_STREAMED_VALUES_PER_THREAD = 1 << 18;

/** Ranges of [0, count) for the threads, or one range when the pass is too small to split. */
function streamShares(count: number, valuesPerItem: number, align: number): [number, number][] {
  const pool = threadPool();
  const parts = pool ? Math.min(pool.size, Math.floor((count * valuesPerItem) / MIN_STREAMED_VALUES_PER_THREAD)) : 1;
  return parts < 2 ? [[0, count]] : ranges(count, parts, align);
}

/** Runs one job a share, on the calling thread alone when there is one share; returns each job's result. */
function runShares(kernel: ThreadKernel, call: (args: number[]) => number | void, jobs: number[][]): number[] {
  const pool = threadPool();
  if (!pool || jobs.length < 2) return jobs.map((job) => call(job) ?? 0);
  return pool.run(call, kernel, jobs);
}

/** forward (u and the activation bits, assembly/relu_net/forward.ts) over all threads, split by 64-input words. */
export function forward(ZT: number, m: number, n: number, a: number, invSqrtM: number, u: number, bits: number,
  wordsPerNeuron: number): void {
  const k = kernels();
  const jobs = streamShares(n, m, 64).map(([c0, c1]) => [ZT, m, n, a, invSqrtM, u, bits, wordsPerNeuron, c0, c1]);
  runShares('forwardColumns', (a) => k.forwardColumns(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]), jobs);
}

/** accumulateCoefficients (S += η D(k), assembly/relu_net/distance.ts) over all threads, split by neurons. */
export function accumulateCoefficients(S: number, ZT: number, m: number, n: number, e: number, rowScale: number, scale: number): void {
  const k = kernels();
  const jobs = streamShares(m, n, 1).map(([r0, r1]) => [S + 4 * r0 * n, ZT + 4 * r0 * n, r1 - r0, n, e, rowScale + 4 * r0, scale]);
  runShares('accumulateCoefficients', (a) => k.accumulateCoefficients(a[0], a[1], a[2], a[3], a[4], a[5], a[6]), jobs);
}

/** maxDistanceFromCoefficients (assembly/relu_net/distance.ts) over all threads: the largest of each share's. */
export function maxDistanceFromCoefficients(S: number, ZT0: number, ZT: number, m: number, n: number): number {
  const k = kernels();
  const jobs = streamShares(m, n, 1).map(([r0, r1]) => [S + 4 * r0 * n, ZT0 + 4 * r0 * n, ZT + 4 * r0 * n, r1 - r0, n]);
  return Math.max(...runShares('maxDistanceFromCoefficients', (a) => k.maxDistanceFromCoefficients(a[0], a[1], a[2], a[3], a[4]), jobs));
}

/** maxRowDistance (assembly/relu_net/distance.ts) over all threads: the largest of each share's. */
export function maxRowDistance(W: number, W0: number, m: number, d: number): number {
  const k = kernels();
  const jobs = streamShares(m, d, 1).map(([r0, r1]) => [W + 4 * r0 * d, W0 + 4 * r0 * d, r1 - r0, d]);
  return Math.max(...runShares('maxRowDistance', (a) => k.maxRowDistance(a[0], a[1], a[2], a[3]), jobs));
}

/** outputLayerGradient (assembly/relu_net/forward.ts) over all threads, split by neurons. */
export function outputLayerGradient(ZT: number, m: number, n: number, e: number, invSqrtM: number, gradient: number): void {
  const k = kernels();
  const jobs = streamShares(m, n, 1).map(([r0, r1]) => [ZT + 4 * r0 * n, r1 - r0, n, e, invSqrtM, gradient + 4 * r0]);
  runShares('outputLayerGradient', (a) => k.outputLayerGradient(a[0], a[1], a[2], a[3], a[4], a[5]), jobs);
}
