// Typed view of the wasm exports, and the preconditions every kernel shares (documented once):
// - every pointer comes from alloc(); f32/f64 buffers are row-major, u64 mask buffers hold
//   64 indicators a word with the padding bits of a partial word cleared;
// - kernels allocate nothing and never grow memory, so views made after the last alloc() stay valid;
// - neuron-major matrices (ZT, S) are m×n with neuron r's values over the inputs contiguous.
import type { EigenKernels } from './eigen_kernels.js';
import type { DenseKernels } from './dense_kernels.js';

export interface CoreKernels {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  fillNormal(ptr: number, count: number, scale: number, seedLo: number, seedHi: number, stream: number): void;
  fillSigns(ptr: number, count: number, seedLo: number, seedHi: number, stream: number): void;
  normalizeRows(ptr: number, rows: number, cols: number): void;
  gemmNT(A: number, B: number, C: number, rows: number, cols: number, inner: number): void;
  /** W −= S X (f32; W rows×cols, S rows×inner, X inner×cols; `packed` from packColumnPanels), see assembly/linalg/gemm.ts. */
  gemmSubtractNN(S: number, X: number, packed: number, W: number, rows: number, cols: number, inner: number): void;
  /** X's full 8-column panels, each inner×8 contiguous, into `packed` (4·inner·(cols − cols mod 8) bytes). */
  packColumnPanels(X: number, packed: number, inner: number, cols: number): void;
  forward(ZT: number, m: number, n: number, a: number, invSqrtM: number, u: number, bits: number, wordsPerNeuron: number): void;
  /** forward for inputs [colStart, colEnd) only (colStart a multiple of 64; colEnd one or n). */
  forwardColumns(ZT: number, m: number, n: number, a: number, invSqrtM: number, u: number, bits: number, wordsPerNeuron: number,
    colStart: number, colEnd: number): void;
  outputLayerGradient(ZT: number, m: number, n: number, e: number, invSqrtM: number, gradient: number): void;
  /** P[j, :] = coef[j]·B[j, :]. */
  scaleRows(P: number, B: number, coef: number, rows: number, cols: number): void;
  maskedRowSum(out: number, rows: number, cols: number, P: number, rowScale: number, globalScale: number,
    bits: number, wordsPerRow: number, bitsRowStride: number, scratch: number): void;
  maskedRowSumScratchBytes(cols: number): number;
  /** maskedRowSum's sum read from subset-sum tables (assembly/relu_net/subset_sums.ts); P has `inputs` rows. */
  maskedRowSumByTables(out: number, rows: number, cols: number, P: number, inputs: number, rowScale: number,
    globalScale: number, bits: number, wordsPerRow: number, bitsRowStride: number, scratch: number, sums: number): void;
  maskedRowSumByTablesScratchBytes(inputs: number): number;
  maxRowDistance(W: number, W0: number, m: number, d: number): number;
  maxDistanceFromCoefficients(S: number, ZT0: number, ZT: number, m: number, n: number): number;
  accumulateCoefficients(S: number, ZT: number, m: number, n: number, e: number, rowScale: number, scale: number): void;
  countChangedBits(a: number, b: number, words: number): number;
  rowMasksFromPreactivations(ZT: number, m: number, n: number, rowBits: number, wordsPerRow: number): void;
  /** Words [wordStart, wordEnd) of every row of rowMasksFromPreactivations (one thread's share). */
  rowMaskWordsFromPreactivations(ZT: number, m: number, n: number, rowBits: number, wordsPerRow: number,
    wordStart: number, wordEnd: number): void;
  linearKernel(X: number, n: number, d: number, K: number): void;
  /** K_ij and K_ji, j ≥ i, for rows i in [rowStart, rowEnd) (rowStart even; rowEnd even or n). */
  linearKernelRows(X: number, n: number, d: number, K: number, rowStart: number, rowEnd: number): void;
  /** Recomputes in f64 the row-mask bits whose float32 z (ZT = W Xᵀ) could have the wrong sign; norms: m + n f64. */
  certifyRowMasks(ZT: number, W: number, X: number, m: number, n: number, d: number, rowBits: number,
    wordsPerRow: number, norms: number): void;
  gramFromMasks(rowBits: number, wordsPerRow: number, K: number, n: number, m: number, H: number): void;
  /** H_ij and H_ji for j ≥ i, rows i in [rowStart, rowEnd) (rowStart even; rowEnd even or n). */
  gramFromMaskRows(rowBits: number, wordsPerRow: number, K: number, n: number, m: number, H: number,
    rowStart: number, rowEnd: number): void;
  gramInfinity(K: number, n: number, H: number): void;
  demoteToF32(src: number, dst: number, count: number): void;
  /** f32x4 mul+add peak loop: `iterations` rounds of 96 flops; returns a checksum. */
  peakMulAdd(iterations: number): number;
  /** Reads `bytes` (a multiple of 64) from `ptr` with v128 loads; returns a checksum. */
  streamRead(ptr: number, bytes: number): number;
}

export type KernelExports = CoreKernels & EigenKernels & DenseKernels;
