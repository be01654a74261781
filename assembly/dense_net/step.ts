// The dense GD step for a smooth activation ψ (DESIGN §7.1, §5.1; issue 12 §2). Pre-activations
// are neuron-major as in the ReLU path: ZT is m×n, z_r = (z_1r … z_nr) contiguous. Every kernel takes
// the range of outputs it writes (rows r or inputs i), and each output's arithmetic — including its
// summation order — is the same whatever range holds it (row tails are padded into a v128 and take
// the lanes a full vector would), so splitting the ranges over threads changes no bit.
//
// A step (e = u − y, c = α·m^(−γ), η' = η·m^(2γ−1), DESIGN §7.1):
//   forward      u_i = c Σ_r a_r ψ(z_ir)                                  denseForwardColumns
//   coefficients D_ri = (η'/α)·m^(−γ)·a_r e_i ψ′(z_ir)  (scale passed in)  denseCoefficients
//   kernel space ZT ← ZT − D K, K = XXᵀ                                      gemmSubtractNN(D, K, …)
//   primal       W ← W − D X, then ZT = W Xᵀ                                 gemmSubtractNN(D, X, …), gemmNT
// The two GEMMs are assembly/linalg/gemm.ts's: D K and D X are exactly its W −= S X layout.
import { ACTIVATION_RELU, ACTIVATION_LEAKY_RELU, ACTIVATION_SOFTPLUS, ACTIVATION_SIGMOID, ACTIVATION_TANH, ACTIVATION_ERF, ACTIVATION_GELU, ACTIVATION_QUADRATIC, ACTIVATION_LINEAR } from "../activations/ids";
import { psiV, dpsiV, loadTail, storeTail } from "./activation";
import { lanesSum } from "../linalg/dot";

// ---- forward ------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function forwardBody(act: i32, ZT: usize, m: i32, n: i32, a: usize, c: f32, slope: f32, u: usize,
                             colStart: i32, colEnd: i32): void {
  const vecEnd = colStart + ((colEnd - colStart) & ~3);
  const tail = colEnd - vecEnd;
  for (let r = 0; r < m; r++) {
    const z = ZT + (<usize>r * <usize>n << 2);
    const coefficient = c * load<f32>(a + (<usize>r << 2));
    const cv = f32x4.splat(coefficient);
    for (let i = colStart; i < vecEnd; i += 4) {
      const off = <usize>i << 2;
      v128.store(u + off, f32x4.add(v128.load(u + off), f32x4.mul(cv, psiV(act, v128.load(z + off), slope))));
    }
    if (tail > 0) {
      const off = <usize>vecEnd << 2;
      storeTail(u + off, f32x4.add(loadTail(u + off, tail), f32x4.mul(cv, psiV(act, loadTail(z + off, tail), slope))), tail);
    }
  }
}

/**
 * u_i = c·Σ_r a_r ψ(z_ir) for the inputs i in [colStart, colEnd) (DESIGN §7.1, f = α m^(−γ) Σ a_r ψ(w_rᵀx)),
 * c = α·m^(−γ); each u_i sums its neurons in increasing r, adding (c·a_r)·ψ(z_ir) in f32.
 */
export function denseForwardColumns(ZT: usize, m: i32, n: i32, a: usize, c: f32, act: i32, slope: f32, u: usize,
                                    colStart: i32, colEnd: i32): void {
  if (colEnd <= colStart) return;
  memory.fill(u + (<usize>colStart << 2), 0, <usize>(colEnd - colStart) << 2);
  switch (act) {
    case ACTIVATION_RELU: forwardBody(ACTIVATION_RELU, ZT, m, n, a, c, slope, u, colStart, colEnd); break;
    case ACTIVATION_LEAKY_RELU: forwardBody(ACTIVATION_LEAKY_RELU, ZT, m, n, a, c, slope, u, colStart, colEnd); break;
    case ACTIVATION_SOFTPLUS: forwardBody(ACTIVATION_SOFTPLUS, ZT, m, n, a, c, slope, u, colStart, colEnd); break;
    case ACTIVATION_SIGMOID: forwardBody(ACTIVATION_SIGMOID, ZT, m, n, a, c, slope, u, colStart, colEnd); break;
    case ACTIVATION_TANH: forwardBody(ACTIVATION_TANH, ZT, m, n, a, c, slope, u, colStart, colEnd); break;
    case ACTIVATION_ERF: forwardBody(ACTIVATION_ERF, ZT, m, n, a, c, slope, u, colStart, colEnd); break;
    case ACTIVATION_GELU: forwardBody(ACTIVATION_GELU, ZT, m, n, a, c, slope, u, colStart, colEnd); break;
    case ACTIVATION_QUADRATIC: forwardBody(ACTIVATION_QUADRATIC, ZT, m, n, a, c, slope, u, colStart, colEnd); break;
    default: forwardBody(ACTIVATION_LINEAR, ZT, m, n, a, c, slope, u, colStart, colEnd);
  }
}

// @ts-ignore: decorator
@inline function forwardDerivativeBody(act: i32, ZT: usize, m: i32, n: i32, a: usize, c: f32, slope: f32, u: usize, P: usize,
                                       colStart: i32, colEnd: i32): void {
  const vecEnd = colStart + ((colEnd - colStart) & ~3);
  const tail = colEnd - vecEnd;
  for (let r = 0; r < m; r++) {
    const rowOff = <usize>r * <usize>n << 2;
    const z = ZT + rowOff, p = P + rowOff;
    const cv = f32x4.splat(c * load<f32>(a + (<usize>r << 2)));
    for (let i = colStart; i < vecEnd; i += 4) {
      const off = <usize>i << 2;
      const zi = v128.load(z + off);
      // ψ and ψ′ of the same z in one body: their common subexpressions (e^(−2|z|) and 1/(1 + E)
      // for tanh) are computed once.
      v128.store(u + off, f32x4.add(v128.load(u + off), f32x4.mul(cv, psiV(act, zi, slope))));
      v128.store(p + off, dpsiV(act, zi, slope));
    }
    if (tail > 0) {
      const off = <usize>vecEnd << 2;
      const zi = loadTail(z + off, tail);
      storeTail(u + off, f32x4.add(loadTail(u + off, tail), f32x4.mul(cv, psiV(act, zi, slope))), tail);
      storeTail(p + off, dpsiV(act, zi, slope), tail);
    }
  }
}

/**
 * denseForwardColumns fused with ψ′: also P[r, i] = ψ′(z_ir) (P m×n like ZT) for the inputs i in
 * [colStart, colEnd), for denseScaleCoefficients to turn into D once e is known. u gets the very
 * bits of denseForwardColumns.
 */
export function denseForwardDerivativeColumns(ZT: usize, m: i32, n: i32, a: usize, c: f32, act: i32, slope: f32, u: usize, P: usize,
                                              colStart: i32, colEnd: i32): void {
  if (colEnd <= colStart) return;
  memory.fill(u + (<usize>colStart << 2), 0, <usize>(colEnd - colStart) << 2);
  switch (act) {
    case ACTIVATION_RELU: forwardDerivativeBody(ACTIVATION_RELU, ZT, m, n, a, c, slope, u, P, colStart, colEnd); break;
    case ACTIVATION_LEAKY_RELU: forwardDerivativeBody(ACTIVATION_LEAKY_RELU, ZT, m, n, a, c, slope, u, P, colStart, colEnd); break;
    case ACTIVATION_SOFTPLUS: forwardDerivativeBody(ACTIVATION_SOFTPLUS, ZT, m, n, a, c, slope, u, P, colStart, colEnd); break;
    case ACTIVATION_SIGMOID: forwardDerivativeBody(ACTIVATION_SIGMOID, ZT, m, n, a, c, slope, u, P, colStart, colEnd); break;
    case ACTIVATION_TANH: forwardDerivativeBody(ACTIVATION_TANH, ZT, m, n, a, c, slope, u, P, colStart, colEnd); break;
    case ACTIVATION_ERF: forwardDerivativeBody(ACTIVATION_ERF, ZT, m, n, a, c, slope, u, P, colStart, colEnd); break;
    case ACTIVATION_GELU: forwardDerivativeBody(ACTIVATION_GELU, ZT, m, n, a, c, slope, u, P, colStart, colEnd); break;
    case ACTIVATION_QUADRATIC: forwardDerivativeBody(ACTIVATION_QUADRATIC, ZT, m, n, a, c, slope, u, P, colStart, colEnd); break;
    default: forwardDerivativeBody(ACTIVATION_LINEAR, ZT, m, n, a, c, slope, u, P, colStart, colEnd);
  }
}

/**
 * D_ri = (scale·a_r)·(e_i·D_ri) in place, D holding ψ′(z_ir) from denseForwardDerivativeColumns
 * (the bits of denseCoefficients), and S[r, :] += D[r, :] in the same pass when S ≠ 0, for the
 * neurons r in [rowStart, rowEnd) (DESIGN §7.1, §5.1).
 */
export function denseScaleCoefficients(D: usize, S: usize, m: i32, n: i32, a: usize, e: usize, scale: f32,
                                       rowStart: i32, rowEnd: i32): void {
  const vecEnd = n & ~3, tail = n - vecEnd;
  for (let r = rowStart; r < rowEnd; r++) {
    const rowOff = <usize>r * <usize>n << 2;
    const out = D + rowOff, acc = S + rowOff;
    const cv = f32x4.splat(scale * load<f32>(a + (<usize>r << 2)));
    for (let i = 0; i < vecEnd; i += 4) {
      const off = <usize>i << 2;
      const v = f32x4.mul(cv, f32x4.mul(v128.load(e + off), v128.load(out + off)));
      v128.store(out + off, v);
      if (S != 0) v128.store(acc + off, f32x4.add(v128.load(acc + off), v));
    }
    if (tail > 0) {
      const off = <usize>vecEnd << 2;
      const v = f32x4.mul(cv, f32x4.mul(loadTail(e + off, tail), loadTail(out + off, tail)));
      storeTail(out + off, v, tail);
      if (S != 0) storeTail(acc + off, f32x4.add(loadTail(acc + off, tail), v), tail);
    }
  }
}

// ---- gradient coefficients ----------------------------------------------------------------------

// @ts-ignore: decorator
@inline function coefficientsBody(act: i32, ZT: usize, D: usize, n: i32, a: usize, e: usize, scale: f32, slope: f32,
                                  rowStart: i32, rowEnd: i32): void {
  const vecEnd = n & ~3, tail = n - vecEnd;
  for (let r = rowStart; r < rowEnd; r++) {
    const rowOff = <usize>r * <usize>n << 2;
    const z = ZT + rowOff, out = D + rowOff;
    const cv = f32x4.splat(scale * load<f32>(a + (<usize>r << 2)));
    for (let i = 0; i < vecEnd; i += 4) {
      const off = <usize>i << 2;
      v128.store(out + off, f32x4.mul(cv, f32x4.mul(v128.load(e + off), dpsiV(act, v128.load(z + off), slope))));
    }
    if (tail > 0) {
      const off = <usize>vecEnd << 2;
      storeTail(out + off, f32x4.mul(cv, f32x4.mul(loadTail(e + off, tail), dpsiV(act, loadTail(z + off, tail), slope))), tail);
    }
  }
}

/**
 * D_ri = (scale·a_r)·(e_i·ψ′(z_ir)) for the neurons r in [rowStart, rowEnd) (D is m×n like ZT): the
 * gradient's coefficients, ∂L/∂w_r = (1/α) m^(−γ) a_r Σ_i e_i ψ′(z_ir) x_i (DESIGN §7.1); with
 * scale = η'·(1/α)·m^(−γ) the step is W ← W − D X, or ZT ← ZT − D K in kernel space.
 */
export function denseCoefficients(ZT: usize, D: usize, m: i32, n: i32, a: usize, e: usize, scale: f32, act: i32, slope: f32,
                                  rowStart: i32, rowEnd: i32): void {
  switch (act) {
    case ACTIVATION_RELU: coefficientsBody(ACTIVATION_RELU, ZT, D, n, a, e, scale, slope, rowStart, rowEnd); break;
    case ACTIVATION_LEAKY_RELU: coefficientsBody(ACTIVATION_LEAKY_RELU, ZT, D, n, a, e, scale, slope, rowStart, rowEnd); break;
    case ACTIVATION_SOFTPLUS: coefficientsBody(ACTIVATION_SOFTPLUS, ZT, D, n, a, e, scale, slope, rowStart, rowEnd); break;
    case ACTIVATION_SIGMOID: coefficientsBody(ACTIVATION_SIGMOID, ZT, D, n, a, e, scale, slope, rowStart, rowEnd); break;
    case ACTIVATION_TANH: coefficientsBody(ACTIVATION_TANH, ZT, D, n, a, e, scale, slope, rowStart, rowEnd); break;
    case ACTIVATION_ERF: coefficientsBody(ACTIVATION_ERF, ZT, D, n, a, e, scale, slope, rowStart, rowEnd); break;
    case ACTIVATION_GELU: coefficientsBody(ACTIVATION_GELU, ZT, D, n, a, e, scale, slope, rowStart, rowEnd); break;
    case ACTIVATION_QUADRATIC: coefficientsBody(ACTIVATION_QUADRATIC, ZT, D, n, a, e, scale, slope, rowStart, rowEnd); break;
    default: coefficientsBody(ACTIVATION_LINEAR, ZT, D, n, a, e, scale, slope, rowStart, rowEnd);
  }
}

// ---- output layer -------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function outputGradientBody(act: i32, ZT: usize, n: i32, e: usize, scale: f32, slope: f32, g: usize,
                                    rowStart: i32, rowEnd: i32): void {
  const vecEnd = n & ~3, tail = n - vecEnd;
  for (let r = rowStart; r < rowEnd; r++) {
    const z = ZT + (<usize>r * <usize>n << 2);
    let acc = f32x4.splat(0);
    for (let i = 0; i < vecEnd; i += 4) {
      const off = <usize>i << 2;
      acc = f32x4.add(acc, f32x4.mul(v128.load(e + off), psiV(act, v128.load(z + off), slope)));
    }
    if (tail > 0) {
      const off = <usize>vecEnd << 2;
      acc = f32x4.add(acc, f32x4.mul(loadTail(e + off, tail), psiV(act, loadTail(z + off, tail), slope)));
    }
    store<f32>(g + (<usize>r << 2), scale * lanesSum(acc));
  }
}

/**
 * g_r = scale·Σ_i e_i ψ(z_ir) for r in [rowStart, rowEnd): the output layer's gradient
 * ∂L/∂a_r = (1/α)·m^(−γ)·Σ_i e_i ψ(z_ir) (DESIGN §7.1) with scale = (1/α)·m^(−γ).
 */
export function denseOutputGradient(ZT: usize, m: i32, n: i32, e: usize, scale: f32, act: i32, slope: f32, g: usize,
                                    rowStart: i32, rowEnd: i32): void {
  switch (act) {
    case ACTIVATION_RELU: outputGradientBody(ACTIVATION_RELU, ZT, n, e, scale, slope, g, rowStart, rowEnd); break;
    case ACTIVATION_LEAKY_RELU: outputGradientBody(ACTIVATION_LEAKY_RELU, ZT, n, e, scale, slope, g, rowStart, rowEnd); break;
    case ACTIVATION_SOFTPLUS: outputGradientBody(ACTIVATION_SOFTPLUS, ZT, n, e, scale, slope, g, rowStart, rowEnd); break;
    case ACTIVATION_SIGMOID: outputGradientBody(ACTIVATION_SIGMOID, ZT, n, e, scale, slope, g, rowStart, rowEnd); break;
    case ACTIVATION_TANH: outputGradientBody(ACTIVATION_TANH, ZT, n, e, scale, slope, g, rowStart, rowEnd); break;
    case ACTIVATION_ERF: outputGradientBody(ACTIVATION_ERF, ZT, n, e, scale, slope, g, rowStart, rowEnd); break;
    case ACTIVATION_GELU: outputGradientBody(ACTIVATION_GELU, ZT, n, e, scale, slope, g, rowStart, rowEnd); break;
    case ACTIVATION_QUADRATIC: outputGradientBody(ACTIVATION_QUADRATIC, ZT, n, e, scale, slope, g, rowStart, rowEnd); break;
    default: outputGradientBody(ACTIVATION_LINEAR, ZT, n, e, scale, slope, g, rowStart, rowEnd);
  }
}

// ---- Gram matrix at the current weights ---------------------------------------------------------

// @ts-ignore: decorator
@inline function featuresBody(act: i32, derivative: bool, ZT: usize, m: i32, n: i32, a: usize, slope: f32, BT: usize,
                              colStart: i32, colEnd: i32): void {
  const rowBytes = <usize>m << 2;
  for (let i = colStart; i < colEnd; i += 4) {
    const count = min(4, colEnd - i);
    const out = BT + <usize>i * rowBytes;
    for (let r = 0; r < m; r++) {
      const zp = ZT + ((<usize>r * <usize>n + <usize>i) << 2);
      const z = count == 4 ? v128.load(zp) : loadTail(zp, count);
      let v = derivative ? dpsiV(act, z, slope) : psiV(act, z, slope);
      if (a != 0) v = f32x4.mul(v, f32x4.splat(abs<f32>(load<f32>(a + (<usize>r << 2)))));
      const o = out + (<usize>r << 2);
      store<f32>(o, f32x4.extract_lane(v, 0));
      if (count > 1) store<f32>(o + rowBytes, f32x4.extract_lane(v, 1));
      if (count > 2) store<f32>(o + 2 * rowBytes, f32x4.extract_lane(v, 2));
      if (count > 3) store<f32>(o + 3 * rowBytes, f32x4.extract_lane(v, 3));
    }
  }
}

/**
 * The feature rows of the empirical kernels, input-major (BT is n×m): BT[i, r] = |a_r|·ψ′(z_ir)
 * (derivative ≠ 0; a = 0 drops the factor) or ψ(z_ir) (derivative = 0), for the inputs i in
 * [colStart, colEnd) (colStart a multiple of 4). Then linearKernel(BT, n, m, G) gives, in f64,
 * G = Ψ′ᵀ diag(a²) Ψ′ (or Ψᵀ Ψ) and denseGramCombine H = K ∘ G/m (DESIGN §7.1).
 */
export function denseFeatureRows(ZT: usize, m: i32, n: i32, a: usize, act: i32, slope: f32, derivative: i32, BT: usize,
                                 colStart: i32, colEnd: i32): void {
  const dv = derivative != 0;
  switch (act) {
    case ACTIVATION_RELU: featuresBody(ACTIVATION_RELU, dv, ZT, m, n, a, slope, BT, colStart, colEnd); break;
    case ACTIVATION_LEAKY_RELU: featuresBody(ACTIVATION_LEAKY_RELU, dv, ZT, m, n, a, slope, BT, colStart, colEnd); break;
    case ACTIVATION_SOFTPLUS: featuresBody(ACTIVATION_SOFTPLUS, dv, ZT, m, n, a, slope, BT, colStart, colEnd); break;
    case ACTIVATION_SIGMOID: featuresBody(ACTIVATION_SIGMOID, dv, ZT, m, n, a, slope, BT, colStart, colEnd); break;
    case ACTIVATION_TANH: featuresBody(ACTIVATION_TANH, dv, ZT, m, n, a, slope, BT, colStart, colEnd); break;
    case ACTIVATION_ERF: featuresBody(ACTIVATION_ERF, dv, ZT, m, n, a, slope, BT, colStart, colEnd); break;
    case ACTIVATION_GELU: featuresBody(ACTIVATION_GELU, dv, ZT, m, n, a, slope, BT, colStart, colEnd); break;
    case ACTIVATION_QUADRATIC: featuresBody(ACTIVATION_QUADRATIC, dv, ZT, m, n, a, slope, BT, colStart, colEnd); break;
    default: featuresBody(ACTIVATION_LINEAR, dv, ZT, m, n, a, slope, BT, colStart, colEnd);
  }
}

/**
 * H_ij = K_ij·(G_ij/m) (first layer, H = K ∘ Ψ′ᵀdiag(a²)Ψ′/m) or, with K = 0, H_ij = G_ij/m (the
 * output layer's Ψᵀ Ψ/m), f64 n×n, for rows i in [rowStart, rowEnd); H may alias G (DESIGN §7.1).
 * G/m first: for ψ linear and a = ±1, G_ij = m exactly and H = K bit for bit.
 */
export function denseGramCombine(K: usize, G: usize, n: i32, m: f64, H: usize, rowStart: i32, rowEnd: i32): void {
  const begin = <usize>rowStart * <usize>n, end = <usize>rowEnd * <usize>n;
  for (let k = begin; k < end; k++) {
    const off = k << 3;
    const g = load<f64>(G + off) / m;
    store<f64>(H + off, K != 0 ? load<f64>(K + off) * g : g);
  }
}

// ---- how far ψ′ moved ---------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function changeBody(act: i32, ZT: usize, ZT0: usize, n: i32, slope: f32, rowSums: usize, rowStart: i32, rowEnd: i32): void {
  for (let r = rowStart; r < rowEnd; r++) {
    const rowOff = <usize>r * <usize>n << 2;
    const z = ZT + rowOff, z0 = ZT0 + rowOff;
    let c01 = f64x2.splat(0), c23 = f64x2.splat(0), b01 = f64x2.splat(0), b23 = f64x2.splat(0);
    for (let i = 0; i < n; i += 4) {
      const off = <usize>i << 2;
      const count = min(4, n - i);
      const p0 = dpsiV(act, count == 4 ? v128.load(z0 + off) : loadTail(z0 + off, count), slope);
      const p = dpsiV(act, count == 4 ? v128.load(z + off) : loadTail(z + off, count), slope);
      // Lanes past the row's end hold ψ′(0) − ψ′(0) = 0 in the difference; clear them in the base.
      const lanes = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count));
      const diff = f32x4.sub(p, p0), base = v128.and(p0, lanes);
      const dLo = f64x2.promote_low_f32x4(diff), dHi = f64x2.promote_low_f32x4(v128.shuffle<f32>(diff, diff, 2, 3, 0, 1));
      const bLo = f64x2.promote_low_f32x4(base), bHi = f64x2.promote_low_f32x4(v128.shuffle<f32>(base, base, 2, 3, 0, 1));
      c01 = f64x2.add(c01, f64x2.mul(dLo, dLo)); c23 = f64x2.add(c23, f64x2.mul(dHi, dHi));
      b01 = f64x2.add(b01, f64x2.mul(bLo, bLo)); b23 = f64x2.add(b23, f64x2.mul(bHi, bHi));
    }
    const c = f64x2.add(c01, c23), b = f64x2.add(b01, b23);
    const out = rowSums + (<usize>r << 4);
    store<f64>(out, f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1));
    store<f64>(out, f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1), 8);
  }
}

/**
 * For each neuron r in [rowStart, rowEnd): rowSums[2r] = Σ_i (ψ′(z_ir) − ψ′(z⁰_ir))², rowSums[2r+1] =
 * Σ_i ψ′(z⁰_ir)² (f64). Summed over r they give ‖ψ′(Z(k)) − ψ′(Z(0))‖²_F and ‖ψ′(Z(0))‖²_F, whose
 * root ratio is the smooth analogue of the pattern-change fraction (issue 12 §2).
 */
export function derivativeChangeRows(ZT: usize, ZT0: usize, m: i32, n: i32, act: i32, slope: f32, rowSums: usize,
                                     rowStart: i32, rowEnd: i32): void {
  switch (act) {
    case ACTIVATION_RELU: changeBody(ACTIVATION_RELU, ZT, ZT0, n, slope, rowSums, rowStart, rowEnd); break;
    case ACTIVATION_LEAKY_RELU: changeBody(ACTIVATION_LEAKY_RELU, ZT, ZT0, n, slope, rowSums, rowStart, rowEnd); break;
    case ACTIVATION_SOFTPLUS: changeBody(ACTIVATION_SOFTPLUS, ZT, ZT0, n, slope, rowSums, rowStart, rowEnd); break;
    case ACTIVATION_SIGMOID: changeBody(ACTIVATION_SIGMOID, ZT, ZT0, n, slope, rowSums, rowStart, rowEnd); break;
    case ACTIVATION_TANH: changeBody(ACTIVATION_TANH, ZT, ZT0, n, slope, rowSums, rowStart, rowEnd); break;
    case ACTIVATION_ERF: changeBody(ACTIVATION_ERF, ZT, ZT0, n, slope, rowSums, rowStart, rowEnd); break;
    case ACTIVATION_GELU: changeBody(ACTIVATION_GELU, ZT, ZT0, n, slope, rowSums, rowStart, rowEnd); break;
    case ACTIVATION_QUADRATIC: changeBody(ACTIVATION_QUADRATIC, ZT, ZT0, n, slope, rowSums, rowStart, rowEnd); break;
    default: changeBody(ACTIVATION_LINEAR, ZT, ZT0, n, slope, rowSums, rowStart, rowEnd);
  }
}
