// The Gram matrix at the current weights in float64 (DESIGN §7.1), for net.gram and the run's H(k):
//   Z in f64     z_ir = w_rᵀx_i, an f64 dot of the f32 rows (exact products)   preactivationsF64Rows
//   features     F_ir = |a_r|ψ′(z_ir) or ψ(z_ir), ψ and ψ′ in f64               denseFeatureRowsF64
//   products     G = F Fᵀ in f64                                                linearKernelRowsF64 (ntk/gram.ts)
//   combine      H = K ∘ G/m or G/m                                             denseGramCombine (step.ts)
// so every factor of H_ij = x_iᵀx_j (1/m) Σ_r a_r² ψ′(z_ir)ψ′(z_jr) (or (1/m) Σ_r ψ(z_ir)ψ(z_jr)) is
// an f64 value, not float32's (issue 12 §6: H to 1e-10). Each output's arithmetic is the same
// whatever range of outputs a call is given, so threads change no bit.
import {
  ACTIVATION_RELU, ACTIVATION_LEAKY_RELU, ACTIVATION_SOFTPLUS, ACTIVATION_SIGMOID, ACTIVATION_TANH, ACTIVATION_ERF,
  ACTIVATION_GELU, ACTIVATION_QUADRATIC, ACTIVATION_LINEAR,
} from "../activations/ids";
import { psi64, dpsi64 } from "../activations/scalar";
import { dots2x4, dotPairwiseF64 } from "../ntk/gram";

/**
 * Rows of X per block of preactivationsF64Rows: 48 rows of d = 1000 (188 KiB) stay in L2 while
 * every neuron pair streams past them once, instead of each pair reading all of X (4 MB at n = 1000).
 */
// @ts-ignore: decorator
@inline const INPUT_BLOCK_BYTES: usize = 192 << 10;

/**
 * ZT[r, i] = w_rᵀx_i (m×n f64, neuron-major as the f32 ZT = W Xᵀ of gemmNT) for the neurons r in
 * [rowStart, rowEnd), W m×d and X n×d f32. Each entry is dotPairwiseF64's sum (dots2x4 lanes add
 * in the same order), the very f64 value certifyRowMasks decides ReLU's doubtful signs with, so it
 * does not depend on the block that held it: any split of the neurons gives the same bits.
 */
export function preactivationsF64Rows(W: usize, X: usize, m: i32, n: i32, d: i32, ZT: usize, rowStart: i32, rowEnd: i32): void {
  const rowBytes = <usize>d << 2, zRow = <usize>n << 3;
  const block = max<i32>(4, <i32>(INPUT_BLOCK_BYTES / max<usize>(1, rowBytes)) & ~3);
  const pairedEnd = rowStart + ((rowEnd - rowStart) & ~1);
  for (let i0 = 0; i0 < n; i0 += block) {
    const i1 = min(n, i0 + block), vecEnd = i0 + ((i1 - i0) & ~3);
    for (let r = rowStart; r < rowEnd; r += 2) {
      const w = W + <usize>r * rowBytes, z = ZT + <usize>r * zRow;
      if (r < pairedEnd) {
        for (let i = i0; i < vecEnd; i += 4) dots2x4<f32>(w, rowBytes, X + <usize>i * rowBytes, rowBytes, d, z + (<usize>i << 3), zRow, 8);
        for (let i = vecEnd; i < i1; i++) {
          const x = X + <usize>i * rowBytes;
          store<f64>(z + (<usize>i << 3), dotPairwiseF64<f32>(w, x, d));
          store<f64>(z + zRow + (<usize>i << 3), dotPairwiseF64<f32>(w + rowBytes, x, d));
        }
      } else {
        for (let i = i0; i < i1; i++) store<f64>(z + (<usize>i << 3), dotPairwiseF64<f32>(w, X + <usize>i * rowBytes, d));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function featuresBody<T>(act: i32, derivative: bool, ZT: usize, m: i32, n: i32, a: usize, slope: f64, F: usize,
                                 colStart: i32, colEnd: i32): void {
  const rowBytes = <usize>m << 3;
  for (let i0 = colStart; i0 < colEnd; i0 += 4) {
    const i1 = min(colEnd, i0 + 4);
    for (let r = 0; r < m; r++) {
      const weight = a != 0 ? abs<f64>(<f64>load<f32>(a + (<usize>r << 2))) : 1.0;
      const z = ZT + (<usize>r * <usize>n) * sizeof<T>();
      for (let i = i0; i < i1; i++) {
        const zi = <f64>load<T>(z + <usize>i * sizeof<T>());
        const v = derivative ? dpsi64(act, zi, slope) : psi64(act, zi, slope);
        store<f64>(F + <usize>i * rowBytes + (<usize>r << 3), weight * v); // 1·v = v exactly when a = 0
      }
    }
  }
}

// @ts-ignore: decorator
@inline function featuresOf<T>(ZT: usize, m: i32, n: i32, a: usize, act: i32, slope: f64, dv: bool, F: usize,
                               colStart: i32, colEnd: i32): void {
  switch (act) {
    case ACTIVATION_RELU: featuresBody<T>(ACTIVATION_RELU, dv, ZT, m, n, a, slope, F, colStart, colEnd); break;
    case ACTIVATION_LEAKY_RELU: featuresBody<T>(ACTIVATION_LEAKY_RELU, dv, ZT, m, n, a, slope, F, colStart, colEnd); break;
    case ACTIVATION_SOFTPLUS: featuresBody<T>(ACTIVATION_SOFTPLUS, dv, ZT, m, n, a, slope, F, colStart, colEnd); break;
    case ACTIVATION_SIGMOID: featuresBody<T>(ACTIVATION_SIGMOID, dv, ZT, m, n, a, slope, F, colStart, colEnd); break;
    case ACTIVATION_TANH: featuresBody<T>(ACTIVATION_TANH, dv, ZT, m, n, a, slope, F, colStart, colEnd); break;
    case ACTIVATION_ERF: featuresBody<T>(ACTIVATION_ERF, dv, ZT, m, n, a, slope, F, colStart, colEnd); break;
    case ACTIVATION_GELU: featuresBody<T>(ACTIVATION_GELU, dv, ZT, m, n, a, slope, F, colStart, colEnd); break;
    case ACTIVATION_QUADRATIC: featuresBody<T>(ACTIVATION_QUADRATIC, dv, ZT, m, n, a, slope, F, colStart, colEnd); break;
    default: featuresBody<T>(ACTIVATION_LINEAR, dv, ZT, m, n, a, slope, F, colStart, colEnd);
  }
}

/**
 * The f64 feature rows of the empirical kernels, input-major (F is n×m f64): F[i, r] = |a_r|·ψ′(z_ir)
 * (derivative ≠ 0; a = 0 drops the factor) or ψ(z_ir) (derivative = 0), with ψ, ψ′ in f64
 * (activations/scalar.ts) of z read from ZT (m×n, f64 when zF64 ≠ 0, else f32), for the inputs i
 * in [colStart, colEnd). Then linearKernelRowsF64(F, n, m, G) gives G = Ψ′ᵀ diag(a²) Ψ′ (or Ψᵀ Ψ).
 */
export function denseFeatureRowsF64(ZT: usize, zF64: i32, m: i32, n: i32, a: usize, act: i32, slope: f64, derivative: i32,
                                    F: usize, colStart: i32, colEnd: i32): void {
  if (zF64 != 0) featuresOf<f64>(ZT, m, n, a, act, slope, derivative != 0, F, colStart, colEnd);
  else featuresOf<f32>(ZT, m, n, a, act, slope, derivative != 0, F, colStart, colEnd);
}
