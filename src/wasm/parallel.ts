// Split wrappers of the kernels that dominate a GD step, H(k), K and the Cholesky factorisation.
// Each thread gets a contiguous range of outputs: rows (neurons, inputs or row pairs), 64-neuron
// words for the row masks, 64-input words for the forward pass; a max is taken over the ranges'
// results. An entry's numbers do not depend on which range holds it, so the results are
// bit-identical for any thread count (tested in test/reliability/determinism.test.ts and
// threads.test.ts).
import { kernels, threadPool } from './instance.js';
import type { KernelFunctions, ThreadKernel } from './kernels.js';

/** One share's arguments of a threaded kernel, typed by its signature in kernels.ts. */
type Job<K extends ThreadKernel> = Parameters<KernelFunctions[K]>;

/**
 * Runs `kernel` once a job, job 0 on the calling thread and job t on worker t (the calling thread
 * alone when there is one job or no pool); returns what each job returned (0 for a void kernel).
 */
function runShares<K extends ThreadKernel>(kernel: K, jobs: Job<K>[]): number[] {
  const call = kernels()[kernel] as (...args: number[]) => number | void;
  const pool = threadPool();
  if (!pool || jobs.length < 2) return jobs.map((job) => call(...job) ?? 0);
  return pool.run((args) => call(...args), kernel, jobs);
}

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

/** Bytes of scratch either masked-sum kernel needs on one thread (the tables' row sums aside), as the core says. */
function maskedRowSumThreadBytes(cols: number, inputs: number): number {
  const k = kernels();
  return Math.max(k.maskedRowSumScratchBytes(cols), k.maskedRowSumByTablesScratchBytes(inputs));
}

/**
 * Bytes of scratch the masked sum of `rows` output rows needs on `threads` threads: per thread,
 * enough for either kernel (maskedRowSumScratchBytes and maskedRowSumByTablesScratchBytes, asked
 * of the core, so the sizes live in assembly/relu_net only), plus the tables' running sums, 64
 * bytes a row. Needs the core loaded (init()).
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
  const pool = threadPool();
  const slice = maskedRowSumThreadBytes(cols, inputs);
  const rowSums = scratch + (pool?.size ?? 1) * slice;
  const shares = pool ? ranges(rows, pool.size, 1) : [[0, rows]];
  if (rows >= SUBSET_TABLE_MIN_ROWS) {
    runShares('maskedRowSumByTables', shares.map(([r0, r1], t) => [
      out + 4 * r0 * cols, r1 - r0, cols, P, inputs, rowScale === 0 ? 0 : rowScale + 4 * r0, globalScale,
      bits + 8 * r0 * bitsRowStride, wordsPerRow, bitsRowStride, scratch + t * slice, rowSums + 64 * r0,
    ]));
  } else {
    runShares('maskedRowSum', shares.map(([r0, r1], t) => [
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
  runShares('gemmNT', ranges(rows, pool.size, 4).map(([r0, r1]) => [A + 4 * r0 * inner, B, C + 4 * r0 * cols, r1 - r0, cols, inner]));
}

/** Bytes of the packed copy of X gemmSubtractNN needs (X is inner×cols; its full 8-column panels), as the core says. */
export function gemmSubtractScratchBytes(inner: number, cols: number): number {
  return kernels().packColumnPanelsBytes(inner, cols);
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
  runShares('gemmSubtractNN', ranges(rows, pool.size, 4).map(([r0, r1]) => [S + 4 * r0 * inner, X, packed, W + 4 * r0 * cols, r1 - r0, cols, inner]));
}

/**
 * The host side of a split Householder pass (assembly/linalg/householder.ts, fusedPass): part 0
 * (rows [0, split) into p) on this thread, part 1 (rows [split, m) into other) on a worker. Wasm
 * passes pointers as i32, hence `>>> 0`.
 */
export function householderParallelPass(B: number, rowBytes: number, u: number, q: number, v: number, p: number,
  other: number, update: number, split: number, m: number): void {
  const at = (x: number): number => x >>> 0;
  runShares('householderPassRows', [
    [at(B), rowBytes, at(u), at(q), at(v), at(p), update, 0, split],
    [at(B), rowBytes, at(u), at(q), at(v), at(other), update, split, m],
  ]);
}

/** Below this size eigh's stages run on one thread: the fork/join and the replayed QL recurrence cost more than they save. */
const EIGENVECTORS_MIN_THREADED = 128;

/** Threads symmetricEigenvectors splits its stages over for an n×n matrix (1 without a pool or below EIGENVECTORS_MIN_THREADED). */
function eigenvectorShares(n: number): number {
  const pool = threadPool();
  return pool && n >= EIGENVECTORS_MIN_THREADED ? pool.size : 1;
}

/** f64 elements of symmetricEigenvectors' work: the core's 8n, plus a copy of d and e for every share but the first. */
export function symmetricEigenvectorsWorkLength(n: number): number {
  return 8 * n + 2 * n * (eigenvectorShares(n) - 1);
}

/**
 * Row starts that split accumulateReflectionRows into `parts` of equal work: row r costs
 * Σ_{i>r} i ≈ (n² − r²)/2, so the share [0, x·n) costs ∝ x − x³/3 of the total 2/3.
 */
function reflectionRowRanges(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let t = 1; t <= parts; t++) {
    let end = n;
    if (t < parts) {
      const target = (2 / 3) * (t / parts);
      let lo = 0, hi = 1;
      for (let it = 0; it < 50; it++) { const x = (lo + hi) / 2; if (x - (x * x * x) / 3 < target) lo = x; else hi = x; }
      end = Math.round(lo * n);
    }
    if (end > start) out.push([start, end]);
    start = end;
  }
  return out;
}

/**
 * symmetricEigenvectors (assembly/linalg/householder.ts: A → V, d ascending; W n×n f64 scratch,
 * work symmetricEigenvectorsWorkLength(n) f64) with its two O(n³) stages split over the threads:
 * the accumulation of Qᵀ by rows of W, and the QL rotations by columns of W, each share replaying
 * the QL recurrence on its own copy of d and e (a row's or a column's numbers do not depend on the
 * share that holds it, so every thread count gives the bits of one thread). Returns 0, or −1 if QL failed.
 */
export function symmetricEigenvectors(A: number, n: number, d: number, W: number, work: number): number {
  const k = kernels(), shares = eigenvectorShares(n);
  if (shares === 1) return k.symmetricEigenvectors(A, n, d, W, work);
  k.eigenvectorsTridiagonalize(A, n, d, work);
  const e = work, keep = work + 8 * n, copies = work + 64 * n;
  runShares('accumulateReflectionRows', reflectionRowRanges(n, shares).map(([r0, r1]) => [A, n, keep, W, r0, r1]));
  // Share t > 0 replays QL on its own d and e: copies + 16n(t − 1) bytes holds d, then e.
  const heap = new Float64Array(k.memory.buffer);
  const columns = ranges(n, shares, 2);
  const tridiagonals = columns.map((_, t) => {
    if (t === 0) return [d, e];
    const copy = copies + 16 * n * (t - 1);
    heap.copyWithin(copy / 8, d / 8, d / 8 + n);
    heap.copyWithin(copy / 8 + n, e / 8, e / 8 + n);
    return [copy, copy + 8 * n];
  });
  const status = runShares('tridiagonalQL', columns.map(([c0, c1], t) => [tridiagonals[t][0], tridiagonals[t][1], n, W, c0, c1]));
  k.eigenvectorsSort(A, n, d, W, work);
  return status.some((s) => s !== 0) ? -1 : 0;
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
  runShares('gramFromMaskRows', upperTriangleRowRanges(n, parts).map(([r0, r1]) => [rowBits, wordsPerRow, K, n, m, H, r0, r1]));
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
  runShares('linearKernelRows', upperTriangleRowRanges(n, parts).map(([r0, r1]) => [X, n, d, K, r0, r1]));
}

/** linearKernelRowsF64 (K = X Xᵀ of f64 rows X, n×d) over all threads, split as linearKernel. */
export function linearKernelF64(X: number, n: number, d: number, K: number): void {
  const pool = threadPool();
  const parts = pool ? Math.min(pool.size, Math.floor((n * n * d) / 2 / MIN_KERNEL_PRODUCTS_PER_THREAD)) : 1;
  runShares('linearKernelRowsF64', (parts < 2 ? [[0, n]] : upperTriangleRowRanges(n, parts)).map(([r0, r1]) => [X, n, d, K, r0, r1]));
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
  const jobs: Job<'rowMaskWordsFromPreactivations'>[] = [];
  for (let t = 0; t < parts; t++) {
    const w0 = Math.round((usedWords * t) / parts);
    const w1 = t === parts - 1 ? wordsPerRow : Math.round((usedWords * (t + 1)) / parts); // the last clears the padding
    jobs.push([ZT, m, n, rowBits, wordsPerRow, w0, w1]);
  }
  runShares('rowMaskWordsFromPreactivations', jobs);
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
  runShares('choleskyPanelUpdate', ranges(r1 - r0, pool.size, 4).map(([a, b]) => [L, n, r0 + a, r0 + b, j0, j1, kStart, kEnd]));
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

/** forward (u and the activation bits, assembly/relu_net/forward.ts) over all threads, split by 64-input words. */
export function forward(ZT: number, m: number, n: number, a: number, scale: number, u: number, bits: number,
  wordsPerNeuron: number): void {
  runShares('forwardColumns', streamShares(n, m, 64).map(([c0, c1]) => [ZT, m, n, a, scale, u, bits, wordsPerNeuron, c0, c1]));
}

/** accumulateCoefficients (S += η D(k), assembly/relu_net/distance.ts) over all threads, split by neurons. */
export function accumulateCoefficients(S: number, ZT: number, m: number, n: number, e: number, rowScale: number, scale: number): void {
  runShares('accumulateCoefficients', streamShares(m, n, 1).map(([r0, r1]) => [S + 4 * r0 * n, ZT + 4 * r0 * n, r1 - r0, n, e, rowScale + 4 * r0, scale]));
}

/** extrapolate (x ← x + β(x − prev), prev ← x; assembly/relu_net/extrapolate.ts) over all threads, split by elements. */
export function extrapolate(x: number, prev: number, count: number, beta: number): void {
  runShares('extrapolate', streamShares(count, 1, 4).map(([i0, i1]) => [x + 4 * i0, prev + 4 * i0, i1 - i0, beta]));
}

/** gatherMaskBits (the batch's bits of each row mask, assembly/relu_net/batch_bits.ts) over all threads, split by rows. */
export function gatherMaskBits(bits: number, wordsPerRow: number, rows: number, batch: number, count: number, out: number, outWords: number): void {
  runShares('gatherMaskBits', streamShares(rows, count, 1).map(([r0, r1]) =>
    [bits + 8 * r0 * wordsPerRow, wordsPerRow, r1 - r0, batch, count, out + 8 * r0 * outWords, outWords]));
}

/**
 * certificateStepColumns (the certificates' S_i^⊥, flips and I1/I2 split of one step, Zprev ← ZT;
 * assembly/relu_net/certificates.ts) over all threads, split by inputs (4-aligned starts).
 */
export function certificateStep(ZT0: number, Zprev: number, ZT: number, m: number, n: number, a: number, scale: number,
  threshold: number, I1: number, I2: number, counts: number): void {
  runShares('certificateStepColumns', streamShares(n, m, 4).map(([c0, c1]) => [ZT0, Zprev, ZT, m, n, a, scale, threshold, I1, I2, counts, c0, c1]));
}

/** Words a row of the perturbation's masks (32 neurons a word), and the bytes of its scratch on `threads` threads. */
export function perturbationLayout(m: number, n: number, threads: number): { words: number; bytes: number } {
  const words = Math.ceil(m / 32);
  return { words, bytes: 4 * (2 * words * n + threads * n) };
}

/**
 * H^⊥(k)e of the certificates (§4.1; assembly/relu_net/certificates.ts) over all threads: the
 * masks split by words, the rows by inputs (perturbationRows is O(n²m/32), so rows split early).
 * `scratch` holds perturbationLayout(m, n, threadCount()).bytes bytes.
 */
export function perturbation(ZT0: number, ZT: number, m: number, n: number, threshold: number, K: number, e: number,
  out: number, scratch: number): void {
  const { words } = perturbationLayout(m, n, 1);
  const active = scratch, perp = scratch + 4 * words * n, counts = perp + 4 * words * n;
  runShares('perturbationMaskWords', streamShares(words, 32 * n, 1).map(([w0, w1]) => [ZT0, ZT, m, n, threshold, active, perp, w0, w1]));
  const pool = threadPool();
  const parts = pool ? Math.min(pool.size, Math.floor((n * n * words) / MIN_GRAM_WORD_PAIRS_PER_THREAD)) : 1;
  runShares('perturbationRows', ranges(n, parts, 1).map(([i0, i1], t) =>
    [active, perp, words, K, e, m, n, out, counts + 4 * t * n, i0, i1]));
}

/** maxDistanceFromCoefficients (assembly/relu_net/distance.ts) over all threads: the largest of each share's. */
export function maxDistanceFromCoefficients(S: number, ZT0: number, ZT: number, m: number, n: number): number {
  return Math.max(...runShares('maxDistanceFromCoefficients',
    streamShares(m, n, 1).map(([r0, r1]) => [S + 4 * r0 * n, ZT0 + 4 * r0 * n, ZT + 4 * r0 * n, r1 - r0, n])));
}

/** maxRowDistance (assembly/relu_net/distance.ts) over all threads: the largest of each share's. */
export function maxRowDistance(W: number, W0: number, m: number, d: number): number {
  return Math.max(...runShares('maxRowDistance', streamShares(m, d, 1).map(([r0, r1]) => [W + 4 * r0 * d, W0 + 4 * r0 * d, r1 - r0, d])));
}

/** outputLayerGradient (assembly/relu_net/forward.ts) over all threads, split by neurons. */
export function outputLayerGradient(ZT: number, m: number, n: number, e: number, scale: number, gradient: number): void {
  runShares('outputLayerGradient', streamShares(m, n, 1).map(([r0, r1]) => [ZT + 4 * r0 * n, r1 - r0, n, e, scale, gradient + 4 * r0]));
}

// ---- the dense path (smooth ψ, assembly/dense_net/step.ts) --------------------------------------
// Each of its kernels writes only the outputs of its range and an output's arithmetic does not
// depend on the range, so these splits change no bit (test/dense.test.ts, test/training_dense.test.ts).

/**
 * u_i = c·Σ_r a_r ψ(z_ir) (denseForwardColumns) over all threads, split by inputs (4-aligned
 * starts); with P ≠ 0 also P = ψ′(Z) (denseForwardDerivativeColumns).
 */
export function denseForward(ZT: number, m: number, n: number, a: number, c: number, act: number, slope: number,
  u: number, P = 0): void {
  const shares = streamShares(n, m, 4);
  if (P === 0) runShares('denseForwardColumns', shares.map(([c0, c1]) => [ZT, m, n, a, c, act, slope, u, c0, c1]));
  else runShares('denseForwardDerivativeColumns', shares.map(([c0, c1]) => [ZT, m, n, a, c, act, slope, u, P, c0, c1]));
}

/** denseScaleCoefficients (D ← scale·a_r·e_i·D, S += D when S ≠ 0) over all threads, split by neurons. */
export function denseScaleCoefficients(D: number, S: number, m: number, n: number, a: number, e: number, scale: number): void {
  runShares('denseScaleCoefficients', streamShares(m, n, 1).map(([r0, r1]) => [D, S, m, n, a, e, scale, r0, r1]));
}

/** denseOutputGradient (g_r = scale·Σ_i e_i ψ(z_ir)) over all threads, split by neurons. */
export function denseOutputGradient(ZT: number, m: number, n: number, e: number, scale: number, act: number, slope: number, g: number): void {
  runShares('denseOutputGradient', streamShares(m, n, 1).map(([r0, r1]) => [ZT, m, n, e, scale, act, slope, g, r0, r1]));
}

/** denseFeatureRows (BT = |a|ψ′(Z)ᵀ or ψ(Z)ᵀ, n×m) over all threads, split by inputs (4-aligned starts). */
export function denseFeatureRows(ZT: number, m: number, n: number, a: number, act: number, slope: number, derivative: number, BT: number): void {
  runShares('denseFeatureRows', streamShares(n, m, 4).map(([c0, c1]) => [ZT, m, n, a, act, slope, derivative, BT, c0, c1]));
}

/** denseGramCombine (H = K ∘ G/m, or G/m with K = 0) over all threads, split by rows. */
export function denseGramCombine(K: number, G: number, n: number, m: number, H: number): void {
  runShares('denseGramCombine', streamShares(n, n, 1).map(([r0, r1]) => [K, G, n, m, H, r0, r1]));
}

/**
 * ‖ψ′(Z) − ψ′(Z0)‖²_F and ‖ψ′(Z0)‖²_F (derivativeChangeRows over all threads, split by neurons);
 * `rowSums` holds 2m f64, summed here in neuron order so the split changes no bit.
 */
export function derivativeChange(ZT: number, ZT0: number, m: number, n: number, act: number, slope: number,
  rowSums: number, view: () => Float64Array): { changed: number; base: number } {
  runShares('derivativeChangeRows', streamShares(m, n, 1).map(([r0, r1]) => [ZT, ZT0, m, n, act, slope, rowSums, r0, r1]));
  const s = view();
  let changed = 0, base = 0;
  for (let r = 0; r < m; r++) { changed += s[2 * r]; base += s[2 * r + 1]; }
  return { changed, base };
}

/**
 * ZT = W Xᵀ in f64 (preactivationsF64Rows, assembly/dense_net/gram.ts: m×n f64 from W m×d and X
 * n×d f32) over all threads, split by neurons.
 */
export function preactivationsF64(W: number, X: number, m: number, n: number, d: number, ZT: number): void {
  const pool = threadPool();
  const parts = pool ? Math.min(pool.size, Math.floor((m * n * d) / MIN_KERNEL_PRODUCTS_PER_THREAD)) : 1;
  runShares('preactivationsF64Rows', (parts < 2 ? [[0, m]] : ranges(m, parts, 2)).map(([r0, r1]) => [W, X, m, n, d, ZT, r0, r1]));
}

/**
 * denseFeatureRowsF64 (F = |a|ψ′(Z)ᵀ or ψ(Z)ᵀ, n×m f64, from ZT m×n f32 or f64) over all threads,
 * split by inputs (4-aligned starts).
 */
export function denseFeatureRowsF64(ZT: number, zF64: boolean, m: number, n: number, a: number, act: number, slope: number,
  derivative: number, F: number): void {
  runShares('denseFeatureRowsF64', streamShares(n, m, 4).map(([c0, c1]) => [ZT, zF64 ? 1 : 0, m, n, a, act, slope, derivative, F, c0, c1]));
}
