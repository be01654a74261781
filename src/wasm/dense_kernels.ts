// Typed view of the dense-step kernels (assembly/dense_net/): the GD step for a smooth activation ψ
// (DESIGN §7.1). Shapes as in kernels.ts: ZT and D are m×n neuron-major f32, K n×n f32, BT n×m f32,
// G and H n×n f64. Every kernel writes only the range of outputs it is given, and an output's bits
// do not depend on the range, so threads may split the ranges freely.


export interface DenseKernels {
  /** out[k] = ψ(z[k]) (derivative 0) or ψ′(z[k]) (derivative 1), k < count; slope: leaky ReLU's negative slope. */
  applyActivation(act: number, derivative: number, slope: number, z: number, out: number, count: number): void;
  /** u_i = c·Σ_r a_r ψ(z_ir) for inputs i in [colStart, colEnd) (c = α·m^(−γ)); sums in increasing r. */
  denseForwardColumns(ZT: number, m: number, n: number, a: number, c: number, act: number, slope: number, u: number,
    colStart: number, colEnd: number): void;
  /** denseForwardColumns plus P[r, i] = ψ′(z_ir) (m×n) for the same inputs, ψ and ψ′ sharing their common work. */
  denseForwardDerivativeColumns(ZT: number, m: number, n: number, a: number, c: number, act: number, slope: number, u: number,
    P: number, colStart: number, colEnd: number): void;
  /** D_ri = (scale·a_r)·(e_i·D_ri) in place (D = ψ′ from denseForwardDerivativeColumns), and S += D when S ≠ 0, neurons r in [rowStart, rowEnd). */
  denseScaleCoefficients(D: number, S: number, m: number, n: number, a: number, e: number, scale: number,
    rowStart: number, rowEnd: number): void;
  /** D_ri = (scale·a_r)·(e_i·ψ′(z_ir)) for neurons r in [rowStart, rowEnd). */
  denseCoefficients(ZT: number, D: number, m: number, n: number, a: number, e: number, scale: number, act: number,
    slope: number, rowStart: number, rowEnd: number): void;
  /** g_r = scale·Σ_i e_i ψ(z_ir) for r in [rowStart, rowEnd) (the output layer's gradient). */
  denseOutputGradient(ZT: number, m: number, n: number, e: number, scale: number, act: number, slope: number, g: number,
    rowStart: number, rowEnd: number): void;
  /** BT[i, r] = |a_r| ψ′(z_ir) (derivative 1; a = 0: no factor) or ψ(z_ir) (derivative 0), inputs i in [colStart, colEnd), colStart ≡ 0 mod 4. */
  denseFeatureRows(ZT: number, m: number, n: number, a: number, act: number, slope: number, derivative: number, BT: number,
    colStart: number, colEnd: number): void;
  /** ZT[r, i] = w_rᵀx_i in f64 (m×n f64; W m×d, X n×d f32) for neurons r in [rowStart, rowEnd), any split (assembly/dense_net/gram.ts). */
  preactivationsF64Rows(W: number, X: number, m: number, n: number, d: number, ZT: number, rowStart: number, rowEnd: number): void;
  /** F[i, r] = |a_r| ψ′(z_ir) (a = 0: no factor) or ψ(z_ir) in f64 (F n×m f64) from ZT m×n (f64 if zF64 ≠ 0, else f32), inputs i in [colStart, colEnd). */
  denseFeatureRowsF64(ZT: number, zF64: number, m: number, n: number, a: number, act: number, slope: number, derivative: number,
    F: number, colStart: number, colEnd: number): void;
  /** H_ij = K_ij·(G_ij/m), or G_ij/m with K = 0, for rows i in [rowStart, rowEnd) (f64; H may alias G). */
  denseGramCombine(K: number, G: number, n: number, m: number, H: number, rowStart: number, rowEnd: number): void;
  /** rowSums[2r] = Σ_i (ψ′(z_ir) − ψ′(z⁰_ir))², rowSums[2r+1] = Σ_i ψ′(z⁰_ir)² (f64), r in [rowStart, rowEnd). */
  derivativeChangeRows(ZT: number, ZT0: number, m: number, n: number, act: number, slope: number, rowSums: number,
    rowStart: number, rowEnd: number): void;
}
