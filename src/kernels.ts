// Gram matrices: the finite-width H(k) (eq. 5, and its generalisation of DESIGN §7.1 for any ψ and
// either layer) and the infinite-width limits H∞ (Theorem 3.1), H* and K^a (DESIGN §7.2).
import { kernels } from './wasm/loader.js';
import * as parallel from './wasm/parallel.js';
import { WasmBuffer, BufferScope, reserve, withBuffers } from './wasm/memory.js';
import { checkInteger, checkMatrix, checkPositive, type Matrix } from './matrix.js';
import { OverparamError } from './errors.js';
import { ACTIVATION_IDS, PART_IDS, resolveActivation, resolvePart, type Activation, type KernelPart } from './activations.js';
import { PARALLEL_COSINE_TOLERANCE } from './degeneracy.js';

/**
 * @internal Bytes {@link gramAtPreactivations} allocates for n inputs and m neurons (the f64
 * feature rows, the products and the row masks), on top of H and K.
 */
export function gramAtBytes(n: number, m: number): number {
  return 8 * n * m + 16 * n * n + 8 * n * Math.ceil(m / 64);
}

/** @internal What {@link gramAtPreactivations} reads: Z(k) neuron-major and the net's a, ψ. */
export interface GramAtInput {
  /**
   * Z = W Xᵀ, m×n (wasm): f32 (a training run's Z(k)) or f64 (net.gram's, each z_ir an f64 dot of
   * the float32 w_r and x_i). ψ and ψ′ are evaluated in f64 from these values.
   */
  ZT: WasmBuffer;
  n: number;
  m: number;
  /** a (m f32, wasm). */
  a: WasmBuffer;
  /** The activation's core id and leaky ReLU's slope. */
  act: number;
  slope: number;
  /** K = X Xᵀ, n×n f64 (wasm); needed for part 'first' and 'both'. */
  K?: WasmBuffer;
  /**
   * For ReLU's first part in net.gram: the float32 Z = W Xᵀ (m×n f32) its bit masks are read from,
   * and the W (m×d) and X (n×d) that made it, to recompute in f64 the signs float32 could have got
   * wrong (certifyRowMasks). Without it a float32 ZT gives the masks uncertified (the training
   * loop's H(k) uses its Z(k)'s signs) and an f64 ZT the f64 feature rows 1{z_ir ≥ 0}·|a_r|.
   */
  masks?: { ZT: WasmBuffer; W: WasmBuffer; X: WasmBuffer; d: number };
}

/**
 * @internal The Gram matrix at the current weights (DESIGN §7.1) into H (n×n f64):
 * 'first' H_ij = x_iᵀx_j (1/m) Σ_r a_r² ψ′(z_ir)ψ′(z_jr), 'output' (1/m) Σ_r ψ(z_ir)ψ(z_jr), 'both'
 * their sum. ReLU's first part from float32 masks (g.masks, or an f32 ZT) with every |a_r| = 1 is
 * eq. 5's mask Gram (popcounts, its bits of old); with other a (Gaussian a(0), or a after joint
 * training) the masks weighted by a_r². Every other part is built in f64 throughout: feature rows
 * |a_r|ψ′(z_ir) or ψ(z_ir) in f64 of ZT's values, their products summed in f64 (assembly/dense_net/gram.ts),
 * so H is the float64 formula at ZT's values to f64 round-off (≈ 1e-15 relative; issue 12 §6).
 */
export function gramAtPreactivations(scope: BufferScope, g: GramAtInput, part: KernelPart, H: WasmBuffer): void {
  const { ZT, n, m, a, act, slope } = g;
  const k = kernels();
  const zF64 = ZT.kind === 'f64';
  // One n×m f64 feature buffer for every part (gramAtBytes counts one), allocated when first needed.
  let features: WasmBuffer | undefined;
  const featureBuffer = () => (features ??= scope.buffer('f64', n * m));
  const products = (derivative: boolean, weights: number, out: WasmBuffer, K: number): void => {
    const F = featureBuffer();
    parallel.denseFeatureRowsF64(ZT.ptr, zF64, m, n, weights, act, slope, derivative ? 1 : 0, F.ptr);
    parallel.linearKernelF64(F.ptr, n, m, out.ptr);
    parallel.denseGramCombine(K, out.ptr, n, m, out.ptr);
  };
  if (part !== 'output') {
    const K = g.K!;
    const maskZT = g.masks?.ZT ?? (zF64 ? undefined : ZT);
    if (act === ACTIVATION_IDS.relu && maskZT) {
      const wordsPerRow = Math.ceil(m / 64);
      const rowBits = scope.buffer('u64', n * wordsPerRow);
      parallel.rowMasksFromPreactivations(maskZT.ptr, m, n, rowBits.ptr, wordsPerRow);
      if (g.masks) {
        const norms = scope.buffer('f64', m + n);
        k.certifyRowMasks(maskZT.ptr, g.masks.W.ptr, g.masks.X.ptr, m, n, g.masks.d, rowBits.ptr, wordsPerRow, norms.ptr);
      }
      const av = a.f32();
      if (av.every((v) => v === 1 || v === -1)) {
        parallel.gramFromMasks(rowBits.ptr, wordsPerRow, K.ptr, n, m, H.ptr);
      } else {
        // H_ij = K_ij (1/m) Σ_r a_r² 1{z_ir ≥ 0} 1{z_jr ≥ 0}: the certified masks times |a_r|.
        // |a_r| before the allocation: in the single-thread build memory.grow detaches av.
        const abs = Float64Array.from(av, Math.abs);
        const BT = featureBuffer();
        const bt = BT.f64(), halves = new Uint32Array(k.memory.buffer, rowBits.ptr, 2 * n * wordsPerRow); // u64 as little-endian u32 pairs
        for (let i = 0; i < n; i++) {
          // The masks' pair-interleaved layout (assembly/ntk/patterns.ts, maskWordOffset): word w of
          // row i at (i & ~1)·wordsPerRow + 2w + (i & 1), or (n − 1)·wordsPerRow + w for an odd n's last row.
          const paired = (i | 1) < n, pairStart = (i & ~1) * wordsPerRow, row = i * m;
          for (let r = 0; r < m; r++) {
            const word = paired ? pairStart + 2 * (r >>> 6) + (i & 1) : pairStart + (r >>> 6);
            bt[row + r] = (halves[2 * word + ((r >>> 5) & 1)] >>> (r & 31)) & 1 ? abs[r] : 0;
          }
        }
        parallel.linearKernelF64(BT.ptr, n, m, H.ptr);
        parallel.denseGramCombine(K.ptr, H.ptr, n, m, H.ptr);
      }
    } else {
      products(true, a.ptr, H, K.ptr);
    }
  }
  if (part !== 'first') {
    const out = part === 'output' ? H : scope.buffer('f64', n * n);
    products(false, 0, out, 0);
    if (part === 'both') {
      const h = H.f64(), o = out.f64();
      for (let q = 0; q < n * n; q++) h[q] += o[q];
    }
  }
}

/** Options of {@link gramInfinity}. */
export interface GramInfinityOptions {
  /** The activation ψ (default 'relu', the paper's). */
  activation?: Activation;
  /**
   * 'first' (default): the first layer's H*_ij = x_iᵀx_j·E[ψ′(u)ψ′(v)] (eq. 5's limit; for ReLU
   * Theorem 3.1's H∞); 'output': the output layer's K^a_ij = E[ψ(u)ψ(v)]; 'both': their sum, the
   * limit when both layers train. Here (u, v) = (wᵀx_i, wᵀx_j), w ~ N(0, scale²·I) (DESIGN §7.2).
   */
  part?: KernelPart;
  /** Leaky ReLU's negative slope s in [0, 1] (default 0.01); only with activation 'leakyRelu'. */
  negativeSlope?: number;
  /**
   * κ, the standard deviation of the first-layer weights w_r ~ N(0, κ²I), as `scale` of
   * TwoLayerNet.random (default 1). ReLU's H* does not depend on it; smooth ψ's kernels do.
   */
  scale?: number;
}

/**
 * The infinite-width kernel of the two-layer net (DESIGN §7.2), float64 n×n, for the rows of X
 * (used as given, in float32). With the defaults this is Theorem 3.1's
 * H∞_ij = x_iᵀx_j (π − θ_ij)/(2π), θ_ij the angle between x_i and x_j (a zero row gives a zero row
 * and column).
 *
 * ReLU, leaky ReLU, erf, quadratic and linear ψ have closed forms. Softplus, sigmoid, tanh and
 * GELU use Gauss–Hermite quadrature in its Mehler form (E[f(u)g(v)] = Σ_k a_k b_k ρ^k with a_k, b_k
 * one-dimensional Gauss–Hermite integrals per row), with the rule doubled until the expansion has
 * converged: the result agrees with the rule of twice the nodes to 1e-12 relative. The quadrature
 * converges up to about κ‖x_i‖ = 2.5 for tanh and 4 for the others (beyond, ψ(κ‖x_i‖g) is close to
 * a step and the rule of 4096 nodes does not resolve it): it throws NOT_CONVERGED then, naming the
 * row; normalise the inputs (as sphereData does).
 *
 * @example
 * ```ts
 * const { X } = sphereData({ n: 100, d: 10, seed: 1 });
 * const H = gramInfinity(X);                                          // Theorem 3.1's H∞
 * const joint = gramInfinity(X, { activation: 'tanh', part: 'both' }); // H* + K^a for tanh
 * ```
 */
export function gramInfinity(X: Matrix, options: GramInfinityOptions = {}): Matrix {
  return limitKernel(X, options);
}

/** @internal Quadrature controls for tests: a fixed rule instead of the adaptive one. */
export interface QuadratureControls {
  /** Nodes of the Gauss–Hermite rule (even, ≥ 8); the expansion keeps nodes/2 terms. */
  nodes?: number;
  /** Called with the number of nodes of the rule the result came from. */
  onRule?: (nodes: number) => void;
}

/** Nodes of the first and of the largest Gauss–Hermite rule the adaptive quadrature tries. */
const FIRST_RULE = 256, LARGEST_RULE = 4096;
/**
 * A row's expansion ends where the tail's ‖·‖₂ falls below this fraction of ‖a‖₂; a pair's
 * truncation then costs at most its square, 1e-16·‖a‖‖b‖.
 */
const COEFFICIENT_TOLERANCE = 1e-8;
/** The rule has converged when every row's expansion ends within this fraction of its terms. */
const CONVERGED_FRACTION = 0.75;
/** A pair's series stops where |ρ|^k/(1 − |ρ|) falls below this. */
const SERIES_TOLERANCE = 1e-17;

/** @internal gramInfinity with quadrature controls (tests: convergence by doubling the nodes). */
export function limitKernel(X: Matrix, options: GramInfinityOptions = {}, controls: QuadratureControls = {}): Matrix {
  const fn = 'gramInfinity';
  const Xm = checkMatrix(X, `${fn}: X`, { float32: true });
  const opts = (options ?? {}) as GramInfinityOptions;
  const { id, activation, negativeSlope } = resolveActivation(fn, opts.activation, opts.negativeSlope);
  const part = resolvePart(fn, opts.part);
  const scale = opts.scale ?? 1;
  checkPositive(scale, `${fn}: options.scale`);
  const n = Xm.rows, k = kernels();
  reserve(4 * Xm.data.length + 16 * n * n, `${fn} (n = ${n})`, 'reduce n');
  return withBuffers((scope) => {
    const Xb = scope.from('f32', Xm.data);
    const K = scope.buffer('f64', n * n);
    const H = scope.buffer('f64', n * n);
    parallel.linearKernel(Xb.ptr, n, Xm.cols, K.ptr);
    if (activation === 'relu' && part === 'first') {
      k.gramInfinity(K.ptr, n, H.ptr); // §2, Theorem 3.1: the original kernel, same bits
    } else if (QUADRATURE.has(activation)) {
      seriesKernel(scope, K, n, id, negativeSlope, scale, PART_IDS[part], activation, H, controls);
    } else {
      k.limitKernelClosedRows(K.ptr, n, id, PART_IDS[part], negativeSlope, scale * scale, H.ptr, 0, n);
    }
    return { rows: n, cols: n, data: H.toFloat64() };
  });
}

const QUADRATURE = new Set<Activation>(['softplus', 'sigmoid', 'tanh', 'gelu']);

function seriesKernel(scope: BufferScope, K: WasmBuffer, n: number, id: number, slope: number, scale: number,
                      part: number, activation: Activation, H: WasmBuffer, controls: QuadratureControls): void {
  const k = kernels();
  // σ_i = κ‖x_i‖ kept in JS as well: the inner allocations may grow memory, which in the
  // single-thread build detaches every view taken before them.
  const sigma = scope.buffer('f64', n);
  const gram = K.f64(), sig = new Float64Array(n);
  let largest = 0;
  for (let i = 0; i < n; i++) { sig[i] = scale * Math.sqrt(gram[i * n + i]); largest = Math.max(largest, sig[i]); }
  sigma.f64().set(sig);
  const fixed = controls.nodes;
  if (fixed !== undefined) checkInteger(fixed, 'limitKernel: controls.nodes', 8, 1 << 16);
  for (let nodes = fixed ?? FIRST_RULE; ; nodes *= 2) {
    const terms = nodes / 2;
    reserve(16 * n * terms + 8 * (3 * nodes + (nodes / 2) * terms), `${fn(activation)} (n = ${n}, ${nodes} nodes)`, 'reduce n');
    const attempt = withBuffers((inner) => {
      const x = inner.buffer('f64', nodes), w = inner.buffer('f64', nodes), scratch = inner.buffer('f64', nodes);
      if (k.gaussHermiteRule(nodes, x.ptr, w.ptr, scratch.ptr) !== 0) {
        throw new OverparamError('NOT_CONVERGED', `${fn(activation)}: the Gauss–Hermite rule of ${nodes} nodes did not converge`);
      }
      const G = inner.buffer('f64', (nodes / 2) * terms);
      k.hermiteTable(x.ptr, w.ptr, nodes, terms, G.ptr);
      const coefValue = inner.buffer('f64', n * terms), coefDerivative = inner.buffer('f64', n * terms);
      const counts = inner.buffer('f64', n); // 2n i32
      k.hermiteCoefficientRows(id, slope, sigma.ptr, x.ptr, nodes, G.ptr, terms, COEFFICIENT_TOLERANCE,
        coefValue.ptr, coefDerivative.ptr, counts.ptr, 0, n);
      const count = new Int32Array(k.memory.buffer, counts.ptr, 2 * n);
      const enough = CONVERGED_FRACTION * terms;
      let unconverged = -1;
      for (let i = 0; i < n && unconverged < 0; i++) {
        if (((part & 2) && count[2 * i] > enough) || ((part & 1) && count[2 * i + 1] > enough)) unconverged = i;
      }
      if (unconverged >= 0 && fixed === undefined) return unconverged;
      k.limitKernelSeriesRows(K.ptr, n, coefValue.ptr, coefDerivative.ptr, counts.ptr, terms, part, SERIES_TOLERANCE, H.ptr, 0, n);
      controls.onRule?.(nodes);
      return -1;
    });
    if (attempt < 0) return;
    if (nodes >= LARGEST_RULE) {
      throw new OverparamError('NOT_CONVERGED',
        `${fn(activation)}: the Gauss–Hermite expansion did not converge with ${nodes} nodes for row ${attempt}, ` +
        `where κ‖x‖ = ${sig[attempt].toPrecision(4)} (the largest is ${largest.toPrecision(4)}); ` +
        `the quadrature converges up to about κ‖x_i‖ = 2.5 for tanh and 4 for softplus, sigmoid and GELU: ` +
        `normalise the rows of X or lower options.scale`);
    }
  }
}

function fn(activation: Activation): string {
  return `gramInfinity (activation '${activation}')`;
}

/** What {@link inputDiagnostics} found. */
export interface InputDiagnostics {
  /** True when λ0 = λ_min(H∞) is 0 (or numerically so): the paper's assumption fails. */
  degenerate: boolean;
  /** Indices of all-zero rows (their row and column of H∞ vanish). */
  zeroRows: number[];
  /** Pairs of rows pointing the same way, cos θ_ij ≥ 1 − tolerance (H∞ then has two equal rows up to scale). */
  parallelPairs: { i: number; j: number; cosine: number }[];
  /** Total number of parallel pairs (the list above is capped at 100). */
  parallelPairCount: number;
  /** A one-line warning naming the offending rows, or '' when the data are fine. */
  message: string;
}

/**
 * Checks the assumption behind Theorem 3.1: λ0 > 0 iff no input is zero and no two inputs are
 * parallel. Antiparallel pairs (θ = π) are fine: their H∞ entry is 0.
 */
export function inputDiagnostics(X: Matrix, { tolerance = PARALLEL_COSINE_TOLERANCE }: { tolerance?: number } = {}): InputDiagnostics {
  const Xm = checkMatrix(X, 'inputDiagnostics: X', { float32: true });
  const n = Xm.rows;
  kernels();
  reserve(4 * Xm.data.length + 8 * n * n, `inputDiagnostics (n = ${n})`, 'reduce n');
  return withBuffers((scope) => {
    const Xb = scope.from('f32', Xm.data);
    const K = scope.buffer('f64', n * n);
    parallel.linearKernel(Xb.ptr, n, Xm.cols, K.ptr);
    const gram = K.f64();
    const zeroRows: number[] = [];
    for (let i = 0; i < n; i++) if (gram[i * n + i] === 0) zeroRows.push(i);
    const parallelPairs: InputDiagnostics['parallelPairs'] = [];
    let parallelPairCount = 0;
    for (let i = 0; i < n; i++) {
      const kii = gram[i * n + i];
      if (kii === 0) continue;
      for (let j = i + 1; j < n; j++) {
        const kjj = gram[j * n + j];
        if (kjj === 0) continue;
        const cosine = gram[i * n + j] / Math.sqrt(kii * kjj);
        if (cosine >= 1 - tolerance) {
          parallelPairCount++;
          if (parallelPairs.length < 100) parallelPairs.push({ i, j, cosine });
        }
      }
    }
    const parts: string[] = [];
    if (zeroRows.length) parts.push(`zero rows ${listed(zeroRows)}`);
    if (parallelPairCount) {
      parts.push(`${parallelPairCount} parallel pair(s) ${listed(parallelPairs.map((p) => `(${p.i}, ${p.j})`))}`);
    }
    const degenerate = parts.length > 0;
    return {
      degenerate, zeroRows, parallelPairs, parallelPairCount,
      message: degenerate ? `λ0 = λ_min(H∞) = 0: the inputs have ${parts.join(' and ')}; Theorem 3.1 needs none` : '',
    };
  });
}

function listed(items: (number | string)[], max = 10): string {
  return items.slice(0, max).join(', ') + (items.length > max ? ', …' : '');
}
