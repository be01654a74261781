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
  /** X's full 8-column panels, each inner×8 contiguous, into `packed` (packColumnPanelsBytes(inner, cols) bytes). */
  packColumnPanels(X: number, packed: number, inner: number, cols: number): void;
  /** Bytes packColumnPanels writes for an inner×cols X: 4·inner·(cols − cols mod 8). */
  packColumnPanelsBytes(inner: number, cols: number): number;
  forward(ZT: number, m: number, n: number, a: number, scale: number, u: number, bits: number, wordsPerNeuron: number): void;
  /** forward for inputs [colStart, colEnd) only (colStart a multiple of 64; colEnd one or n). */
  forwardColumns(ZT: number, m: number, n: number, a: number, scale: number, u: number, bits: number, wordsPerNeuron: number,
    colStart: number, colEnd: number): void;
  outputLayerGradient(ZT: number, m: number, n: number, e: number, scale: number, gradient: number): void;
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
  /** x ← x + β(x − prev), prev ← x (old), over `count` f32s (assembly/relu_net/extrapolate.ts). */
  extrapolate(x: number, prev: number, count: number, beta: number): void;
  /** out row r, bit j = bits row r, bit batch[j] (j < count; outWords = ⌈count/64⌉ a row), assembly/relu_net/batch_bits.ts. */
  gatherMaskBits(bits: number, wordsPerRow: number, rows: number, batch: number, count: number, out: number, outWords: number): void;
  /** The certificates' per-step pass for inputs [c0, c1): S_i^⊥, flips, the I1/I2 split; Zprev ← ZT (assembly/relu_net/certificates.ts). */
  certificateStepColumns(ZT0: number, Zprev: number, ZT: number, m: number, n: number, a: number, scale: number,
    threshold: number, I1: number, I2: number, counts: number, c0: number, c1: number): void;
  /** Words [w0, w1) of the perturbation's masks (u32, word-major: word w of input i at w·n + i). */
  perturbationMaskWords(ZT0: number, ZT: number, m: number, n: number, threshold: number, active: number, perp: number,
    w0: number, w1: number): void;
  /** H^⊥(k)e of the certificates (§4.1) for inputs [i0, i1) into out (n f64), from the masks; counts: n i32 scratch. */
  perturbationRows(active: number, perp: number, words: number, K: number, e: number, m: number, n: number, out: number,
    counts: number, i0: number, i1: number): void;
  countChangedBits(a: number, b: number, words: number): number;
  rowMasksFromPreactivations(ZT: number, m: number, n: number, rowBits: number, wordsPerRow: number): void;
  /** Words [wordStart, wordEnd) of every row of rowMasksFromPreactivations (one thread's share). */
  rowMaskWordsFromPreactivations(ZT: number, m: number, n: number, rowBits: number, wordsPerRow: number,
    wordStart: number, wordEnd: number): void;
  linearKernel(X: number, n: number, d: number, K: number): void;
  /** K_ij and K_ji, j ≥ i, for rows i in [rowStart, rowEnd) (rowStart even; rowEnd even or n). */
  linearKernelRows(X: number, n: number, d: number, K: number, rowStart: number, rowEnd: number): void;
  /** linearKernelRows for f64 rows: K = X Xᵀ of X n×d f64 (the dense Gram's G = F Fᵀ), same split rules. */
  linearKernelRowsF64(X: number, n: number, d: number, K: number, rowStart: number, rowEnd: number): void;
  /** Recomputes in f64 the row-mask bits whose float32 z (ZT = W Xᵀ) could have the wrong sign; norms: m + n f64. */
  certifyRowMasks(ZT: number, W: number, X: number, m: number, n: number, d: number, rowBits: number,
    wordsPerRow: number, norms: number): void;
  gramFromMasks(rowBits: number, wordsPerRow: number, K: number, n: number, m: number, H: number): void;
  /** H_ij and H_ji for j ≥ i, rows i in [rowStart, rowEnd) (rowStart even; rowEnd even or n). */
  gramFromMaskRows(rowBits: number, wordsPerRow: number, K: number, n: number, m: number, H: number,
    rowStart: number, rowEnd: number): void;
  gramInfinity(K: number, n: number, H: number): void;
  /** Closed-form limit kernels (assembly/ntk/limit_kernels.ts): part bit flags, kappaSq = κ²; rows [rowStart, rowEnd). */
  limitKernelClosedRows(K: number, n: number, activation: number, part: number, slope: number, kappaSq: number,
    H: number, rowStart: number, rowEnd: number): void;
  /** Gauss–Hermite rule for N(0, 1) by Golub–Welsch (count even): x, w ascending; scratch count f64. 0 or −1. */
  gaussHermiteRule(count: number, x: number, w: number, scratch: number): number;
  /** G[p·terms + k] = w_p h_k(x_p) over the rule's positive nodes. */
  hermiteTable(x: number, w: number, count: number, terms: number, G: number): void;
  /** Hermite coefficients of ψ(σ_i g) and ψ′(σ_i g), and their significant-term counts (2n i32), rows [rowStart, rowEnd). */
  hermiteCoefficientRows(activation: number, slope: number, sigma: number, x: number, count: number, G: number,
    terms: number, tolerance: number, coefValue: number, coefDerivative: number, termCount: number,
    rowStart: number, rowEnd: number): void;
  /** Mehler-series limit kernels from the coefficients; rows [rowStart, rowEnd). */
  limitKernelSeriesRows(K: number, n: number, coefValue: number, coefDerivative: number, termCount: number,
    terms: number, part: number, tolerance: number, H: number, rowStart: number, rowEnd: number): void;
  /** erf, erfc and the activations ψ, ψ′ in f64 (assembly/activations/scalar.ts). */
  erf(x: number): number;
  erfc(x: number): number;
  activationValue(activation: number, z: number, slope: number): number;
  activationDerivative(activation: number, z: number, slope: number): number;
  demoteToF32(src: number, dst: number, count: number): void;
  /** f32x4 mul+add peak loop: `iterations` rounds of 96 flops; returns a checksum. */
  peakMulAdd(iterations: number): number;
  /** Reads `bytes` (a multiple of 64) from `ptr` with v128 loads; returns a checksum. */
  streamRead(ptr: number, bytes: number): number;
}

export type KernelExports = CoreKernels & EigenKernels & DenseKernels;

/** The exported functions (everything but the memory). */
export type KernelFunctions = Omit<KernelExports, 'memory'>;
export type KernelName = keyof KernelFunctions;

/** How many parameters a function type takes. */
type Arity<F> = F extends (...args: infer P) => unknown ? P['length'] : never;

/**
 * The wasm boundary in one table: every function the core exports (assembly/index.ts) with its
 * parameter count. The compiler holds it equal to the typings above (a kernel missing here, one
 * too many, or a wrong count does not build), and test/wasm_boundary.test.ts holds it equal to the
 * built modules' exports (names, and each function's `.length`), so neither side can drift.
 */
export const KERNEL_ARITY = {
  alloc: 1, free: 1, fillNormal: 6, fillSigns: 5, normalizeRows: 3,
  gemmNT: 6, gemmSubtractNN: 7, packColumnPanels: 4, packColumnPanelsBytes: 2,
  forward: 8, forwardColumns: 10, outputLayerGradient: 6,
  scaleRows: 5, maskedRowSum: 10, maskedRowSumScratchBytes: 1, maskedRowSumByTables: 12, maskedRowSumByTablesScratchBytes: 1,
  maxRowDistance: 4, maxDistanceFromCoefficients: 5, accumulateCoefficients: 7, extrapolate: 4, gatherMaskBits: 7,
  certificateStepColumns: 13, perturbationMaskWords: 9, perturbationRows: 11,
  countChangedBits: 3, rowMasksFromPreactivations: 5, rowMaskWordsFromPreactivations: 7,
  linearKernel: 4, linearKernelRows: 6, linearKernelRowsF64: 6, certifyRowMasks: 9, gramFromMasks: 6, gramFromMaskRows: 8, gramInfinity: 3, demoteToF32: 3,
  limitKernelClosedRows: 9, gaussHermiteRule: 4, hermiteTable: 5, hermiteCoefficientRows: 13, limitKernelSeriesRows: 11,
  erf: 1, erfc: 1, activationValue: 3, activationDerivative: 3,
  applyActivation: 6, denseForwardColumns: 10, denseForwardDerivativeColumns: 11, denseScaleCoefficients: 9,
  denseCoefficients: 11, denseOutputGradient: 10, denseFeatureRows: 10, denseGramCombine: 7, derivativeChangeRows: 9,
  preactivationsF64Rows: 8, denseFeatureRowsF64: 11,
  peakMulAdd: 1, streamRead: 2,
  symmetricMatVec: 4, prepareSymmetric: 2, inspectSymmetric: 4, maxAbsRowSum: 2,
  symmetricEigenvalues: 4, symmetricEigenvectors: 5, householderPassRows: 9, setHouseholderThreads: 1,
  eigenvectorsTridiagonalize: 4, accumulateReflectionRows: 6, tridiagonalQL: 6, eigenvectorsSort: 5,
  lanczosWorkLength: 2, lanczosExtreme: 8, shiftInvertLanczos: 10, powerIteration: 9,
  choleskyShifted: 4, choleskySolve: 3, choleskyLoad: 4, choleskyPanelUpdate: 8, choleskyPanelFactor: 4, choleskyPanelWidth: 0,
} as const satisfies { readonly [K in KernelName]: Arity<KernelFunctions[K]> };

/**
 * Kernels a worker can run (src/wasm/threads.ts); the index is what travels through shared
 * memory. The split wrappers in parallel.ts call them with argument tuples typed by the typings.
 */
export const THREAD_KERNELS = [
  'gemmNT', 'maskedRowSum', 'maskedRowSumByTables', 'gatherMaskBits', 'gramFromMaskRows', 'rowMaskWordsFromPreactivations',
  'choleskyPanelUpdate', 'forwardColumns', 'accumulateCoefficients', 'maxDistanceFromCoefficients', 'maxRowDistance',
  'outputLayerGradient', 'linearKernelRows', 'householderPassRows', 'gemmSubtractNN',
  'denseForwardColumns', 'denseForwardDerivativeColumns', 'denseScaleCoefficients', 'denseOutputGradient',
  'denseFeatureRows', 'denseGramCombine', 'derivativeChangeRows', 'extrapolate',
  'linearKernelRowsF64', 'preactivationsF64Rows', 'denseFeatureRowsF64',
  'certificateStepColumns', 'perturbationMaskWords', 'perturbationRows',
  'accumulateReflectionRows', 'tridiagonalQL',
] as const satisfies readonly KernelName[];
export type ThreadKernel = (typeof THREAD_KERNELS)[number];
